import { HttpErrorResponse } from '@angular/common/http';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { ToastService } from './toast.service';
import { ToastsComponent } from './toasts.component';

describe('ToastsComponent', () => {
  beforeEach(() => TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection()] }));

  it("shows the server's error message as an alert, and dismisses it", async () => {
    const fixture = TestBed.createComponent(ToastsComponent);
    const toasts = TestBed.inject(ToastService);
    toasts.error(new HttpErrorResponse({ status: 422, error: { error: { code: 'invalid_input', message: 'width must be a multiple of 8' } } }));
    await fixture.whenStable();
    const alert: HTMLElement | null = fixture.nativeElement.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('width must be a multiple of 8');
    alert?.querySelector('button')?.click();
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('[role="alert"]')).toBeNull();
  });

  it('makes the pricing page a 402 names a link', async () => {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const fixture = TestBed.createComponent(ToastsComponent);
    TestBed.inject(ToastService).error(new HttpErrorResponse({ status: 402, error: { error: { code: 'payment_required', message: 'Your Trial plan ended on 2025-01-08, so runs are paused: choose a plan at /pricing' } } }));
    await fixture.whenStable();
    const link: HTMLAnchorElement | null = fixture.nativeElement.querySelector('[role="alert"] a');
    expect(link?.getAttribute('href')).toBe('/pricing');
    expect(fixture.nativeElement.querySelector('[role="alert"]')?.textContent).toContain('runs are paused: choose a plan at /pricing');
  });

  it('says so when the server cannot be reached', () => {
    const toasts = TestBed.inject(ToastService);
    toasts.error(new HttpErrorResponse({ status: 0 }));
    expect(toasts.toasts()[0]?.text).toContain('cannot be reached');
  });
});
