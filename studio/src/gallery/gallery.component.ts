import { ScrollingModule } from '@angular/cdk/scrolling';
import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { firstValueFrom } from 'rxjs';
import { API_BASE, type ImageRecord, type Page } from '../core/api-types';
import { AuthImageDirective } from '../core/auth-image.directive';
import { LiveEventsService } from '../core/live-events.service';
import { ToastService } from '../core/toast.service';
import { ImageViewerComponent } from './image-viewer.component';
import { chunkRows } from './gallery-rows';

const PAGE_SIZE = 60;
const TILE_PX = 168;

/** The user's images as a virtual-scrolled grid of thumbnails, with a viewer. */
@Component({
  selector: 'ps-gallery',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ScrollingModule, AuthImageDirective, ImageViewerComponent],
  template: `
    <div class="head">
      <h1>Gallery</h1>
      <span class="muted">{{ total() }} {{ total() === 1 ? 'image' : 'images' }}</span>
      <label class="inline"><input type="checkbox" [checked]="starredOnly()" (change)="toggleStarred()"> Starred only</label>
      <button type="button" (click)="reload()">Refresh</button>
    </div>
    <div class="body" [class.with-viewer]="selected()">
      <cdk-virtual-scroll-viewport class="grid" [itemSize]="tile" (scrolledIndexChange)="maybeLoadMore($event)" role="list" aria-label="Images">
        <div class="row" *cdkVirtualFor="let row of rows(); trackBy: trackRow" role="presentation">
          @for (image of row; track image.name) {
            <div class="tile" role="listitem" [class.selected]="selected()?.name === image.name">
              <button type="button" class="thumb" (click)="selected.set(image)" [attr.aria-label]="'Open ' + image.name">
                <img psAuthImage [imageName]="image.name" alt="" loading="lazy" data-testid="gallery-thumb">
              </button>
              <button type="button" class="star" (click)="toggleStar(image)" [attr.aria-pressed]="image.starred"
                [attr.aria-label]="(image.starred ? 'Unstar ' : 'Star ') + image.name">{{ image.starred ? '★' : '☆' }}</button>
            </div>
          }
        </div>
      </cdk-virtual-scroll-viewport>
      @if (!loading() && total() === 0) { <p class="muted empty">No images yet: generate some.</p> }
      @if (selected(); as image) {
        <ps-image-viewer [image]="image" (closed)="selected.set(null)" (deleted)="remove($event)" (starToggled)="toggleStar($event)" />
      }
    </div>
  `,
  styles: `
    :host { display: grid; gap: 0.75rem; }
    .head { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; }
    .head h1 { margin: 0; }
    .inline { display: flex; align-items: center; gap: 0.4rem; }
    .body { display: grid; grid-template-columns: 1fr; gap: 1rem; }
    .body.with-viewer { grid-template-columns: 1fr minmax(18rem, 26rem); }
    .grid { height: calc(100vh - 10rem); min-height: 20rem; }
    .row { display: flex; gap: 8px; height: ${TILE_PX}px; padding-bottom: 8px; }
    .tile { position: relative; width: ${TILE_PX - 8}px; height: ${TILE_PX - 8}px; }
    .thumb { padding: 0; width: 100%; height: 100%; overflow: hidden; background: var(--panel-2); }
    .tile.selected .thumb { border-color: var(--accent); border-width: 2px; }
    .thumb img { width: 100%; height: 100%; object-fit: cover; image-rendering: pixelated; display: block; }
    .star { position: absolute; top: 4px; right: 4px; padding: 0 0.35rem; background: rgba(0,0,0,0.55); color: var(--accent-2); }
    .empty { margin: 0; }
    @media (max-width: 900px) { .body.with-viewer { grid-template-columns: 1fr; } .grid { height: 50vh; } }
  `,
})
export class GalleryComponent {
  private readonly http = inject(HttpClient);
  private readonly toasts = inject(ToastService);
  private readonly events = inject(LiveEventsService);

  protected readonly tile = TILE_PX;
  private readonly images = signal<readonly ImageRecord[]>([]);
  private readonly width = signal(globalThis.innerWidth ?? 1200);
  protected readonly total = signal(0);
  protected readonly loading = signal(false);
  protected readonly starredOnly = signal(false);
  protected readonly selected = signal<ImageRecord | null>(null);
  protected readonly rows = computed(() => chunkRows(this.images(), this.perRow()));
  private readonly perRow = computed(() => Math.max(1, Math.floor((this.width() - (this.selected() ? 460 : 60)) / TILE_PX)));

  constructor() {
    void this.reload();
    const destroyRef = inject(DestroyRef);
    this.events.on('queue_item_status_changed').pipe(takeUntilDestroyed(destroyRef)).subscribe((event) => {
      if (event.status === 'completed') void this.reload();
    });
    this.events.reconnected$.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => void this.reload());
    const onResize = () => this.width.set(window.innerWidth);
    window.addEventListener('resize', onResize);
    destroyRef.onDestroy(() => window.removeEventListener('resize', onResize));
  }

  protected trackRow = (_index: number, row: readonly ImageRecord[]) => row[0]?.name;

  protected toggleStarred(): void {
    this.starredOnly.update((value) => !value);
    void this.reload();
  }

  protected async reload(): Promise<void> {
    this.images.set([]);
    await this.loadPage(0);
  }

  protected maybeLoadMore(firstVisibleRow: number): void {
    const loadedRows = this.rows().length;
    if (!this.loading() && this.images().length < this.total() && firstVisibleRow + 8 >= loadedRows) void this.loadPage(this.images().length);
  }

  protected async toggleStar(image: ImageRecord): Promise<void> {
    try {
      const updated = await firstValueFrom(this.http.post<ImageRecord>(`${API_BASE}/images/${encodeURIComponent(image.name)}/${image.starred ? 'unstar' : 'star'}`, {}));
      const starred = updated?.starred ?? !image.starred;
      this.images.update((images) => images.map((each) => (each.name === image.name ? { ...each, starred } : each)));
      if (this.selected()?.name === image.name) this.selected.set({ ...image, starred });
    } catch (error) {
      this.toasts.error(error);
    }
  }

  protected remove(name: string): void {
    this.images.update((images) => images.filter((image) => image.name !== name));
    this.total.update((total) => Math.max(0, total - 1));
    this.selected.set(null);
  }

  private async loadPage(offset: number): Promise<void> {
    this.loading.set(true);
    try {
      const params: Record<string, string | number> = { limit: PAGE_SIZE, offset };
      if (this.starredOnly()) params['starred'] = 'true';
      const page = await firstValueFrom(this.http.get<Page<ImageRecord>>(`${API_BASE}/images`, { params }));
      this.images.update((images) => (offset === 0 ? page.items : [...images, ...page.items]));
      this.total.set(page.total);
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.loading.set(false);
    }
  }
}
