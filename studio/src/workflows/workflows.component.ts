import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { ImageRecord, Issue, ModelRecord } from '../core/api-types';
import { AuthImageDirective } from '../core/auth-image.directive';
import { LiveEventsService } from '../core/live-events.service';
import { ToastService } from '../core/toast.service';
import { AutomationSettingsComponent } from './automation-settings.component';
import { TRIGGER_NODE_TYPES, isTriggerType } from './automation-form';
import { issuesByNode } from './graph-issues';
import { TriggerPanelComponent } from './trigger-panel.component';
import { WorkflowAutomationService } from './workflow-automation.service';
import { WorkflowApiService } from './workflow-api.service';
import { WorkflowEditor } from './workflow-editor';
import { type CatalogueEntry, KIND_COLOURS, paletteGroups } from './workflow-graph';
import { type InputChange, WorkflowInspectorComponent } from './workflow-inspector.component';
import { WorkflowLibraryService } from './workflow-library.service';
import { nodeNames } from './version-diff';
import { describeOutputs } from './workflow-outputs';
import { WorkflowPublishService } from './workflow-publish.service';
import { WorkflowRunStore } from './workflow-run.store';
import { WorkflowVersionsComponent } from './workflow-versions.component';

const DRAG_TYPE = 'application/x-pinksea-node';

/**
 * Workflows: a node editor over the node catalogue. Palette on the left (drag or Enter to add),
 * the Rete canvas in the middle, the selected node's inputs and the run's outputs on the right;
 * the toolbar (one row: the rest under "More") saves to and loads from the library, imports and
 * exports graph JSON, runs, publishes the saved draft as a version and opens the Versions drawer.
 * The library side (save, open, import, export, versions) is WorkflowLibraryService's, publishing
 * WorkflowPublishService's, the automation drawer and trigger panels WorkflowAutomationService's;
 * this component mounts the editor and wires the page. `?open=<workflow id>` opens a workflow.
 */
@Component({
  selector: 'ps-workflows',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [WorkflowInspectorComponent, WorkflowVersionsComponent, AutomationSettingsComponent, TriggerPanelComponent, AuthImageDirective],
  providers: [WorkflowRunStore, WorkflowLibraryService, WorkflowPublishService, WorkflowAutomationService],
  templateUrl: './workflows.component.html',
  styleUrl: './workflows.component.css',
})
export class WorkflowsComponent {
  private readonly api = inject(WorkflowApiService);
  private readonly toasts = inject(ToastService);
  private readonly events = inject(LiveEventsService);
  private readonly injector = inject(Injector);
  protected readonly store = inject(WorkflowRunStore);
  protected readonly library = inject(WorkflowLibraryService);
  private readonly publisher = inject(WorkflowPublishService);
  protected readonly automation = inject(WorkflowAutomationService);
  /** The route's `?open=<workflow id>`: the workflow to open once the catalogue is in. */
  readonly open = input<string>();
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
  protected readonly graphIssues = computed(() => this.store.issues()[''] ?? []);
  protected readonly isTrigger = isTriggerType;
  /** Inputs the trigger panel edits in place of the inspector: an Event's automation, picked by name. */
  protected readonly omitted = computed<ReadonlySet<string>>(() => new Set(this.selected()?.entry.type === TRIGGER_NODE_TYPES.event ? ['automationId'] : []));
  /** Nodes by their label or catalogue title (the id only where two would read the same), as the Versions drawer names them. */
  private readonly nodeName = computed(() => nodeNames(this.library.draftNodes(), this.store.catalogue()));
  protected readonly runRows = computed(() =>
    Object.entries(this.store.runs()).map(([id, run]) => {
      const fields = this.store.catalogue().get(this.nodeTypes().get(id) ?? '')?.outputs ?? [];
      const outputs = run.outputs === undefined ? [] : describeOutputs(run.outputs, fields);
      return { id, name: this.nodeName()(id), run, outputs, images: run.images.length > 0 || outputs.some((view) => view.images.length > 0) };
    }),
  );
  /** Graph id to node type, for the outputs' field kinds. */
  private readonly nodeTypes = computed(() => (this.revision(), new Map((this.editor?.nodes() ?? []).map((node) => [node.id, node.type]))));

  /** A save, a publish or a run is under way. */
  protected readonly busy = signal(false);
  protected readonly images = signal<readonly ImageRecord[]>([]);
  protected readonly models = signal<readonly ModelRecord[]>([]);
  /** The Publish form's note, kept by WorkflowPublishService. */
  protected readonly publishNote = this.publisher.note;

  constructor() {
    this.library.attach({ editor: () => this.editor, revision: this.revision.asReadonly() });
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
    void this.library.load();
    void this.loadPickers();
  }

  private async loadCatalogue(): Promise<void> {
    try {
      const entries = await this.api.catalogue();
      this.entries.set(entries);
      this.store.catalogue.set(new Map(entries.map((entry) => [entry.type, entry])));
      this.editor?.setCatalogue(entries);
      this.ready.set(true);
      await this.library.openDraft();
      const id = this.open();
      if (id) await this.library.open(id);
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

  // ---- library, publish ----

  private async whileBusy(work: () => Promise<unknown>): Promise<void> {
    this.busy.set(true);
    try {
      await work();
    } finally {
      this.busy.set(false);
    }
  }

  protected async save(asNew = false): Promise<void> {
    await this.whileBusy(() => this.library.save(asNew));
  }

  protected async publish(): Promise<void> {
    if (this.nodeCount() === 0) return this.toasts.error('Add a node first');
    await this.whileBusy(() => this.publisher.publish());
  }

  protected async import(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) await this.library.import(file);
  }

  // ---- run ----

  protected async validate(): Promise<boolean> {
    const graph = this.library.graph();
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
    await this.whileBusy(async () => {
      try {
        if (!(await this.validate())) return;
        const graph = this.library.graph();
        const result = await this.api.enqueue(graph);
        this.store.start(result.batchId, graph.nodes.map((node) => node.id));
      } catch (error) {
        this.toasts.error(error);
      }
    });
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
