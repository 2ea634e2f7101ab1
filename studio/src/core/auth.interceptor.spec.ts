import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { authInterceptor } from './auth.interceptor';
import { AuthService } from './auth.service';

const USER = { id: 'u1', email: 'a@example.com', displayName: 'Ada', role: 'user', plan: 'trial', createdAt: '2026-01-01T00:00:00Z' };

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;

  beforeEach(() => {
    localStorage.setItem('pinksea.session', JSON.stringify({ accessToken: 'old', refreshToken: 'r1', user: USER }));
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideRouter([]), provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
  });
  afterEach(() => {
    backend.verify();
    localStorage.removeItem('pinksea.session');
  });

  it('sends the access token to the API only', async () => {
    const api = firstValueFrom(http.get('/api/v1/models'));
    const sent = backend.expectOne('/api/v1/models');
    expect(sent.request.headers.get('Authorization')).toBe('Bearer old');
    sent.flush({});
    await api;
    const other = firstValueFrom(http.get('/elsewhere'));
    const request = backend.expectOne('/elsewhere');
    expect(request.request.headers.has('Authorization')).toBeFalse();
    request.flush({});
    await other;
  });

  it('refreshes once on 401 and retries with the new token', async () => {
    const result = firstValueFrom(http.get<{ ok: boolean }>('/api/v1/images'));
    backend.expectOne('/api/v1/images').flush({ error: { message: 'expired' } }, { status: 401, statusText: 'Unauthorized' });
    const refresh = backend.expectOne('/api/v1/auth/refresh');
    expect(refresh.request.body).toEqual({ refreshToken: 'r1' });
    refresh.flush({ accessToken: 'new', refreshToken: 'r2', expiresIn: 900, user: USER });
    const retried = backend.expectOne('/api/v1/images');
    expect(retried.request.headers.get('Authorization')).toBe('Bearer new');
    retried.flush({ ok: true });
    expect(await result).toEqual({ ok: true });
    expect(TestBed.inject(AuthService).token()).toBe('new');
  });

  it('signs out when the refresh is refused', async () => {
    const result = firstValueFrom(http.get('/api/v1/images')).catch((error: unknown) => error);
    backend.expectOne('/api/v1/images').flush({}, { status: 401, statusText: 'Unauthorized' });
    backend.expectOne('/api/v1/auth/refresh').flush({ error: { message: 'revoked' } }, { status: 401, statusText: 'Unauthorized' });
    await result;
    expect(TestBed.inject(AuthService).signedIn()).toBeFalse();
    expect(localStorage.getItem('pinksea.session')).toBeNull();
  });
});
