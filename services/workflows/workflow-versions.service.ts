/**
 * A workflow's published versions (service `workflow-versions`, API-key scope `workflows`): publish
 * the draft as the next version once its graph validates, list and read versions, diff two versions
 * or a version and the draft, and restore a version as the draft. Owner-scoped like the workflows
 * themselves: another user's workflow is answered as missing.
 */
import type { ServiceSchema } from 'moleculer';
import type { DataSource } from 'typeorm';
import { diffGraphs } from '../../engine/graph/graph-diff';
import type { GraphLimits } from '../../engine/graph/validate-graph';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import { defineAction } from '../kernel/action-params';
import { callerOf } from '../kernel/auth-middleware';
import { PAGE_PARAMS, type Page } from '../kernel/request-params';
import { created } from '../kernel/response-meta';
import { NotFoundError } from '../kernel/service-errors';
import { WORKFLOW_PUBLISHED, type WorkflowPublished } from './workflow-events';
import type { Workflow } from './workflow-records';
import { checkForPublishing } from './workflow-publishing';
import type { WorkflowVersion, WorkflowVersionDiff, WorkflowVersionSummary } from './workflow-version-records';
import { WorkflowVersionRepository } from './workflow-version.repository';
import { WorkflowRepository } from './workflow.repository';

export interface WorkflowVersionsServiceOptions {
  readonly dataSource: DataSource;
  readonly registry: NodeRegistry;
  /** The node and edge limits runs and `POST /graphs/validate` apply. */
  readonly graphLimits?: GraphLimits;
}

/** The largest version number a route accepts: PostgreSQL's integer. */
export const MAX_VERSION = 2_147_483_647;
export const MAX_NOTE_LENGTH = 2000;

const ID = { id: { type: 'string', min: 1, max: 100 } } as const;
const VERSION = { type: 'number', integer: true, min: 1, max: MAX_VERSION, convert: true } as const;

export function createWorkflowVersionsService(options: WorkflowVersionsServiceOptions): ServiceSchema {
  const workflows = new WorkflowRepository(options.dataSource);
  const versions = new WorkflowVersionRepository(options.dataSource);
  const limits = options.graphLimits ?? {};

  const draftOf = async (ownerId: string, id: string): Promise<Workflow> => {
    const workflow = await workflows.find(ownerId, id);
    if (!workflow) throw new NotFoundError('workflow', id);
    return workflow;
  };
  const versionOf = async (ownerId: string, id: string, version: number): Promise<WorkflowVersion> => {
    const found = await versions.find(ownerId, id, version);
    if (found) return found;
    await draftOf(ownerId, id);
    throw new NotFoundError('workflow version', `${id} v${version}`);
  };

  return {
    name: 'workflow-versions',
    settings: { rest: '/' },
    actions: {
      publish: defineAction({
        rest: 'POST /workflows/:id/versions',
        scope: 'workflows',
        params: { ...ID, note: { type: 'string', trim: true, max: MAX_NOTE_LENGTH, optional: true } },
        async handler(ctx): Promise<WorkflowVersion> {
          const { id, note } = ctx.params;
          const caller = callerOf(ctx).id;
          const version = await versions.publish(caller, id, caller, (graph) => ({ note: note ?? '', packs: checkForPublishing(graph, options.registry, limits) }));
          if (!version) throw new NotFoundError('workflow', id);
          void ctx.emit(WORKFLOW_PUBLISHED, { ownerId: caller, workflowId: id, version: version.version } satisfies WorkflowPublished);
          created(ctx.meta, `versions/${version.version}`);
          return version;
        },
      }),
      list: defineAction({
        rest: 'GET /workflows/:id/versions',
        scope: 'workflows',
        params: { ...ID, ...PAGE_PARAMS },
        async handler(ctx): Promise<Page<WorkflowVersionSummary>> {
          const { id, limit, offset } = ctx.params;
          const page = await versions.list(callerOf(ctx).id, id, { limit, offset });
          // An empty history and a workflow that is not the caller's look alike: ask which.
          if (page.total === 0) await draftOf(callerOf(ctx).id, id);
          return page;
        },
      }),
      get: defineAction({
        rest: 'GET /workflows/:id/versions/:version',
        scope: 'workflows',
        params: { ...ID, version: VERSION },
        handler(ctx): Promise<WorkflowVersion> {
          return versionOf(callerOf(ctx).id, ctx.params.id, ctx.params.version);
        },
      }),
      diff: defineAction({
        rest: 'GET /workflows/:id/versions/:a/diff/:b',
        scope: 'workflows',
        params: { ...ID, a: VERSION, b: { type: 'multi', rules: [{ type: 'equal', value: 'draft', strict: true }, VERSION] } },
        async handler(ctx): Promise<WorkflowVersionDiff> {
          const { id, a } = ctx.params;
          const owner = callerOf(ctx).id;
          const b = ctx.params.b === 'draft' ? 'draft' : Number(ctx.params.b);
          const from = await versionOf(owner, id, a);
          const to = b === 'draft' ? await draftOf(owner, id) : await versionOf(owner, id, b);
          return { from: a, to: b, ...diffGraphs(from.graph, to.graph) };
        },
      }),
      restore: defineAction({
        rest: 'POST /workflows/:id/versions/:version/restore',
        scope: 'workflows',
        params: { ...ID, version: VERSION },
        async handler(ctx): Promise<Workflow> {
          const { id, version } = ctx.params;
          const owner = callerOf(ctx).id;
          const published = await versionOf(owner, id, version);
          const draft = await workflows.update(owner, id, { graph: published.graph, layout: published.layout });
          if (!draft) throw new NotFoundError('workflow', id);
          return draft;
        },
      }),
    },
  };
}
