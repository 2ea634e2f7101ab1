import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Subject } from 'rxjs';
import { LiveEventsService } from '../core/live-events.service';
import { GenerateDraftService } from './generate-draft.service';
import { GenerateComponent } from './generate.component';

const MODEL = { key: 'tiny', name: 'Tiny', base: 'sd-1', type: 'main', format: 'onnx', sizeBytes: 1, description: '' };

describe('GenerateComponent', () => {
  const fakeEvents = { on: () => new Subject(), reconnected$: new Subject<void>() };

  beforeEach(() =>
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideRouter([]), provideHttpClient(), provideHttpClientTesting(), { provide: LiveEventsService, useValue: fakeEvents }],
    }),
  );

  it('starts from parameters handed over by "use these parameters"', async () => {
    TestBed.inject(GenerateDraftService).offer({ prompt: 'from an image', steps: 4, seed: 99, seedLocked: true, model: 'tiny' });
    const fixture = TestBed.createComponent(GenerateComponent);
    TestBed.inject(HttpTestingController).expectOne((request) => request.url === '/api/v1/models').flush({ items: [MODEL], total: 1, limit: 100, offset: 0 });
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    expect(element.querySelector<HTMLTextAreaElement>('textarea[name="prompt"]')?.value).toBe('from an image');
    expect(element.querySelector<HTMLInputElement>('input[name="steps"]')?.value).toBe('4');
    expect(element.querySelector<HTMLInputElement>('input[name="seedLocked"]')?.checked).toBeTrue();
    expect(TestBed.inject(GenerateDraftService).take()).toBeNull();
  });

  it("shows a 422's issues next to their fields", async () => {
    const fixture = TestBed.createComponent(GenerateComponent);
    const backend = TestBed.inject(HttpTestingController);
    backend.expectOne((request) => request.url === '/api/v1/models').flush({ items: [MODEL], total: 1, limit: 100, offset: 0 });
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    element.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    const sent = backend.expectOne('/api/v1/queue/default/generate');
    expect(sent.request.body).toEqual(jasmine.objectContaining({ model: 'tiny', width: 512, height: 512 }));
    sent.flush(
      { error: { code: 'invalid_input', message: 'bad', issues: [{ field: 'width', code: 'too_many_pixels', message: 'Too many pixels for this server.' }] } },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
    const width = element.querySelector('input[name="width"]')!.closest('label')!;
    expect(width.querySelector('.error-text')?.textContent).toContain('Too many pixels for this server.');
    expect(width.querySelector('input')?.getAttribute('aria-invalid')).toBe('true');
    backend.verify();
  });
});
