import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal, viewChild } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { fieldIssues } from '../core/api-error';
import { API_BASE, type GenerateResult, type ImageRecord, type ModelRecord, type Page, QUEUE_ID, type QueueItemView, type SocketEventMap } from '../core/api-types';
import { AuthImageDirective } from '../core/auth-image.directive';
import { LiveEventsService } from '../core/live-events.service';
import { ToastService } from '../core/toast.service';
import { GenerateDraftService } from './generate-draft.service';
import { DEFAULT_PARAMS, type GenerationParams, HIRES_SCALES, type ParamProblems, SCHEDULERS, randomSeed, savedImageNames, toRequest, validateParams } from './generation-params';
import { MaskEditorComponent } from './mask-editor.component';

const UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

interface Progress {
  readonly step: number;
  readonly total: number;
  readonly preview: SocketEventMap['invocation_progress']['preview'] | null;
}

/**
 * Text to image, image to image (an uploaded or gallery init image and a strength) and inpainting
 * (a mask painted over the init image), with an optional high-res pass: the form, live progress
 * with the sampler's preview, and the finished images.
 */
@Component({
  selector: 'ps-generate',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, AuthImageDirective, RouterLink, MaskEditorComponent],
  templateUrl: './generate.component.html',
  styleUrl: './generate.component.css',
})
export class GenerateComponent {
  private readonly http = inject(HttpClient);
  private readonly toasts = inject(ToastService);
  private readonly events = inject(LiveEventsService);

  protected readonly schedulers = SCHEDULERS;
  protected readonly hiresScales = HIRES_SCALES;
  protected readonly models = signal<readonly ModelRecord[]>([]);
  protected readonly params = signal<GenerationParams>({ ...DEFAULT_PARAMS, seed: randomSeed(), ...inject(GenerateDraftService).take() });
  /** The picture image to image starts from; null for text to image. */
  protected readonly initImage = signal<ImageRecord | null>(null);
  protected readonly inpaint = signal(false);
  protected readonly uploading = signal(false);
  protected readonly picking = signal(false);
  protected readonly pickable = signal<readonly ImageRecord[]>([]);
  private readonly maskEditor = viewChild(MaskEditorComponent);
  protected readonly problems = computed(() => validateParams(this.params(), this.initImage() !== null));
  protected readonly submitted = signal(false);
  /** The server's 422 issues by field, until that field is edited. */
  protected readonly serverProblems = signal<ParamProblems>({});
  /** Field problems, shown once the person has tried to generate, and the server's. */
  protected readonly shownProblems = computed<ParamProblems>(() => ({ ...this.serverProblems(), ...(this.submitted() ? this.problems() : {}) }));
  protected readonly busy = signal(false);
  private readonly batchId = signal<string | null>(null);
  private readonly items = signal<readonly QueueItemView[]>([]);
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
    this.forget(key);
  }

  private forget(field: keyof ParamProblems): void {
    if (this.serverProblems()[field] === undefined) return;
    const { [field]: _gone, ...rest } = this.serverProblems();
    this.serverProblems.set(rest);
  }

  // ---- init image ----

  protected async upload(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (!UPLOAD_TYPES.includes(file.type)) return this.toasts.error(`${file.name} is not a PNG, JPEG or WebP image`);
    this.uploading.set(true);
    try {
      const record = await firstValueFrom(this.http.post<ImageRecord>(`${API_BASE}/images/upload`, file, { headers: { 'Content-Type': file.type } }));
      this.useInitImage(record);
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.uploading.set(false);
    }
  }

  protected async togglePicker(): Promise<void> {
    this.picking.update((open) => !open);
    if (!this.picking()) return;
    try {
      const page = await firstValueFrom(this.http.get<Page<ImageRecord>>(`${API_BASE}/images`, { params: { limit: 24 } }));
      this.pickable.set(page.items);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  protected useInitImage(image: ImageRecord | null): void {
    this.initImage.set(image);
    this.picking.set(false);
    if (!image) this.inpaint.set(false);
    this.forget('initImage');
    this.forget('mask');
    this.forget('width');
    this.forget('height');
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
    this.serverProblems.set({});
    try {
      const init = this.initImage();
      const mask = init && this.inpaint() ? await this.uploadMask() : undefined;
      if (mask === null) return;
      const source = init ? { initImage: init.name, ...(mask ? { mask } : {}) } : undefined;
      const result = await firstValueFrom(this.http.post<GenerateResult>(`${API_BASE}/queue/${QUEUE_ID}/generate`, toRequest(this.params(), source)));
      this.batchId.set(result.batchId);
      // Items may finish before this response arrives; the list catches what the events missed.
      await this.refreshBatch();
    } catch (error) {
      this.serverProblems.set(fieldIssues(error));
      this.toasts.error(error);
    } finally {
      this.busy.set(false);
    }
  }

  /** The painted mask as an intermediate upload; its name, or null (with the reason shown) when there is none. */
  private async uploadMask(): Promise<string | null> {
    const editor = this.maskEditor();
    if (!editor?.painted()) {
      this.serverProblems.update((problems) => ({ ...problems, mask: 'Paint the area to repaint, or turn inpainting off.' }));
      return null;
    }
    const png = await editor.toPng();
    const record = await firstValueFrom(
      this.http.post<ImageRecord>(`${API_BASE}/images/upload`, png, { params: { category: 'mask', intermediate: 'true' }, headers: { 'Content-Type': 'image/png' } }),
    );
    return record.name;
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
      const page = await firstValueFrom(this.http.get<Page<QueueItemView>>(`${API_BASE}/queue/${QUEUE_ID}/list`, { params: { batchId, limit: 100 } }));
      if (batchId === this.batchId()) this.items.set([...page.items].sort((a, b) => Number(a.id) - Number(b.id)));
    } catch (error) {
      this.toasts.error(error);
    }
  }
}
