import { Injectable, type Signal, computed, inject, signal } from '@angular/core';
import type { WorkflowSummary } from '../core/api-types';
import { ToastService } from '../core/toast.service';
import type { NodeInfo } from './version-diff';
import { WorkflowApiService } from './workflow-api.service';
import { WorkflowDraftService } from './workflow-draft.service';
import type { WorkflowEditor } from './workflow-editor';
import { type EditorNode, type WorkflowGraphJson, fromGraphJson, isOutdated, toGraphJson } from './workflow-graph';
import type { RestoredVersion } from './workflow-versions.component';
import { WorkflowRunStore } from './workflow-run.store';

const UNTITLED = 'Untitled workflow';

/** The page's canvas as the library reads it: the editor once mounted, and a count bumped on every change to its graph. */
export interface LibraryCanvas {
  editor(): WorkflowEditor | null;
  readonly revision: Signal<number>;
}

/**
 * The workflow on the canvas and the library it is saved in: its id and name, whether the canvas
 * has unsaved changes, New, Save, Open, Delete, Import and Export, a graph handed over from
 * elsewhere, a restored version, and the Versions drawer's state (closed when the canvas no longer
 * shows a library workflow, reloaded after each save or publish). One per Workflows page
 * (provided there); the page attaches its canvas.
 */
@Injectable()
export class WorkflowLibraryService {
  private readonly api = inject(WorkflowApiService);
  private readonly toasts = inject(ToastService);
  private readonly drafts = inject(WorkflowDraftService);
  private readonly store = inject(WorkflowRunStore);
  private readonly canvas = signal<LibraryCanvas | null>(null);

  private readonly list = signal<readonly WorkflowSummary[]>([]);
  readonly workflows = this.list.asReadonly();
  private readonly id = signal<string | null>(null);
  readonly workflowId = this.id.asReadonly();
  readonly name = signal(UNTITLED);
  /** The name and graph as last saved or opened, to tell whether the canvas has unsaved changes. */
  private readonly savedState = signal<string | null>(null);
  readonly dirty = computed(() => {
    this.canvas()?.revision();
    const saved = this.savedState();
    return saved === null ? this.nodes().length > 0 : saved !== this.currentState();
  });
  private readonly drawer = signal(false);
  readonly versionsOpen = this.drawer.asReadonly();
  private readonly changes = signal(0);
  /** Bumped after a publish or a save, so the Versions drawer reloads. */
  readonly versionsRefresh = this.changes.asReadonly();
  /** The canvas's nodes by id, for the Versions drawer to name them. */
  readonly draftNodes = computed<ReadonlyMap<string, NodeInfo>>(
    () => new Map(this.nodes().map((node) => [node.id, { type: node.type, ...(node.label ? { label: node.label } : {}) }])),
  );

  attach(canvas: LibraryCanvas): void {
    this.canvas.set(canvas);
  }

  /** The editor behind the canvas, once mounted. */
  editor(): WorkflowEditor | null {
    return this.canvas()?.editor() ?? null;
  }

  /** The canvas's nodes, read again whenever its graph changes. */
  private nodes(): EditorNode[] {
    this.canvas()?.revision();
    return this.editor()?.nodes() ?? [];
  }

  /** The canvas's graph as JSON. */
  graph(): WorkflowGraphJson {
    return toGraphJson(this.editor()?.nodes() ?? [], this.editor()?.edges() ?? []);
  }

  private currentState(): string {
    return JSON.stringify([this.name().trim(), this.graph()]);
  }

  async load(): Promise<void> {
    try {
      this.list.set((await this.api.list()).items);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  toggleVersions(): void {
    this.drawer.update((open) => !open);
  }

  closeVersions(): void {
    this.drawer.set(false);
  }

  /** A version was published: the drawer reloads. */
  versionsChanged(): void {
    this.changes.update((value) => value + 1);
  }

  /** The canvas no longer shows a library workflow (an import, a handed-over graph). */
  private detach(): void {
    this.id.set(null);
    this.savedState.set(null);
    this.drawer.set(false);
  }

  /** What is on the canvas now is what the library holds. */
  private markSaved(): void {
    this.savedState.set(this.currentState());
  }

  /** A graph handed over from elsewhere (an image's "Open workflow"), shown as an import is. */
  async openDraft(): Promise<void> {
    const draft = this.drafts.take();
    if (!draft || !this.editor()) return;
    await this.show(draft.graph);
    this.detach();
    this.name.set(draft.name);
  }

  async newWorkflow(): Promise<void> {
    await this.editor()?.load([], []);
    this.id.set(null);
    this.name.set(UNTITLED);
    this.savedState.set(null);
    this.drawer.set(false);
    this.store.issues.set({});
    this.store.clearRun();
  }

  /** Saves the canvas to the library (a new workflow when asked or when it has none); whether it did. */
  async save(asNew: boolean, quiet = false): Promise<boolean> {
    const graph = this.graph();
    const name = this.name().trim() || UNTITLED;
    const state = this.currentState();
    try {
      const id = this.id();
      const saved = id && !asNew ? await this.api.update(id, { name, graph, layout: graph.ui }) : await this.api.create({ name, graph, layout: graph.ui });
      this.id.set(saved.id);
      this.savedState.set(state);
      this.versionsChanged();
      if (!quiet) this.toasts.info(`Saved “${saved.name}”`);
      await this.load();
      return true;
    } catch (error) {
      this.toasts.error(error);
      return false;
    }
  }

  /** The drawer restored a version into the draft: show the draft as the server now holds it. */
  async restored(event: RestoredVersion): Promise<void> {
    try {
      await this.show(event.workflow.graph, event.workflow.layout);
      this.name.set(event.workflow.name);
      this.markSaved();
      this.toasts.info(`Restored version ${event.version} as the draft`);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  async open(id: string): Promise<void> {
    if (!id) return;
    try {
      const workflow = await this.api.get(id);
      await this.show(workflow.graph, workflow.layout);
      this.id.set(workflow.id);
      this.name.set(workflow.name);
      this.markSaved();
    } catch (error) {
      this.toasts.error(error);
    }
  }

  async remove(): Promise<void> {
    const id = this.id();
    if (!id || !confirm(`Delete “${this.name()}” from the library?`)) return;
    try {
      await this.api.remove(id);
      this.id.set(null);
      this.savedState.set(null);
      this.drawer.set(false);
      await this.load();
      this.toasts.info('Workflow deleted');
    } catch (error) {
      this.toasts.error(error);
    }
  }

  /** Shows a graph on the canvas, saying what could not be shown and which nodes are outdated. */
  private async show(json: unknown, layout?: unknown): Promise<void> {
    const editor = this.editor()!;
    const parsed = fromGraphJson(json, layout);
    const result = await editor.load(parsed.nodes, parsed.edges);
    this.store.issues.set({});
    this.store.clearRun();
    const catalogue = this.store.catalogue();
    const outdated = parsed.nodes.filter((node) => catalogue.has(node.type) && isOutdated(node.version, catalogue.get(node.type)!.version));
    const problems = [
      ...parsed.problems,
      ...(result.missingTypes.length > 0 ? [`node types not installed: ${result.missingTypes.join(', ')}`] : []),
      ...(result.refusedEdges > 0 ? [`${result.refusedEdges} connections could not be made`] : []),
    ];
    if (problems.length > 0) this.toasts.error(`Some of the workflow could not be shown: ${problems.join('; ')}`);
    if (outdated.length > 0) this.toasts.info(`${outdated.length} ${outdated.length === 1 ? 'node was' : 'nodes were'} saved with an older version: marked on the canvas`);
    await editor.zoomToFit();
  }

  /** Shows an exported graph JSON file, named after the file, as a workflow not yet in the library. */
  async import(file: File): Promise<void> {
    try {
      await this.show(JSON.parse(await file.text()));
      this.detach();
      this.name.set(file.name.replace(/\.json$/i, ''));
    } catch (error) {
      this.toasts.error(error instanceof SyntaxError ? `${file.name} is not JSON` : error);
    }
  }

  export(): void {
    const blob = new Blob([JSON.stringify(this.graph(), null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `${(this.name().trim() || 'workflow').replace(/[^\w.-]+/g, '-')}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
