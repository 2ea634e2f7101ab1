/**
 * The shapes the studio reads from /api/v1 and its socket: the server's own types (CONVENTIONS
 * §17), imported as types only from the server's type modules, so nothing of the server is
 * bundled and nothing is declared twice. The server sends JSON, so these are its view types (dates
 * as ISO strings), never its entities.
 */
export type { PublicUser, Session } from '../../../services/accounts/account-views';
export type { PlanRecord } from '../../../services/billing/plan-records';
export type { BoardRecord } from '../../../services/boards/board-records';
export type { SocketEventMap, SocketEventName } from '../../../services/events/socket-events';
export type { GenerateBody, GenerateResult } from '../../../services/generation/generation-views';
export type { EmbeddedData, ImageLink, ImageRecord } from '../../../services/images/image-records';
export type { InstallJob, InstallStatus } from '../../../services/models/model-events';
export type { ModelRecord } from '../../../services/models/model-records';
export type { Page } from '../../../services/kernel/page';
export type { ItemStatus } from '../../../services/queue/queue-store';
export type { EnqueueResult, QueueItemView } from '../../../services/queue/queue-views';
export type { Workflow, WorkflowFields, WorkflowSummary } from '../../../services/workflows/workflow-records';
export type { WorkflowVersion, WorkflowVersionDiff, WorkflowVersionSummary } from '../../../services/workflows/workflow-version-records';
export type { FieldChange, GraphDiff, NodeChange } from '../../../engine/graph/graph-diff';
export type { Issue } from '../../../engine/errors';
export type { CreditBalance, LedgerEntry, LedgerKind } from '../../../services/billing/credit-views';
export type {
  Automation,
  AutomationEvent,
  AutomationListItem,
  AutomationRun,
  AutomationRunSummary,
  AutomationSettings,
  AutomationTrigger,
  AutomationView,
  RunNodeSummary,
  RunOutput,
  RunsPerDay,
  RunStatus,
  RunTrigger,
  TriggerKind,
  WebhookAuth,
  WebhookMode,
} from '../../../services/automations/automation-records';
export const API_BASE = '/api/v1';
export const QUEUE_ID = 'default';
