/**
 * The broker event sent when a workflow version is published: automations that follow the
 * workflow's latest version move to it.
 */
export const WORKFLOW_PUBLISHED = 'workflows.published';

export interface WorkflowPublished {
  readonly ownerId: string;
  readonly workflowId: string;
  readonly version: number;
}
