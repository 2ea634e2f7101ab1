import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import {
  API_BASE,
  type EnqueueResult,
  type ImageRecord,
  type Issue,
  type ModelRecord,
  type Page,
  QUEUE_ID,
  type QueueItemView,
  type Workflow,
  type WorkflowFields,
  type WorkflowSummary,
  type WorkflowVersion,
  type WorkflowVersionDiff,
  type WorkflowVersionSummary,
} from '../core/api-types';
import type { CatalogueEntry, WorkflowGraphJson } from './workflow-graph';

/** The Workflows page's calls to /api/v1: catalogue, library, published versions, validation, queue, pickers. */
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

  create(workflow: WorkflowFields): Promise<Workflow> {
    return firstValueFrom(this.http.post<Workflow>(`${API_BASE}/workflows`, workflow));
  }

  update(id: string, workflow: WorkflowFields): Promise<Workflow> {
    return firstValueFrom(this.http.patch<Workflow>(`${API_BASE}/workflows/${encodeURIComponent(id)}`, workflow));
  }

  remove(id: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(`${API_BASE}/workflows/${encodeURIComponent(id)}`));
  }

  /** Publishes the saved draft as the next version; a 422 lists every issue of its graph. */
  publish(id: string, note: string): Promise<WorkflowVersion> {
    return firstValueFrom(this.http.post<WorkflowVersion>(this.versionsUrl(id), note ? { note } : {}));
  }

  versions(id: string, offset: number, limit: number): Promise<Page<WorkflowVersionSummary>> {
    return firstValueFrom(this.http.get<Page<WorkflowVersionSummary>>(this.versionsUrl(id), { params: { offset, limit } }));
  }

  version(id: string, version: number): Promise<WorkflowVersion> {
    return firstValueFrom(this.http.get<WorkflowVersion>(`${this.versionsUrl(id)}/${version}`));
  }

  /** What changed from version `a` to version `b`, or to the saved draft. */
  diff(id: string, a: number, b: number | 'draft'): Promise<WorkflowVersionDiff> {
    return firstValueFrom(this.http.get<WorkflowVersionDiff>(`${this.versionsUrl(id)}/${a}/diff/${b}`));
  }

  /** Copies a version's graph and layout into the draft, and answers the draft. */
  restore(id: string, version: number): Promise<Workflow> {
    return firstValueFrom(this.http.post<Workflow>(`${this.versionsUrl(id)}/${version}/restore`, {}));
  }

  private versionsUrl(id: string): string {
    return `${API_BASE}/workflows/${encodeURIComponent(id)}/versions`;
  }

  validate(graph: WorkflowGraphJson): Promise<{ valid: boolean; issues: Issue[] }> {
    return firstValueFrom(this.http.post<{ valid: boolean; issues: Issue[] }>(`${API_BASE}/graphs/validate`, { graph }));
  }

  enqueue(graph: WorkflowGraphJson): Promise<EnqueueResult> {
    return firstValueFrom(this.http.post<EnqueueResult>(`${API_BASE}/queue/${QUEUE_ID}/enqueue_batch`, { batch: { graph }, origin: 'workflows', keepIntermediates: true }));
  }

  queueItem(itemId: string): Promise<QueueItemView> {
    return firstValueFrom(this.http.get<QueueItemView>(`${API_BASE}/queue/${QUEUE_ID}/i/${encodeURIComponent(itemId)}`));
  }

  images(): Promise<Page<ImageRecord>> {
    return firstValueFrom(this.http.get<Page<ImageRecord>>(`${API_BASE}/images`, { params: { limit: 100 } }));
  }

  models(): Promise<Page<ModelRecord>> {
    return firstValueFrom(this.http.get<Page<ModelRecord>>(`${API_BASE}/models`, { params: { limit: 200 } }));
  }
}
