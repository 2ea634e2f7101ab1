/**
 * The editor's automation settings as a form: what it starts with (a new automation's defaults,
 * or the automation's own settings), what is sent (everything to make one; only what changed to
 * change one), and the bounds the API enforces, checked before sending so each message sits by
 * its field.
 */
import type { AutomationView, TriggerKind } from '../core/api-types';
import type { AutomationSettings } from '../core/api-types';

export interface AutomationForm {
  readonly enabled: boolean;
  /** Run each newly published version, or stay on `version`. */
  readonly followLatest: boolean;
  /** The pinned version; null follows the latest. */
  readonly version: number | null;
  readonly retryAttempts: number;
  readonly retryBackoffSeconds: number;
  readonly errorAutomationId: string | null;
  readonly keepRunsDays: number;
  readonly keepRunsCount: number;
}

/** The server's defaults for a new automation (migrations/…-Automations.ts, automation.repository.ts). */
export const NEW_AUTOMATION: AutomationForm = {
  enabled: true,
  followLatest: true,
  version: null,
  retryAttempts: 0,
  retryBackoffSeconds: 30,
  errorAutomationId: null,
  keepRunsDays: 30,
  keepRunsCount: 10_000,
};

/** The bounds POST and PATCH /automations check (services/automations/automations.service.ts). */
export const LIMITS = {
  retryAttempts: [0, 10],
  retryBackoffSeconds: [1, 86_400],
  keepRunsDays: [1, 3650],
  keepRunsCount: [1, 1_000_000],
} as const satisfies Partial<Record<keyof AutomationForm, readonly [number, number]>>;

const LIMIT_WORDS: Readonly<Record<keyof typeof LIMITS, string>> = {
  retryAttempts: 'Retries',
  retryBackoffSeconds: 'The wait between tries',
  keepRunsDays: 'Days to keep runs',
  keepRunsCount: 'Runs to keep',
};

/** The node types that make a workflow an automation, keyed by the server's trigger kinds. */
export const TRIGGER_NODE_TYPES: Readonly<Record<TriggerKind, string>> = {
  manual: 'trigger.manual',
  schedule: 'trigger.schedule',
  webhook: 'trigger.webhook',
  event: 'trigger.event',
};
const TRIGGER_TYPES = new Set(Object.values(TRIGGER_NODE_TYPES));

export function isTriggerType(type: string): boolean {
  return TRIGGER_TYPES.has(type);
}

export function formOf(automation: AutomationView | null): AutomationForm {
  if (!automation) return NEW_AUTOMATION;
  return {
    enabled: automation.enabled,
    followLatest: automation.followLatest,
    version: automation.followLatest ? null : automation.version,
    retryAttempts: automation.retry.attempts,
    retryBackoffSeconds: automation.retry.backoffSeconds,
    errorAutomationId: automation.errorAutomationId,
    keepRunsDays: automation.keepRuns.days,
    keepRunsCount: automation.keepRuns.count,
  };
}

/** Each field out of the API's bounds, with a sentence saying what it takes. */
export function formProblems(form: AutomationForm): Partial<Record<keyof AutomationForm, string>> {
  const problems: Partial<Record<keyof AutomationForm, string>> = {};
  for (const [field, [min, max]] of Object.entries(LIMITS) as [keyof typeof LIMITS, readonly [number, number]][]) {
    const value = form[field];
    if (!Number.isInteger(value) || value < min || value > max) problems[field] = `${LIMIT_WORDS[field]} must be a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`;
  }
  if (!form.followLatest && form.version === null) problems.version = 'Choose the version to run, or follow the latest';
  return problems;
}

/**
 * What to send: for a new automation every setting; for an existing one only what differs from it
 * (a pinned version as `version`, following the latest as `followLatest: true`).
 */
export function settingsOf(form: AutomationForm, current: AutomationView | null): AutomationSettings {
  const was = formOf(current);
  const settings: { -readonly [K in keyof AutomationSettings]: AutomationSettings[K] } = {};
  const changed = <K extends keyof AutomationForm>(key: K) => current === null || form[key] !== was[key];
  if (changed('enabled')) settings.enabled = form.enabled;
  if (form.followLatest) {
    if (current === null || !current.followLatest) settings.followLatest = true;
  } else if (form.version !== null && (current === null || current.followLatest || current.version !== form.version)) {
    settings.version = form.version;
    settings.followLatest = false;
  }
  for (const key of ['retryAttempts', 'retryBackoffSeconds', 'keepRunsDays', 'keepRunsCount'] as const) if (changed(key)) settings[key] = form[key];
  if (changed('errorAutomationId') && (current !== null || form.errorAutomationId !== null)) settings.errorAutomationId = form.errorAutomationId;
  return settings;
}
