import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { API_BASE, type GenerateResult, type ModelRecord, type Page, QUEUE_ID, type QueueItem, SCHEDULERS, type StudioEventMap } from '../core/api-types';
import { AuthImageDirective } from '../core/auth-image.directive';
import { LiveEventsService } from '../core/live-events.service';
import { ToastService } from '../core/toast.service';
import { DEFAULT_PARAMS, type GenerationParams, randomSeed, savedImageNames, toRequest, validateParams } from './generation-params';

interface Progress {
  readonly step: number;
  readonly total: number;
  readonly preview: StudioEventMap['invocation_progress']['preview'] | null;
}

/** Text to image: the form, live progress with the sampler's preview, and the finished images. */
@Component({
  selector: 'ps-generate',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, AuthImageDirective, RouterLink],
  templateUrl: './generate.component.html',
  styleUrl: './generate.component.css',
})
export class GenerateComponent {
  private readonly http = inject(HttpClient);
  private readonly toasts = inject(ToastService);
  private readonly events = inject(LiveEventsService);

  protected readonly schedulers = SCHEDULERS;
  protected readonly models = signal<readonly ModelRecord[]>([]);
  protected readonly params = signal<GenerationParams>({ ...DEFAULT_PARAMS, seed: randomSeed() });
  protected readonly problems = computed(() => validateParams(this.params()));
  protected readonly submitted = signal(false);
  /** Field problems, shown once the person has tried to generate. */
  protected readonly shownProblems = computed<ReturnType<typeof validateParams>>(() => (this.submitted() ? this.problems() : {}));
  protected readonly busy = signal(false);
  private readonly batchId = signal<string | null>(null);
  private readonly items = signal<readonly QueueItem[]>([]);
  protected readonly progress = signal<Progress | null>(null);

  protected readonly images = computed(() => this.items().flatMap((item) => savedImageNames(item.results)));
  protected readonly counts = computed(() => {
    const items = this.items();
    const done = items.filter((item) => item.status === 'completed' || item.status === 'failed' || item.status === 'canceled').length;
    return { done, total: items.length };
  });
  protected readonly errors = computed(() => this.items().flatMap((item) => (item.error ? [item.error.message] : [])));
  protected readonly running = computed(() => this.batchId() !== null && this.counts().done < this.counts().total);
  protected readonly percent = computed(() => {
    const progress = this.progress();
    return progress && progress.total > 0 ? Math.round((progress.step / progress.total) * 100) : 0;
  });

  constructor() {
    void this.loadModels();
    const destroyRef = inject(DestroyRef);
    this.events.on('invocation_progress').pipe(takeUntilDestroyed(destroyRef)).subscribe((event) => {
      if (event.batchId !== this.batchId() || event.step === undefined || event.total === undefined) return;
      this.progress.set({ step: event.step, total: event.total, preview: event.preview ?? this.progress()?.preview ?? null });
    });
    this.events.on('queue_item_status_changed').pipe(takeUntilDestroyed(destroyRef)).subscribe((event) => {
      if (event.batchId === this.batchId()) void this.refreshBatch();
    });
    this.events.reconnected$.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => void this.refreshBatch());
  }

  protected update<K extends keyof GenerationParams>(key: K, value: GenerationParams[K]): void {
    this.params.update((params) => ({ ...params, [key]: value }));
  }

  protected newSeed(): void {
    this.update('seed', randomSeed());
  }

  protected async generate(): Promise<void> {
    this.submitted.set(true);
    if (Object.keys(this.problems()).length > 0) return;
    this.busy.set(true);
    this.progress.set(null);
    this.items.set([]);
    try {
      const result = await firstValueFrom(this.http.post<GenerateResult>(`${API_BASE}/queue/${QUEUE_ID}/generate`, toRequest(this.params())));
      this.batchId.set(result.batchId);
      // Items may finish before this response arrives; the list catches what the events missed.
      await this.refreshBatch();
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.busy.set(false);
    }
  }

  private async loadModels(): Promise<void> {
    try {
      const page = await firstValueFrom(this.http.get<Page<ModelRecord>>(`${API_BASE}/models`, { params: { type: 'main', limit: 100 } }));
      this.models.set(page.items);
      if (!this.params().model && page.items[0]) this.update('model', page.items[0].key);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  private async refreshBatch(): Promise<void> {
    const batchId = this.batchId();
    if (!batchId) return;
    try {
      const page = await firstValueFrom(this.http.get<Page<QueueItem>>(`${API_BASE}/queue/${QUEUE_ID}/list`, { params: { batchId, limit: 100 } }));
      if (batchId === this.batchId()) this.items.set([...page.items].sort((a, b) => Number(a.id) - Number(b.id)));
    } catch (error) {
      this.toasts.error(error);
    }
  }
}
