import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, afterNextRender, computed, inject, input, signal } from '@angular/core';
import type { RunsPerDay, RunStatus } from '../core/api-types';
import { RUN_STATUS_LABELS } from './automation-format';
import { scaleTicks, stackedBars } from './bar-geometry';

/** Bottom to top: what ended well, what did not, what is still going. */
const ORDER: readonly RunStatus[] = ['succeeded', 'failed', 'canceled', 'skipped', 'running', 'queued'];
/** Until the host is measured. */
const DEFAULT_WIDTH = 720;
const HEIGHT = 120;
/** Room for the scale's numbers on the left and the days below. */
const LEFT = 28;
const BOTTOM = 18;

/** Runs per day by status as stacked bars (plain SVG), with a scale and a legend. */
@Component({
  selector: 'ps-runs-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <figure>
      <svg [attr.viewBox]="'0 0 ' + width() + ' ' + (height + bottom)" [attr.height]="height + bottom" role="img" [attr.aria-label]="summary()" data-testid="runs-chart">
        @for (tick of ticks(); track tick.value) {
          <line [attr.x1]="left" [attr.x2]="width()" [attr.y1]="tick.y" [attr.y2]="tick.y" class="grid" />
          <text [attr.x]="left - 6" [attr.y]="tick.y + 4" class="axis" text-anchor="end">{{ tick.value }}</text>
        }
        <g [attr.transform]="'translate(' + left + ' 0)'">
          @for (column of bars().columns; track column.index) {
            @let day = days()[column.index]!;
            <g>
              <title>{{ dayTitle(day) }}</title>
              <rect [attr.x]="column.slot.x" y="0" [attr.width]="column.slot.width" [attr.height]="height" class="hit" />
              @for (segment of column.segments; track segment.key) {
                <rect [attr.x]="segment.x" [attr.y]="segment.y" [attr.width]="segment.width" [attr.height]="segment.height" [attr.class]="'s ' + segment.key" />
              }
              @if (column.index % labelEvery() === 0 || column.index === days().length - 1) {
                <text [attr.x]="column.slot.x + column.slot.width / 2" [attr.y]="height + 13" class="axis" text-anchor="middle">{{ dayLabel(day.day) }}</text>
              }
            </g>
          }
        </g>
      </svg>
      <figcaption>
        <span class="muted">Runs per day, last {{ days().length }} days</span>
        @for (status of legend(); track status) { <span class="key"><i [class]="'s ' + status"></i>{{ labels[status] }}</span> }
      </figcaption>
    </figure>
  `,
  styles: `
    :host { display: block; }
    figure { margin: 0; }
    svg { display: block; width: 100%; overflow: visible; }
    .grid { stroke: var(--line); stroke-width: 1; }
    .axis { fill: var(--muted); font-size: 11px; }
    .hit { fill: transparent; }
    .hit:hover { fill: #ffffff08; }
    figcaption { display: flex; flex-wrap: wrap; gap: 0.9rem; font-size: 0.8rem; margin-top: 0.4rem; }
    .key { display: inline-flex; gap: 0.3rem; align-items: center; }
    .key i { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 2px; }
    .s.succeeded { fill: var(--ok); background: var(--ok); }
    .s.failed { fill: var(--danger); background: var(--danger); }
    .s.canceled { fill: #8a7d96; background: #8a7d96; }
    .s.skipped { fill: #5d5368; background: #5d5368; }
    .s.running { fill: var(--accent-2); background: var(--accent-2); }
    .s.queued { fill: #5fb3ff; background: #5fb3ff; }
  `,
})
export class RunsChartComponent {
  readonly days = input.required<readonly RunsPerDay[]>();
  /** The chart is drawn in the host's own pixels, so text and bars keep their shape at any width. */
  protected readonly width = signal(DEFAULT_WIDTH);
  protected readonly height = HEIGHT;
  protected readonly left = LEFT;
  protected readonly bottom = BOTTOM;
  protected readonly labels = RUN_STATUS_LABELS;
  private readonly scale = computed(() => scaleTicks(Math.max(0, ...this.days().map((day) => ORDER.reduce((sum, status) => sum + (day.counts[status] ?? 0), 0)))));
  protected readonly bars = computed(() =>
    stackedBars(this.days().map((day) => day.counts), ORDER, { width: this.width() - LEFT, height: HEIGHT, gap: 6, maxBarWidth: 36, top: this.scale().at(-1)! }),
  );
  protected readonly ticks = computed(() => {
    const top = this.scale().at(-1)!;
    return this.scale().map((value) => ({ value, y: top > 0 ? HEIGHT - (value / top) * HEIGHT : HEIGHT }));
  });
  /** Day labels on every column when few, else spaced so they do not collide. */
  protected readonly labelEvery = computed(() => Math.max(1, Math.ceil(this.days().length / 10)));
  /** Only the statuses that occur, in stacking order. */
  protected readonly legend = computed(() => ORDER.filter((status) => this.days().some((day) => (day.counts[status] ?? 0) > 0)));
  protected readonly summary = computed(() => {
    const total = (status: RunStatus) => this.days().reduce((sum, day) => sum + (day.counts[status] ?? 0), 0);
    const parts = ORDER.filter((status) => total(status) > 0).map((status) => `${total(status)} ${this.labels[status].toLowerCase()}`);
    return `Runs per day over the last ${this.days().length} days: ${parts.length > 0 ? parts.join(', ') : 'none'}`;
  });

  constructor() {
    const host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
    const observer = new ResizeObserver(() => this.width.set(Math.max(LEFT + 100, Math.round(host.clientWidth))));
    afterNextRender(() => observer.observe(host));
    inject(DestroyRef).onDestroy(() => observer.disconnect());
  }

  protected dayLabel(day: string): string {
    const date = new Date(`${day}T00:00:00Z`);
    return Number.isFinite(date.getTime()) ? date.toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' }) : day;
  }

  protected dayTitle(day: RunsPerDay): string {
    const parts = ORDER.filter((status) => (day.counts[status] ?? 0) > 0).map((status) => `${day.counts[status]} ${this.labels[status].toLowerCase()}`);
    return `${this.dayLabel(day.day)}: ${parts.length > 0 ? parts.join(', ') : 'no runs'}`;
  }
}
