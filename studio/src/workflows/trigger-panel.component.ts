import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, output, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { errorMessage, fieldIssues } from '../core/api-error';
import { exactTime, relativeTime } from '../core/relative-time';
import { ToastService } from '../core/toast.service';
import { AutomationApiService, type SchedulePreview } from '../automations/automation-api.service';
import { RUN_STATUS_LABELS, statusTone } from '../automations/automation-format';
import { authNote, curlExample, testWebhookUrl, webhookUrl } from '../automations/webhook-example';
import type { AutomationRunSummary } from '../core/api-types';
import { TRIGGER_NODE_TYPES } from './automation-form';
import type { InputChange } from './workflow-inspector.component';
import { WorkflowAutomationService } from './workflow-automation.service';

/** How long typing in a schedule's fields pauses before the preview is asked for. */
const PREVIEW_DEBOUNCE_MS = 350;
/** How often, and how long at most, the panel looks for the run a request to the test URL started. */
const TEST_POLL_MS = 1000;
const TEST_LISTEN_MS = 120_000;

/**
 * Beside the inspector's fields of a trigger node: a Schedule's description and next five fire
 * times (asked of the server as its fields change, its refusal shown by the field it names); a
 * Webhook's URL, curl example, signing secret and new URL once the workflow is an automation; and
 * for an Event about automation runs, the automation to listen to, picked by name.
 */
@Component({
  selector: 'ps-trigger-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  templateUrl: './trigger-panel.component.html',
  styleUrls: ['./trigger-panel.component.css', '../automations/automation-status.css'],
})
export class TriggerPanelComponent {
  private readonly api = inject(AutomationApiService);
  private readonly toasts = inject(ToastService);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly automations = inject(WorkflowAutomationService);

  readonly type = input.required<string>();
  readonly nodeId = input.required<string>();
  readonly values = input.required<Readonly<Record<string, unknown>>>();
  readonly changed = output<InputChange>();

  protected readonly types = TRIGGER_NODE_TYPES;
  protected readonly labels = RUN_STATUS_LABELS;
  protected readonly tone = statusTone;
  protected readonly exact = exactTime;

  // ---- schedule ----

  /** The schedule's fields as the preview is asked for them; the same text means the same answer. */
  private readonly scheduleKey = computed(() => {
    if (this.type() !== TRIGGER_NODE_TYPES.schedule) return null;
    const values = this.values();
    const cron = typeof values['cron'] === 'string' && values['cron'].trim() ? values['cron'] : undefined;
    const timeZone = typeof values['timeZone'] === 'string' && values['timeZone'].trim() ? values['timeZone'] : undefined;
    const intervalSeconds = typeof values['intervalSeconds'] === 'number' && Number.isFinite(values['intervalSeconds']) ? values['intervalSeconds'] : undefined;
    return JSON.stringify({ cron, timeZone, intervalSeconds });
  });
  protected readonly preview = signal<SchedulePreview | null>(null);
  protected readonly previewIssues = signal<readonly string[]>([]);
  protected readonly previewing = signal(false);

  // ---- webhook ----

  /** The automation's webhook trigger when it is this node (the settings requests meet now). */
  private readonly liveWebhook = computed(() => {
    const trigger = this.automations.automation()?.triggers.find((each) => each.kind === 'webhook');
    return trigger?.kind === 'webhook' ? trigger : null;
  });
  protected readonly url = computed(() => {
    const path = this.automations.automation()?.webhookPath;
    return path ? webhookUrl(location.origin, path) : null;
  });
  /** Whether the published version the automation runs has this very node as its webhook. */
  protected readonly published = computed(() => this.liveWebhook()?.nodeId === this.nodeId());
  protected readonly curl = computed(() => {
    const url = this.url();
    if (!url) return null;
    const live = this.liveWebhook();
    const values = this.values();
    return curlExample({
      url,
      mode: live?.mode ?? (values['mode'] === 'sync' ? 'sync' : 'async'),
      auth: live?.auth ?? (values['auth'] === 'hmac' || values['auth'] === 'api_key' ? values['auth'] : 'none'),
      requiredFields: live ? live.requiredFields.join(', ') : typeof values['requiredFields'] === 'string' ? values['requiredFields'] : '',
      imageRequired: live?.imageRequired ?? false,
      hasSecret: this.automations.automation()?.hasWebhookSecret ?? false,
    });
  });
  protected readonly testUrl = computed(() => {
    const url = this.url();
    return url ? testWebhookUrl(url) : null;
  });
  /** Listening for the run a request to the test URL starts, since when; the newest such run. */
  protected readonly listening = signal(false);
  protected readonly testRun = signal<AutomationRunSummary | null>(null);
  private listenTimer: ReturnType<typeof setTimeout> | undefined;
  protected readonly note = computed(() => {
    const automation = this.automations.automation();
    return automation ? authNote(this.liveWebhook()?.auth ?? 'none', automation.hasWebhookSecret) : null;
  });

  // ---- event ----

  protected readonly aboutRuns = computed(() => this.type() === TRIGGER_NODE_TYPES.event && String(this.values()['event'] ?? '').startsWith('automation.'));

  constructor() {
    this.destroyRef.onDestroy(() => clearTimeout(this.listenTimer));
    effect((onCleanup) => {
      const key = this.scheduleKey();
      if (key === null) return;
      this.previewing.set(true);
      const timer = setTimeout(() => void this.loadPreview(key), PREVIEW_DEBOUNCE_MS);
      onCleanup(() => clearTimeout(timer));
    });
  }

  private async loadPreview(key: string): Promise<void> {
    try {
      const preview = await this.api.previewSchedule(JSON.parse(key) as { cron?: string; timeZone?: string; intervalSeconds?: number });
      if (key !== this.scheduleKey()) return;
      this.preview.set(preview);
      this.previewIssues.set([]);
    } catch (error) {
      if (key !== this.scheduleKey()) return;
      const issues = fieldIssues(error);
      this.preview.set(null);
      this.previewIssues.set(Object.keys(issues).length > 0 ? Object.values(issues) : [errorMessage(error)]);
    } finally {
      if (key === this.scheduleKey()) this.previewing.set(false);
    }
  }

  /** Waits for the next request to the test URL and follows the run it starts until it ends. */
  protected listen(): void {
    const automation = this.automations.automation();
    if (!automation) return;
    clearTimeout(this.listenTimer);
    this.listening.set(true);
    this.testRun.set(null);
    const since = Date.now();
    const poll = async (): Promise<void> => {
      try {
        const newest = (await this.api.runs({ automationId: automation.id, trigger: 'test', limit: 1 })).items[0];
        if (newest && Date.parse(newest.createdAt) >= since - 1000) this.testRun.set(newest);
      } catch {
        // The next poll tries again; the panel says nothing of a passing network error.
      }
      const run = this.testRun();
      const ended = run !== null && run.status !== 'queued' && run.status !== 'running';
      if (ended || Date.now() - since > TEST_LISTEN_MS) this.listening.set(false);
      else this.listenTimer = setTimeout(() => void poll(), TEST_POLL_MS);
    };
    void poll();
  }

  protected stopListening(): void {
    clearTimeout(this.listenTimer);
    this.listening.set(false);
  }

  /** The time alone for today, with the day for later days. */
  protected when(iso: string): string {
    const date = new Date(iso);
    const today = date.toDateString() === new Date().toDateString();
    return date.toLocaleString('en', { ...(today ? {} : { weekday: 'short', month: 'short', day: 'numeric' }), hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  protected fromNow(iso: string): string {
    return relativeTime(iso);
  }

  protected known(id: string): boolean {
    return this.automations.others().some((other) => other.id === id) || this.automations.automation()?.id === id;
  }

  protected setAutomation(id: string): void {
    this.changed.emit({ field: 'automationId', value: id || undefined });
  }

  protected async copy(text: string, what: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.toasts.info(`Copied the ${what}`);
    } catch {
      this.toasts.error(`The browser would not copy the ${what}: select it and copy it by hand`);
    }
  }
}
