import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { AutomationListItem } from '../core/api-types';
import { stackedBars } from './bar-geometry';

type Hour = AutomationListItem['lastDay'][number];
type HourKey = keyof Hour;

const KEYS: readonly HourKey[] = ['succeeded', 'other', 'failed'];
const WIDTH = 120;
const HEIGHT = 24;

/** An automation's last 24 hours of runs as 24 hourly bars (plain SVG), failures in the error colour on top. */
@Component({
  selector: 'ps-run-sparkline',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <svg [attr.viewBox]="'0 0 ' + width + ' ' + height" [attr.width]="width" [attr.height]="height" role="img" [attr.aria-label]="summary()" data-testid="sparkline">
      @for (column of bars().columns; track column.index) {
        <g>
          <title>{{ hourTitle(column.index) }}</title>
          <rect [attr.x]="column.x" y="0" [attr.width]="column.width" [attr.height]="height" class="hit" />
          @if (column.segments.length === 0) { <rect [attr.x]="column.x" [attr.y]="height - 3" [attr.width]="column.width" height="2" class="none" /> }
          @for (segment of column.segments; track segment.key) {
            <rect [attr.x]="segment.x" [attr.y]="segment.y" [attr.width]="segment.width" [attr.height]="segment.height" [attr.class]="segment.key" />
          }
        </g>
      }
    </svg>
  `,
  styles: `
    :host { display: inline-block; line-height: 0; }
    .none { fill: var(--line); }
    .hit { fill: transparent; }
    .succeeded { fill: var(--ok); }
    .failed { fill: var(--danger); }
    .other { fill: var(--muted); }
  `,
})
export class RunSparklineComponent {
  readonly hours = input.required<readonly Hour[]>();
  protected readonly width = WIDTH;
  protected readonly height = HEIGHT;
  protected readonly bars = computed(() => stackedBars(this.hours(), KEYS, { width: WIDTH, height: HEIGHT - 1, gap: 1.5 }));
  protected readonly summary = computed(() => {
    const sum = (key: HourKey) => this.hours().reduce((total, hour) => total + hour[key], 0);
    const runs = sum('succeeded') + sum('failed') + sum('other');
    return runs === 0 ? 'No runs in the last 24 hours' : `Last 24 hours: ${sum('succeeded')} succeeded, ${sum('failed')} failed, ${sum('other')} other`;
  });

  protected hourTitle(index: number): string {
    const hour = this.hours()[index]!;
    const ago = this.hours().length - 1 - index;
    const when = ago === 0 ? 'this hour' : ago === 1 ? '1 hour ago' : `${ago} hours ago`;
    const parts = [hour.succeeded && `${hour.succeeded} succeeded`, hour.failed && `${hour.failed} failed`, hour.other && `${hour.other} other`].filter(Boolean);
    return `${when}: ${parts.length > 0 ? parts.join(', ') : 'no runs'}`;
  }
}
