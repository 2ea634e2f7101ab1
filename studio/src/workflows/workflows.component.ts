import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { ImageRecord, Issue, ModelRecord, WorkflowSummary } from '../core/api-types';
import { AuthImageDirective } from '../core/auth-image.directive';
import { LiveEventsService } from '../core/live-events.service';
import { ToastService } from '../core/toast.service';
import { issuesByNode, issuesSentence, refusedGraphIssues } from './graph-issues';
import type { NodeInfo } from './version-diff';
import { WorkflowApiService } from './workflow-api.service';
import { WorkflowDraftService } from './workflow-draft.service';
import { WorkflowEditor } from './workflow-editor';
import { type CatalogueEntry, KIND_COLOURS, fromGraphJson, isOutdated, paletteGroups, toGraphJson } from './workflow-graph';
import { type InputChange, WorkflowInspectorComponent } from './workflow-inspector.component';
import { describeOutputs } from './workflow-outputs';
import { WorkflowRunStore } from './workflow-run.store';
import { type RestoredVersion, WorkflowVersionsComponent } from './workflow-versions.component';

const DRAG_TYPE = 'application/x-pinksea-node';

/**
 * Workflows: a node editor over the node catalogue. Palette on the left (drag or Enter to add),
 * the Rete canvas in the middle, the selected node's inputs and the run's outputs on the right;
 * the toolbar (one row: the rest under "More") saves to and loads from the library, imports and
 * exports graph JSON, runs, publishes the saved draft as a version and opens the Versions drawer.
 */
@Component({
  selector: 'ps-workflows',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [WorkflowInspectorComponent, WorkflowVersionsComponent, AuthImageDirective],
  providers: [WorkflowRunStore],
  templateUrl: './workflows.component.html',
  styleUrl: './workflows.component.css',
})
export class WorkflowsComponent {
  private readonly api = inject(WorkflowApiService);
  private readonly toasts = inject(ToastService);
  private readonly events = inject(LiveEventsService);
  private readonly injector = inject(Injector);
  private readonly drafts = inject(WorkflowDraftService);
  protected readonly store = inject(WorkflowRunStore);
  private readonly canvas = viewChild.required<ElementRef<HTMLElement>>('canvas');
  private editor: WorkflowEditor | null = null;

  protected readonly kinds = Object.entries(KIND_COLOURS);
  protected readonly entries = signal<readonly CatalogueEntry[]>([]);
  protected readonly search = signal('');
  protected readonly groups = computed(() => paletteGroups(this.entries(), this.search()));
  protected readonly ready = signal(false);
  protected readonly selection = signal<readonly string[]>([]);
  /** Bumped whenever the graph changes, so views that read the editor recompute. */
  private readonly revision = signal(0);
  protected readonly nodeCount = computed(() => (this.revision(), this.editor?.nodes().length ?? 0));
  protected readonly selected = computed(() => {
    this.revision();
    const ids = this.selection();
    const node = ids.length === 1 ? this.editor?.node(ids[0]!) : undefined;
    return node ? { id: node.graphId, entry: node.entry, values: { ...node.values } } : null;
  });
  protected readonly connected = computed(() => (this.revision(), this.editor?.connectedInputs() ?? new Set<string>()));
  protected readonly selectedIssues = computed<readonly Issue[]>(() => {
    const node = this.selected();
    return node ? (this.store.issues()[node.id] ?? []) : [];
  });
  protected readonly graphIssues = computed(() => this.store.issues()['']  ?? []);
  protected readonly runRows = computed(() =>
    Object.entries(this.store.runs()).map(([id, run]) => {
      const fields = this.store.catalogue().get(this.nodeTypes().get(id) ?? '')?.outputs ?? [];
      const outputs = run.outputs === undefined ? [] : describeOutputs(run.outputs, fields);
      return { id, run, outputs, images: run.images.length > 0 || outputs.some((view) => view.images.length > 0) };
    }),
  );
  /** Graph id to node type, for the outputs' field kinds. */
  private readonly nodeTypes = computed(() => (this.revision(), new Map((this.editor?.nodes() ?? []).map((node) => [node.id, node.type]))));

  protected readonly workflows = signal<readonly WorkflowSummary[]>([]);
  protected readonly workflowId = signal<string | null>(null);
  protected readonly name = signal('Untitled workflow');
  protected readonly busy = signal(false);
  protected readonly images = signal<readonly ImageRecord[]>([]);
  protected readonly models = signal<readonly ModelRecord[]>([]);
  /** The name and graph as last saved or opened, to tell whether the canvas has unsaved changes. */
  private readonly savedState = signal<string | null>(null);
  protected readonly dirty = computed(() => {
    this.revision();
    const saved = this.savedState();
    return saved === null ? this.nodeCount() > 0 : saved !== this.currentState();
  });
  protected readonly versionsOpen = signal(false);
  /** Bumped after a publish or a save, so the Versions drawer reloads. */
  protected readonly versionsRefresh = signal(0);
  protected readonly publishNote = signal('');
  /** The canvas's nodes by id, for the Versions drawer to name them. */
  protected readonly draftNodes = computed<ReadonlyMap<string, NodeInfo>>(
    () => (this.revision(), new Map((this.editor?.nodes() ?? []).map((node) => [node.id, { type: node.type, ...(node.label ? { label: node.label } : {}) }]))),
  );

  constructor() {
    const destroyRef = inject(DestroyRef);
    for (const name of ['invocation_started', 'invocation_progress', 'invocation_complete', 'invocation_cached', 'invocation_error'] as const) {
      this.events
        .on(name)
        .pipe(takeUntilDestroyed(destroyRef))
        .subscribe((payload) => this.store.handle({ name, payload } as Parameters<WorkflowRunStore['handle']>[0]));
    }
    this.events
      .on('queue_item_status_changed')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((event) => {
        if (event.batchId !== this.store.batchId()) return;
        if (event.status === 'failed' && event.error) this.toasts.error(`The run failed: ${event.error.message}`);
        if (event.status === 'completed') void this.loadResults(event.batchId, event.itemId);
      });
    afterNextRender(() => {
      this.editor = new WorkflowEditor(this.canvas().nativeElement, this.injector, {
        refused: (reason) => this.toasts.error(reason),
        selection: (ids) => this.selection.set(ids),
        changed: () => this.revision.update((value) => value + 1),
      });
      void this.loadCatalogue();
    });
    destroyRef.onDestroy(() => this.editor?.destroy());
    void this.loadLibrary();
    void this.loadPickers();
  }

  private async loadCatalogue(): Promise<void> {
    try {
      const entries = await this.api.catalogue();
      this.entries.set(entries);
      this.store.catalogue.set(new Map(entries.map((entry) => [entry.type, entry])));
      this.editor?.setCatalogue(entries);
      this.ready.set(true);
      await this.openDraft();
    } catch (error) {
      this.toasts.error(error);
    }
  }

  /** A graph handed over from elsewhere (an image's "Open workflow"), shown as an import is. */
  private async openDraft(): Promise<void> {
    const draft = this.drafts.take();
    if (!draft || !this.editor) return;
    await this.show(draft.graph);
    this.detach();
    this.name.set(draft.name);
  }

  private async loadLibrary(): Promise<void> {
    try {
      this.workflows.set((await this.api.list()).items);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  private async loadPickers(): Promise<void> {
    const [images, models] = await Promise.allSettled([this.api.images(), this.api.models()]);
    if (images.status === 'fulfilled') this.images.set(images.value.items);
    if (models.status === 'fulfilled') this.models.set(models.value.items);
  }

  // ---- palette ----

  protected dragStart(event: DragEvent, entry: CatalogueEntry): void {
    event.dataTransfer?.setData(DRAG_TYPE, entry.type);
    event.dataTransfer?.setData('text/plain', entry.type);
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'copy';
  }

  protected dragOver(event: DragEvent): void {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  }

  protected async drop(event: DragEvent): Promise<void> {
    event.preventDefault();
    const type = event.dataTransfer?.getData(DRAG_TYPE) || event.dataTransfer?.getData('text/plain');
    if (!type || !this.editor) return;
    const id = await this.editor.addNode(type, this.editor.pointFrom(event));
    if (id) await this.editor.select(id);
  }

  protected async addAtCentre(entry: CatalogueEntry): Promise<void> {
    const id = await this.editor?.addNode(entry.type);
    if (id) {
      await this.editor?.select(id);
      this.toasts.info(`Added ${entry.title}`);
    }
  }

  // ---- canvas ----

  protected async key(event: KeyboardEvent): Promise<void> {
    const editor = this.editor;
    if (!editor || (event.target as HTMLElement).closest('input, textarea, select')) return;
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (event.key === 'Delete' || event.key === 'Backspace') await editor.removeSelected();
    else if (mod && key === 'c') this.copy();
    else if (mod && key === 'v') await this.paste();
    else if (mod && key === 'z' && !event.shiftKey) await editor.undo();
    else if (mod && (key === 'y' || (key === 'z' && event.shiftKey))) await editor.redo();
    else if (mod && key === 'a') await editor.selectAll();
    else return;
    event.preventDefault();
  }

  protected async remove(): Promise<void> {
    await this.editor?.removeSelected();
  }

  protected copy(): void {
    const count = this.editor?.copySelected() ?? 0;
    if (count > 0) this.toasts.info(`Copied ${count} ${count === 1 ? 'node' : 'nodes'}`);
  }

  protected async paste(): Promise<void> {
    await this.editor?.paste();
  }

  protected async undo(): Promise<void> {
    await this.editor?.undo();
  }

  protected async redo(): Promise<void> {
    await this.editor?.redo();
  }

  protected async fit(): Promise<void> {
    await this.editor?.zoomToFit();
  }

  protected async arrange(): Promise<void> {
    try {
      await this.editor?.arrange();
    } catch (error) {
      this.toasts.error(error);
    }
  }

  protected setInput(change: InputChange): void {
    const node = this.selected();
    if (!node) return;
    this.editor?.setValue(node.id, change.field, change.value);
    const issues = this.store.issues();
    if (issues[node.id]) this.store.issues.set({ ...issues, [node.id]: issues[node.id]!.filter((issue) => issue.field !== change.field) });
  }

  // ---- library, import, export ----

  private graph() {
    return toGraphJson(this.editor?.nodes() ?? [], this.editor?.edges() ?? []);
  }

  private currentState(): string {
    return JSON.stringify([this.name().trim(), this.graph()]);
  }

  /** The canvas no longer shows a library workflow (an import, a handed-over graph). */
  private detach(): void {
    this.workflowId.set(null);
    this.savedState.set(null);
    this.versionsOpen.set(false);
  }

  /** What is on the canvas now is what the library holds. */
  private markSaved(): void {
    this.savedState.set(this.currentState());
  }

  protected async newWorkflow(): Promise<void> {
    await this.editor?.load([], []);
    this.workflowId.set(null);
    this.name.set('Untitled workflow');
    this.savedState.set(null);
    this.versionsOpen.set(false);
    this.store.issues.set({});
    this.store.clearRun();
  }

  protected async save(asNew = false): Promise<void> {
    this.busy.set(true);
    try {
      await this.saveDraft(asNew);
    } finally {
      this.busy.set(false);
    }
  }

  /** Saves the canvas to the library (a new workflow when asked or when it has none); whether it did. */
  private async saveDraft(asNew: boolean, quiet = false): Promise<boolean> {
    const graph = this.graph();
    const name = this.name().trim() || 'Untitled workflow';
    const state = this.currentState();
    try {
      const id = this.workflowId();
      const saved = id && !asNew ? await this.api.update(id, { name, graph, layout: graph.ui }) : await this.api.create({ name, graph, layout: graph.ui });
      this.workflowId.set(saved.id);
      this.savedState.set(state);
      this.versionsRefresh.update((value) => value + 1);
      if (!quiet) this.toasts.info(`Saved “${saved.name}”`);
      await this.loadLibrary();
      return true;
    } catch (error) {
      this.toasts.error(error);
      return false;
    }
  }

  /**
   * Publishes the draft as the next version, saving the canvas first when it has unsaved changes.
   * A refused graph's issues go where validation's go: on the nodes and, for the first, the inspector.
   */
  protected async publish(): Promise<void> {
    if (this.nodeCount() === 0) return this.toasts.error('Add a node first');
    this.busy.set(true);
    try {
      if (this.dirty() || !this.workflowId()) {
        if (!(await this.saveDraft(false, true))) return;
      }
      const version = await this.api.publish(this.workflowId()!, this.publishNote().trim());
      this.store.issues.set({});
      this.publishNote.set('');
      this.versionsRefresh.update((value) => value + 1);
      this.toasts.info(`Published version ${version.version} of “${this.name().trim() || 'Untitled workflow'}”`);
    } catch (error) {
      const issues = refusedGraphIssues(error);
      if (!issues) return this.toasts.error(error);
      this.store.issues.set(issuesByNode(issues));
      this.toasts.error(issuesSentence(issues, 'Not published'));
      const first = issues.find((issue) => issue.nodeId && this.editor?.node(issue.nodeId));
      if (first?.nodeId) await this.editor?.select(first.nodeId);
    } finally {
      this.busy.set(false);
    }
  }

  protected toggleVersions(): void {
    this.versionsOpen.update((open) => !open);
  }

  /** The drawer restored a version into the draft: show the draft as the server now holds it. */
  protected async restored(event: RestoredVersion): Promise<void> {
    try {
      await this.show(event.workflow.graph, event.workflow.layout);
      this.name.set(event.workflow.name);
      this.markSaved();
      this.toasts.info(`Restored version ${event.version} as the draft`);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  protected async open(id: string): Promise<void> {
    if (!id) return;
    try {
      const workflow = await this.api.get(id);
      await this.show(workflow.graph, workflow.layout);
      this.workflowId.set(workflow.id);
      this.name.set(workflow.name);
      this.markSaved();
    } catch (error) {
      this.toasts.error(error);
    }
  }

  protected async removeWorkflow(): Promise<void> {
    const id = this.workflowId();
    if (!id || !confirm(`Delete “${this.name()}” from the library?`)) return;
    try {
      await this.api.remove(id);
      this.workflowId.set(null);
      this.savedState.set(null);
      this.versionsOpen.set(false);
      await this.loadLibrary();
      this.toasts.info('Workflow deleted');
    } catch (error) {
      this.toasts.error(error);
    }
  }

  /** Shows a graph on the canvas, saying what could not be shown and which nodes are outdated. */
  private async show(json: unknown, layout?: unknown): Promise<void> {
    const parsed = fromGraphJson(json, layout);
    const result = await this.editor!.load(parsed.nodes, parsed.edges);
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
    await this.editor!.zoomToFit();
  }

  protected async import(event: Event): Promise<void> {
    const file = (event.target as HTMLInputElement).files?.[0];
    (event.target as HTMLInputElement).value = '';
    if (!file) return;
    try {
      await this.show(JSON.parse(await file.text()));
      this.detach();
      this.name.set(file.name.replace(/\.json$/i, ''));
    } catch (error) {
      this.toasts.error(error instanceof SyntaxError ? `${file.name} is not JSON` : error);
    }
  }

  protected export(): void {
    const blob = new Blob([JSON.stringify(this.graph(), null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `${(this.name().trim() || 'workflow').replace(/[^\w.-]+/g, '-')}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  // ---- run ----

  protected async validate(): Promise<boolean> {
    const graph = this.graph();
    try {
      const result = await this.api.validate(graph);
      this.store.issues.set(issuesByNode(result.issues));
      if (result.valid) this.toasts.info('The graph is valid');
      else this.toasts.error(`${result.issues.length} ${result.issues.length === 1 ? 'problem' : 'problems'} in the graph: ${result.issues[0]!.message}`);
      return result.valid;
    } catch (error) {
      this.toasts.error(error);
      return false;
    }
  }

  protected async run(): Promise<void> {
    if (this.nodeCount() === 0) return this.toasts.error('Add a node first');
    this.busy.set(true);
    try {
      if (!(await this.validate())) return;
      const graph = this.graph();
      const result = await this.api.enqueue(graph);
      this.store.start(result.batchId, graph.nodes.map((node) => node.id));
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.busy.set(false);
    }
  }

  /** The finished item's results carry every leaf node's outputs in full. */
  private async loadResults(batchId: string, itemId: string): Promise<void> {
    try {
      const item = await this.api.queueItem(itemId);
      this.store.applyResults(batchId, item.results);
    } catch {
      // The events already showed what they carried.
    }
  }

  protected async focusNode(id: string): Promise<void> {
    await this.editor?.select(id);
  }

  /** For the bench and tests: the editor behind the canvas. */
  get editorForTesting(): WorkflowEditor | null {
    return this.editor;
  }
}
