import type { AutomationView } from '../core/api-types';
import { NEW_AUTOMATION, formOf, formProblems, isTriggerType, settingsOf } from './automation-form';

const automation = (extra: Partial<AutomationView> = {}): AutomationView => ({
  id: 'a1',
  ownerId: 'u1',
  workflowId: 'w1',
  name: 'Resize on request',
  version: 3,
  followLatest: true,
  enabled: true,
  triggers: [{ kind: 'manual', nodeId: 'go' }],
  webhookPath: null,
  hasWebhookSecret: false,
  retry: { attempts: 2, backoffSeconds: 60 },
  errorAutomationId: null,
  keepRuns: { days: 30, count: 10_000 },
  nextFireAt: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  schedules: [],
  ...extra,
});

describe('automation settings form', () => {
  it('makes a new automation with every setting, following the latest version', () => {
    expect(settingsOf(NEW_AUTOMATION, null)).toEqual({ enabled: true, followLatest: true, retryAttempts: 0, retryBackoffSeconds: 30, keepRunsDays: 30, keepRunsCount: 10_000 });
    expect(settingsOf({ ...NEW_AUTOMATION, followLatest: false, version: 2, errorAutomationId: 'a9' }, null)).toEqual(
      jasmine.objectContaining({ version: 2, followLatest: false, errorAutomationId: 'a9' }),
    );
  });

  it('sends only what changed to an existing automation', () => {
    const current = automation();
    expect(settingsOf(formOf(current), current)).toEqual({});
    expect(settingsOf({ ...formOf(current), retryAttempts: 5, enabled: false }, current)).toEqual({ retryAttempts: 5, enabled: false });
  });

  it('pins a version, moves a pin, and goes back to following the latest', () => {
    const following = automation();
    expect(settingsOf({ ...formOf(following), followLatest: false, version: 3 }, following)).toEqual({ version: 3, followLatest: false });
    const pinned = automation({ followLatest: false, version: 2 });
    expect(formOf(pinned).version).toBe(2);
    expect(settingsOf({ ...formOf(pinned), version: 1 }, pinned)).toEqual({ version: 1, followLatest: false });
    expect(settingsOf({ ...formOf(pinned), followLatest: true, version: null }, pinned)).toEqual({ followLatest: true });
  });

  it('clears the error workflow with null', () => {
    const current = automation({ errorAutomationId: 'a9' });
    expect(settingsOf({ ...formOf(current), errorAutomationId: null }, current)).toEqual({ errorAutomationId: null });
  });

  it("names each field out of the API's bounds", () => {
    const problems = formProblems({ ...NEW_AUTOMATION, retryAttempts: 11, retryBackoffSeconds: 0.5, keepRunsCount: 0, followLatest: false, version: null });
    expect(Object.keys(problems).sort()).toEqual(['keepRunsCount', 'retryAttempts', 'retryBackoffSeconds', 'version']);
    expect(problems.retryAttempts).toBe('Retries must be a whole number from 0 to 10');
    expect(problems.keepRunsCount).toContain('1,000,000');
    expect(formProblems(NEW_AUTOMATION)).toEqual({});
  });

  it('knows the trigger node types, and that Respond is not one', () => {
    expect(isTriggerType('trigger.webhook')).toBeTrue();
    expect(isTriggerType('trigger.respond')).toBeFalse();
    expect(isTriggerType('core.add')).toBeFalse();
  });
});
