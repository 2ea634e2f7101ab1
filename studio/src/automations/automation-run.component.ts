import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { NgTemplateOutlet } from '@angular/common';
import { Router, RouterLink } from '@angular/router';
import type { AutomationRun, AutomationView, WorkflowVersion } from '../core/api-types';
import { AuthImageDirective } from '../core/auth-image.directive';
import { errorMessage } from '../core/api-error';
import { exactTime, relativeTime } from '../core/relative-time';
import { ToastService } from '../core/toast.service';
import { nodeNames } from '../workflows/version-diff';
import { WorkflowApiService } from '../workflows/workflow-api.service';
import type { CatalogueEntry } from '../workflows/workflow-graph';
import { AutomationApiService } from './automation-api.service';
import { RUN_STATUS_LABELS, RUN_TRIGGER_LABELS, statusTone } from './automation-format';
import { drawableImages, nodeInputs, nodeOutputs, prettyValue } from './run-values';
import { formatMs, timeline } from './run-timeline';

/** How often an unfinished run is fetched again. */
const POLL_MS = 1000;

/**
 * One run of an automation: its status, trigger, version, timing and error (the failing node by
 * name), a timeline of its nodes, each node's inputs and outputs, what started it and what it
 * answered, and Re-run.
 */
@Component({
  selector: 'ps-automation-run',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, NgTemplateOutlet, AuthImageDirective],
  templateUrl: './automation-run.component.html',
  styleUrls: ['./automation-status.css', './automation-run.component.css'],
})
export class AutomationRunComponent {
  private readonly api = inject(AutomationApiService);
  private readonly workflows = inject(WorkflowApiService);
  private readonly toasts = inject(ToastService);
  private readonly router = inject(Router);

  /** The route's `:runId`. */
  readonly runId = input.required<string>();

  protected readonly labels = RUN_STATUS_LABELS;
  protected readonly triggerLabels = RUN_TRIGGER_LABELS;
  protected readonly tone = statusTone;
  protected readonly exact = exactTime;
  protected readonly run = signal<AutomationRun | null>(null);
  protected readonly failure = signal<string | null>(null);
  protected readonly automation = signal<AutomationView | null>(null);
  private readonly catalogue = signal<ReadonlyMap<string, CatalogueEntry>>(new Map());
  private readonly version = signal<WorkflowVersion | null>(null);
  protected readonly rerunning = signal(false);

  /** Nodes by label or catalogue title, from the version's graph (else the run's own list). */
  protected readonly name = computed(() => {
    const nodes = this.version()?.graph.nodes ?? this.run()?.nodes.map((node) => ({ id: node.nodeId, type: node.type, ...(node.label ? { label: node.label } : {}) })) ?? [];
    return nodeNames(new Map(nodes.map((node) => [node.id, { type: node.type, ...(node.label ? { label: node.label } : {}) }])), this.catalogue());
  });
  protected readonly timeline = computed(() => {
    const run = this.run();
    return run ? timeline(run.nodes, this.name(), run.durationMs) : null;
  });
  protected readonly drawable = computed(() => {
    const run = this.run();
    return run ? drawableImages(run) : () => false;
  });
  /** Each node's inputs and outputs, in the timeline's order. */
  protected readonly details = computed(() => {
    const run = this.run();
    const order = this.timeline()?.rows ?? [];
    if (!run) return [];
    const graph = this.version()?.graph;
    const byId = new Map(run.nodes.map((node) => [node.nodeId, node]));
    return order.map((row) => {
      const node = byId.get(row.nodeId)!;
      return {
        row,
        node,
        type: this.catalogue().get(node.type)?.title ?? node.type,
        inputs: graph ? nodeInputs(node.nodeId, graph, run, this.catalogue(), this.name()) : null,
        outputs: nodeOutputs(node, this.catalogue()),
      };
    });
  });
  protected readonly input = computed(() => prettyValue(this.run()?.input ?? null));
  protected readonly responseBody = computed(() => {
    const body = this.run()?.output?.body;
    return body === null || body === undefined ? null : prettyValue(body);
  });

  constructor() {
    void this.loadCatalogue();
    effect(() => {
      const id = this.runId();
      untracked(() => void this.load(id));
    });
    const timer = setInterval(() => {
      const run = this.run();
      if (run && (run.status === 'queued' || run.status === 'running') && document.visibilityState === 'visible') void this.load(run.id, true);
    }, POLL_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  private async loadCatalogue(): Promise<void> {
    try {
      const entries = await this.workflows.catalogue();
      this.catalogue.set(new Map(entries.map((entry) => [entry.type, entry])));
    } catch {
      // Nodes are then named by their labels or types.
    }
  }

  private async load(runId: string, quiet = false): Promise<void> {
    try {
      const run = await this.api.getRun(runId);
      if (runId !== this.runId()) return;
      this.run.set(run);
      this.failure.set(null);
      if (this.automation()?.id !== run.automationId) this.automation.set(await this.api.get(run.automationId));
      const automation = this.automation();
      const known = this.version();
      if (automation && run.version !== null && (known?.workflowId !== automation.workflowId || known.version !== run.version)) {
        this.version.set(await this.workflows.version(automation.workflowId, run.version));
      }
    } catch (error) {
      if (!quiet) this.failure.set(errorMessage(error));
    }
  }

  protected ago(iso: string): string {
    return relativeTime(iso);
  }

  protected duration(ms: number | null): string {
    return ms === null ? '–' : formatMs(ms);
  }

  protected nodeName(id: string | null | undefined): string {
    return id ? this.name()(id) : '';
  }

  /** A node's name where it was given one (a label), not the catalogue title every such node shares. */
  protected labelled(id: string | null): string | null {
    if (!id) return null;
    const node = this.version()?.graph.nodes.find((each) => each.id === id) ?? this.run()?.nodes.find((each) => each.nodeId === id);
    return node?.label?.trim() ? this.name()(id) : null;
  }

  /** Whether every image of a value can be drawn (else its JSON shows). */
  protected drawableAll(images: readonly string[]): boolean {
    const drawable = this.drawable();
    return images.every((image) => drawable(image));
  }

  /** The timeline's node name opens that node's inputs and outputs below. */
  protected jump(nodeId: string): void {
    const section = document.getElementById(`node-${nodeId}`) as HTMLDetailsElement | null;
    if (!section) return;
    section.open = true;
    section.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }

  protected async rerun(): Promise<void> {
    const run = this.run();
    if (!run) return;
    this.rerunning.set(true);
    try {
      const started = await this.api.rerun(run.id);
      this.toasts.info('Started the run again with the same input');
      await this.router.navigate(['/automations/runs', started.runId]);
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.rerunning.set(false);
    }
  }
}
