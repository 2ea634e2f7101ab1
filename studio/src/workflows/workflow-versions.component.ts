import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import type { Workflow, WorkflowVersion, WorkflowVersionSummary } from '../core/api-types';
import { errorMessage } from '../core/api-error';
import { AuthService } from '../core/auth.service';
import { ToastService } from '../core/toast.service';
import { describeDiff, type DiffView, type NodeInfo } from './version-diff';
import { relativeTime } from '../core/relative-time';
import { authorName, previousVersion, VersionHistory } from './version-history';
import { WorkflowApiService } from './workflow-api.service';
import type { CatalogueEntry } from './workflow-graph';

export interface RestoredVersion {
  readonly version: number;
  readonly workflow: Workflow;
}

type Compare = 'draft' | 'previous';

/**
 * The Versions drawer of the workflow editor: the published history (newest first, "Load more"),
 * the selected version's changes against the saved draft or the version before it, and "Restore
 * as draft". The host reloads the canvas from the restored draft.
 */
@Component({
  selector: 'ps-workflow-versions',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header>
      <h2 id="versions-title">Versions</h2>
      @if (history.total() > 0) { <span class="muted count">{{ history.total() }} published</span> }
      <button type="button" class="close" aria-label="Close versions" (click)="closed.emit()">✕</button>
    </header>
    <ol class="history" aria-label="Published versions">
      @for (version of history.items(); track version.version) {
        <li>
          <button type="button" class="row" data-testid="version-row" [attr.data-version]="version.version" [class.active]="version.version === selected()"
            [attr.aria-pressed]="version.version === selected()" (click)="select(version.version)">
            <span class="num">v{{ version.version }}</span>
            <span class="note" [class.muted]="!version.note" [title]="version.note">{{ version.note || 'No note' }}</span>
            <small class="meta muted">{{ author(version) }} · <time [attr.datetime]="version.createdAt" [title]="absolute(version.createdAt)">{{ when(version.createdAt) }}</time></small>
          </button>
        </li>
      } @empty {
        @if (!history.loading()) { <li class="muted empty">Nothing published yet. Publish keeps the saved draft as version 1, to compare with and to come back to.</li> }
      }
    </ol>
    @if (history.hasMore()) { <button type="button" class="more" (click)="history.more()" [disabled]="history.loading()">Load more</button> }
    @if (history.loading()) { <p class="muted">Loading…</p> }

    @if (selected(); as version) {
      <section class="diff" aria-label="Changes" data-testid="version-diff">
        <div class="compare" role="group" aria-label="Compare with">
          <button type="button" [attr.aria-pressed]="compare() === 'draft'" (click)="compareWith('draft')">v{{ version }} → draft</button>
          <button type="button" [attr.aria-pressed]="compare() === 'previous'" [disabled]="!previous()" (click)="compareWith('previous')">
            {{ previous() ? 'v' + previous() + ' → v' + version : 'No earlier version' }}
          </button>
        </div>
        @if (compare() === 'draft' && dirty()) { <p class="muted hint">Unsaved changes on the canvas are not compared: save to include them.</p> }
        @if (diffError(); as error) {
          <p class="error" role="alert">{{ error }}</p>
        } @else if (diff(); as view) {
          <p class="summary" data-testid="diff-summary">{{ view.summary }}</p>
          @if (view.added.length > 0) {
            <h3>Nodes added</h3>
            <ul class="plain">@for (node of view.added; track node.id) { <li class="added" [title]="node.id">+ {{ node.name }}</li> }</ul>
          }
          @if (view.removed.length > 0) {
            <h3>Nodes removed</h3>
            <ul class="plain">@for (node of view.removed; track node.id) { <li class="removed" [title]="node.id">− {{ node.name }}</li> }</ul>
          }
          @if (view.changed.length > 0) {
            <h3>Nodes changed</h3>
            @for (node of view.changed; track node.id) {
              <div class="node" data-testid="diff-node">
                <h4 [title]="node.id">{{ node.name }}</h4>
                <dl>
                  @for (row of node.rows; track row.field) {
                    <div class="field" [class]="'field ' + row.change" data-testid="diff-field">
                      <dt>{{ row.title }}</dt>
                      <dd>
                        @if (row.before; as value) { <ng-container *ngTemplateOutlet="valueView; context: { $implicit: value, side: 'before' }" /> } @else { <span class="muted">unset</span> }
                        <span class="arrow" aria-label="becomes">→</span>
                        @if (row.after; as value) { <ng-container *ngTemplateOutlet="valueView; context: { $implicit: value, side: 'after' }" /> } @else { <span class="muted">unset</span> }
                      </dd>
                    </div>
                  }
                </dl>
              </div>
            }
          }
          @if (view.edgesAdded.length > 0) {
            <h3>Connections added</h3>
            <ul class="plain">@for (edge of view.edgesAdded; track $index) { <li class="added">+ {{ edge }}</li> }</ul>
          }
          @if (view.edgesRemoved.length > 0) {
            <h3>Connections removed</h3>
            <ul class="plain">@for (edge of view.edgesRemoved; track $index) { <li class="removed">− {{ edge }}</li> }</ul>
          }
        } @else {
          <p class="muted">Comparing…</p>
        }
        <button type="button" class="danger restore" (click)="restore(version)" [disabled]="restoring()">Restore v{{ version }} as draft</button>
      </section>
    }
    <ng-template #valueView let-value let-side="side">
      @if (value.full) {
        <details class="value" [class]="'value ' + side"><summary [title]="value.text">{{ value.text }}</summary><pre>{{ value.full }}</pre></details>
      } @else {
        <span class="value" [class]="'value ' + side">{{ value.text }}</span>
      }
    </ng-template>
  `,
  styles: `
    :host { display: flex; flex-direction: column; gap: 0.5rem; min-height: 0; overflow: auto; font-size: 0.85rem; }
    header { display: flex; align-items: baseline; gap: 0.5rem; }
    h2 { font-size: 1rem; margin: 0; }
    .count { flex: 1; font-size: 0.75rem; }
    .close { margin-left: auto; padding: 0.1rem 0.45rem; background: transparent; }
    ol, ul { list-style: none; margin: 0; padding: 0; }
    .history { display: grid; gap: 0.25rem; }
    .row { display: grid; grid-template-columns: auto minmax(0, 1fr); column-gap: 0.5rem; width: 100%; text-align: left; padding: 0.35rem 0.5rem; background: transparent; }
    .row.active { background: var(--panel-2); border-color: var(--accent); }
    .num { font-weight: 600; color: var(--accent-2); font-variant-numeric: tabular-nums; }
    .note { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .meta { grid-column: 2; font-size: 0.75rem; }
    .empty { padding: 0.5rem 0; }
    .more { align-self: start; padding: 0.2rem 0.6rem; font-size: 0.8rem; }
    .diff { display: grid; gap: 0.4rem; border-top: 1px solid var(--line); padding-top: 0.5rem; }
    .compare { display: flex; }
    .compare button { flex: 1; padding: 0.25rem 0.4rem; font-size: 0.8rem; border-radius: 0; }
    .compare button:first-child { border-radius: 6px 0 0 6px; }
    .compare button:last-child { border-radius: 0 6px 6px 0; border-left: none; }
    .compare button[aria-pressed='true'] { background: var(--accent); border-color: var(--accent); color: #1a0f16; font-weight: 600; }
    .hint { font-size: 0.75rem; margin: 0; }
    .summary { margin: 0; font-weight: 600; }
    h3 { font-size: 0.7rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 0.3rem 0 0; }
    h4 { font-size: 0.85rem; margin: 0 0 0.2rem; }
    .added { color: var(--ok); }
    .removed { color: var(--danger); }
    .plain li { overflow-wrap: anywhere; }
    .node { background: var(--panel-2); border-radius: 6px; padding: 0.35rem 0.5rem; }
    dl { margin: 0; display: grid; gap: 0.2rem; }
    .field { display: grid; grid-template-columns: minmax(3.5rem, auto) minmax(0, 1fr); gap: 0.4rem; align-items: start; }
    dt { color: var(--muted); }
    dd { margin: 0; min-width: 0; display: flex; flex-wrap: wrap; gap: 0.25rem; align-items: baseline; overflow-wrap: anywhere; }
    .arrow { color: var(--muted); }
    .value.before { color: var(--muted); text-decoration: line-through; text-decoration-color: #ff6b6b88; }
    .value.after { color: var(--text); }
    .field.added .value.after { color: var(--ok); }
    details.value { min-width: 0; max-width: 100%; }
    details summary { cursor: pointer; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    pre { margin: 0.2rem 0 0; max-height: 12rem; overflow: auto; font-size: 0.75rem; background: var(--panel); padding: 0.3rem; border-radius: 4px; white-space: pre-wrap; text-decoration: none; }
    .restore { justify-self: start; margin-top: 0.3rem; padding: 0.3rem 0.7rem; font-size: 0.85rem; }
    .error { color: var(--danger); }
  `,
  imports: [NgTemplateOutlet],
})
export class WorkflowVersionsComponent {
  private readonly api = inject(WorkflowApiService);
  private readonly toasts = inject(ToastService);
  private readonly auth = inject(AuthService);

  readonly workflowId = input.required<string>();
  readonly catalogue = input<ReadonlyMap<string, CatalogueEntry>>(new Map());
  /** The canvas's nodes, to name nodes the versions' graphs do not (and by their current label). */
  readonly draftNodes = input<ReadonlyMap<string, NodeInfo>>(new Map());
  /** Whether the canvas has changes the saved draft has not. */
  readonly dirty = input(false);
  /** Bumped by the host after a publish or a save: the history and the draft's diff are stale. */
  readonly refresh = input(0);
  readonly restored = output<RestoredVersion>();
  readonly closed = output<void>();

  protected readonly history = new VersionHistory((offset, limit) => this.api.versions(this.workflowId(), offset, limit));
  protected readonly selected = signal<number | null>(null);
  protected readonly compare = signal<Compare>('draft');
  protected readonly previous = computed(() => {
    const version = this.selected();
    return version === null ? null : previousVersion(version);
  });
  protected readonly diff = signal<DiffView | null>(null);
  protected readonly diffError = signal<string | null>(null);
  protected readonly restoring = signal(false);
  private readonly graphs = new Map<number, Promise<WorkflowVersion>>();
  private request = 0;

  constructor() {
    effect(() => {
      this.workflowId();
      untracked(() => {
        this.graphs.clear();
        this.selected.set(null);
        this.diff.set(null);
      });
    });
    effect(() => {
      this.workflowId();
      this.refresh();
      untracked(() => {
        void this.history.reload().catch((error: unknown) => this.toasts.error(error));
        if (this.selected() !== null) void this.loadDiff();
      });
    });
  }

  protected author(version: WorkflowVersionSummary): string {
    return authorName(version.authorId, this.auth.user());
  }

  protected when(iso: string): string {
    return relativeTime(iso);
  }

  protected absolute(iso: string): string {
    return new Date(iso).toLocaleString();
  }

  protected select(version: number): void {
    this.selected.set(version);
    if (this.compare() === 'previous' && previousVersion(version) === null) this.compare.set('draft');
    void this.loadDiff();
  }

  protected compareWith(compare: Compare): void {
    this.compare.set(compare);
    void this.loadDiff();
  }

  private async loadDiff(): Promise<void> {
    const version = this.selected();
    if (version === null) return;
    const request = ++this.request;
    const previous = this.compare() === 'previous' ? previousVersion(version) : null;
    const from = previous ?? version;
    const to = previous === null ? 'draft' : version;
    this.diff.set(null);
    this.diffError.set(null);
    try {
      const id = this.workflowId();
      const sides = [from, ...(to === 'draft' ? [] : [to])];
      const [diff, ...versions] = await Promise.all([this.api.diff(id, from, to), ...sides.map((side) => this.versionGraph(id, side))]);
      if (request !== this.request) return;
      const nodes = new Map<string, NodeInfo>();
      for (const published of versions) for (const node of published.graph.nodes) nodes.set(node.id, { type: node.type, ...(node.label ? { label: node.label } : {}) });
      if (to === 'draft') for (const [id, node] of this.draftNodes()) nodes.set(id, node);
      this.diff.set(describeDiff(diff, nodes, this.catalogue()));
    } catch (error) {
      if (request === this.request) this.diffError.set(`The changes could not be loaded: ${errorMessage(error)}`);
    }
  }

  private versionGraph(id: string, version: number): Promise<WorkflowVersion> {
    let found = this.graphs.get(version);
    if (!found) {
      found = this.api.version(id, version);
      found.catch(() => this.graphs.delete(version));
      this.graphs.set(version, found);
    }
    return found;
  }

  protected async restore(version: number): Promise<void> {
    if (!confirm(`Restore version ${version} as the draft? The draft's graph is replaced, unsaved changes included; published versions stay as they are.`)) return;
    this.restoring.set(true);
    try {
      const workflow = await this.api.restore(this.workflowId(), version);
      this.restored.emit({ version, workflow });
      void this.loadDiff();
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.restoring.set(false);
    }
  }
}
