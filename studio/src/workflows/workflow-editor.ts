/**
 * The Rete v2 editor behind the Workflows canvas: area (zoom and pan), typed sockets, connections
 * checked by the engine's rule, selection, history, minimap, context menu, copy and paste, and a
 * lazy auto-arrange. Angular renders nodes (WorkflowNodeComponent) through rete-angular-plugin.
 * The page talks to it in graph terms (graph node ids, EditorNode, GraphEdge); Rete's own ids stay in here.
 */
import type { Injector } from '@angular/core';
import { ClassicPreset, type GetSchemes, NodeEditor, type NodeId } from 'rete';
import { AngularPlugin, type AngularArea2D, Presets as AngularPresets } from 'rete-angular-plugin/21';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ConnectionPlugin, Presets as ConnectionPresets } from 'rete-connection-plugin';
import { ContextMenuPlugin, type ContextMenuExtra } from 'rete-context-menu-plugin';
import { type HistoryActions, HistoryPlugin, Presets as HistoryPresets } from 'rete-history-plugin';
import { type MinimapExtra, MinimapPlugin } from 'rete-minimap-plugin';
import {
  type CatalogueEntry,
  type CatalogueField,
  type CatalogueInput,
  type EditorNode,
  type Point,
  checkFields,
  defaultInputs,
  nextNodeId,
  reaches,
  socketInputs,
} from './workflow-graph';
import type { GraphEdge } from '../../../engine/graph/graph';
import { BoxSelectGesture, screenRect } from './box-select';
import { canvasMenu, nodeMenu, type Menu } from './editor-menu';
import { FieldEditAction, FieldHistory } from './field-history';
import { WorkflowNodeComponent, WorkflowSocketComponent } from './workflow-node.component';

/** A socket carries its field, so the renderer can colour it and the pipe can check it. */
export class EditorSocket extends ClassicPreset.Socket {
  constructor(readonly field: CatalogueField) {
    super(field.kind);
  }
  get kind(): CatalogueField['kind'] {
    return this.field.kind;
  }
  get cardinality(): CatalogueField['cardinality'] {
    return this.field.cardinality;
  }
}

const NODE_WIDTH = 220;
const HEAD_HEIGHT = 34;
const ROW_HEIGHT = 26;

/** A graph node on the canvas: its catalogue entry, graph id, saved version and typed values. */
export class EditorNodeModel extends ClassicPreset.Node {
  width = NODE_WIDTH;
  height: number;
  declare selected?: boolean;

  constructor(
    readonly entry: CatalogueEntry,
    public graphId: string,
    public version: string,
    public values: Record<string, unknown>,
  ) {
    super(entry.title);
    for (const output of entry.outputs) this.addOutput(output.name, new ClassicPreset.Output(new EditorSocket(output), output.title, true));
    const inputs = socketInputs(entry);
    for (const input of inputs) this.addInput(input.name, new ClassicPreset.Input(new EditorSocket(input), input.title, input.multiple ?? false));
    this.height = HEAD_HEIGHT + 18 + (entry.outputs.length + inputs.length) * ROW_HEIGHT;
  }

  inputSpec(name: string): CatalogueInput | undefined {
    return this.entry.inputs.find((input) => input.name === name);
  }
}

class EditorConnection extends ClassicPreset.Connection<ClassicPreset.Node, ClassicPreset.Node> {
  isLoop?: boolean;
}

type Schemes = GetSchemes<EditorNodeModel, EditorConnection>;
type AreaExtra = AngularArea2D<Schemes> | ContextMenuExtra | MinimapExtra;

export interface EditorCallbacks {
  /** A connection was refused; the reason is the engine's. */
  refused(reason: string): void;
  /** The selection changed (graph ids). */
  selection(ids: readonly string[]): void;
  /** Nodes, edges or positions changed. */
  changed(): void;
}

interface Clipboard {
  readonly nodes: readonly EditorNode[];
  readonly edges: readonly GraphEdge[];
}

export class WorkflowEditor {
  private readonly editor = new NodeEditor<Schemes>();
  private readonly area: AreaPlugin<Schemes, AreaExtra>;
  private readonly history = new HistoryPlugin<Schemes, HistoryActions<Schemes> | FieldEditAction>();
  private readonly fieldHistory = new FieldHistory<HistoryActions<Schemes>>(
    {
      add: (action) => this.history.add(action),
      latest: () => this.history.getHistorySnapshot().at(-1)?.action,
      separate: () => this.history.separate(),
    },
    (graphId, field, value) => this.writeValue(graphId, field, value),
  );
  private readonly minimap = new MinimapPlugin<Schemes>({ boundViewport: true });
  private readonly boxSelect: BoxSelectGesture;
  private readonly selector = AreaExtensions.selector();
  private readonly selectable: ReturnType<typeof AreaExtensions.selectableNodes>;
  private readonly accumulating = AreaExtensions.accumulateOnCtrl();
  private catalogue = new Map<string, CatalogueEntry>();
  private clipboard: Clipboard | null = null;
  private loading = false;

  constructor(
    container: HTMLElement,
    injector: Injector,
    private readonly callbacks: EditorCallbacks,
  ) {
    this.area = new AreaPlugin<Schemes, AreaExtra>(container);
    const connection = new ConnectionPlugin<Schemes, AreaExtra>();
    const render = new AngularPlugin<Schemes, AreaExtra>({ injector });
    const contextMenu = new ContextMenuPlugin<Schemes>({ items: (context) => this.menuItems(context) });

    this.selectable = AreaExtensions.selectableNodes(this.area, this.selector, { accumulating: this.accumulating });
    AreaExtensions.simpleNodesOrder(this.area);
    render.addPreset(
      AngularPresets.classic.setup({
        customize: {
          node: () => WorkflowNodeComponent,
          socket: () => WorkflowSocketComponent,
        },
      }),
    );
    render.addPreset(AngularPresets.contextMenu.setup({ delay: 200 }));
    render.addPreset(AngularPresets.minimap.setup({ size: 160 }));
    connection.addPreset(ConnectionPresets.classic.setup());
    this.history.addPreset(HistoryPresets.classic.setup());

    this.editor.use(this.area);
    this.area.use(connection);
    this.area.use(render);
    this.area.use(this.history);
    // The minimap redraws on every node added or moved; while a workflow loads it waits for the end.
    this.minimap.setParent(this.area as never);
    this.area.addPipe((context) => (this.loading ? context : this.minimap.signal.emit(context as never)));
    this.area.use(contextMenu);

    this.editor.addPipe((context) => {
      if (context.type === 'connectioncreate') {
        const reason = this.refusal(context.data);
        if (reason) {
          if (!this.loading) this.callbacks.refused(reason);
          return undefined;
        }
      }
      if (['nodecreated', 'noderemoved', 'connectioncreated', 'connectionremoved'].includes(context.type) && !this.loading) this.callbacks.changed();
      return context;
    });
    this.area.addPipe((context) => {
      if (context.type === 'nodepicked' || context.type === 'pointerup') queueMicrotask(() => this.callbacks.selection(this.selectedIds()));
      if (context.type === 'nodedragged') this.callbacks.changed();
      return context;
    });
    this.boxSelect = new BoxSelectGesture(container, (from, to, add) => void this.selectInBox(from, to, add));
  }

  setCatalogue(entries: readonly CatalogueEntry[]): void {
    this.catalogue = new Map(entries.map((entry) => [entry.type, entry]));
  }

  destroy(): void {
    this.boxSelect.destroy();
    this.accumulating.destroy();
    this.area.destroy();
  }

  /** Why this connection may not be made, or undefined when it may. */
  private refusal(connection: EditorConnection): string | undefined {
    const source = this.editor.getNode(connection.source);
    const target = this.editor.getNode(connection.target);
    if (!source || !target) return 'one end of the connection is missing';
    if (source.id === target.id) return 'a node cannot feed itself';
    const output = source.entry.outputs.find((field) => field.name === connection.sourceOutput);
    const input = target.inputSpec(connection.targetInput);
    if (!output || !input) return 'one end of the connection is not a field of its node';
    const result = checkFields(output, input);
    if (!result.ok) return `Cannot connect ${source.label}.${output.title} to ${target.label}.${input.title}: ${result.reason}`;
    if (reaches(this.editor.getConnections(), target.id, source.id)) return `Cannot connect ${source.label} to ${target.label}: it would make a cycle`;
    return undefined;
  }

  // ---- nodes in graph terms ----

  private byGraphId(graphId: string): EditorNodeModel | undefined {
    return this.editor.getNodes().find((node) => node.graphId === graphId);
  }

  node(graphId: string): EditorNodeModel | undefined {
    return this.byGraphId(graphId);
  }

  nodes(): EditorNode[] {
    return this.editor.getNodes().map((node) => ({
      id: node.graphId,
      type: node.entry.type,
      version: node.version,
      inputs: { ...node.values },
      position: this.area.nodeViews.get(node.id)?.position ?? { x: 0, y: 0 },
    }));
  }

  edges(): GraphEdge[] {
    const nodes = new Map(this.editor.getNodes().map((node) => [node.id, node.graphId]));
    return this.editor.getConnections().map((connection) => ({
      source: { nodeId: nodes.get(connection.source)!, field: connection.sourceOutput },
      destination: { nodeId: nodes.get(connection.target)!, field: connection.targetInput },
    }));
  }

  /** Graph ids of the inputs fed by an edge, as `nodeId/field`. */
  connectedInputs(): Set<string> {
    return new Set(this.edges().map((edge) => `${edge.destination.nodeId}/${edge.destination.field}`));
  }

  /** Adds a node of `type` at a canvas point (or the centre of the view); returns its graph id. */
  async addNode(type: string, at?: Point, values?: Record<string, unknown>, graphId?: string, version?: string): Promise<string | undefined> {
    const entry = this.catalogue.get(type);
    if (!entry) return undefined;
    const taken = new Set(this.editor.getNodes().map((node) => node.graphId));
    const id = graphId && !taken.has(graphId) ? graphId : nextNodeId(type, taken);
    const node = new EditorNodeModel(entry, id, version ?? entry.version, { ...defaultInputs(entry), ...values });
    await this.editor.addNode(node);
    const point = at ?? this.viewCentre();
    await this.area.translate(node.id, { x: point.x - (at ? 0 : node.width / 2), y: point.y - (at ? 0 : node.height / 2) });
    return id;
  }

  /** The canvas point under a browser pointer event. */
  pointFrom(event: MouseEvent): Point {
    this.area.area.setPointerFrom(event);
    return { ...this.area.area.pointer };
  }

  private viewCentre(): Point {
    const { k, x, y } = this.area.area.transform;
    const rect = this.area.container.getBoundingClientRect();
    return { x: (rect.width / 2 - x) / k, y: (rect.height / 2 - y) / k };
  }

  async connect(edge: GraphEdge): Promise<boolean> {
    const source = this.byGraphId(edge.source.nodeId);
    const target = this.byGraphId(edge.destination.nodeId);
    if (!source || !target || !source.outputs[edge.source.field] || !target.inputs[edge.destination.field]) return false;
    return this.editor.addConnection(new EditorConnection(source, edge.source.field, target, edge.destination.field));
  }

  /** Sets a field's value as an inspector edit: one undoable action (typing in one field coalesces). */
  setValue(graphId: string, field: string, value: unknown): void {
    const node = this.byGraphId(graphId);
    if (!node) return;
    const before = node.values[field];
    this.writeValue(graphId, field, value);
    this.fieldHistory.record(graphId, field, before, value);
  }

  private writeValue(graphId: string, field: string, value: unknown): void {
    const node = this.byGraphId(graphId);
    if (!node) return;
    if (value === undefined) delete node.values[field];
    else node.values[field] = value;
    this.callbacks.changed();
  }

  selectedIds(): string[] {
    return this.editor.getNodes().filter((node) => node.selected).map((node) => node.graphId);
  }

  async select(graphId: string): Promise<void> {
    const node = this.byGraphId(graphId);
    if (node) await this.selectable.select(node.id, false);
    this.callbacks.selection(this.selectedIds());
  }

  async selectAll(): Promise<void> {
    const nodes = this.editor.getNodes();
    for (const [index, node] of nodes.entries()) await this.selectable.select(node.id, index > 0);
    this.callbacks.selection(this.selectedIds());
  }

  async removeSelected(): Promise<void> {
    const ids = this.editor.getNodes().filter((node) => node.selected).map((node) => node.id);
    for (const id of ids) await this.removeNode(id);
    this.callbacks.selection(this.selectedIds());
  }

  private async removeNode(id: NodeId): Promise<void> {
    for (const connection of this.editor.getConnections()) {
      if (connection.source === id || connection.target === id) await this.editor.removeConnection(connection.id);
    }
    await this.editor.removeNode(id);
  }

  copySelected(): number {
    const selected = new Set(this.selectedIds());
    if (selected.size === 0) return 0;
    this.clipboard = {
      nodes: this.nodes().filter((node) => selected.has(node.id)),
      edges: this.edges().filter((edge) => selected.has(edge.source.nodeId) && selected.has(edge.destination.nodeId)),
    };
    return selected.size;
  }

  /** Pastes the copied nodes 40px down and right, with new ids and their inner edges; selects them. */
  async paste(): Promise<number> {
    if (!this.clipboard) return 0;
    const renamed = new Map<string, string>();
    for (const node of this.clipboard.nodes) {
      const id = await this.addNode(node.type, { x: node.position.x + 40, y: node.position.y + 40 }, structuredClone({ ...node.inputs }), undefined, node.version);
      if (id) renamed.set(node.id, id);
    }
    for (const edge of this.clipboard.edges) {
      const source = renamed.get(edge.source.nodeId);
      const destination = renamed.get(edge.destination.nodeId);
      if (source && destination) await this.connect({ source: { ...edge.source, nodeId: source }, destination: { ...edge.destination, nodeId: destination } });
    }
    await this.selector.unselectAll();
    const ids = [...renamed.values()];
    for (const [index, id] of ids.entries()) await this.selectable.select(this.byGraphId(id)!.id, index > 0);
    this.callbacks.selection(this.selectedIds());
    return ids.length;
  }

  undo(): Promise<void> {
    return this.history.undo();
  }

  redo(): Promise<void> {
    return this.history.redo();
  }

  async zoomToFit(): Promise<void> {
    const nodes = this.editor.getNodes();
    if (nodes.length > 0) await AreaExtensions.zoomAt(this.area, nodes, { scale: 0.9 });
  }

  /** Lays the graph out with ELK; the plugin and elkjs load on first use. */
  async arrange(): Promise<void> {
    const { AutoArrangePlugin, Presets: ArrangePresets } = await import('rete-auto-arrange-plugin');
    const arrange = new AutoArrangePlugin<Schemes>();
    arrange.addPreset(ArrangePresets.classic.setup());
    this.area.use(arrange);
    await arrange.layout({ options: { 'elk.spacing.nodeNode': '40', 'elk.layered.spacing.nodeNodeBetweenLayers': '80' } });
    await this.zoomToFit();
    this.callbacks.changed();
  }

  /** Replaces the canvas with these nodes and edges; unknown node types are reported back. */
  async load(nodes: readonly EditorNode[], edges: readonly GraphEdge[]): Promise<{ missingTypes: string[]; refusedEdges: number }> {
    this.loading = true;
    try {
      await this.clear();
      const missing = new Set<string>();
      const taken = new Set<string>();
      const byId = new Map<string, EditorNodeModel>();
      // Every node first, each placed before it is drawn; then the connections, once all ends exist.
      for (const node of nodes) {
        const entry = this.catalogue.get(node.type);
        if (!entry) {
          missing.add(node.type);
          continue;
        }
        const id = taken.has(node.id) ? nextNodeId(node.type, taken) : node.id;
        taken.add(id);
        const model = new EditorNodeModel(entry, id, node.version ?? entry.version, { ...defaultInputs(entry), ...node.inputs });
        byId.set(node.id, model);
        await this.editor.addNode(model);
        await this.area.translate(model.id, node.position);
      }
      let refused = 0;
      for (const edge of edges) {
        const source = byId.get(edge.source.nodeId);
        const target = byId.get(edge.destination.nodeId);
        const made =
          source && target && source.outputs[edge.source.field] && target.inputs[edge.destination.field]
            ? await this.editor.addConnection(new EditorConnection(source, edge.source.field, target, edge.destination.field))
            : false;
        if (!made) refused += 1;
      }
      this.history.clear();
      return { missingTypes: [...missing], refusedEdges: refused };
    } finally {
      this.loading = false;
      await this.area.emit({ type: 'resized', data: { event: new Event('resize') } });
      this.callbacks.selection([]);
      this.callbacks.changed();
    }
  }

  async clear(): Promise<void> {
    await this.editor.clear();
  }

  /** Moves a node by a canvas offset (used by the bench and keyboard nudging). */
  async nudge(graphId: string, dx: number, dy: number): Promise<void> {
    const node = this.byGraphId(graphId);
    const view = node && this.area.nodeViews.get(node.id);
    if (view) await view.translate(view.position.x + dx, view.position.y + dy);
  }

  /** Selects the nodes that overlap a box given in container pixels (adding to the selection when asked). */
  async selectInBox(from: Point, to: Point, add = false): Promise<string[]> {
    const { k, x, y } = this.area.area.transform;
    const rect = screenRect(from, to);
    const canvas = { left: (rect.left - x) / k, right: (rect.right - x) / k, top: (rect.top - y) / k, bottom: (rect.bottom - y) / k };
    const inside = this.editor.getNodes().filter((node) => {
      const position = this.area.nodeViews.get(node.id)?.position;
      return position && position.x < canvas.right && position.x + node.width > canvas.left && position.y < canvas.bottom && position.y + node.height > canvas.top;
    });
    if (!add) await this.selector.unselectAll();
    for (const node of inside) await this.selectable.select(node.id, true);
    const ids = this.selectedIds();
    this.callbacks.selection(ids);
    return ids;
  }

  private menuItems(context: 'root' | EditorNodeModel): Menu {
    if (context === 'root') {
      const at = { ...this.area.area.pointer };
      return canvasMenu([...this.catalogue.values()], (type) => void this.addNode(type, at));
    }
    const node = context;
    return nodeMenu({
      remove: () => this.removeNode(node.id),
      duplicate: async () => {
        const position = this.area.nodeViews.get(node.id)?.position ?? { x: 0, y: 0 };
        await this.addNode(node.entry.type, { x: position.x + 40, y: position.y + 40 }, structuredClone({ ...node.values }), undefined, node.version);
      },
    });
  }
}
