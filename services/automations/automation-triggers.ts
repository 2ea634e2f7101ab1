/**
 * The triggers an automation's version declares: its `trigger.*` nodes, each with the settings its
 * inputs hold (the node's defaults where the graph leaves one unset). Read once when a version
 * becomes the one an automation runs, and kept on the automation, so firing never parses a graph.
 */
import type { Graph, GraphNode } from '../../engine/graph/graph';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import type { Issue } from '../../engine/errors';
import type { AutomationEvent, AutomationTrigger, TriggerKind } from './automation-records';
import { Schedule } from './schedule';

export const TRIGGER_TYPES: Readonly<Record<TriggerKind, string>> = {
  manual: 'trigger.manual',
  schedule: 'trigger.schedule',
  webhook: 'trigger.webhook',
  event: 'trigger.event',
};
export const RESPOND_TYPE = 'trigger.respond';
/** The hidden input every trigger node receives what started the run through. */
export const PAYLOAD_INPUT = 'payload';

const KIND_BY_TYPE = new Map<string, TriggerKind>(Object.entries(TRIGGER_TYPES).map(([kind, type]) => [type, kind as TriggerKind]));

/** The trigger kind of a node type, if it is a trigger. */
export function triggerKindOf(type: string): TriggerKind | undefined {
  return KIND_BY_TYPE.get(type);
}

/** Every trigger node of the graph with its settings; issues name the node and field of each bad one. */
export function readTriggers(graph: Graph, registry: NodeRegistry): { triggers: AutomationTrigger[]; issues: Issue[] } {
  const triggers: AutomationTrigger[] = [];
  const issues: Issue[] = [];
  for (const node of graph.nodes) {
    const kind = triggerKindOf(node.type);
    if (!kind) continue;
    const value = inputReader(node, registry);
    if (kind === 'manual') triggers.push({ kind, nodeId: node.id });
    else if (kind === 'schedule') {
      const settings = {
        cron: value<string>('cron', '0 * * * *'),
        timeZone: value<string>('timeZone', 'UTC'),
        intervalSeconds: value<number>('intervalSeconds', 0),
        catchUp: value<'skip' | 'latest' | 'all'>('catchUp', 'skip'),
        catchUpWindowMinutes: value<number>('catchUpWindowMinutes', 60),
        overlap: value<'skip' | 'queue' | 'allow'>('overlap', 'skip'),
      };
      const problems = Schedule.check(settings);
      for (const problem of problems) issues.push({ code: problem.code, nodeId: node.id, field: problem.field, message: problem.message });
      if (problems.length === 0) triggers.push({ kind, nodeId: node.id, ...Schedule.parse(settings).settings });
    } else if (kind === 'webhook') {
      triggers.push({
        kind,
        nodeId: node.id,
        mode: value('mode', 'async'),
        auth: value('auth', 'none'),
        requiredFields: value<string>('requiredFields', '')
          .split(',')
          .map((field) => field.trim())
          .filter(Boolean),
        timeoutSeconds: value('timeoutSeconds', 30),
        rateLimitPerMinute: value('rateLimitPerMinute', 600),
        maxBodyKb: value('maxBodyKb', 1024),
        imageRequired: graph.edges.some((edge) => edge.source.nodeId === node.id && edge.source.field === 'image'),
      });
    } else {
      const text = (name: string) => {
        const found = value<string | undefined>(name, undefined)?.trim();
        return found ? found : null;
      };
      triggers.push({ kind, nodeId: node.id, event: value<AutomationEvent>('event', 'image.saved'), boardId: text('boardId'), automationId: text('automationId') });
    }
  }
  if (triggers.filter((trigger) => trigger.kind === 'webhook').length > 1) {
    issues.push({ code: 'too_many_webhooks', message: 'An automation has one webhook trigger at most: its URL starts one run; remove the others' });
  }
  return { triggers, issues };
}

/** An input's value in the graph, else the node type's default, else `fallback`. */
function inputReader(node: GraphNode, registry: NodeRegistry) {
  const found = registry.lookup(node.type, node.version);
  const specs = found.ok ? found.definition.inputs : {};
  return <T>(name: string, fallback: T): T => {
    const given = node.inputs?.[name];
    if (given !== undefined && given !== null) return given as T;
    const declared = specs[name]?.default;
    return (declared === undefined ? fallback : declared) as T;
  };
}
