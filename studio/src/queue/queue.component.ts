import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { firstValueFrom } from 'rxjs';
import { API_BASE, type Page, QUEUE_ID, type QueueItemView } from '../core/api-types';
import { LiveEventsService } from '../core/live-events.service';
import { ToastService } from '../core/toast.service';
import { STATUS_LABELS, canCancel, canRetry, itemTiming, withStatus } from './queue-format';

const QUEUE_URL = `${API_BASE}/queue/${QUEUE_ID}`;

/** The user's queue items with live status and progress, cancel, retry, clear finished and cancel all. */
@Component({
  selector: 'ps-queue',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="head">
      <h1>Queue</h1>
      <span class="muted">{{ total() }} items</span>
      <button type="button" (click)="load()">Refresh</button>
      <button type="button" (click)="prune()" title="Remove finished, failed and canceled items">Clear finished</button>
      <button type="button" class="danger" (click)="cancelAll()" [disabled]="!anyCancellable()">Cancel all</button>
    </div>
    <div class="panel table-wrap">
      <table>
        <caption class="visually-hidden">Queue items, newest first</caption>
        <thead>
          <tr><th scope="col">Item</th><th scope="col">Status</th><th scope="col">Timing</th><th scope="col">Details</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          @for (item of items(); track item.id) {
            <tr [attr.data-status]="item.status" [attr.data-item-id]="item.id" data-testid="queue-row">
              <td>#{{ item.id }}<div class="muted small">batch {{ item.batchId.slice(0, 8) }}</div></td>
              <td>
                <span class="badge" [class]="'badge ' + item.status">{{ labels[item.status] }}</span>
                @if (item.status === 'in_progress' && progress()[item.id]; as step) {
                  <div class="progress" role="progressbar" [attr.aria-label]="'Progress of item ' + item.id" aria-valuemin="0" [attr.aria-valuemax]="step.total" [attr.aria-valuenow]="step.step" data-testid="item-progress">
                    <div class="fill" [style.width.%]="(step.step / step.total) * 100"></div>
                  </div>
                  <div class="muted small">step {{ step.step }} of {{ step.total }}</div>
                }
              </td>
              <td class="small">
                {{ timing(item) }}
                @if (item.startedAt) { <div class="muted">started {{ clock(item.startedAt) }}</div> }
                @if (item.completedAt) { <div class="muted">ended {{ clock(item.completedAt) }}</div> }
              </td>
              <td class="small">
                @if (item.error) { <span class="error-text">{{ item.error.message }}</span> }
                @else if (item.waitingReason) { <span class="muted">{{ item.waitingReason }}</span> }
              </td>
              <td>
                <div class="actions">
                  @if (cancellable(item)) { <button type="button" (click)="cancel(item)" [attr.aria-label]="'Cancel item ' + item.id">Cancel</button> }
                  @if (retryable(item)) { <button type="button" (click)="retry(item)" [attr.aria-label]="'Retry item ' + item.id">Retry</button> }
                </div>
              </td>
            </tr>
          } @empty {
            <tr><td colspan="5" class="muted">The queue is empty.</td></tr>
          }
        </tbody>
      </table>
    </div>
  `,
  styles: `
    :host { display: grid; gap: 0.75rem; }
    .head { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; }
    .head h1 { margin: 0; }
    .table-wrap { overflow-x: auto; padding: 0; }
    .small { font-size: 0.82rem; }
    .actions { display: flex; gap: 0.4rem; justify-content: end; }
    .badge { padding: 0.1rem 0.5rem; border-radius: 99px; font-size: 0.8rem; background: var(--panel-2); white-space: nowrap; }
    .badge.completed { color: var(--ok); }
    .badge.failed { color: var(--danger); }
    .badge.in_progress { color: var(--accent-2); }
    .badge.canceled { color: var(--muted); }
    .progress { height: 0.4rem; width: 7rem; background: var(--panel-2); border-radius: 99px; overflow: hidden; margin-top: 0.3rem; }
    .fill { height: 100%; background: var(--accent); transition: width 0.15s; }
  `,
})
export class QueueComponent {
  private readonly http = inject(HttpClient);
  private readonly toasts = inject(ToastService);
  private readonly events = inject(LiveEventsService);

  protected readonly labels = STATUS_LABELS;
  protected readonly items = signal<readonly QueueItemView[]>([]);
  protected readonly total = signal(0);
  private readonly now = signal(Date.now());
  /** The denoising step of each running item, from `invocation_progress`. */
  protected readonly progress = signal<Readonly<Record<string, { step: number; total: number }>>>({});
  protected readonly anyCancellable = computed(() => this.items().some((item) => canCancel(item.status)));

  constructor() {
    void this.load();
    const destroyRef = inject(DestroyRef);
    this.events.on('queue_item_status_changed').pipe(takeUntilDestroyed(destroyRef)).subscribe((event) => {
      const updated = withStatus(this.items(), event.itemId, event.status, event.error);
      // A status change moves timestamps too; an unknown item is a new batch: fetch the page.
      if (updated && event.status !== 'completed' && event.status !== 'in_progress') this.items.set(updated);
      else void this.load();
    });
    this.events.on('invocation_progress').pipe(takeUntilDestroyed(destroyRef)).subscribe((event) => {
      if (event.step === undefined || !event.total) return;
      this.progress.update((progress) => ({ ...progress, [event.itemId]: { step: event.step!, total: event.total! } }));
    });
    this.events.on('batch_enqueued').pipe(takeUntilDestroyed(destroyRef)).subscribe(() => void this.load());
    this.events.reconnected$.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => void this.load());
    const clock = setInterval(() => this.now.set(Date.now()), 1000);
    destroyRef.onDestroy(() => clearInterval(clock));
  }

  protected timing(item: QueueItemView): string {
    // The ticking signal re-renders every second; Date.now() keeps a fresh start from reading negative.
    return itemTiming(item, Math.max(this.now(), Date.now()));
  }

  protected clock(iso: string): string {
    return new Date(iso).toLocaleTimeString();
  }

  protected cancellable(item: QueueItemView): boolean {
    return canCancel(item.status);
  }

  protected retryable(item: QueueItemView): boolean {
    return canRetry(item.status);
  }

  protected async load(): Promise<void> {
    try {
      const page = await firstValueFrom(this.http.get<Page<QueueItemView>>(`${QUEUE_URL}/list`, { params: { limit: 200 } }));
      this.items.set([...page.items].sort((a, b) => Number(b.id) - Number(a.id)));
      this.total.set(page.total);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  protected cancel(item: QueueItemView): Promise<void> {
    return this.act(this.http.put(`${QUEUE_URL}/i/${item.id}/cancel`, {}), `Canceled item ${item.id}`);
  }

  protected retry(item: QueueItemView): Promise<void> {
    return this.act(this.http.put(`${QUEUE_URL}/retry_items_by_id`, { itemIds: [item.id] }), `Queued item ${item.id} again`);
  }

  protected async prune(): Promise<void> {
    if (!confirm('Remove every finished, failed and canceled item from the list?')) return;
    await this.act(this.http.put(`${QUEUE_URL}/prune`, {}), 'Removed the finished items');
  }

  protected async cancelAll(): Promise<void> {
    if (!confirm('Cancel every queued and running item?')) return;
    await this.act(this.http.put(`${QUEUE_URL}/cancel_all`, {}), 'Canceled all items');
  }

  private async act(request: ReturnType<HttpClient['put']>, done: string): Promise<void> {
    try {
      await firstValueFrom(request);
      this.toasts.info(done);
      await this.load();
    } catch (error) {
      this.toasts.error(error);
    }
  }
}
