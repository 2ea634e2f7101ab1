import type { AutomationView } from '../core/api-types';
import { nextFireTime, namesOf, statusTone, triggerChips } from './automation-format';

const triggers: AutomationView['triggers'] = [
  { kind: 'schedule', nodeId: 'clock', cron: '*/2 * * * * *', timeZone: 'UTC', intervalSeconds: 0, catchUp: 'skip', catchUpWindowMinutes: 60, overlap: 'skip' },
  { kind: 'webhook', nodeId: 'hook', mode: 'sync', auth: 'hmac', requiredFields: [], timeoutSeconds: 30, rateLimitPerMinute: 600, maxBodyKb: 1024, imageRequired: false },
  { kind: 'event', nodeId: 'on', event: 'automation.failed', boardId: null, automationId: 'a2' },
  { kind: 'event', nodeId: 'any', event: 'automation.succeeded', boardId: null, automationId: null },
  { kind: 'manual', nodeId: 'go' },
];

describe('automation wording', () => {
  const names = namesOf([{ id: 'a2', name: 'Nightly thumbnails' }]);

  it('shows each trigger as a chip, a schedule with its description and an event with the automation by name', () => {
    const chips = triggerChips({ triggers, schedules: [{ nodeId: 'clock', description: 'every 2 seconds', nextFireTimes: [] }] }, names);
    expect(chips.map((chip) => [chip.label, chip.detail])).toEqual([
      ['Schedule', 'every 2 seconds'],
      ['Webhook', 'waits for the run, signed'],
      ['Event', 'when “Nightly thumbnails” fails'],
      ['Event', 'when any automation succeeds'],
      ['Manual', undefined],
    ]);
  });

  it('never shows an id for an automation it cannot name', () => {
    const chips = triggerChips({ triggers: [triggers[2]!], schedules: [] }, namesOf([]));
    expect(chips[0]!.detail).toBe('when another automation fails');
    expect(chips[0]!.detail).not.toContain('a2');
  });

  it('gives failures the error tone', () => {
    expect(statusTone('failed')).toBe('bad');
    expect(statusTone('succeeded')).toBe('ok');
    expect(statusTone('running')).toBe('busy');
    expect(statusTone('skipped')).toBe('quiet');
  });

  it('tells the next fire time still ahead from the schedules, not a stale one', () => {
    const now = Date.parse('2026-03-10T12:00:05Z');
    const schedules = [
      { nodeId: 'a', description: '', nextFireTimes: ['2026-03-10T12:00:02Z', '2026-03-10T12:00:04Z', '2026-03-10T12:00:06Z'] },
      { nodeId: 'b', description: '', nextFireTimes: ['2026-03-10T12:00:07Z'] },
    ];
    expect(nextFireTime({ nextFireAt: '2026-03-10T12:00:02Z', schedules }, now)).toBe('2026-03-10T12:00:06Z');
    expect(nextFireTime({ nextFireAt: '2026-03-10T12:00:02Z', schedules: [] }, now)).toBe('2026-03-10T12:00:02Z');
    expect(nextFireTime({ nextFireAt: null, schedules: [] }, now)).toBeNull();
  });
});
