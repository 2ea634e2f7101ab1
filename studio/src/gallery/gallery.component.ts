import { ScrollingModule } from '@angular/cdk/scrolling';
import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { firstValueFrom } from 'rxjs';
import { API_BASE, type BoardRecord, type ImageRecord, type Page } from '../core/api-types';
import { AuthImageDirective } from '../core/auth-image.directive';
import { LiveEventsService } from '../core/live-events.service';
import { saveBlob } from '../core/save-blob';
import { ToastService } from '../core/toast.service';
import { ImageViewerComponent } from './image-viewer.component';
import { chunkRows } from './gallery-rows';
import { NO_SELECTION, type Selection, keepPresent, neighbour, select, selectAll } from './gallery-selection';

const PAGE_SIZE = 60;
const TILE_PX = 168;
/** The board filter: every image, those on no board, or one board's id. */
type BoardFilter = 'all' | 'none' | string;

/**
 * The user's images as a virtual-scrolled grid of thumbnails, filtered by board, with a viewer.
 * Click, ctrl-click and shift-click (or the arrow keys, Space, Ctrl+A) select several images to
 * move to a board, download as a zip or delete together.
 */
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
    <div class="boards" role="toolbar" aria-label="Boards">
      <label class="inline">Board
        <select [value]="board()" (change)="filterBoard($any($event.target).value)" aria-label="Show board" data-testid="board-filter">
          <option value="all">All images</option>
          <option value="none">No board</option>
          @for (each of boards(); track each.id) { <option [value]="each.id">{{ each.name }} ({{ each.imageCount }})</option> }
        </select>
      </label>
      <form class="inline" (submit)="$event.preventDefault(); createBoard(boardName.value); boardName.value = ''">
        <input #boardName type="text" maxlength="100" placeholder="New board name" aria-label="New board name">
        <button type="submit">Add board</button>
      </form>
      @if (currentBoard(); as current) {
        <button type="button" (click)="renameBoard(current)">Rename</button>
        <button type="button" class="danger" (click)="deleteBoard(current)">Delete board</button>
      }
    </div>
    @if (selectedCount() > 0) {
      <div class="bulk panel" role="toolbar" aria-label="Selected images" data-testid="bulk-bar">
        <strong>{{ selectedCount() }} selected</strong>
        <label class="inline">Move to
          <select #moveTo aria-label="Move the selected images to a board" (change)="move($any($event.target).value); moveTo.value = ''">
            <option value="" disabled selected>Board…</option>
            <option value="none">No board</option>
            @for (each of boards(); track each.id) { <option [value]="each.id">{{ each.name }}</option> }
          </select>
        </label>
        <button type="button" (click)="download()" [disabled]="busy()">Download</button>
        <button type="button" class="danger" (click)="deleteSelected()" [disabled]="busy()">Delete</button>
        <button type="button" (click)="clearSelection()">Clear selection</button>
      </div>
    }
    <div class="body" [class.with-viewer]="viewing()">
      <cdk-virtual-scroll-viewport class="grid" [itemSize]="tile" (scrolledIndexChange)="maybeLoadMore($event)" role="list"
        aria-label="Images" (keydown)="key($event)">
        <div class="row" *cdkVirtualFor="let row of rows(); trackBy: trackRow" role="presentation">
          @for (image of row; track image.name) {
            <div class="tile" role="listitem" [class.selected]="selection().names.has(image.name)" [class.viewing]="viewing()?.name === image.name">
              <button type="button" class="thumb" [attr.data-name]="image.name" [attr.aria-pressed]="selection().names.has(image.name)"
                [attr.tabindex]="focusName() === image.name || (focusName() === null && $first && row === rows()[0]) ? 0 : -1"
                (click)="click(image, $event)" (focus)="focusName.set(image.name)" [attr.aria-label]="'Open ' + image.name">
                <img psAuthImage [imageName]="image.name" alt="" loading="lazy" data-testid="gallery-thumb">
              </button>
              @if (selection().names.has(image.name)) { <span class="check" aria-hidden="true">✓</span> }
              <button type="button" class="star" tabindex="-1" (click)="toggleStar(image)" [attr.aria-pressed]="image.starred"
                [attr.aria-label]="(image.starred ? 'Unstar ' : 'Star ') + image.name">{{ image.starred ? '★' : '☆' }}</button>
            </div>
          }
        </div>
      </cdk-virtual-scroll-viewport>
      @if (!loading() && total() === 0) { <p class="muted empty">{{ board() === 'all' ? 'No images yet: generate some.' : 'No images on this board.' }}</p> }
      @if (viewing(); as image) {
        <ps-image-viewer [image]="image" (closed)="viewing.set(null)" (deleted)="removed([$event])" (starToggled)="toggleStar($event)" />
      }
    </div>
    <p class="muted small hint">Ctrl-click or Shift-click to select several; arrow keys move, Space selects, Ctrl+A selects all, Delete deletes.</p>
  `,
  styles: `
    :host { display: grid; gap: 0.75rem; }
    .head, .boards, .bulk { display: flex; align-items: center; gap: 0.75rem; flex-wrap: wrap; }
    .head h1 { margin: 0; }
    .bulk { padding: 0.5rem 0.75rem; }
    .boards button, .bulk button, .inline { white-space: nowrap; }
    .inline { display: flex; align-items: center; gap: 0.4rem; }
    .body { display: grid; grid-template-columns: 1fr; gap: 1rem; }
    .body.with-viewer { grid-template-columns: 1fr minmax(18rem, 26rem); }
    .grid { height: calc(100vh - 14rem); min-height: 20rem; }
    .row { display: flex; gap: 8px; height: ${TILE_PX}px; padding-bottom: 8px; }
    .tile { position: relative; width: ${TILE_PX - 8}px; height: ${TILE_PX - 8}px; }
    .thumb { padding: 0; width: 100%; height: 100%; overflow: hidden; background: var(--panel-2); }
    .tile.viewing .thumb { border-color: var(--accent-2); border-width: 2px; }
    .tile.selected .thumb { border-color: var(--accent); border-width: 3px; }
    .thumb img { width: 100%; height: 100%; object-fit: cover; image-rendering: pixelated; display: block; }
    .check { position: absolute; top: 4px; left: 4px; background: var(--accent); color: #000; border-radius: 50%; width: 1.3rem; height: 1.3rem;
      display: grid; place-items: center; font-size: 0.8rem; pointer-events: none; }
    .star { position: absolute; top: 4px; right: 4px; padding: 0 0.35rem; background: rgba(0,0,0,0.55); color: var(--accent-2); }
    .empty, .hint { margin: 0; }
    .small { font-size: 0.8rem; }
    @media (max-width: 900px) { .body.with-viewer { grid-template-columns: 1fr; } .grid { height: 50vh; } }
  `,
})
export class GalleryComponent {
  private readonly http = inject(HttpClient);
  private readonly toasts = inject(ToastService);
  private readonly events = inject(LiveEventsService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  protected readonly tile = TILE_PX;
  private readonly images = signal<readonly ImageRecord[]>([]);
  private readonly order = computed(() => this.images().map((image) => image.name));
  private readonly width = signal(globalThis.innerWidth ?? 1200);
  protected readonly total = signal(0);
  protected readonly loading = signal(false);
  protected readonly busy = signal(false);
  protected readonly starredOnly = signal(false);
  protected readonly boards = signal<readonly BoardRecord[]>([]);
  protected readonly board = signal<BoardFilter>('all');
  protected readonly currentBoard = computed(() => this.boards().find((each) => each.id === this.board()) ?? null);
  /** The image open in the viewer. */
  protected readonly viewing = signal<ImageRecord | null>(null);
  protected readonly selection = signal<Selection>(NO_SELECTION);
  protected readonly selectedCount = computed(() => this.selection().names.size);
  /** The tile that takes focus in the grid (roving tabindex). */
  protected readonly focusName = signal<string | null>(null);
  protected readonly rows = computed(() => chunkRows(this.images(), this.perRow()));
  private readonly perRow = computed(() => Math.max(1, Math.floor((this.width() - (this.viewing() ? 460 : 60)) / TILE_PX)));

  constructor() {
    void this.reload();
    void this.loadBoards();
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

  // ---- selection ----

  protected click(image: ImageRecord, event: MouseEvent): void {
    const toggle = event.ctrlKey || event.metaKey;
    const range = event.shiftKey;
    this.selection.set(select(this.selection(), this.order(), image.name, { toggle, range }));
    this.focusName.set(image.name);
    if (!toggle && !range) this.viewing.set(image);
  }

  protected clearSelection(): void {
    this.selection.set(NO_SELECTION);
  }

  protected key(event: KeyboardEvent): void {
    const current = this.focusName();
    const mod = event.ctrlKey || event.metaKey;
    const steps: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: this.perRow(), ArrowUp: -this.perRow(), Home: -Infinity, End: Infinity };
    if (event.key in steps) {
      const step = steps[event.key]!;
      const next = Number.isFinite(step) ? neighbour(this.order(), current, step) : (step < 0 ? this.order()[0] : this.order().at(-1)) ?? null;
      if (!next) return;
      if (event.shiftKey) this.selection.set(select(this.selection(), this.order(), next, { range: true, toggle: mod }));
      this.focus(next);
    } else if (event.key === ' ' && current) {
      this.selection.set(select(this.selection(), this.order(), current, { toggle: true }));
    } else if (mod && event.key.toLowerCase() === 'a') {
      this.selection.set(selectAll(this.order()));
    } else if (event.key === 'Escape' && this.selectedCount() > 0) {
      this.clearSelection();
    } else if (event.key === 'Delete' && this.selectedCount() > 0) {
      void this.deleteSelected();
    } else return;
    event.preventDefault();
    event.stopPropagation();
  }

  private focus(name: string): void {
    this.focusName.set(name);
    const row = Math.floor(this.order().indexOf(name) / this.perRow());
    const viewport = this.host.nativeElement.querySelector('cdk-virtual-scroll-viewport');
    const element = () => this.host.nativeElement.querySelector<HTMLElement>(`.thumb[data-name="${CSS.escape(name)}"]`);
    if (!element() && viewport) viewport.scrollTop = row * TILE_PX;
    requestAnimationFrame(() => element()?.focus());
  }

  private selectedNames(): string[] {
    const chosen = this.selection().names;
    return this.order().filter((name) => chosen.has(name));
  }

  // ---- bulk actions ----

  protected async download(): Promise<void> {
    const names = this.selectedNames();
    if (names.length === 0) return;
    this.busy.set(true);
    try {
      const zip = await firstValueFrom(this.http.post(`${API_BASE}/images/download`, { names }, { responseType: 'blob' }));
      saveBlob(zip, 'images.zip');
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.busy.set(false);
    }
  }

  protected async deleteSelected(): Promise<void> {
    const names = this.selectedNames();
    if (names.length === 0 || !confirm(`Delete ${names.length} ${names.length === 1 ? 'image' : 'images'}? This cannot be undone.`)) return;
    this.busy.set(true);
    try {
      const results = await Promise.allSettled(names.map((name) => firstValueFrom(this.http.delete(`${API_BASE}/images/${encodeURIComponent(name)}`))));
      const gone = names.filter((_, index) => results[index]!.status === 'fulfilled');
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      this.removed(gone);
      if (failed) this.toasts.error(failed.reason);
      else this.toasts.info(`Deleted ${gone.length} ${gone.length === 1 ? 'image' : 'images'}`);
      void this.loadBoards();
    } finally {
      this.busy.set(false);
    }
  }

  protected async move(target: string): Promise<void> {
    const names = this.selectedNames();
    if (!target || names.length === 0) return;
    try {
      if (target === 'none') {
        const byBoard = new Map<string, string[]>();
        for (const image of this.images()) if (image.boardId && this.selection().names.has(image.name)) byBoard.set(image.boardId, [...(byBoard.get(image.boardId) ?? []), image.name]);
        for (const [boardId, onBoard] of byBoard) await firstValueFrom(this.http.post(`${API_BASE}/boards/${boardId}/images/remove`, { names: onBoard }));
      } else {
        await firstValueFrom(this.http.post(`${API_BASE}/boards/${target}/images`, { names }));
      }
      const boardName = target === 'none' ? 'no board' : (this.boards().find((each) => each.id === target)?.name ?? 'the board');
      this.toasts.info(`Moved ${names.length} ${names.length === 1 ? 'image' : 'images'} to ${boardName}`);
      await Promise.all([this.loadBoards(), this.reload()]);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  // ---- boards ----

  protected filterBoard(board: BoardFilter): void {
    this.board.set(board);
    this.viewing.set(null);
    void this.reload();
  }

  protected async createBoard(name: string): Promise<void> {
    if (!name.trim()) return;
    try {
      const board = await firstValueFrom(this.http.post<BoardRecord>(`${API_BASE}/boards`, { name: name.trim() }));
      this.toasts.info(`Added the board “${board.name}”`);
      await this.loadBoards();
    } catch (error) {
      this.toasts.error(error);
    }
  }

  protected async renameBoard(board: BoardRecord): Promise<void> {
    const name = prompt('Rename the board', board.name)?.trim();
    if (!name || name === board.name) return;
    try {
      await firstValueFrom(this.http.patch<BoardRecord>(`${API_BASE}/boards/${board.id}`, { name }));
      await this.loadBoards();
    } catch (error) {
      this.toasts.error(error);
    }
  }

  protected async deleteBoard(board: BoardRecord): Promise<void> {
    if (!confirm(`Delete the board “${board.name}”? Its images stay, on no board.`)) return;
    try {
      await firstValueFrom(this.http.delete(`${API_BASE}/boards/${board.id}`));
      this.toasts.info(`Deleted the board “${board.name}”`);
      this.filterBoard('all');
      await this.loadBoards();
    } catch (error) {
      this.toasts.error(error);
    }
  }

  private async loadBoards(): Promise<void> {
    try {
      const page = await firstValueFrom(this.http.get<Page<BoardRecord>>(`${API_BASE}/boards`, { params: { limit: 100 } }));
      this.boards.set(page.items);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  // ---- grid ----

  protected toggleStarred(): void {
    this.starredOnly.update((value) => !value);
    void this.reload();
  }

  protected async reload(): Promise<void> {
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
      if (this.viewing()?.name === image.name) this.viewing.set({ ...image, starred });
    } catch (error) {
      this.toasts.error(error);
    }
  }

  protected removed(names: readonly string[]): void {
    const gone = new Set(names);
    this.images.update((images) => images.filter((image) => !gone.has(image.name)));
    this.total.update((total) => Math.max(0, total - gone.size));
    this.selection.set(keepPresent(this.selection(), this.order()));
    if (this.viewing() && gone.has(this.viewing()!.name)) this.viewing.set(null);
  }

  private async loadPage(offset: number): Promise<void> {
    this.loading.set(true);
    try {
      const params: Record<string, string | number> = { limit: PAGE_SIZE, offset };
      if (this.starredOnly()) params['starred'] = 'true';
      if (this.board() !== 'all') params['board'] = this.board();
      const page = await firstValueFrom(this.http.get<Page<ImageRecord>>(`${API_BASE}/images`, { params }));
      this.images.update((images) => (offset === 0 ? page.items : [...images, ...page.items]));
      this.total.set(page.total);
      if (offset === 0) this.selection.set(keepPresent(this.selection(), this.order()));
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.loading.set(false);
    }
  }
}
