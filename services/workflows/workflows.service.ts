/**
 * The workflow library (service `workflows`): create, read, update, delete, and list with search
 * and tags. A workflow holds a graph (its shape checked on save) and the editor's layout.
 */
import type { ServiceSchema } from 'moleculer';
import type { DataSource } from 'typeorm';
import { defineAction } from '../kernel/action-params';
import { callerOf } from '../kernel/auth-middleware';
import { NotFoundError } from '../kernel/service-errors';
import { PAGE_PARAMS, queryList, type Page } from '../kernel/request-params';
import { created } from '../kernel/response-meta';
import { normalizeTags, readWorkflowFields } from './workflow-input';
import type { Workflow, WorkflowSummary } from './workflow-records';
import { WorkflowRepository } from './workflow.repository';

export interface WorkflowsServiceOptions {
  readonly dataSource: DataSource;
}

const ID = { id: { type: 'string', min: 1, max: 100 } } as const;
const FIELDS = {
  name: { type: 'string', trim: true, min: 1, max: 200 },
  description: { type: 'string', max: 10_000, optional: true },
  tags: { type: 'array', max: 100, items: { type: 'string', max: 200 }, optional: true },
  graph: { type: 'object' },
  layout: { type: 'object', optional: true, nullable: true },
} as const;
const OPTIONAL_FIELDS = {
  name: { ...FIELDS.name, optional: true },
  description: FIELDS.description,
  tags: FIELDS.tags,
  graph: { ...FIELDS.graph, optional: true },
  layout: FIELDS.layout,
} as const;

export function createWorkflowsService(options: WorkflowsServiceOptions): ServiceSchema {
  const workflows = new WorkflowRepository(options.dataSource);
  const found = (id: string, workflow: Workflow | undefined): Workflow => {
    if (!workflow) throw new NotFoundError('workflow', id);
    return workflow;
  };

  return {
    name: 'workflows',
    settings: { rest: '/' },
    actions: {
      list: defineAction({
        rest: 'GET /workflows',
        params: {
          ...PAGE_PARAMS,
          search: { type: 'string', trim: true, max: 200, optional: true },
          tags: { type: 'multi', optional: true, rules: [{ type: 'string', max: 2000 }, { type: 'array', max: 20, items: { type: 'string', max: 200 } }] },
        },
        handler(ctx): Promise<Page<WorkflowSummary>> {
          const { limit, offset, search, tags } = ctx.params;
          return workflows.list(callerOf(ctx).id, { search: search || undefined, tags: normalizeTags(queryList(tags ?? undefined)) }, { limit, offset });
        },
      }),
      create: defineAction({
        rest: 'POST /workflows',
        params: FIELDS,
        async handler(ctx): Promise<Workflow> {
          const workflow = await workflows.create(callerOf(ctx).id, readWorkflowFields(ctx.params, false));
          created(ctx.meta, `workflows/${workflow.id}`);
          return workflow;
        },
      }),
      get: defineAction({
        rest: 'GET /workflows/:id',
        params: ID,
        async handler(ctx): Promise<Workflow> {
          return found(ctx.params.id, await workflows.find(callerOf(ctx).id, ctx.params.id));
        },
      }),
      update: defineAction({
        rest: 'PATCH /workflows/:id',
        params: { ...ID, ...OPTIONAL_FIELDS },
        async handler(ctx): Promise<Workflow> {
          const { id, ...fields } = ctx.params;
          const changes = readWorkflowFields(fields, true);
          return found(id, await workflows.update(callerOf(ctx).id, id, changes));
        },
      }),
      remove: defineAction({
        rest: 'DELETE /workflows/:id',
        params: ID,
        async handler(ctx): Promise<{ id: string; deleted: true }> {
          if (!(await workflows.delete(callerOf(ctx).id, ctx.params.id))) throw new NotFoundError('workflow', ctx.params.id);
          return { id: ctx.params.id, deleted: true };
        },
      }),
    },
  };
}
