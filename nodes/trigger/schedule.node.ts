import { defineNode, field, output } from '@pinksea/node-sdk';
import { now, payloadInput, payloadTime, readPayload } from './trigger-payload';

// The platform reads these settings from the published graph to plan the runs, so they are typed
// in (`direct`): a connected value would exist only once the graph runs, too late to schedule by.
export default defineNode({
  type: 'trigger.schedule',
  title: 'Schedule Trigger',
  description:
    'Starts the automation on a schedule: a cron expression such as "0 9 * * 1-5" (9:00 on weekdays) in a time zone, or a fixed interval in seconds. Fire time passes on when this run was due.',
  category: 'triggers',
  tags: ['trigger', 'schedule', 'cron', 'timer', 'interval', 'recurring', 'automation'],
  version: '1.0.0',
  useCache: false,
  inputs: {
    cron: field.string({
      title: 'Cron expression',
      description: 'Minute, hour, day of month, month, day of week; used when Interval is 0',
      input: 'direct',
      default: '0 * * * *',
      maxLength: 200,
      ui: { order: 0, placeholder: 'e.g. */5 * * * *' },
    }),
    timeZone: field.string({
      title: 'Time zone',
      description: 'An IANA time zone such as Europe/Paris, for the cron expression',
      input: 'direct',
      default: 'UTC',
      maxLength: 100,
      ui: { order: 1, placeholder: 'UTC' },
    }),
    intervalSeconds: field.integer({
      title: 'Interval (seconds)',
      description: 'Run every so many seconds instead; 0 uses the cron expression',
      input: 'direct',
      default: 0,
      minimum: 0,
      maximum: 31_536_000,
      ui: { order: 2 },
    }),
    catchUp: field.enum(['skip', 'latest', 'all'], {
      title: 'Missed runs',
      description: 'What to do about runs that fell due while Pinksea was down or the automation was off',
      input: 'direct',
      default: 'skip',
      ui: { order: 3, choiceLabels: { skip: 'Skip them', latest: 'Run the latest one', all: 'Run them all' } },
    }),
    catchUpWindowMinutes: field.integer({
      title: 'Catch-up window (minutes)',
      description: 'Runs missed longer ago than this are skipped',
      input: 'direct',
      default: 60,
      minimum: 1,
      maximum: 10_080,
      ui: { order: 4 },
    }),
    overlap: field.enum(['skip', 'queue', 'allow'], {
      title: 'When still running',
      description: 'What to do when a run falls due while the previous one has not finished',
      input: 'direct',
      default: 'skip',
      ui: { order: 5, choiceLabels: { skip: 'Skip the new run', queue: 'Queue it after the current one', allow: 'Run both at once' } },
    }),
    payload: payloadInput(),
  },
  outputs: {
    fireTime: output.string({ title: 'Fire time', description: 'When this run was due (ISO 8601, UTC); now for a run from the editor' }),
    timeZone: output.string({ title: 'Time zone' }),
  },
  invoke: (inputs) => {
    const payload = readPayload(inputs.payload);
    return { fireTime: payload ? payloadTime(payload, 'fireTime') : now(), timeZone: inputs.timeZone };
  },
});
