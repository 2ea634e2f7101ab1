/**
 * What the automations API answers with, and what the store keeps. An automation is a workflow
 * with trigger nodes running one of its published versions; a run is one firing of it.
 */
import type { ErrorInfo } from '../../engine/errors';

export type TriggerKind = 'manual' | 'schedule' | 'webhook' | 'event';
export type RunTrigger = TriggerKind | 'test' | 'rerun' | 'retry';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled' | 'skipped';
export type RunMode = 'inline' | 'queue';

export type WebhookMode = 'async' | 'sync';
export type WebhookAuth = 'none' | 'hmac' | 'api_key';
export type AutomationEvent = 'image.saved' | 'automation.succeeded' | 'automation.failed';

/** One trigger node of the automation's version, with the settings its inputs hold. */
export type AutomationTrigger =
  | { readonly kind: 'manual'; readonly nodeId: string }
  | {
      readonly kind: 'schedule';
      readonly nodeId: string;
      readonly cron: string;
      readonly timeZone: string;
      readonly intervalSeconds: number;
      readonly catchUp: 'skip' | 'latest' | 'all';
      readonly catchUpWindowMinutes: number;
      readonly overlap: 'skip' | 'queue' | 'allow';
    }
  | {
      readonly kind: 'webhook';
      readonly nodeId: string;
      readonly mode: WebhookMode;
      readonly auth: WebhookAuth;
      readonly requiredFields: readonly string[];
      readonly timeoutSeconds: number;
      readonly rateLimitPerMinute: number;
      readonly maxBodyKb: number;
      /** Whether its Image output feeds a node: a request must then carry an image. */
      readonly imageRequired: boolean;
    }
  | { readonly kind: 'event'; readonly nodeId: string; readonly event: AutomationEvent; readonly boardId: string | null; readonly automationId: string | null };

export interface Automation {
  readonly id: string;
  readonly ownerId: string;
  readonly workflowId: string;
  /** The workflow's name, for lists. */
  readonly name: string;
  /** The published version it runs. */
  readonly version: number;
  /** Whether each newly published version becomes the one it runs. */
  readonly followLatest: boolean;
  readonly enabled: boolean;
  readonly triggers: readonly AutomationTrigger[];
  /** The path of its webhook URL under the API (`/hooks/<token>`), when it has a webhook trigger. */
  readonly webhookPath: string | null;
  /** Whether a signing secret is set (the secret itself is shown once, when made). */
  readonly hasWebhookSecret: boolean;
  readonly retry: { readonly attempts: number; readonly backoffSeconds: number };
  readonly errorAutomationId: string | null;
  readonly keepRuns: { readonly days: number; readonly count: number };
  readonly nextFireAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** An automation as its routes answer it: with each schedule's description and next five fire times. */
export interface AutomationView extends Automation {
  readonly schedules: readonly { readonly nodeId: string; readonly description: string; readonly nextFireTimes: readonly string[] }[];
}

/** An automation's newest run, and its runs per hour over the last 24 hours by outcome (oldest hour first). */
export interface RecentActivity {
  lastRun: AutomationRunSummary | null;
  /** 24 hourly counts, oldest first; the last is the hour up to now. */
  readonly lastDay: { succeeded: number; failed: number; other: number }[];
}

/** An automation as lists show it: with its newest run and its runs per hour over the last day (for a sparkline). */
export interface AutomationListItem extends AutomationView, RecentActivity {}

/** What `POST /automations` and `PATCH /automations/:id` take besides the workflow. */
export interface AutomationSettings {
  readonly enabled?: boolean;
  readonly version?: number;
  readonly followLatest?: boolean;
  readonly retryAttempts?: number;
  readonly retryBackoffSeconds?: number;
  readonly errorAutomationId?: string | null;
  readonly keepRunsDays?: number;
  readonly keepRunsCount?: number;
}

/** A node's part in a run: how it ended, when, and what it gave (summarised); what was typed into it is in the version's graph. */
export interface RunNodeSummary {
  readonly nodeId: string;
  readonly type: string;
  readonly label?: string;
  readonly status: 'completed' | 'skipped' | 'failed' | 'canceled' | 'pending';
  /** Milliseconds since the run started, and how long it took. */
  readonly startedMs?: number;
  readonly durationMs?: number;
  readonly cached?: boolean;
  readonly outputs?: unknown;
  readonly error?: ErrorInfo;
}

/** What a respond node chose: a JSON body, or an image (named; its bytes are not kept here). */
export interface RunOutput {
  readonly status: number;
  readonly body: unknown;
  readonly image: { readonly imageName: string; readonly width?: number; readonly height?: number; readonly kept: boolean } | null;
}

export interface AutomationRunSummary {
  readonly id: string;
  readonly automationId: string;
  readonly version: number | null;
  readonly trigger: RunTrigger;
  readonly fireKey: string;
  readonly attempt: number;
  readonly retryOf: string | null;
  readonly status: RunStatus;
  readonly mode: RunMode;
  readonly error: ErrorInfo | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** Milliseconds from start to end, when it ended. */
  readonly durationMs: number | null;
}

export interface AutomationRun extends AutomationRunSummary {
  readonly triggerNode: string | null;
  readonly input: unknown;
  readonly nodes: readonly RunNodeSummary[];
  readonly output: RunOutput | null;
  readonly queueItemIds: readonly string[];
}

/** Runs per day by status, for the history chart. */
export interface RunsPerDay {
  readonly day: string;
  readonly counts: Readonly<Partial<Record<RunStatus, number>>>;
}
