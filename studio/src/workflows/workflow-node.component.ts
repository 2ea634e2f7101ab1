import { ChangeDetectionStrategy, ChangeDetectorRef, Component, Input, type OnChanges, computed, inject, signal } from '@angular/core';
import type { ClassicPreset } from 'rete';
import { RefDirective } from 'rete-angular-plugin/21';
import { KIND_COLOURS, isOutdated } from './workflow-graph';
import { type NodeRun, WorkflowRunStore } from './workflow-run.store';
import type { EditorNodeModel, EditorSocket } from './workflow-editor';

/**
 * One node on the canvas, as the Rete renderer mounts it: title, typed sockets in rows, and what
 * the page knows about it (outdated version, validation issues, run status and progress).
 */
@Component({
  selector: 'ps-workflow-node',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RefDirective],
  host: {
    'data-testid': 'node',
    '[attr.data-node-id]': 'node().graphId',
    '[attr.data-type]': 'node().entry.type',
    '[attr.data-status]': 'run()?.status ?? null',
    '[class.selected]': 'node().selected',
    '[class.invalid]': 'issues().length > 0',
    '[style.width.px]': 'node().width',
    '[style.height.px]': 'node().height',
  },
  template: `
    <div class="head" [title]="node().entry.description">
      <span class="title">{{ node().label }}</span>
      @if (outdated()) {
        <span class="badge outdated" [title]="'Saved with version ' + node().version + '; version ' + node().entry.version + ' is installed'">v{{ node().version }}</span>
      }
      @if (run(); as run) {
        <span class="badge" [class]="'badge ' + run.status" data-testid="node-status">{{ run.status }}</span>
      }
    </div>
    @if (run(); as run) {
      @if (run.status === 'running' && run.total) {
        <progress [value]="run.step ?? 0" [max]="run.total" [attr.aria-label]="node().label + ' progress'"></progress>
      }
    }
    @for (output of outputs(); track output.key) {
      <div class="row out" [attr.data-output]="output.key">
        <span class="label">{{ output.label }}</span>
        <div class="socket-slot" refComponent [data]="{ type: 'socket', side: 'output', key: output.key, nodeId: node().id, payload: output.socket, seed: seed() }" [emit]="emit"></div>
      </div>
    }
    @for (input of inputs(); track input.key) {
      <div class="row in" [attr.data-input]="input.key" [class.bad]="badFields().has(input.key)">
        <div class="socket-slot" refComponent [data]="{ type: 'socket', side: 'input', key: input.key, nodeId: node().id, payload: input.socket, seed: seed() }" [emit]="emit"></div>
        <span class="label">{{ input.label }}</span>
      </div>
    }
    @if (issues().length > 0) {
      <ul class="issues" role="list">
        @for (issue of issues(); track $index) { <li>{{ issue.field ? issue.field + ': ' : '' }}{{ issue.message }}</li> }
      </ul>
    }
    @if (run()?.error; as error) { <p class="issues">{{ error }}</p> }
  `,
  styles: `
    :host { display: block; box-sizing: border-box; background: #1d2333f0; border: 2px solid #3a4257; border-radius: 10px;
      color: #e8ebf3; font: 13px/1.2 system-ui, sans-serif; user-select: none; cursor: grab; overflow: visible; }
    :host(.selected) { border-color: #ff6fb1; box-shadow: 0 0 0 2px #ff6fb155; }
    :host(.invalid) { border-color: #ff5c5c; }
    .head { display: flex; align-items: center; gap: 0.3rem; padding: 6px 10px; background: #262d42; border-radius: 8px 8px 0 0; }
    .title { font-weight: 600; flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .badge { font-size: 10px; padding: 1px 5px; border-radius: 6px; background: #3a4257; text-transform: uppercase; }
    .badge.running { background: #2f6fd6; } .badge.done { background: #2e8b57; } .badge.cached { background: #6b5bd6; }
    .badge.failed { background: #c62828; } .badge.queued { background: #555; } .badge.outdated { background: #b8860b; }
    progress { display: block; width: calc(100% - 20px); margin: 4px 10px 0; height: 6px; }
    .row { display: flex; align-items: center; height: 26px; }
    .row.out { justify-content: flex-end; margin-right: -12px; }
    .row.in { margin-left: -12px; }
    .row.bad .label { color: #ff8a8a; }
    .label { padding: 0 6px; color: #c9cedb; }
    .issues { margin: 4px 8px; padding: 0; list-style: none; color: #ff8a8a; font-size: 11px; }
  `,
})
export class WorkflowNodeComponent implements OnChanges {
  private readonly store = inject(WorkflowRunStore);
  private readonly cdr = inject(ChangeDetectorRef);
  private readonly data$ = signal<EditorNodeModel | null>(null);
  protected readonly seed = signal(0);

  @Input() set data(value: EditorNodeModel) {
    this.data$.set(value);
  }
  @Input() emit!: (event: unknown) => void;
  @Input() rendered!: () => void;

  protected readonly node = computed(() => this.data$()!);
  protected readonly outputs = computed(() => socketRows(this.node().outputs));
  protected readonly inputs = computed(() => socketRows(this.node().inputs));
  protected readonly run = computed<NodeRun | undefined>(() => this.store.runs()[this.node().graphId]);
  protected readonly issues = computed(() => this.store.issues()[this.node().graphId] ?? []);
  protected readonly badFields = computed(() => new Set(this.issues().map((issue) => issue.field ?? '')));
  protected readonly outdated = computed(() => isOutdated(this.node().version, this.node().entry.version));

  ngOnChanges(): void {
    this.seed.update((seed) => seed + 1);
    this.cdr.detectChanges();
    requestAnimationFrame(() => this.rendered());
  }
}

function socketRows(ports: Record<string, { label?: string; socket: ClassicPreset.Socket } | undefined>): { key: string; label: string; socket: EditorSocket }[] {
  return Object.entries(ports).flatMap(([key, port]) => (port ? [{ key, label: port.label ?? key, socket: port.socket as EditorSocket }] : []));
}

/** A socket, coloured by its field kind; a ring marks a collection. */
@Component({
  selector: 'ps-workflow-socket',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    'data-testid': 'socket',
    '[attr.data-kind]': 'socket()?.kind',
    '[attr.title]': 'socket()?.name',
    '[style.background]': 'colour()',
    '[class.many]': "socket()?.cardinality !== 'single'",
  },
  template: ``,
  styles: `
    :host { display: inline-block; width: 16px; height: 16px; border-radius: 50%; border: 2px solid #10131c; box-sizing: border-box;
      cursor: crosshair; margin: 0 4px; vertical-align: middle; }
    :host(:hover) { transform: scale(1.3); }
    :host(.many) { border-style: double; border-width: 4px; border-color: #fff8; }
  `,
})
export class WorkflowSocketComponent implements OnChanges {
  private readonly cdr = inject(ChangeDetectorRef);
  protected readonly socket = signal<EditorSocket | null>(null);
  protected readonly colour = computed(() => KIND_COLOURS[this.socket()?.kind ?? 'any']);

  @Input() set data(value: EditorSocket) {
    this.socket.set(value);
  }
  @Input() rendered!: () => void;

  ngOnChanges(): void {
    this.cdr.detectChanges();
    requestAnimationFrame(() => this.rendered());
  }
}
