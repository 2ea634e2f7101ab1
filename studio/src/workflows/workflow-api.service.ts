import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE, type ImageRecord, type ModelRecord, type Page, QUEUE_ID, type QueueItem } from '../core/api-types';
import type { CatalogueEntry, WorkflowGraphJson } from './workflow-graph';

export interface WorkflowSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly updatedAt: string;
}

export interface Workflow extends WorkflowSummary {
  readonly graph: WorkflowGraphJson;
  readonly layout: unknown;
}

export interface WorkflowSave {
  readonly name: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly graph: WorkflowGraphJson;
  readonly layout: unknown;
}

/** One problem `POST /graphs/validate` found: which node and field, and what was expected. */
export interface GraphIssue {
  readonly code: string;
  readonly message: string;
  readonly nodeId?: string;
  readonly field?: string;
  readonly expected?: string;
}

export interface EnqueueResult {
  readonly batchId: string;
  readonly enqueued: number;
  readonly itemIds?: readonly string[];
}

/** The Workflows page's calls to /api/v1: catalogue, library, validation, queue, pickers. */
@Injectable({ providedIn: 'root' })
export class WorkflowApiService {
  private readonly http = inject(HttpClient);

  catalogue(): Promise<CatalogueEntry[]> {
    return firstValueFrom(this.http.get<CatalogueEntry[]>(`${API_BASE}/nodes`));
  }

  list(search = ''): Promise<Page<WorkflowSummary>> {
    return firstValueFrom(this.http.get<Page<WorkflowSummary>>(`${API_BASE}/workflows`, { params: { limit: 100, ...(search ? { search } : {}) } }));
  }

  get(id: string): Promise<Workflow> {
    return firstValueFrom(this.http.get<Workflow>(`${API_BASE}/workflows/${encodeURIComponent(id)}`));
  }

  create(workflow: WorkflowSave): Promise<Workflow> {
    return firstValueFrom(this.http.post<Workflow>(`${API_BASE}/workflows`, workflow));
  }

  update(id: string, workflow: Partial<WorkflowSave>): Promise<Workflow> {
    return firstValueFrom(this.http.patch<Workflow>(`${API_BASE}/workflows/${encodeURIComponent(id)}`, workflow));
  }

  remove(id: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(`${API_BASE}/workflows/${encodeURIComponent(id)}`));
  }

  validate(graph: WorkflowGraphJson): Promise<{ valid: boolean; issues: GraphIssue[] }> {
    return firstValueFrom(this.http.post<{ valid: boolean; issues: GraphIssue[] }>(`${API_BASE}/graphs/validate`, { graph }));
  }

  enqueue(graph: WorkflowGraphJson): Promise<EnqueueResult> {
    return firstValueFrom(this.http.post<EnqueueResult>(`${API_BASE}/queue/${QUEUE_ID}/enqueue_batch`, { batch: { graph }, origin: 'workflows' }));
  }

  queueItem(itemId: string): Promise<QueueItem> {
    return firstValueFrom(this.http.get<QueueItem>(`${API_BASE}/queue/${QUEUE_ID}/i/${encodeURIComponent(itemId)}`));
  }

  images(): Promise<Page<ImageRecord>> {
    return firstValueFrom(this.http.get<Page<ImageRecord>>(`${API_BASE}/images`, { params: { limit: 100 } }));
  }

  models(): Promise<Page<ModelRecord>> {
    return firstValueFrom(this.http.get<Page<ModelRecord>>(`${API_BASE}/models`, { params: { limit: 200 } }));
  }
}
