import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, input, output, signal } from '@angular/core';
import { Router } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { API_BASE, type EmbeddedData, type ImageRecord } from '../core/api-types';
import { AuthImageDirective } from '../core/auth-image.directive';
import { ToastService } from '../core/toast.service';
import { GenerateDraftService } from '../generate/generate-draft.service';
import { paramsFromMetadata } from '../generate/generation-params';
import { WorkflowDraftService } from '../workflows/workflow-draft.service';
import { metadataRows } from './metadata-rows';

/**
 * One image at full size, with the parameters embedded in it, star and delete; "Use these
 * parameters" fills the Generate form from them and "Open workflow" opens the embedded graph.
 */
@Component({
  selector: 'ps-image-viewer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [AuthImageDirective],
  host: { '(keydown.escape)': 'closed.emit()' },
  template: `
    <aside class="panel viewer" role="dialog" aria-modal="false" aria-labelledby="viewer-title" tabindex="-1">
      <div class="head">
        <h2 id="viewer-title">{{ image().name }}</h2>
        <button type="button" (click)="closed.emit()" aria-label="Close the viewer">×</button>
      </div>
      <img psAuthImage [imageName]="image().name" variant="full" [alt]="'Image ' + image().name" data-testid="viewer-image">
      <div class="actions">
        <button type="button" (click)="starToggled.emit(image())" [attr.aria-pressed]="image().starred">{{ image().starred ? '★ Starred' : '☆ Star' }}</button>
        <button type="button" class="danger" (click)="remove()" [disabled]="deleting()">Delete</button>
      </div>
      <div class="actions">
        <button type="button" (click)="useParameters()" [disabled]="!metadata()">Use these parameters</button>
        <button type="button" (click)="openWorkflow()" [disabled]="!graph()">Open workflow</button>
      </div>
      <p class="muted small">{{ image().width }}×{{ image().height }} · {{ created() }}</p>
      <h3>Metadata</h3>
      @if (metadata() === undefined) {
        <p class="muted">Loading…</p>
      } @else if (rows().length > 0) {
        <dl>
          @for (row of rows(); track row.key) { <dt>{{ row.key }}</dt><dd>{{ row.value }}</dd> }
        </dl>
      } @else {
        <p class="muted">No metadata in this image.</p>
      }
    </aside>
  `,
  styles: `
    .viewer { display: grid; gap: 0.6rem; align-content: start; position: sticky; top: 1rem; max-height: calc(100vh - 8rem); overflow: auto; }
    .head { display: flex; justify-content: space-between; gap: 0.5rem; align-items: start; }
    h2 { font-size: 0.95rem; overflow-wrap: anywhere; margin: 0; }
    h3 { font-size: 0.9rem; margin: 0.4rem 0 0; }
    img { width: 100%; height: auto; border-radius: 6px; image-rendering: pixelated; background: var(--panel-2); }
    .actions { display: flex; gap: 0.5rem; flex-wrap: wrap; }
    .small { font-size: 0.8rem; margin: 0; }
    dl { display: grid; grid-template-columns: auto 1fr; gap: 0.25rem 0.75rem; margin: 0; font-size: 0.85rem; }
    dt { color: var(--muted); }
    dd { margin: 0; overflow-wrap: anywhere; }
  `,
})
export class ImageViewerComponent {
  readonly image = input.required<ImageRecord>();
  readonly closed = output<void>();
  readonly deleted = output<string>();
  readonly starToggled = output<ImageRecord>();

  private readonly http = inject(HttpClient);
  private readonly toasts = inject(ToastService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly router = inject(Router);
  private readonly generateDrafts = inject(GenerateDraftService);
  private readonly workflowDrafts = inject(WorkflowDraftService);
  /** undefined while loading. */
  protected readonly metadata = signal<EmbeddedData['metadata'] | undefined>(undefined);
  protected readonly graph = signal<unknown>(null);
  protected readonly deleting = signal(false);
  protected readonly rows = computed(() => metadataRows(this.metadata() ?? null));
  protected readonly created = computed(() => new Date(this.image().createdAt).toLocaleString());

  constructor() {
    effect(() => void this.loadMetadata(this.image().name));
    effect(() => {
      this.image();
      this.host.nativeElement.querySelector<HTMLElement>('.viewer')?.focus();
    });
  }

  protected async remove(): Promise<void> {
    const name = this.image().name;
    if (!confirm(`Delete ${name}? This cannot be undone.`)) return;
    this.deleting.set(true);
    try {
      await firstValueFrom(this.http.delete(`${API_BASE}/images/${encodeURIComponent(name)}`));
      this.deleted.emit(name);
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.deleting.set(false);
    }
  }

  protected async useParameters(): Promise<void> {
    this.generateDrafts.offer(paramsFromMetadata(this.metadata() ?? null));
    await this.router.navigate(['/generate']);
  }

  protected async openWorkflow(): Promise<void> {
    const graph = this.graph();
    if (!graph) return;
    this.workflowDrafts.offer({ name: `Workflow of ${this.image().name.replace(/\.png$/i, '')}`, graph });
    await this.router.navigate(['/workflows']);
  }

  private async loadMetadata(name: string): Promise<void> {
    this.metadata.set(undefined);
    this.graph.set(null);
    try {
      const body = await firstValueFrom(this.http.get<EmbeddedData>(`${API_BASE}/images/${encodeURIComponent(name)}/metadata`));
      if (name !== this.image().name) return;
      this.metadata.set(body.metadata);
      this.graph.set(body.graph ?? null);
    } catch (error) {
      this.metadata.set(null);
      this.toasts.error(error);
    }
  }
}
