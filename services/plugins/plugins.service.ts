/**
 * The plugin packs' REST routes (service `plugins`, api role, admins only): install from a folder
 * on the server or an uploaded npm-pack tarball, list with each node's load status, uninstall.
 * After a change every node's agent is told through a broadcast.
 */
import type { Readable } from 'node:stream';
import type { Context, ServiceBroker, ServiceSchema } from 'moleculer';
import { defineAction } from '../kernel/action-params';
import { callerOf } from '../kernel/auth-middleware';
import { readBody } from '../kernel/read-body';
import { created } from '../kernel/response-meta';
import type { InstalledPack } from './installed-packs';
import type { PackLoadState } from './installed-pack-host';
import type { PackInstaller } from './pack-installer';
import { PLUGIN_AGENT, PLUGINS_CHANGED, type AgentStatus, type PluginsChanged } from './plugin-agent.service';

export interface PluginsServiceOptions {
  readonly installer: PackInstaller;
  readonly maxUploadBytes: number;
}

export interface NodeLoadStatus {
  readonly nodeId: string;
  readonly status: PackLoadState['status'] | 'pending';
  readonly error?: string;
}

export type PackListing = InstalledPack & { readonly nodes: NodeLoadStatus[] };

/** moleculer-web's `type: 'stream'` (missing from its typings): the action gets the request body as ctx.stream. */
const UPLOAD_ROUTE = { method: 'POST', path: '/plugins/upload', type: 'stream' } as const;
const STATUS_TIMEOUT_MS = 2_000;
const NO_PACK = { field: 'body', message: 'send the .tgz that `npm pack` writes as the request body, with Content-Type application/gzip (not JSON or a form)' };

export function createPluginsService(options: PluginsServiceOptions): ServiceSchema {
  const { installer } = options;
  const changed = (ctx: Context, pack: InstalledPack, change: PluginsChanged['change']) =>
    ctx.broadcast(PLUGINS_CHANGED, { name: pack.name, version: pack.version, change } satisfies PluginsChanged);

  return {
    name: 'plugins',
    settings: { rest: '/' },
    actions: {
      list: defineAction({
        rest: 'GET /plugins',
        auth: 'admin',
        params: {},
        async handler(ctx): Promise<PackListing[]> {
          const [packs, agents] = await Promise.all([installer.list(), agentStatuses(ctx)]);
          return packs.map((pack) => ({ ...pack, nodes: agents.map((agent) => loadStatusOf(agent, pack)) }));
        },
      }),
      install: defineAction({
        rest: 'POST /plugins/install',
        auth: 'admin',
        params: { folder: { type: 'string', min: 1, max: 4096 } },
        async handler(ctx): Promise<InstalledPack> {
          const pack = await installer.installFolder(ctx.params.folder, callerOf(ctx).id);
          await changed(ctx, pack, 'installed');
          created(ctx.meta, pack.name);
          return pack;
        },
      }),
      upload: defineAction({
        // The body is the .tgz that `npm pack` writes (any Content-Type but JSON).
        rest: UPLOAD_ROUTE,
        auth: 'admin',
        params: {},
        async handler(ctx): Promise<InstalledPack> {
          const bytes = await readBody(ctx.stream as Readable | null, { maxBytes: options.maxUploadBytes, tooLarge: (limit) => `The pack is larger than ${limit}`, missing: NO_PACK });
          const pack = await installer.installTarball(bytes, callerOf(ctx).id);
          await changed(ctx, pack, 'installed');
          created(ctx.meta, pack.name);
          return pack;
        },
      }),
      uninstall: defineAction({
        rest: 'DELETE /plugins/:name',
        auth: 'admin',
        params: { name: { type: 'string', min: 1, max: 214 } },
        async handler(ctx): Promise<{ name: string; uninstalled: true }> {
          const pack = await installer.uninstall(ctx.params.name);
          await changed(ctx, pack, 'uninstalled');
          return { name: pack.name, uninstalled: true };
        },
      }),
    },
  };
}

/** Every node's agent, asked at once; a node that does not answer in time is left out. */
async function agentStatuses(ctx: Context): Promise<AgentStatus[]> {
  const broker = ctx.broker as ServiceBroker & { registry: { getServiceList(options: object): { name: string; nodeID: string }[] } };
  const nodeIds = broker.registry
    .getServiceList({ onlyAvailable: true, skipInternal: true })
    .filter((service) => service.name === PLUGIN_AGENT)
    .map((service) => service.nodeID);
  const answers = await Promise.allSettled(
    [...new Set(nodeIds)].map((nodeID) => ctx.call<AgentStatus, object>(`${PLUGIN_AGENT}.status`, {}, { nodeID, timeout: STATUS_TIMEOUT_MS })),
  );
  return answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : [])).sort((a, b) => a.nodeId.localeCompare(b.nodeId));
}

function loadStatusOf(agent: AgentStatus, pack: InstalledPack): NodeLoadStatus {
  const state = agent.packs.find((candidate) => candidate.name === pack.name && candidate.version === pack.version);
  if (!state) return { nodeId: agent.nodeId, status: 'pending' };
  return { nodeId: agent.nodeId, status: state.status, ...(state.error ? { error: state.error } : {}) };
}
