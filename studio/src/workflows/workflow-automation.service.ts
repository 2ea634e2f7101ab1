import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import type { AutomationListItem, AutomationView, WorkflowVersionSummary } from '../core/api-types';
import { fieldIssues } from '../core/api-error';
import { ToastService } from '../core/toast.service';
import type { AutomationSettings } from '../core/api-types';
import { AutomationApiService, type WebhookSecret } from '../automations/automation-api.service';
import { isTriggerType } from './automation-form';
import { WorkflowApiService } from './workflow-api.service';
import { WorkflowLibraryService } from './workflow-library.service';

/** The newest published version of the workflow on the canvas, and whether it has a trigger node. */
export interface LatestVersion {
  readonly version: number;
  readonly hasTrigger: boolean;
}

/**
 * The automation side of the workflow editor: whether the workflow on the canvas is an automation
 * (and which), whether its newest published version could be one (it has a trigger node), the
 * user's other automations (the error workflow and event pickers), the settings drawer, and the
 * webhook's secret and URL. Read again when the canvas shows another workflow and after each save
 * or publish. One per Workflows page (provided there).
 */
@Injectable()
export class WorkflowAutomationService {
  private readonly api = inject(AutomationApiService);
  private readonly workflows = inject(WorkflowApiService);
  private readonly library = inject(WorkflowLibraryService);
  private readonly toasts = inject(ToastService);

  private readonly current = signal<AutomationView | null>(null);
  readonly automation = this.current.asReadonly();
  private readonly everyone = signal<readonly AutomationListItem[]>([]);
  /** The user's automations but this one, by name. */
  readonly others = computed(() => {
    const id = this.current()?.id;
    return this.everyone()
      .filter((automation) => automation.id !== id)
      .sort((a, b) => a.name.localeCompare(b.name));
  });
  private readonly newest = signal<LatestVersion | null>(null);
  readonly latest = this.newest.asReadonly();
  private readonly history = signal<readonly WorkflowVersionSummary[]>([]);
  /** Published versions, newest first (the pin picker). */
  readonly versions = this.history.asReadonly();
  /** The workflow is an automation, or its newest version has a trigger node and can become one. */
  readonly eligible = computed(() => this.current() !== null || this.newest()?.hasTrigger === true);
  private readonly drawer = signal(false);
  readonly settingsOpen = this.drawer.asReadonly();
  private readonly shown = signal<WebhookSecret | null>(null);
  /** A secret just made, shown once until dismissed. */
  readonly secret = this.shown.asReadonly();
  /** Bumped by each refresh, so a late answer for another workflow is dropped. */
  private generation = 0;

  constructor() {
    effect(() => {
      const id = this.library.workflowId();
      this.library.versionsRefresh();
      untracked(() => void this.refresh(id));
    });
  }

  async refresh(workflowId = this.library.workflowId()): Promise<void> {
    const generation = ++this.generation;
    if (!workflowId) {
      this.current.set(null);
      this.newest.set(null);
      this.history.set([]);
      this.shown.set(null);
      this.drawer.set(false);
      return;
    }
    try {
      const [all, versions] = await Promise.all([this.api.all(), this.workflows.versions(workflowId, 0, 50)]);
      const latest = versions.items[0];
      const graph = latest ? (await this.workflows.version(workflowId, latest.version)).graph : null;
      if (generation !== this.generation) return;
      this.everyone.set(all);
      const mine = all.find((automation) => automation.workflowId === workflowId) ?? null;
      if (mine?.id !== this.current()?.id) this.shown.set(null);
      this.current.set(mine);
      this.history.set(versions.items);
      this.newest.set(latest && graph ? { version: latest.version, hasTrigger: graph.nodes.some((node) => isTriggerType(node.type)) } : null);
    } catch (error) {
      if (generation === this.generation) this.toasts.error(error);
    }
  }

  openSettings(): void {
    this.library.closeVersions();
    this.drawer.set(true);
  }

  closeSettings(): void {
    this.drawer.set(false);
  }

  /** Makes the workflow an automation, or changes its settings; a refused setting's messages by field, else null. */
  async save(settings: AutomationSettings): Promise<Record<string, string> | null> {
    const workflowId = this.library.workflowId();
    if (!workflowId) return { workflowId: 'Save and publish the workflow first' };
    const existing = this.current();
    try {
      const saved = existing ? await this.api.update(existing.id, settings) : await this.api.create(workflowId, settings);
      this.current.set(saved);
      this.toasts.info(existing ? `Saved the automation settings of “${saved.name}”` : `“${saved.name}” is now an automation`);
      void this.refresh();
      return null;
    } catch (error) {
      const issues = fieldIssues(error);
      if (Object.keys(issues).length === 0) this.toasts.error(error);
      return issues;
    }
  }

  /** Makes a new signing secret (the old one stops working), shown once. */
  async rotateSecret(): Promise<void> {
    const automation = this.current();
    if (!automation) return;
    if (automation.hasWebhookSecret && !confirm('Make a new secret? Requests signed with the current one are refused from now on.')) return;
    try {
      this.shown.set(await this.api.rotateSecret(automation.id));
      this.current.set(await this.api.get(automation.id));
    } catch (error) {
      this.toasts.error(error);
    }
  }

  async removeSecret(): Promise<void> {
    const automation = this.current();
    if (!automation || !confirm('Remove the secret? Unsigned requests are then accepted unless the trigger asks for a signature.')) return;
    try {
      this.current.set(await this.api.removeSecret(automation.id));
      this.shown.set(null);
      this.toasts.info('Removed the webhook secret');
    } catch (error) {
      this.toasts.error(error);
    }
  }

  dismissSecret(): void {
    this.shown.set(null);
  }

  /** Gives the webhook a new URL; the old one answers 404 from then on. */
  async rotateUrl(): Promise<void> {
    const automation = this.current();
    if (!automation || !confirm('Give the webhook a new URL? The current URL stops working at once.')) return;
    try {
      this.current.set(await this.api.rotateUrl(automation.id));
      this.toasts.info('The webhook has a new URL');
    } catch (error) {
      this.toasts.error(error);
    }
  }
}
