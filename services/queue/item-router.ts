/**
 * Item routing, in one place. Items go onto their pool's queue, which every worker of the pool
 * takes from; but an item whose models a worker's cache already holds goes onto that worker's own
 * queue instead, so the model is not loaded a second time elsewhere (a 2-20 GB load takes
 * seconds). A holder is only preferred while its own backlog is short: a long batch still spreads
 * over the pool. Workers advertise the models they hold in their broker metadata (worker-status
 * service); the broker's registry says which workers, and which incarnations of them, are up.
 */
import type { ServiceBroker } from 'moleculer';
import type { FieldValue } from '../../engine/batch/expand-batch';
import type { Graph } from '../../engine/graph/graph';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import { modelInputsOf, modelKeysOf } from './item-models';
import type { JobTransport } from './job-transport';
import type { ClusterNode } from './waiting-reason';

/** What routing needs to know of a worker. */
export interface WorkerView {
  readonly nodeId: string;
  readonly pool: string;
  /** Keys of the models its cache holds. */
  readonly models: readonly string[];
  /** Items it runs at once. */
  readonly concurrency: number;
}

/** Items a holder may have waiting on its own queue, per slot, before the pool queue is better. */
export const AFFINITY_BACKLOG_PER_SLOT = 2;

/**
 * The worker an item should go to, or undefined for the pool queue: among the pool's workers with
 * room in their backlog, the one holding the most of the item's models, then the shortest backlog.
 * `backlog` counts the items on each worker's own queue and is updated with the choice.
 */
export function chooseWorker(models: readonly string[], pool: string, workers: readonly WorkerView[], backlog: Map<string, number>): string | undefined {
  if (models.length === 0) return undefined;
  let best: { nodeId: string; held: number; waiting: number } | undefined;
  for (const worker of workers) {
    if (worker.pool !== pool) continue;
    const held = models.filter((key) => worker.models.includes(key)).length;
    if (held === 0) continue;
    const waiting = backlog.get(worker.nodeId) ?? 0;
    if (waiting >= worker.concurrency * AFFINITY_BACKLOG_PER_SLOT) continue;
    if (!best || held > best.held || (held === best.held && waiting < best.waiting)) best = { nodeId: worker.nodeId, held, waiting };
  }
  if (best) backlog.set(best.nodeId, best.waiting + 1);
  return best?.nodeId;
}

interface WorkerNode extends ClusterNode {
  readonly id: string;
  /** The broker's instance id: new at every start of the process, unlike `id`. */
  readonly instanceID?: string;
  readonly metadata?: { readonly worker?: { readonly pool?: string; readonly models?: readonly string[]; readonly concurrency?: number } };
}

/** The available workers among the broker's nodes, as routing sees them. */
export function workerViews(nodes: readonly ClusterNode[]): WorkerView[] {
  return (nodes as readonly WorkerNode[])
    .filter((node) => node.available !== false && node.metadata?.worker)
    .map((node) => {
      const worker = node.metadata!.worker!;
      return { nodeId: node.id, pool: worker.pool ?? 'basic', models: worker.models ?? [], concurrency: worker.concurrency ?? 1 };
    });
}

/** The incarnations (broker instance ids) of the available workers: an item held by any other is orphaned. */
export function workerInstances(nodes: readonly ClusterNode[]): string[] {
  return (nodes as readonly WorkerNode[]).filter((node) => node.available !== false && node.metadata?.worker && node.instanceID).map((node) => node.instanceID!);
}

/** The nodes the broker knows to be up. */
export function clusterNodes(broker: ServiceBroker): ClusterNode[] {
  return broker.registry.getNodeList({ onlyAvailable: true, withServices: false }) as ClusterNode[];
}

/** The workers up now, as routing sees them. */
export function liveWorkers(broker: ServiceBroker): WorkerView[] {
  return workerViews(clusterNodes(broker));
}

/** The incarnations (broker instance ids) of the workers up now: a worker restarted under its old node id is a new one. */
export function liveWorkerInstances(broker: ServiceBroker): string[] {
  return workerInstances(clusterNodes(broker));
}

export interface ItemRouterOptions {
  readonly transport: Pick<JobTransport, 'poolQueue' | 'workerQueue' | 'waiting'>;
  readonly registry: NodeRegistry;
  /** The workers up now, with the models they hold; without it, every item goes to its pool's queue. */
  readonly workers?: () => readonly WorkerView[];
}

/** Chooses each new item's queue: a worker's own when it holds the item's models and has room, else the pool's. */
export class ItemRouter {
  constructor(private readonly options: ItemRouterOptions) {}

  /** The queue of each session of a batch of `graph` in `pool`, in order. */
  async queuesFor(pool: string, graph: Graph, sessions: readonly (readonly FieldValue[])[]): Promise<string[]> {
    const { transport, registry } = this.options;
    const poolQueue = transport.poolQueue(pool);
    const holders = (this.options.workers?.() ?? []).filter((worker) => worker.pool === pool && worker.models.length > 0);
    const modelInputs = holders.length > 0 ? modelInputsOf(graph, registry) : new Set<string>();
    if (modelInputs.size === 0) return sessions.map(() => poolQueue);
    const backlog = new Map(await Promise.all(holders.map(async (worker) => [worker.nodeId, await transport.waiting(transport.workerQueue(worker.nodeId))] as const)));
    return sessions.map((values) => {
      const nodeId = chooseWorker(modelKeysOf(graph, modelInputs, values), pool, holders, backlog);
      return nodeId ? transport.workerQueue(nodeId) : poolQueue;
    });
  }
}
