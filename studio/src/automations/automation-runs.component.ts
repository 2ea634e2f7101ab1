import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';
import type { AutomationListItem, AutomationRunSummary, Page, RunsPerDay, RunStatus, RunTrigger } from '../core/api-types';
import { exactTime, relativeTime } from '../core/relative-time';
import { ToastService } from '../core/toast.service';
import { AutomationApiService } from './automation-api.service';
import { RUN_STATUS_LABELS, RUN_TRIGGER_LABELS, statusTone } from './automation-format';
import { RUN_RANGES, RUN_STATUSES, RUN_TRIGGERS, type RunFilters, type RunRange, filtersFromParams, filtersToParams, pageCount, pageRange, runsQuery, toggled, withFilter } from './run-filters';
import { formatMs } from './run-timeline';
import { RunsChartComponent } from './runs-chart.component';

/** The history follows new runs while shown; there is no socket event for them. */
const REFRESH_MS = 3000;
const CHART_DAYS = 14;

/**
 * Run history: every run of the user's automations (or one automation's), newest first, filtered
 * by status, trigger, automation and time range (kept in the URL), 50 to a page, under a chart of
 * runs per day by status. Each row opens the run's detail.
 */
@Component({
  selector: 'ps-automation-runs',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RunsChartComponent],
  template: `
    <div class="head">
      <h1>{{ automationName() ? 'Runs of “' + automationName() + '”' : 'Run history' }}</h1>
      @if (page(); as current) { <span class="muted">{{ current.total }} {{ current.total === 1 ? 'run' : 'runs' }}</span> }
      <span class="spacer"></span>
      <a routerLink="/automations" class="button-link">Automations</a>
      <button type="button" (click)="load()">Refresh</button>
    </div>

    <section class="panel chart" aria-label="Runs per day">
      @if (perDay(); as days) { <ps-runs-chart [days]="days" /> } @else { <p class="muted">Loading the chart…</p> }
    </section>

    <form class="panel filters" role="search" aria-label="Filter runs" (submit)="$event.preventDefault()">
      <fieldset class="statuses">
        <legend>Status</legend>
        <div class="toggles">
          @for (status of statuses; track status) {
            <button type="button" class="toggle" [attr.aria-pressed]="filters().statuses.includes(status)" (click)="toggleStatus(status)">{{ labels[status] }}</button>
          }
        </div>
      </fieldset>
      <label class="field">Trigger
        <select (change)="setTrigger($any($event.target).value)" aria-label="Trigger">
          <option value="" [selected]="filters().triggers.length === 0">Any trigger</option>
          @for (trigger of triggers; track trigger) { <option [value]="trigger" [selected]="filters().triggers.length === 1 && filters().triggers[0] === trigger">{{ triggerLabels[trigger] }}</option> }
        </select>
      </label>
      <label class="field">Automation
        <select (change)="setAutomation($any($event.target).value)" aria-label="Automation">
          <option value="" [selected]="!filters().automationId">All automations</option>
          @for (automation of automations(); track automation.id) { <option [value]="automation.id" [selected]="automation.id === filters().automationId">{{ automation.name }}</option> }
          @if (filters().automationId && !automationName()) { <option [value]="filters().automationId" selected>Another automation</option> }
        </select>
      </label>
      <label class="field">When
        <select (change)="setRange($any($event.target).value)" aria-label="Time range">
          @for (range of ranges; track range[0]) { <option [value]="range[0]" [selected]="range[0] === filters().range">{{ range[1].label }}</option> }
        </select>
      </label>
      @if (filtered()) { <button type="button" class="clear" (click)="clear()">Clear filters</button> }
    </form>

    <div class="panel table-wrap">
      <table>
        <caption class="visually-hidden">Runs, newest first</caption>
        <thead>
          <tr><th scope="col">Status</th><th scope="col">Automation</th><th scope="col">Trigger</th><th scope="col" class="num">Attempt</th><th scope="col">Started</th><th scope="col" class="num">Duration</th><th scope="col"><span class="visually-hidden">Details</span></th></tr>
        </thead>
        <tbody>
          @for (run of page()?.items ?? []; track run.id) {
            <tr data-testid="run-row" [attr.data-status]="run.status" [attr.data-trigger]="run.trigger">
              <td>
                <span class="badge" [class]="'badge ' + tone(run.status)">{{ labels[run.status] }}</span>
                @if (run.error) { <div class="error-text small clip" [title]="run.error.message">{{ run.error.message }}</div> }
              </td>
              <td>{{ nameOf(run.automationId) }}</td>
              <td>{{ triggerLabels[run.trigger] }}</td>
              <td class="num">{{ run.attempt }}</td>
              <td><time [attr.datetime]="run.startedAt ?? run.createdAt" [title]="exact(run.startedAt ?? run.createdAt)">{{ ago(run.startedAt ?? run.createdAt) }}</time></td>
              <td class="num">{{ run.durationMs === null ? (run.status === 'running' ? 'running' : '–') : duration(run.durationMs) }}</td>
              <td><a [routerLink]="['/automations/runs', run.id]" [attr.aria-label]="'Details of the ' + triggerLabels[run.trigger].toLowerCase() + ' run of ' + nameOf(run.automationId) + ', ' + ago(run.createdAt)">Details</a></td>
            </tr>
          } @empty {
            <tr><td colspan="7" class="muted">{{ page() ? (filtered() ? 'No run matches these filters.' : 'No runs yet. Automations leave a run here each time they fire.') : 'Loading runs…' }}</td></tr>
          }
        </tbody>
      </table>
      @if (page(); as current) {
        @if (current.total > current.limit) {
          <nav class="pager" aria-label="Pages">
            <span class="muted small">{{ range(current) }} · page {{ filters().page + 1 }} of {{ pages(current) }}</span>
            <button type="button" (click)="toPage(filters().page - 1)" [disabled]="filters().page === 0">Previous</button>
            <button type="button" (click)="toPage(filters().page + 1)" [disabled]="filters().page + 1 >= pages(current)">Next</button>
          </nav>
        }
      }
    </div>
  `,
  styleUrls: ['./automation-status.css'],
  styles: `
    :host { display: grid; gap: 0.75rem; }
    .button-link { display: inline-block; padding: 0.45rem 0.9rem; border: 1px solid var(--line); border-radius: 6px; background: var(--panel-2); color: var(--text); text-decoration: none; }
    .button-link:hover { border-color: var(--accent); }
    .chart { padding: 0.75rem 1rem 0.6rem; }
    .filters { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: end; padding: 0.75rem; }
    .statuses { border: none; margin: 0; padding: 0; display: grid; gap: 0.3rem; }
    .statuses legend { float: left; font-size: 0.85rem; color: var(--muted); padding: 0; margin-bottom: 0.3rem; }
    .toggles { clear: both; display: flex; flex-wrap: wrap; gap: 0.3rem; }
    .toggle { padding: 0.25rem 0.65rem; font-size: 0.82rem; border-radius: 99px; color: var(--muted); }
    .toggle[aria-pressed='true'] { background: var(--accent); border-color: var(--accent); color: #1a0f16; font-weight: 600; }
    .field { grid-template-columns: auto; min-width: 11rem; }
    .field select { padding: 0.3rem 0.5rem; }
    .clear { padding: 0.3rem 0.7rem; align-self: end; }
    .num { text-align: right; font-variant-numeric: tabular-nums; }
    td { vertical-align: middle; font-size: 0.9rem; }
    .clip { max-width: 22rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  `,
})
export class AutomationRunsComponent {
  private readonly api = inject(AutomationApiService);
  private readonly toasts = inject(ToastService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly labels = RUN_STATUS_LABELS;
  protected readonly triggerLabels = RUN_TRIGGER_LABELS;
  protected readonly statuses = RUN_STATUSES;
  protected readonly triggers = RUN_TRIGGERS;
  protected readonly ranges = Object.entries(RUN_RANGES) as [RunRange, (typeof RUN_RANGES)[RunRange]][];
  protected readonly tone = statusTone;
  protected readonly exact = exactTime;

  protected readonly filters = toSignal(this.route.queryParamMap.pipe(map((params) => filtersFromParams(Object.fromEntries(params.keys.map((key) => [key, params.get(key) ?? undefined]))))), {
    requireSync: true,
  });
  protected readonly filtered = computed(() => {
    const filters = this.filters();
    return filters.statuses.length > 0 || filters.triggers.length > 0 || filters.automationId !== null || filters.range !== 'all';
  });
  protected readonly page = signal<Page<AutomationRunSummary> | null>(null);
  protected readonly perDay = signal<readonly RunsPerDay[] | null>(null);
  protected readonly automations = signal<readonly AutomationListItem[]>([]);
  private readonly names = computed(() => new Map(this.automations().map((automation) => [automation.id, automation.name])));
  protected readonly automationName = computed(() => {
    const id = this.filters().automationId;
    return id ? (this.names().get(id) ?? null) : null;
  });
  private readonly now = signal(Date.now());
  /** Bumped by each load, so an older answer arriving late is dropped. */
  private generation = 0;
  private loadedAt = 0;

  constructor() {
    void this.loadNames();
    let last: RunFilters | null = null;
    this.route.queryParamMap.pipe(takeUntilDestroyed()).subscribe(() => {
      const filters = this.filters();
      if (last && JSON.stringify(last) === JSON.stringify(filters)) return;
      last = filters;
      void this.load();
    });
    const timer = setInterval(() => {
      this.now.set(Date.now());
      if (document.visibilityState === 'visible' && Date.now() - this.loadedAt >= REFRESH_MS) void this.load(true);
    }, 1000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  private async loadNames(): Promise<void> {
    try {
      this.automations.set([...(await this.api.all())].sort((a, b) => a.name.localeCompare(b.name)));
    } catch (error) {
      this.toasts.error(error);
    }
  }

  protected async load(quiet = false): Promise<void> {
    const generation = ++this.generation;
    this.loadedAt = Date.now();
    const filters = this.filters();
    try {
      const [page, perDay] = await Promise.all([this.api.runs(runsQuery(filters, new Date())), this.api.runsPerDay(CHART_DAYS, filters.automationId)]);
      if (generation !== this.generation) return;
      this.page.set(page);
      this.perDay.set(perDay);
      // A run of an automation made since the names were read.
      if (page.items.some((run) => !this.names().has(run.automationId))) void this.loadNames();
    } catch (error) {
      if (!quiet && generation === this.generation) this.toasts.error(error);
    }
  }

  protected nameOf(id: string): string {
    return this.names().get(id) ?? 'A deleted automation';
  }

  protected ago(iso: string): string {
    return relativeTime(iso, new Date(Math.max(this.now(), Date.now())));
  }

  protected duration(ms: number): string {
    return formatMs(ms);
  }

  protected range(page: Page<AutomationRunSummary>): string {
    return pageRange(this.filters().page, page.items.length, page.total);
  }

  protected pages(page: Page<AutomationRunSummary>): number {
    return pageCount(page.total);
  }

  private navigate(filters: RunFilters): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: filtersToParams(filters), queryParamsHandling: 'merge' });
  }

  protected toggleStatus(status: RunStatus): void {
    this.navigate(withFilter(this.filters(), { statuses: toggled(this.filters().statuses, status, RUN_STATUSES) }));
  }

  protected setTrigger(value: string): void {
    this.navigate(withFilter(this.filters(), { triggers: value ? [value as RunTrigger] : [] }));
  }

  protected setAutomation(value: string): void {
    this.navigate(withFilter(this.filters(), { automationId: value || null }));
  }

  protected setRange(value: string): void {
    this.navigate(withFilter(this.filters(), { range: value as RunRange }));
  }

  protected clear(): void {
    this.navigate({ statuses: [], triggers: [], automationId: null, range: 'all', page: 0 });
  }

  protected toPage(page: number): void {
    this.navigate({ ...this.filters(), page: Math.max(0, page) });
  }
}
