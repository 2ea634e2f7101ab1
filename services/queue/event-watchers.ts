/**
 * Who watches whose events. Gateways announce the owners that have a socket open on them; a runner
 * then sends a step's events (started, progress, complete…) only for owners someone watches, so a
 * graph of thousands of steps run by an API client or a schedule costs no gateway any work. Status
 * changes always go: they are few, and more than sockets may want them.
 */
import type { QueueEventName } from './queue-events';

/** The broker event a gateway broadcasts with every owner that has a socket open on it. */
export const WATCHERS_EVENT = 'session.watchers';

export interface WatchersAnnouncement {
  /** The gateway's node id. */
  readonly gateway: string;
  readonly owners: readonly string[];
}

/** Events that only a watching socket wants: one per step of a graph. */
const STEP_EVENTS: ReadonlySet<QueueEventName> = new Set(['invocation_started', 'invocation_progress', 'invocation_complete', 'invocation_cached', 'invocation_error']);

export class EventWatchers {
  private readonly byGateway = new Map<string, ReadonlySet<string>>();

  announce(announcement: WatchersAnnouncement): void {
    this.byGateway.set(announcement.gateway, new Set(announcement.owners));
  }

  /** A node left; if it was a gateway, its watchers went with it. */
  nodeLeft(nodeId: string): void {
    this.byGateway.delete(nodeId);
  }

  /**
   * Whether an event is wanted: status events always; step events when a gateway has a socket of
   * the owner's open, or while no gateway has spoken yet (at start-up nothing is dropped).
   */
  wants(ownerId: string, name: QueueEventName): boolean {
    if (!STEP_EVENTS.has(name) || this.byGateway.size === 0) return true;
    for (const owners of this.byGateway.values()) if (owners.has(ownerId)) return true;
    return false;
  }
}
