import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { AutomationListItem } from '../core/api-types';
import { AutomationsComponent } from './automations.component';

function item(id: string, name: string, extra: Partial<AutomationListItem> = {}): AutomationListItem {
  return {
    id,
    ownerId: 'u1',
    workflowId: `w-${id}`,
    name,
    version: 1,
    followLatest: true,
    enabled: true,
    triggers: [{ kind: 'event', nodeId: 'on', event: 'automation.failed', boardId: null, automationId: 'a2' }],
    webhookPath: null,
    hasWebhookSecret: false,
    retry: { attempts: 0, backoffSeconds: 30 },
    errorAutomationId: null,
    keepRuns: { days: 30, count: 10_000 },
    nextFireAt: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    schedules: [],
    lastRun: null,
    lastDay: Array.from({ length: 24 }, (_, hour) => ({ succeeded: hour === 23 ? 2 : 0, failed: hour === 23 ? 1 : 0, other: 0 })),
    ...extra,
  };
}

const page = (items: AutomationListItem[]) => ({ items, total: items.length, limit: 50, offset: 0 });

describe('AutomationsComponent', () => {
  beforeEach(() => TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), provideRouter([])] }));

  async function render(items: AutomationListItem[]) {
    const fixture = TestBed.createComponent(AutomationsComponent);
    const backend = TestBed.inject(HttpTestingController);
    for (const request of backend.match((each) => each.url === '/api/v1/automations')) request.flush(page(items));
    await fixture.whenStable();
    return { fixture, backend, element: fixture.nativeElement as HTMLElement };
  }

  it('lists automations by name, an event trigger naming the automation it listens to, and a day of runs', async () => {
    const { element } = await render([item('a1', 'Alert on failure'), item('a2', 'Nightly thumbnails', { triggers: [{ kind: 'manual', nodeId: 'go' }] })]);
    const rows = Array.from(element.querySelectorAll<HTMLElement>('[data-testid="automation-row"]'));
    expect(rows.map((row) => row.querySelector('[data-testid="automation-name"]')?.textContent?.trim())).toEqual(['Alert on failure', 'Nightly thumbnails']);
    expect(rows[0]!.textContent).toContain('when “Nightly thumbnails” fails');
    expect(rows[0]!.textContent).not.toContain('a2');
    const sparkline = rows[0]!.querySelector('[data-testid="sparkline"]')!;
    expect(sparkline.getAttribute('aria-label')).toBe('Last 24 hours: 2 succeeded, 1 failed, 0 other');
    expect(sparkline.querySelectorAll('rect.failed').length).toBe(1);
  });

  it('switches an automation off with PATCH enabled', async () => {
    const { fixture, backend, element } = await render([item('a1', 'Alert on failure')]);
    const toggle = element.querySelector<HTMLInputElement>('input[role="switch"]')!;
    toggle.click();
    const patch = backend.expectOne((request) => request.method === 'PATCH' && request.url === '/api/v1/automations/a1');
    expect(patch.request.body).toEqual({ enabled: false });
    patch.flush(item('a1', 'Alert on failure', { enabled: false }));
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="automation-row"]')!.classList).toContain('off');
  });

  it('says how to make one when there is none', async () => {
    const { element } = await render([]);
    expect(element.querySelector('[data-testid="automations-empty"]')?.textContent).toContain('Make automation…');
  });
});
