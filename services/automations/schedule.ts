/**
 * An automation's schedule: the settings of its schedule trigger node, checked, and the instants it
 * fires at. Pure: no clock (every method takes its instants), no I/O, no timers. Cron expressions
 * are croner's (5 fields, or 6 with seconds first) and their descriptions cronstrue's (§19).
 *
 * Fire times are whole seconds (millisecond 0) and the same in every process: a cron time is a
 * function of the expression and the zone, an interval time a multiple of the interval since the
 * Unix epoch, so `fireKey` lets many schedulers and restarts agree on "this run already happened".
 * Nothing fires more than once a second: croner's finest field is the second and intervals start
 * at 1 s. An expression no date matches (30 February) is refused rather than never firing.
 *
 * Daylight saving (croner's rules, with `fixedTimeRule: 'no-wildcard'`, which is Vixie cron's):
 * - An expression whose second, minute and hour fields have no `*` and no step (`30 2 * * *`,
 *   `0 9,17 * * 1-5`) names wall-clock times. A time skipped by spring-forward runs once, at the
 *   first instant after the gap (03:00 in Europe/Berlin on 2026-03-29); a time repeated by
 *   fall-back runs once, at its first occurrence (02:30 CEST, not again at 02:30 CET).
 * - Any other expression (`0 * * * *`, `*\/15 * * * *`) follows elapsed time: local times that do
 *   not exist are skipped and repeated ones run twice, once per instant, so an hourly schedule
 *   fires every real hour: 23 times on the spring-forward day, 25 on the fall-back day.
 * Intervals are independent of zones: every `intervalSeconds`, whatever the clocks say.
 */
import { Cron } from 'croner';
import cronstrue from 'cronstrue';
import { InvalidInputError } from '../kernel/service-errors';

export type CatchUpPolicy = 'skip' | 'latest' | 'all';
export type OverlapPolicy = 'skip' | 'queue' | 'allow';

export interface ScheduleSettings {
  /** 5 fields (minute hour day month weekday) or 6 (seconds first); used when intervalSeconds is 0. */
  readonly cron: string;
  /** IANA zone the cron expression's wall-clock times are read in. */
  readonly timeZone: string;
  /** When above 0, fire every this many seconds (aligned to the epoch) instead of the cron expression. */
  readonly intervalSeconds: number;
  /** What to run for the fire times missed while no scheduler ran: see catchUpFireTimes. */
  readonly catchUp: CatchUpPolicy;
  /** How late a missed fire time may still run. */
  readonly catchUpWindowMinutes: number;
  /** What a fire time does while the previous run is still going (enforced by the scheduler). */
  readonly overlap: OverlapPolicy;
}

export type ScheduleField = keyof ScheduleSettings;

export interface ScheduleIssue {
  readonly field: ScheduleField;
  readonly code: string;
  readonly message: string;
}

export const SCHEDULE_DEFAULTS: Readonly<ScheduleSettings> = Object.freeze({
  cron: '0 * * * *',
  timeZone: 'UTC',
  intervalSeconds: 0,
  catchUp: 'skip',
  catchUpWindowMinutes: 60,
  overlap: 'skip',
});

export const SCHEDULE_LIMITS = Object.freeze({
  cronLength: 200,
  timeZoneLength: 64,
  maxIntervalSeconds: 365 * 24 * 60 * 60,
  maxCatchUpWindowMinutes: 7 * 24 * 60,
  /** The most fire times one call of next, between, latest or catchUpFireTimes returns. */
  maxFireTimes: 1000,
});

const CATCH_UP_POLICIES: readonly CatchUpPolicy[] = ['skip', 'latest', 'all'];
const OVERLAP_POLICIES: readonly OverlapPolicy[] = ['skip', 'queue', 'allow'];
/** IANA names (Europe/Berlin, Etc/GMT+5, UTC); refuses what Intl also takes but is no name, like "+01:00". */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

/** Invalid schedule settings: a 422 whose issues name each field at fault (and the trigger node, when given). */
export class ScheduleError extends InvalidInputError {
  readonly scheduleIssues: readonly ScheduleIssue[];

  constructor(issues: readonly ScheduleIssue[], nodeId?: string) {
    super(issues.map((issue) => ({ code: issue.code, field: issue.field, message: issue.message, ...(nodeId ? { nodeId } : {}) })));
    this.scheduleIssues = issues;
  }
}

export class Schedule {
  private constructor(
    readonly settings: ScheduleSettings,
    private readonly cron: Cron | undefined,
  ) {}

  /** The schedule of these settings, defaults filled in; throws a ScheduleError listing every issue. */
  static parse(settings: Partial<ScheduleSettings>, options: { nodeId?: string } = {}): Schedule {
    const read = readSettings(settings);
    if (read.issues.length > 0) throw new ScheduleError(read.issues, options.nodeId);
    return new Schedule(read.settings, read.cron);
  }

  /** Every issue of these settings; [] when they are valid. */
  static check(settings: Partial<ScheduleSettings>): ScheduleIssue[] {
    return readSettings(settings).issues;
  }

  /** "Every 5 minutes (Europe/Berlin)", "At 02:30 (UTC)", "Every 90 seconds". Never throws. */
  describe(): string {
    const { intervalSeconds, cron, timeZone } = this.settings;
    if (intervalSeconds > 0) return describeInterval(intervalSeconds);
    try {
      return `${cronstrue.toString(cron, { use24HourTimeFormat: true })} (${timeZone})`;
    } catch {
      return `Cron "${cron}" (${timeZone})`;
    }
  }

  /** The next `count` fire times strictly after `after`, oldest first (at most maxFireTimes). */
  next(after: Date, count: number): Date[] {
    const times: Date[] = [];
    let cursor = instant(after, 'after');
    for (let left = clampCount(count); left > 0; left -= 1) {
      const time = this.following(cursor);
      if (time === undefined) break;
      times.push(new Date(time));
      cursor = time;
    }
    return times;
  }

  /** Fire times in (after, upTo], oldest first, at most `limit` (and maxFireTimes) of them: the oldest. */
  between(after: Date, upTo: Date, limit: number): Date[] {
    const end = instant(upTo, 'upTo');
    const times: Date[] = [];
    let cursor = instant(after, 'after');
    for (let left = clampCount(limit); left > 0; left -= 1) {
      const time = this.following(cursor);
      if (time === undefined || time > end) break;
      times.push(new Date(time));
      cursor = time;
    }
    return times;
  }

  /**
   * The newest `count` fire times at or before `upTo`, oldest first (at most maxFireTimes): what a
   * scheduler that stopped long ago missed most recently, without walking every fire time since.
   */
  latest(upTo: Date, count: number): Date[] {
    const end = instant(upTo, 'upTo');
    const wanted = clampCount(count);
    if (wanted === 0) return [];
    if (this.cron === undefined) {
      const step = this.settings.intervalSeconds * 1000;
      const last = Math.floor(end / step) * step;
      return Array.from({ length: wanted }, (_, index) => new Date(last - (wanted - 1 - index) * step));
    }
    // croner finds the earliest of them walking back; the times themselves come from walking
    // forward again, so they are the very instants next() and between() give.
    const back = this.cron.previousRuns(wanted, new Date(end + 1));
    const earliest = back.at(-1);
    if (earliest === undefined) return [];
    return this.between(new Date(earliest.getTime() - 1), upTo, wanted);
  }

  /** A stable key for a fire time, the same in every process: 'schedule:2026-12-07T10:00:00.000Z'. */
  fireKey(time: Date): string {
    instant(time, 'time');
    return `schedule:${time.toISOString()}`;
  }

  /** The first fire time after `after` (epoch ms), or undefined when there is none. */
  private following(after: number): number | undefined {
    if (this.cron === undefined) {
      const step = this.settings.intervalSeconds * 1000;
      return (Math.floor(after / step) + 1) * step;
    }
    const time = this.cron.nextRun(new Date(after))?.getTime();
    // croner answers strictly later whole seconds; a time not after `after` would repeat forever.
    return time !== undefined && time > after ? time : undefined;
  }
}

/**
 * Which missed fire times to run now, under the schedule's catch-up policy.
 *
 * `missed`: fire times that passed while no scheduler ran, in any order and with or without the
 * window applied (this function sorts, de-duplicates and applies it; get them with
 * missedFireTimes). Only times within the window count: at most catchUpWindowMinutes before `now`
 * (inclusive) and not after `now`. Of those:
 * - 'skip': none; the schedule goes on from its next fire time;
 * - 'latest': the newest one alone, one run standing for all that were missed;
 * - 'all': every one, oldest first; when more than maxFireTimes (1000), the newest 1000.
 */
export function catchUpFireTimes(schedule: Schedule, missed: readonly Date[], now: Date): Date[] {
  const { catchUp, catchUpWindowMinutes } = schedule.settings;
  if (catchUp === 'skip') return [];
  const end = instant(now, 'now');
  const start = end - catchUpWindowMinutes * 60_000;
  const inWindow = [...new Set(missed.map((time) => time.getTime()))]
    .filter((time) => time >= start && time <= end)
    .sort((a, b) => a - b);
  const kept = catchUp === 'latest' ? inWindow.slice(-1) : inWindow.slice(-SCHEDULE_LIMITS.maxFireTimes);
  return kept.map((time) => new Date(time));
}

/**
 * The fire times a scheduler missed: after `lastFired` (the last fire time it handled, exclusive)
 * and within the catch-up window before `now` (inclusive), the newest maxFireTimes of them, oldest
 * first. Feed them to catchUpFireTimes.
 */
export function missedFireTimes(schedule: Schedule, lastFired: Date, now: Date): Date[] {
  const end = instant(now, 'now');
  const after = Math.max(instant(lastFired, 'lastFired'), end - schedule.settings.catchUpWindowMinutes * 60_000 - 1);
  const limit = SCHEDULE_LIMITS.maxFireTimes;
  // Walking forward is cheap when few were missed; when the limit is reached there may be more,
  // and the newest are the ones to keep.
  const oldest = schedule.between(new Date(after), now, limit);
  if (oldest.length < limit) return oldest;
  return schedule.latest(now, limit).filter((time) => time.getTime() > after);
}

interface ReadSettings {
  readonly settings: ScheduleSettings;
  readonly issues: ScheduleIssue[];
  readonly cron: Cron | undefined;
}

function readSettings(input: Partial<ScheduleSettings>): ReadSettings {
  const given: Partial<Record<ScheduleField, unknown>> = typeof input === 'object' && input !== null ? input : {};
  const issues: ScheduleIssue[] = [];
  const issue = (field: ScheduleField, code: string, message: string) => issues.push({ field, code, message });

  const cron = readText(given, 'cron', SCHEDULE_LIMITS.cronLength, issue)?.trim();
  const timeZone = readText(given, 'timeZone', SCHEDULE_LIMITS.timeZoneLength, issue);
  const intervalSeconds = readInteger(given, 'intervalSeconds', 0, SCHEDULE_LIMITS.maxIntervalSeconds, issue);
  const catchUp = readChoice(given, 'catchUp', CATCH_UP_POLICIES, issue);
  const catchUpWindowMinutes = readInteger(given, 'catchUpWindowMinutes', 1, SCHEDULE_LIMITS.maxCatchUpWindowMinutes, issue);
  const overlap = readChoice(given, 'overlap', OVERLAP_POLICIES, issue);

  const zoneKnown = timeZone !== undefined && isTimeZone(timeZone);
  if (timeZone !== undefined && !zoneKnown) {
    issue('timeZone', 'unknown_time_zone', `${quote(timeZone)} is not a time zone: use an IANA name such as "Europe/Berlin" or "UTC"`);
  }
  // The cron expression only matters without an interval: a stale one beside an interval is ignored.
  let parsed: Cron | undefined;
  if (cron !== undefined && !(intervalSeconds !== undefined && intervalSeconds > 0)) {
    parsed = readCron(cron, zoneKnown ? timeZone : 'UTC', issue);
  }

  const settings: ScheduleSettings = Object.freeze({
    cron: cron ?? SCHEDULE_DEFAULTS.cron,
    timeZone: timeZone ?? SCHEDULE_DEFAULTS.timeZone,
    intervalSeconds: intervalSeconds ?? SCHEDULE_DEFAULTS.intervalSeconds,
    catchUp: catchUp ?? SCHEDULE_DEFAULTS.catchUp,
    catchUpWindowMinutes: catchUpWindowMinutes ?? SCHEDULE_DEFAULTS.catchUpWindowMinutes,
    overlap: overlap ?? SCHEDULE_DEFAULTS.overlap,
  });
  return { settings, issues, cron: settings.intervalSeconds > 0 ? undefined : parsed };
}

type Report = (field: ScheduleField, code: string, message: string) => void;

/** The field's text, its default when absent (undefined or null); undefined after reporting a bad one. */
function readText(given: Partial<Record<ScheduleField, unknown>>, field: 'cron' | 'timeZone', maxLength: number, issue: Report): string | undefined {
  const value = given[field] ?? SCHEDULE_DEFAULTS[field];
  if (typeof value !== 'string') return void issue(field, 'not_text', `Expected text, got ${describeValue(value)}`);
  if (hasControlCharacters(value)) return void issue(field, 'control_characters', 'Must not contain NUL bytes, line breaks or other control characters');
  if (value.length > maxLength) return void issue(field, 'too_long', `At most ${maxLength} characters, got ${value.length}`);
  return value;
}

function readInteger(
  given: Partial<Record<ScheduleField, unknown>>,
  field: 'intervalSeconds' | 'catchUpWindowMinutes',
  min: number,
  max: number,
  issue: Report,
): number | undefined {
  const value = given[field] ?? SCHEDULE_DEFAULTS[field];
  if (typeof value !== 'number' || !Number.isInteger(value)) return void issue(field, 'not_integer', `Expected a whole number, got ${describeValue(value)}`);
  if (value < min || value > max) {
    const range = field === 'intervalSeconds' ? '0 (use the cron expression) or 1 s to 1 year (31536000 s)' : `${min} to ${max} minutes (a week)`;
    return void issue(field, 'out_of_range', `Expected ${range}, got ${value}`);
  }
  return value;
}

function readChoice<T extends string>(given: Partial<Record<ScheduleField, unknown>>, field: 'catchUp' | 'overlap', options: readonly T[], issue: Report): T | undefined {
  const value = given[field] ?? SCHEDULE_DEFAULTS[field];
  const found = options.find((option) => option === value);
  if (found === undefined) issue(field, 'not_a_choice', `Expected one of ${options.map((option) => `"${option}"`).join(', ')}, got ${describeValue(value)}`);
  return found;
}

function readCron(expression: string, timeZone: string, issue: Report): Cron | undefined {
  if (expression === '') return void issue('cron', 'required', 'Give a cron expression such as "0 * * * *" (every hour), or an interval in seconds');
  const fields = expression.split(/\s+/).length;
  if (!expression.startsWith('@') && fields !== 5 && fields !== 6) {
    return void issue('cron', 'cron_field_count', `${quote(expression)} has ${fields} field${fields === 1 ? '' : 's'}; a cron expression has 5 (minute hour day month weekday) or 6 (seconds first)`);
  }
  let cron: Cron;
  try {
    cron = new Cron(expression, { mode: '5-or-6-parts', timezone: timeZone, fixedTimeRule: 'no-wildcard' });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern:\s*/, '');
    return void issue('cron', 'cron_invalid', `${quote(expression)} is not a valid cron expression: ${lowerFirst(reason)}`);
  }
  // Without a year field an expression that fires at all fires again within 28 years, so one that
  // has no time after the epoch never fires (30 February, 31 April).
  if (cron.nextRun(new Date(0)) === null) {
    return void issue('cron', 'cron_never_fires', `${quote(expression)} never fires: no date matches it (such as 30 February)`);
  }
  return cron;
}

/** NUL (which PostgreSQL refuses in text), line breaks and the other C0 controls and DEL; a tab may separate cron fields. */
function hasControlCharacters(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

function isTimeZone(name: string): boolean {
  if (!ZONE_NAME.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function describeInterval(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  const [size, unit] = units.find(([size]) => seconds % size === 0) ?? [1, 'second'];
  const count = seconds / size;
  return count === 1 ? `Every ${unit}` : `Every ${count} ${unit}s`;
}

/** A Date's epoch milliseconds; a RangeError for an invalid one, which is the caller's bug. */
function instant(date: Date, name: string): number {
  const time = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(time)) throw new RangeError(`Schedule: ${name} must be a valid Date`);
  return time;
}

function clampCount(count: number): number {
  return Number.isFinite(count) ? Math.min(Math.max(0, Math.floor(count)), SCHEDULE_LIMITS.maxFireTimes) : 0;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return String(value);
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
}
