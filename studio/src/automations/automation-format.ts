/**
 * How the automation pages word things: each trigger as a chip ("Schedule · every 2 seconds",
 * "Webhook · waits for the run"), run statuses and triggers as words, and automations by name
 * (never by id where a name is known).
 */
import type { AutomationEvent, AutomationTrigger, AutomationView, RunStatus, RunTrigger, TriggerKind } from '../core/api-types';

export interface TriggerChip {
  readonly kind: TriggerKind;
  readonly label: string;
  readonly detail?: string;
}

export const RUN_STATUS_LABELS: Readonly<Record<RunStatus, string>> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  canceled: 'Canceled',
  skipped: 'Skipped',
};

export const RUN_TRIGGER_LABELS: Readonly<Record<RunTrigger, string>> = {
  manual: 'Manual',
  schedule: 'Schedule',
  webhook: 'Webhook',
  event: 'Event',
  test: 'Test',
  rerun: 'Re-run',
  retry: 'Retry',
};

const TRIGGER_LABELS: Readonly<Record<TriggerKind, string>> = { manual: 'Manual', schedule: 'Schedule', webhook: 'Webhook', event: 'Event' };

const EVENT_WORDS: Readonly<Record<AutomationEvent, string>> = {
  'image.saved': 'an image is saved',
  'automation.succeeded': 'succeeds',
  'automation.failed': 'fails',
};

/** An automation's name by id; undefined for one not (or no longer) known. */
export type AutomationNames = (id: string) => string | undefined;

/** What one event trigger listens for, in words: "when “Resize” fails", "when any automation succeeds". */
export function eventWords(trigger: Extract<AutomationTrigger, { kind: 'event' }>, names: AutomationNames): string {
  if (trigger.event === 'image.saved') return trigger.boardId ? 'when an image is saved to a board' : 'when an image is saved';
  const name = trigger.automationId ? names(trigger.automationId) : undefined;
  const subject = name ? `“${name}”` : trigger.automationId ? 'another automation' : 'any automation';
  return `when ${subject} ${EVENT_WORDS[trigger.event]}`;
}

/** The automation's triggers as chips, schedules with their description. */
export function triggerChips(automation: Pick<AutomationView, 'triggers' | 'schedules'>, names: AutomationNames): TriggerChip[] {
  return automation.triggers.map((trigger): TriggerChip => {
    const label = TRIGGER_LABELS[trigger.kind];
    switch (trigger.kind) {
      case 'schedule': {
        const description = automation.schedules.find((schedule) => schedule.nodeId === trigger.nodeId)?.description;
        return { kind: trigger.kind, label, ...(description ? { detail: description } : {}) };
      }
      case 'webhook':
        return { kind: trigger.kind, label, detail: `${trigger.mode === 'sync' ? 'waits for the run' : 'answers at once'}${trigger.auth === 'none' ? '' : trigger.auth === 'hmac' ? ', signed' : ', API key'}` };
      case 'event':
        return { kind: trigger.kind, label, detail: eventWords(trigger, names) };
      default:
        return { kind: trigger.kind, label };
    }
  });
}

/**
 * When the automation fires next, as of `now`: the earliest of its schedules' upcoming fire times
 * still ahead (the list is fetched every few seconds, and a schedule every 2 seconds moves on in
 * between), else what the server said; null when no schedule will fire it.
 */
export function nextFireTime(automation: Pick<AutomationView, 'nextFireAt' | 'schedules'>, now: number): string | null {
  const ahead = automation.schedules
    .flatMap((schedule) => schedule.nextFireTimes)
    .filter((time) => Date.parse(time) > now)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return ahead[0] ?? automation.nextFireAt;
}

/** A status's colour class: the error colour for failures, the accent for what is under way. */
export function statusTone(status: RunStatus): 'ok' | 'bad' | 'busy' | 'quiet' {
  if (status === 'succeeded') return 'ok';
  if (status === 'failed') return 'bad';
  if (status === 'queued' || status === 'running') return 'busy';
  return 'quiet';
}

/** Names by id from a list of automations. */
export function namesOf(automations: readonly Pick<AutomationView, 'id' | 'name'>[]): AutomationNames {
  const byId = new Map(automations.map((automation) => [automation.id, automation.name]));
  return (id) => byId.get(id);
}
