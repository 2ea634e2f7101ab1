import { toErrorResponse } from '../api/error-response';
import { toMoleculerError } from '../kernel/error-middleware';
import { InvalidInputError } from '../kernel/service-errors';
import { Schedule, ScheduleError, SCHEDULE_DEFAULTS, catchUpFireTimes, missedFireTimes, type ScheduleSettings } from './schedule';

const at = (iso: string) => new Date(iso);
const iso = (times: readonly Date[]) => times.map((time) => time.toISOString());
const HOUR = 3_600_000;

function issuesOf(settings: Partial<ScheduleSettings>): string[] {
  return Schedule.check(settings).map((issue) => `${issue.field}:${issue.code}`);
}

describe('Schedule settings', () => {
  it('fills in the defaults and accepts them', () => {
    expect(Schedule.check({})).toEqual([]);
    expect(Schedule.parse({}).settings).toEqual({ ...SCHEDULE_DEFAULTS });
    expect(Schedule.parse({ cron: ' 30 2 * * * ', timeZone: 'Europe/Berlin' }).settings).toEqual({ ...SCHEDULE_DEFAULTS, cron: '30 2 * * *', timeZone: 'Europe/Berlin' });
  });

  it("refuses an invalid cron expression, quoting croner's reason", () => {
    const [issue] = Schedule.check({ cron: '61 * * * *' });
    expect(issue).toEqual({ field: 'cron', code: 'cron_invalid', message: '"61 * * * *" is not a valid cron expression: invalid value for minute: 61' });
    expect(issuesOf({ cron: '*/0 * * * *' })).toEqual(['cron:cron_invalid']);
    expect(issuesOf({ cron: '5-1 * * * *' })).toEqual(['cron:cron_invalid']);
    expect(issuesOf({ cron: '0 0 * * 8' })).toEqual(['cron:cron_invalid']);
  });

  it('wants 5 or 6 fields and says so', () => {
    expect(Schedule.check({ cron: '* * * *' })[0]?.message).toBe('"* * * *" has 4 fields; a cron expression has 5 (minute hour day month weekday) or 6 (seconds first)');
    expect(issuesOf({ cron: '0 0 1 1 * 2030 *' })).toEqual(['cron:cron_field_count']);
    expect(issuesOf({ cron: '*/10 * * * * *' })).toEqual([]);
    expect(issuesOf({ cron: '@daily' })).toEqual([]);
  });

  it('refuses an expression that never fires', () => {
    expect(Schedule.check({ cron: '0 0 30 2 *' })).toEqual([
      { field: 'cron', code: 'cron_never_fires', message: '"0 0 30 2 *" never fires: no date matches it (such as 30 February)' },
    ]);
    expect(issuesOf({ cron: '0 12 31 4,6,9,11 *' })).toEqual(['cron:cron_never_fires']);
    // Rare is not never: 29 February fires every four years.
    expect(issuesOf({ cron: '0 0 29 2 *' })).toEqual([]);
  });

  it('asks for a cron expression only when there is no interval', () => {
    expect(issuesOf({ cron: '' })).toEqual(['cron:required']);
    expect(issuesOf({ cron: '   ' })).toEqual(['cron:required']);
    expect(issuesOf({ cron: '', intervalSeconds: 60 })).toEqual([]);
    expect(issuesOf({ cron: 'not cron', intervalSeconds: 60 })).toEqual([]);
  });

  it('refuses NUL bytes, control characters, overlong text and non-text', () => {
    expect(issuesOf({ cron: '0 * * * *\u0000' })).toEqual(['cron:control_characters']);
    expect(issuesOf({ cron: '0 *\n* * *' })).toEqual(['cron:control_characters']);
    expect(issuesOf({ timeZone: 'UTC\u0000' })).toEqual(['timeZone:control_characters']);
    expect(issuesOf({ cron: `0 * * * ${'1,'.repeat(100)}1` })).toEqual(['cron:too_long']);
    expect(issuesOf({ timeZone: `Europe/${'A'.repeat(60)}` })).toEqual(['timeZone:too_long']);
    expect(issuesOf({ cron: 5 as unknown as string })).toEqual(['cron:not_text']);
    expect(issuesOf({ cron: '0 * * * *\t' })).toEqual([]);
  });

  it('knows IANA time zones, UTC and Etc/ zones, and nothing else', () => {
    for (const timeZone of ['UTC', 'Etc/UTC', 'Etc/GMT+5', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata']) {
      expect(issuesOf({ timeZone })).withContext(timeZone).toEqual([]);
    }
    for (const timeZone of ['Mars/Olympus_Mons', 'Europe/Berlinn', '+01:00', 'UTC+1', '', 'Europe/ Berlin']) {
      expect(issuesOf({ timeZone })).withContext(timeZone).toEqual(['timeZone:unknown_time_zone']);
    }
    expect(Schedule.check({ timeZone: 'Mars/Base' })[0]?.message).toBe('"Mars/Base" is not a time zone: use an IANA name such as "Europe/Berlin" or "UTC"');
  });

  it('bounds the interval to whole seconds from 1 s to a year', () => {
    expect(issuesOf({ intervalSeconds: 1 })).toEqual([]);
    expect(issuesOf({ intervalSeconds: 31_536_000 })).toEqual([]);
    expect(issuesOf({ intervalSeconds: 31_536_001 })).toEqual(['intervalSeconds:out_of_range']);
    expect(issuesOf({ intervalSeconds: -1 })).toEqual(['intervalSeconds:out_of_range']);
    expect(issuesOf({ intervalSeconds: 1.5 })).toEqual(['intervalSeconds:not_integer']);
    expect(issuesOf({ intervalSeconds: Number.NaN })).toEqual(['intervalSeconds:not_integer']);
    expect(issuesOf({ intervalSeconds: '60' as unknown as number })).toEqual(['intervalSeconds:not_integer']);
  });

  it('checks the catch-up policy, its window and the overlap policy', () => {
    expect(issuesOf({ catchUp: 'all', catchUpWindowMinutes: 10_080, overlap: 'queue' })).toEqual([]);
    expect(issuesOf({ catchUp: 'latest', catchUpWindowMinutes: 1, overlap: 'allow' })).toEqual([]);
    expect(issuesOf({ catchUp: 'some' as never })).toEqual(['catchUp:not_a_choice']);
    expect(issuesOf({ overlap: 'cancel' as never })).toEqual(['overlap:not_a_choice']);
    expect(issuesOf({ catchUpWindowMinutes: 0 })).toEqual(['catchUpWindowMinutes:out_of_range']);
    expect(issuesOf({ catchUpWindowMinutes: 10_081 })).toEqual(['catchUpWindowMinutes:out_of_range']);
  });

  it('throws every issue at once as a 422 that names each field (and the node, when given)', () => {
    const bad = { cron: '61 * * * *', timeZone: 'Nowhere', intervalSeconds: 0.5, catchUp: 'x' as never, catchUpWindowMinutes: 0, overlap: 'y' as never };
    let caught: unknown;
    try {
      Schedule.parse(bad, { nodeId: 'every-hour' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScheduleError);
    expect(caught).toBeInstanceOf(InvalidInputError);
    const error = caught as ScheduleError;
    expect(error.scheduleIssues.map((issue) => issue.field).sort()).toEqual(['catchUp', 'catchUpWindowMinutes', 'cron', 'intervalSeconds', 'overlap', 'timeZone']);
    expect(error.issues.every((issue) => issue.nodeId === 'every-hour')).toBeTrue();
    const answer = toErrorResponse(toMoleculerError(error));
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('invalid_input');
    expect(answer.body.error.issues?.map((issue) => issue.field).sort()).toEqual(['catchUp', 'catchUpWindowMinutes', 'cron', 'intervalSeconds', 'overlap', 'timeZone']);
    expect(answer.body.error.message).toContain('cron: "61 * * * *" is not a valid cron expression');
  });
});

describe('Schedule.describe', () => {
  it('reads the expression in 24-hour time with its zone, and an interval in its largest whole unit', () => {
    expect(Schedule.parse({ cron: '*/5 * * * *', timeZone: 'Europe/Berlin' }).describe()).toBe('Every 5 minutes (Europe/Berlin)');
    expect(Schedule.parse({ cron: '30 14 * * *' }).describe()).toBe('At 14:30 (UTC)');
    expect(Schedule.parse({ cron: '*/10 * * * * *' }).describe()).toBe('Every 10 seconds (UTC)');
    expect(Schedule.parse({ intervalSeconds: 90 }).describe()).toBe('Every 90 seconds');
    expect(Schedule.parse({ intervalSeconds: 60 }).describe()).toBe('Every minute');
    expect(Schedule.parse({ intervalSeconds: 7200, cron: '30 2 * * *' }).describe()).toBe('Every 2 hours');
    expect(Schedule.parse({ intervalSeconds: 86_400 }).describe()).toBe('Every day');
  });

  it('describes what croner accepts beyond plain cron without throwing', () => {
    for (const cron of ['@weekly', '0 0 L * *', '0 0 ? * FRI#2', '0 0 15W * *', '0 0 * * 7']) {
      const text = Schedule.parse({ cron }).describe();
      expect(text).withContext(cron).toMatch(/^\S.* \(UTC\)$/);
      expect(text).withContext(cron).not.toContain('undefined');
    }
  });
});

describe('Schedule fire times', () => {
  it('fires strictly after `after`, at whole seconds, in order', () => {
    const hourly = Schedule.parse({ cron: '0 * * * *' });
    expect(iso(hourly.next(at('2026-01-01T10:00:00.000Z'), 2))).toEqual(['2026-01-01T11:00:00.000Z', '2026-01-01T12:00:00.000Z']);
    expect(iso(hourly.next(at('2026-01-01T09:59:59.999Z'), 1))).toEqual(['2026-01-01T10:00:00.000Z']);
    const everySecond = Schedule.parse({ cron: '* * * * * *' });
    expect(iso(everySecond.next(at('2026-01-01T10:00:00.500Z'), 2))).toEqual(['2026-01-01T10:00:01.000Z', '2026-01-01T10:00:02.000Z']);
    expect(hourly.next(at('2026-01-01T10:00:00Z'), 0)).toEqual([]);
  });

  it('reads the expression in its time zone', () => {
    expect(iso(Schedule.parse({ cron: '0 9 * * *', timeZone: 'Asia/Kolkata' }).next(at('2026-06-01T00:00:00Z'), 1))).toEqual(['2026-06-01T03:30:00.000Z']);
    expect(iso(Schedule.parse({ cron: '0 9 * * *', timeZone: 'America/New_York' }).next(at('2026-06-01T00:00:00Z'), 1))).toEqual(['2026-06-01T13:00:00.000Z']);
  });

  it('aligns an interval to its multiples since the epoch, whatever `after` is', () => {
    const schedule = Schedule.parse({ intervalSeconds: 90, timeZone: 'Europe/Berlin' });
    const first = schedule.next(at('2026-01-01T00:00:00.500Z'), 3);
    expect(first.map((time) => time.getTime() % 90_000)).toEqual([0, 0, 0]);
    expect(first[0]!.getTime() - at('2026-01-01T00:00:00.500Z').getTime()).toBeLessThanOrEqual(90_000);
    // Another process starting a little later agrees on every shared instant.
    const other = Schedule.parse({ intervalSeconds: 90 }).next(new Date(first[0]!.getTime() + 12_345), 2);
    expect(iso(other)).toEqual(iso(first.slice(1)));
    expect(iso(schedule.next(first[0]!, 1))).toEqual(iso([first[1]!]));
  });

  it('lists the times in (after, upTo], oldest first, at most `limit`', () => {
    const hourly = Schedule.parse({ cron: '0 * * * *' });
    expect(iso(hourly.between(at('2026-01-01T10:00:00Z'), at('2026-01-01T13:00:00Z'), 10))).toEqual(['2026-01-01T11:00:00.000Z', '2026-01-01T12:00:00.000Z', '2026-01-01T13:00:00.000Z']);
    expect(iso(hourly.between(at('2026-01-01T10:00:00Z'), at('2026-01-01T13:00:00Z'), 2))).toEqual(['2026-01-01T11:00:00.000Z', '2026-01-01T12:00:00.000Z']);
    expect(hourly.between(at('2026-01-01T10:00:00Z'), at('2026-01-01T10:59:59Z'), 10)).toEqual([]);
    const interval = Schedule.parse({ intervalSeconds: 3600 });
    expect(iso(interval.between(at('2026-01-01T10:00:00Z'), at('2026-01-01T12:00:00Z'), 10))).toEqual(['2026-01-01T11:00:00.000Z', '2026-01-01T12:00:00.000Z']);
  });

  it('finds the newest times at or before an instant, the same instants walking forward gives', () => {
    for (const settings of [{ cron: '0 * * * *', timeZone: 'Europe/Berlin' }, { cron: '30 2 * * *', timeZone: 'Europe/Berlin' }, { intervalSeconds: 5400 }]) {
      const schedule = Schedule.parse(settings);
      for (const upTo of ['2026-03-29T03:00:00Z', '2026-10-25T01:00:00Z', '2026-10-27T12:00:00Z']) {
        const expected = schedule.between(new Date(at(upTo).getTime() - 7 * 24 * HOUR), at(upTo), 1000);
        expect(iso(schedule.latest(at(upTo), 5))).withContext(`${JSON.stringify(settings)} ${upTo}`).toEqual(iso(expected.slice(-5)));
      }
    }
  });

  it('gives a key per instant, equal across Schedule objects and processes', () => {
    const time = Schedule.parse({ cron: '0 10 * * *' }).next(at('2026-12-07T00:00:00Z'), 1)[0]!;
    expect(Schedule.parse({ cron: '0 10 * * *' }).fireKey(time)).toBe('schedule:2026-12-07T10:00:00.000Z');
    expect(Schedule.parse({ intervalSeconds: 3600 }).fireKey(new Date(time.getTime()))).toBe('schedule:2026-12-07T10:00:00.000Z');
    expect(() => Schedule.parse({}).fireKey(new Date(Number.NaN))).toThrowError(RangeError);
  });
});

describe('Schedule across daylight saving (Europe/Berlin, 2026)', () => {
  const berlin = (cron: string) => Schedule.parse({ cron, timeZone: 'Europe/Berlin' });
  const berlinParts = new Intl.DateTimeFormat('en', {
    timeZone: 'Europe/Berlin',
    ...({ year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'shortOffset' } as const),
  });
  /** "2026-03-29 03:00 GMT+2": Berlin's wall clock and offset at that instant. */
  const local = (time: Date) => {
    const part = (type: Intl.DateTimeFormatPartTypes) => berlinParts.formatToParts(time).find((found) => found.type === type)?.value;
    return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
  };

  it('runs a 02:30 job once at 03:00 CEST on the day 02:30 does not exist (29 March)', () => {
    const times = berlin('30 2 * * *').between(at('2026-03-27T12:00:00Z'), at('2026-03-30T12:00:00Z'), 10);
    expect(times.map(local)).toEqual(['2026-03-28 02:30 GMT+1', '2026-03-29 03:00 GMT+2', '2026-03-30 02:30 GMT+2']);
  });

  it('runs a 02:30 job once, at the first 02:30 (CEST), on the day 02:30 comes twice (25 October)', () => {
    const times = berlin('30 2 * * *').between(at('2026-10-23T12:00:00Z'), at('2026-10-26T12:00:00Z'), 10);
    expect(iso(times)).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    // A scheduler that restarts inside the repeated hour does not run it again at 02:30 CET.
    expect(iso(berlin('30 2 * * *').next(at('2026-10-25T01:00:00Z'), 1))).toEqual(['2026-10-26T01:30:00.000Z']);
  });

  it('treats a list of wall-clock times like one: each runs once on both days (Vixie cron)', () => {
    const twice = berlin('30 2,14 * * *');
    expect(twice.between(at('2026-03-28T22:00:00Z'), at('2026-03-29T21:59:59Z'), 10).map(local)).toEqual(['2026-03-29 03:00 GMT+2', '2026-03-29 14:30 GMT+2']);
    expect(twice.between(at('2026-10-24T22:00:00Z'), at('2026-10-25T22:59:59Z'), 10).map(local)).toEqual(['2026-10-25 02:30 GMT+2', '2026-10-25 14:30 GMT+1']);
  });

  it('fires an hourly job every real hour: 23 times on 29 March, 25 on 25 October', () => {
    const hourly = berlin('0 * * * *');
    const spring = hourly.between(at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'), 100);
    const fall = hourly.between(at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'), 100);
    expect(spring.length).toBe(23);
    expect(fall.length).toBe(25);
    for (const times of [spring, fall]) {
      expect(times.slice(1).every((time, index) => time.getTime() - times[index]!.getTime() === HOUR)).toBeTrue();
    }
    expect(fall.map(local).filter((time) => time.startsWith('2026-10-25 02:00'))).toEqual(['2026-10-25 02:00 GMT+2', '2026-10-25 02:00 GMT+1']);
    expect(spring.map(local).filter((time) => time.startsWith('2026-03-29 0'))).toEqual(['2026-03-29 01:00 GMT+1', '2026-03-29 03:00 GMT+2', '2026-03-29 04:00 GMT+2', '2026-03-29 05:00 GMT+2', '2026-03-29 06:00 GMT+2', '2026-03-29 07:00 GMT+2', '2026-03-29 08:00 GMT+2', '2026-03-29 09:00 GMT+2']);
  });

  it('gives the same times however a scheduler splits the range (restarts neither repeat nor skip)', () => {
    for (const cron of ['30 2 * * *', '0 * * * *', '*/20 * * * *', '30 2,3 * * *']) {
      const schedule = berlin(cron);
      for (const [from, to] of [
        ['2026-03-28T22:00:00Z', '2026-03-29T04:00:00Z'],
        ['2026-10-24T22:00:00Z', '2026-10-25T04:00:00Z'],
      ] as const) {
        const whole = iso(schedule.between(at(from), at(to), 1000));
        expect(new Set(whole).size).withContext(cron).toBe(whole.length);
        for (let split = at(from).getTime(); split <= at(to).getTime(); split += 5 * 60_000) {
          for (const cut of [split - 1000, split, split + 1000].filter((cut) => cut >= at(from).getTime() && cut <= at(to).getTime())) {
            const parts = [...schedule.between(at(from), new Date(cut), 1000), ...schedule.between(new Date(cut), at(to), 1000)];
            expect(iso(parts)).withContext(`${cron} cut at ${new Date(cut).toISOString()}`).toEqual(whole);
          }
        }
      }
    }
  });

  it('keeps an interval on real time, unaffected by the clock change', () => {
    const times = Schedule.parse({ intervalSeconds: 3600, timeZone: 'Europe/Berlin' }).between(at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'), 100);
    expect(times.length).toBe(23);
    expect(times.every((time) => time.getTime() % HOUR === 0)).toBeTrue();
  });
});

describe('catchUpFireTimes', () => {
  const now = at('2026-06-01T12:00:00Z');
  const hourlyWith = (catchUp: ScheduleSettings['catchUp'], catchUpWindowMinutes = 180) => Schedule.parse({ cron: '0 * * * *', catchUp, catchUpWindowMinutes });
  const missed = ['2026-06-01T07:00:00Z', '2026-06-01T08:00:00Z', '2026-06-01T09:00:00Z', '2026-06-01T10:00:00Z', '2026-06-01T11:00:00Z', '2026-06-01T12:00:00Z'].map(at);

  it("runs none under 'skip'", () => {
    expect(catchUpFireTimes(hourlyWith('skip'), missed, now)).toEqual([]);
  });

  it("runs the newest missed time under 'latest'", () => {
    expect(iso(catchUpFireTimes(hourlyWith('latest'), missed, now))).toEqual(['2026-06-01T12:00:00.000Z']);
    expect(iso(catchUpFireTimes(hourlyWith('latest'), missed.slice(0, 4), now))).toEqual(['2026-06-01T10:00:00.000Z']);
  });

  it("runs every missed time within the window under 'all', oldest first, the window's start included", () => {
    expect(iso(catchUpFireTimes(hourlyWith('all'), [...missed].reverse(), now))).toEqual([
      '2026-06-01T09:00:00.000Z',
      '2026-06-01T10:00:00.000Z',
      '2026-06-01T11:00:00.000Z',
      '2026-06-01T12:00:00.000Z',
    ]);
  });

  it('runs nothing older than the window, later than now or twice', () => {
    expect(catchUpFireTimes(hourlyWith('latest', 60), missed.slice(0, 4), now)).toEqual([]);
    expect(iso(catchUpFireTimes(hourlyWith('all', 60), [...missed, at('2026-06-01T13:00:00Z'), at('2026-06-01T11:00:00Z')], now))).toEqual(['2026-06-01T11:00:00.000Z', '2026-06-01T12:00:00.000Z']);
  });

  it("caps 'all' at the newest 1000", () => {
    const everySecond = Schedule.parse({ cron: '* * * * * *', catchUp: 'all', catchUpWindowMinutes: 60 });
    const many = Array.from({ length: 3000 }, (_, index) => new Date(now.getTime() - index * 1000));
    const kept = catchUpFireTimes(everySecond, many, now);
    expect(kept.length).toBe(1000);
    expect(kept.at(-1)!.toISOString()).toBe(now.toISOString());
    expect(kept[0]!.getTime()).toBe(now.getTime() - 999_000);
  });
});

describe('missedFireTimes', () => {
  const now = at('2026-06-01T12:00:30Z');

  it('lists the times after the last one fired and within the window', () => {
    const hourly = Schedule.parse({ cron: '0 * * * *', catchUpWindowMinutes: 180 });
    expect(iso(missedFireTimes(hourly, at('2026-06-01T10:00:00Z'), now))).toEqual(['2026-06-01T11:00:00.000Z', '2026-06-01T12:00:00.000Z']);
    expect(iso(missedFireTimes(hourly, at('2026-05-01T00:00:00Z'), now))).toEqual(['2026-06-01T10:00:00.000Z', '2026-06-01T11:00:00.000Z', '2026-06-01T12:00:00.000Z']);
    expect(missedFireTimes(hourly, at('2026-06-01T12:00:00Z'), now)).toEqual([]);
  });

  it('keeps the newest 1000 when more were missed, for a cron expression and an interval', () => {
    for (const settings of [{ cron: '* * * * * *' }, { intervalSeconds: 1 }]) {
      const schedule = Schedule.parse({ ...settings, catchUpWindowMinutes: 10_080 });
      const times = missedFireTimes(schedule, at('2026-05-30T00:00:00Z'), now);
      expect(times.length).withContext(JSON.stringify(settings)).toBe(1000);
      expect(times.at(-1)!.toISOString()).toBe('2026-06-01T12:00:30.000Z');
      expect(times[0]!.toISOString()).toBe(new Date(now.getTime() - 999_000).toISOString());
    }
  });
});
