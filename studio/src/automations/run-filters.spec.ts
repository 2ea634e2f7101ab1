import { NO_FILTERS, filtersFromParams, filtersToParams, pageCount, pageRange, runsQuery, toggled, withFilter, RUN_STATUSES } from './run-filters';

describe('run history filters', () => {
  const now = new Date('2026-03-10T12:00:00Z');

  it('asks the API for statuses and triggers as comma lists, an automation, a range and a page', () => {
    const query = runsQuery({ statuses: ['failed', 'canceled'], triggers: ['schedule'], automationId: 'a1', range: '24h', page: 2 }, now);
    expect(query).toEqual({ limit: 50, offset: 100, status: 'failed,canceled', trigger: 'schedule', automationId: 'a1', from: '2026-03-09T12:00:00.000Z' });
  });

  it('asks for everything, newest first page, with no filters', () => {
    expect(runsQuery(NO_FILTERS, now)).toEqual({ limit: 50, offset: 0 });
  });

  it('round-trips through the URL, with pages counted from 1 there', () => {
    const filters = { statuses: ['succeeded'], triggers: ['webhook', 'rerun'], automationId: 'a1', range: '7d', page: 3 } as const;
    const params = filtersToParams(filters);
    expect(params).toEqual({ status: 'succeeded', trigger: 'webhook,rerun', automation: 'a1', range: '7d', page: '4' });
    const back = filtersFromParams(Object.fromEntries(Object.entries(params).map(([key, value]) => [key, value ?? undefined])));
    expect(back).toEqual(filters);
    expect(filtersToParams(NO_FILTERS)).toEqual({ status: null, trigger: null, automation: null, range: null, page: null });
  });

  it('drops what it does not know from the URL instead of sending it on', () => {
    expect(filtersFromParams({ status: 'failed,exploded,failed', trigger: 'carrier-pigeon', range: 'forever', page: '-2', automation: '  ' })).toEqual({ ...NO_FILTERS, statuses: ['failed'] });
    expect(filtersFromParams({ page: '1.5' }).page).toBe(0);
  });

  it('goes back to the first page when a filter changes, and keeps list order canonical', () => {
    expect(withFilter({ ...NO_FILTERS, page: 4 }, { range: '1h' })).toEqual({ ...NO_FILTERS, range: '1h', page: 0 });
    expect(toggled(['failed'], 'queued', RUN_STATUSES)).toEqual(['queued', 'failed']);
    expect(toggled(['queued', 'failed'], 'queued', RUN_STATUSES)).toEqual(['failed']);
  });

  it('says which rows a page shows', () => {
    expect(pageRange(1, 50, 230)).toBe('51–100 of 230');
    expect(pageRange(0, 0, 0)).toBe('No runs');
    expect(pageCount(230)).toBe(5);
    expect(pageCount(0)).toBe(1);
  });
});
