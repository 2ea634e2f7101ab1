import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { AutomationListItem, Page } from '../core/api-types';
import { exactTime, relativeTime } from '../core/relative-time';
import { ToastService } from '../core/toast.service';
import { AutomationApiService } from './automation-api.service';
import { RUN_STATUS_LABELS, namesOf, nextFireTime, statusTone, triggerChips } from './automation-format';
import { RunSparklineComponent } from './run-sparkline.component';

const PAGE_SIZE = 50;
/** How often the list is fetched again while shown: next fire times and last runs move on their own. */
const REFRESH_MS = 10_000;

/**
 * Automations: each of the user's automations by its workflow's name, with its triggers, an
 * enabled switch, when it fires next, its last run and a sparkline of its last day; open it in the
 * editor, run it now, see its runs, or delete it. Pages of 50.
 */
@Component({
  selector: 'ps-automations',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RunSparklineComponent],
  template: `
    <div class="head">
      <h1>Automations</h1>
      @if (page(); as current) { <span class="muted">{{ current.total }} {{ current.total === 1 ? 'automation' : 'automations' }}</span> }
      <span class="spacer"></span>
      <a routerLink="/automations/runs" class="button-link">Run history</a>
      <button type="button" (click)="load()">Refresh</button>
    </div>
    @if (page(); as current) {
      @if (current.total === 0) {
        <section class="panel empty" aria-labelledby="empty-title" data-testid="automations-empty">
          <h2 id="empty-title">No automations yet</h2>
          <p>An automation runs a published workflow on its own: on a schedule, when a webhook is called, when something happens in Pinksea, or when you press Run.</p>
          <ol>
            <li>In <a routerLink="/workflows">Workflows</a>, add a trigger node from the <b>triggers</b> group: Schedule, Webhook, Event or Manual.</li>
            <li>Save and <b>Publish…</b> the workflow: an automation runs a published version.</li>
            <li>Choose <b>More ▾ → Make automation…</b>, set retries and the rest, and make it.</li>
          </ol>
        </section>
      } @else {
        <div class="panel table-wrap">
          <table>
            <caption class="visually-hidden">Your automations</caption>
            <thead>
              <tr>
                <th scope="col">Automation</th><th scope="col">Triggers</th><th scope="col">On</th><th scope="col">Next run</th>
                <th scope="col">Last run</th><th scope="col">Last 24 h</th><th scope="col"><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              @for (automation of current.items; track automation.id) {
                <tr data-testid="automation-row" [attr.data-automation-id]="automation.id" [class.off]="!automation.enabled">
                  <td class="name">
                    <a [routerLink]="['/automations/runs']" [queryParams]="{ automation: automation.id }" data-testid="automation-name">{{ automation.name }}</a>
                    <div class="muted small">v{{ automation.version }} · {{ automation.followLatest ? 'follows the latest version' : 'pinned' }}</div>
                  </td>
                  <td>
                    <div class="chips">
                      @for (chip of chips(automation); track $index) {
                        <span class="chip" [class]="'chip ' + chip.kind"><b>{{ chip.label }}</b>@if (chip.detail) { <span>{{ chip.detail }}</span> }</span>
                      }
                    </div>
                  </td>
                  <td>
                    <input type="checkbox" role="switch" class="switch" [checked]="automation.enabled" [disabled]="switching().has(automation.id)"
                      (change)="setEnabled(automation, $any($event.target))" [attr.aria-label]="'Enabled: ' + automation.name" />
                  </td>
                  <td class="small">
                    @if (!automation.enabled) { <span class="muted">off</span> }
                    @else if (next(automation); as next) { <time [attr.datetime]="next" [title]="exact(next)">{{ nextFire(next) }}</time> }
                    @else { <span class="muted">{{ waits(automation) }}</span> }
                  </td>
                  <td class="small">
                    @if (automation.lastRun; as run) {
                      <a [routerLink]="['/automations/runs', run.id]" class="run-link" [attr.aria-label]="'Last run of ' + automation.name + ': ' + labels[run.status]">
                        <span class="badge" [class]="'badge ' + tone(run.status)">{{ labels[run.status] }}</span>
                      </a>
                      <time [attr.datetime]="run.createdAt" [title]="exact(run.createdAt)" class="muted">{{ ago(run.createdAt) }}</time>
                    } @else { <span class="muted">never</span> }
                  </td>
                  <td><ps-run-sparkline [hours]="automation.lastDay" /></td>
                  <td>
                    <div class="actions">
                      <a [routerLink]="['/workflows']" [queryParams]="{ open: automation.workflowId }" class="button-link" [attr.aria-label]="'Open ' + automation.name + ' in the editor'">Open</a>
                      <button type="button" (click)="runNow(automation)" [disabled]="!automation.enabled" [attr.aria-label]="'Run ' + automation.name + ' now'"
                        [title]="automation.enabled ? 'Run it now' : 'Enable it to run it'">Run now</button>
                      <a [routerLink]="['/automations/runs']" [queryParams]="{ automation: automation.id }" class="button-link" [attr.aria-label]="'Runs of ' + automation.name">Runs</a>
                      <button type="button" class="danger" (click)="remove(automation)" [attr.aria-label]="'Delete ' + automation.name">Delete</button>
                    </div>
                  </td>
                </tr>
              }
            </tbody>
          </table>
          @if (current.total > pageSize) {
            <nav class="pager" aria-label="Pages">
              <span class="muted small">{{ current.offset + 1 }}–{{ current.offset + current.items.length }} of {{ current.total }}</span>
              <button type="button" (click)="go(current.offset - pageSize)" [disabled]="current.offset === 0">Previous</button>
              <button type="button" (click)="go(current.offset + pageSize)" [disabled]="current.offset + current.items.length >= current.total">Next</button>
            </nav>
          }
        </div>
      }
    } @else {
      <p class="muted">Loading automations…</p>
    }
  `,
  styleUrls: ['./automation-status.css'],
  styles: `
    :host { display: grid; gap: 0.75rem; }
    .button-link { display: inline-block; padding: 0.45rem 0.9rem; border: 1px solid var(--line); border-radius: 6px; background: var(--panel-2); color: var(--text); text-decoration: none; white-space: nowrap; }
    .button-link:hover { border-color: var(--accent); }
    td { vertical-align: middle; }
    td.name a { color: var(--text); font-weight: 600; text-decoration: none; }
    td.name a:hover { color: var(--accent-2); text-decoration: underline; }
    tr.off td.name a { color: var(--muted); }
    .run-link { text-decoration: none; margin-right: 0.35rem; }
    .actions { display: flex; gap: 0.35rem; justify-content: end; flex-wrap: nowrap; }
    .actions > * { padding: 0.3rem 0.6rem; font-size: 0.85rem; }
    .empty { max-width: 46rem; }
    .empty p, .empty li { line-height: 1.5; }
    .empty ol { padding-left: 1.25rem; margin: 0; display: grid; gap: 0.35rem; }
  `,
})
export class AutomationsComponent {
  private readonly api = inject(AutomationApiService);
  private readonly toasts = inject(ToastService);
  private readonly router = inject(Router);

  protected readonly pageSize = PAGE_SIZE;
  protected readonly labels = RUN_STATUS_LABELS;
  protected readonly page = signal<Page<AutomationListItem> | null>(null);
  private readonly offset = signal(0);
  /** Every automation's name (for event triggers naming another), beyond this page too. */
  private readonly everyone = signal<readonly AutomationListItem[]>([]);
  private readonly names = computed(() => namesOf([...this.everyone(), ...(this.page()?.items ?? [])]));
  protected readonly switching = signal<ReadonlySet<string>>(new Set());
  private readonly now = signal(Date.now());
  private loadedAt = 0;

  constructor() {
    void this.load();
    const timer = setInterval(() => {
      this.now.set(Date.now());
      if (document.visibilityState === 'visible' && Date.now() - this.loadedAt >= REFRESH_MS) void this.load(true);
    }, 1000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected async load(quiet = false): Promise<void> {
    this.loadedAt = Date.now();
    try {
      const [page, all] = await Promise.all([this.api.list(this.offset(), PAGE_SIZE), this.page() && quiet ? Promise.resolve(null) : this.api.all()]);
      // A page emptied by deletes: step back to the last page that has rows.
      if (page.items.length === 0 && page.total > 0 && this.offset() > 0) return this.go(Math.max(0, Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE));
      this.page.set(page);
      if (all) this.everyone.set(all);
    } catch (error) {
      if (!quiet) this.toasts.error(error);
    }
  }

  protected async go(offset: number): Promise<void> {
    this.offset.set(Math.max(0, offset));
    await this.load();
  }

  protected chips(automation: AutomationListItem) {
    return triggerChips(automation, this.names());
  }

  protected tone = statusTone;
  protected exact = exactTime;

  protected ago(iso: string): string {
    return relativeTime(iso, new Date(Math.max(this.now(), Date.now())));
  }

  protected next(automation: AutomationListItem): string | null {
    return nextFireTime(automation, this.now());
  }

  protected nextFire(iso: string): string {
    const now = this.now();
    return Date.parse(iso) <= now ? 'due now' : relativeTime(iso, new Date(now));
  }

  /** What an enabled automation with no next fire time waits for. */
  protected waits(automation: AutomationListItem): string {
    const kinds = new Set(automation.triggers.map((trigger) => trigger.kind));
    if (kinds.has('webhook')) return 'on request';
    if (kinds.has('event')) return 'on an event';
    return 'when run';
  }

  protected async setEnabled(automation: AutomationListItem, toggle: HTMLInputElement): Promise<void> {
    const enabled = toggle.checked;
    this.switching.update((ids) => new Set([...ids, automation.id]));
    try {
      const updated = await this.api.update(automation.id, { enabled });
      this.page.update((page) => page && { ...page, items: page.items.map((item) => (item.id === automation.id ? { ...item, ...updated } : item)) });
      this.toasts.info(`${enabled ? 'Enabled' : 'Disabled'} “${automation.name}”`);
    } catch (error) {
      this.toasts.error(error);
      // The switch shows what the server still holds.
      toggle.checked = !enabled;
    } finally {
      this.switching.update((ids) => new Set([...ids].filter((id) => id !== automation.id)));
    }
  }

  protected async runNow(automation: AutomationListItem): Promise<void> {
    try {
      const started = await this.api.run(automation.id);
      this.toasts.info(`Started a run of “${automation.name}”`);
      await this.router.navigate(['/automations/runs', started.runId]);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  protected async remove(automation: AutomationListItem): Promise<void> {
    if (!confirm(`Delete the automation “${automation.name}”? Its runs go with it; the workflow stays in the library.`)) return;
    try {
      await this.api.remove(automation.id);
      this.toasts.info(`Deleted the automation “${automation.name}”`);
      await this.load();
    } catch (error) {
      this.toasts.error(error);
    }
  }
}
