/**
 * The plugin agent on every broker node (service `plugins.agent`): on each `plugins.changed`
 * broadcast it brings this node's registry in step with the installed packs, and it answers what
 * loaded here, for GET /plugins.
 */
import type { ServiceSchema } from 'moleculer';
import { defineAction } from '../kernel/action-params';
import type { InstalledPackHost, PackLoadState } from './installed-pack-host';

export const PLUGINS_CHANGED = 'plugins.changed';
export const PLUGIN_AGENT = 'plugins.agent';
/**
 * Also re-read the table this often: a safety net for a node that missed a broadcast (a network
 * blip); changes normally arrive with the broadcast within milliseconds.
 */
export const RECONCILE_INTERVAL_MS = 30_000;

export interface PluginsChanged {
  readonly name: string;
  readonly version: string;
  readonly change: 'installed' | 'uninstalled';
}

export interface AgentStatus {
  readonly nodeId: string;
  readonly packs: PackLoadState[];
}

export function createPluginAgentService(host: InstalledPackHost, intervalMs = RECONCILE_INTERVAL_MS): ServiceSchema {
  let timer: NodeJS.Timeout | undefined;
  return {
    name: PLUGIN_AGENT,
    started() {
      // reconcile() records a pack that fails to load; only the table read itself can reject here.
      timer = setInterval(() => void host.reconcile().catch(() => undefined), intervalMs);
      timer.unref();
    },
    stopped() {
      clearInterval(timer);
    },
    events: {
      [PLUGINS_CHANGED]: {
        // The table is the truth, not the payload: a node that missed a broadcast catches up on the next.
        handler(): Promise<void> {
          return host.reconcile();
        },
      },
    },
    actions: {
      status: defineAction({
        params: {},
        handler(): AgentStatus {
          return { nodeId: this.broker.nodeID, packs: host.status() };
        },
      }),
    },
  };
}
