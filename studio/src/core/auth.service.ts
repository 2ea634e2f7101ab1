import { HttpBackend, HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { type Observable, finalize, firstValueFrom, map, shareReplay } from 'rxjs';
import { API_BASE, type Session } from './api-types';

const STORAGE_KEY = 'pinksea.session';

/** What is kept of the server's session between reloads. */
type StoredSession = Pick<Session, 'accessToken' | 'refreshToken' | 'user'>;

/**
 * Who is signed in. The session (access and refresh token, user) lives in localStorage so a reload
 * keeps it; the access token is refreshed once, shared, when the API answers 401.
 */
@Injectable({ providedIn: 'root' })
export class AuthService {
  // Auth calls bypass the interceptors: a refresh must never trigger a refresh.
  private readonly http = new HttpClient(inject(HttpBackend));
  private readonly session = signal<StoredSession | null>(readStored());
  private refreshing: Observable<string> | null = null;

  readonly user = computed(() => this.session()?.user ?? null);
  readonly token = computed(() => this.session()?.accessToken ?? null);
  readonly signedIn = computed(() => this.session() !== null);

  async login(email: string, password: string): Promise<void> {
    this.store(await firstValueFrom(this.http.post<Session>(`${API_BASE}/auth/login`, { email, password })));
  }

  async register(email: string, password: string, displayName: string): Promise<void> {
    this.store(await firstValueFrom(this.http.post<Session>(`${API_BASE}/auth/register`, { email, password, displayName })));
  }

  async logout(): Promise<void> {
    const refreshToken = this.session()?.refreshToken;
    this.store(null);
    if (refreshToken) await firstValueFrom(this.http.post(`${API_BASE}/auth/logout`, { refreshToken })).catch(() => undefined);
  }

  /** A fresh access token; concurrent callers share one request. Signs out when it fails. */
  refresh(): Observable<string> {
    const refreshToken = this.session()?.refreshToken;
    if (!refreshToken) throw new Error('Your session has ended. Please sign in again.');
    this.refreshing ??= this.http.post<Session>(`${API_BASE}/auth/refresh`, { refreshToken }).pipe(
      map((session) => {
        this.store(session);
        return session.accessToken;
      }),
      finalize(() => (this.refreshing = null)),
      shareReplay({ bufferSize: 1, refCount: false }),
    );
    return this.refreshing;
  }

  /** Forgets the session without telling the server (its refresh token was refused). */
  expire(): void {
    this.store(null);
  }

  private store(session: Session | null): void {
    const stored = session && { accessToken: session.accessToken, refreshToken: session.refreshToken, user: session.user };
    this.session.set(stored);
    if (stored) localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
    else localStorage.removeItem(STORAGE_KEY);
  }
}

function readStored(): StoredSession | null {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (typeof parsed === 'object' && parsed !== null && 'accessToken' in parsed && 'refreshToken' in parsed && 'user' in parsed) {
      return parsed as StoredSession;
    }
  } catch {
    // A corrupt entry is as good as none.
  }
  return null;
}
