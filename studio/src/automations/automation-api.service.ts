import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE, type AutomationListItem, type AutomationRun, type AutomationRunSummary, type AutomationSettings, type AutomationView, type Page, type RunsPerDay, type RunStatus } from '../core/api-types';

/** The settings POST /automations and PATCH /automations/:id take. */

/** A new signing secret, answered once. */
export interface WebhookSecret {
  readonly secret: string;
  readonly header: string;
  readonly scheme: string;
}

export interface RunStarted {
  readonly runId: string;
  readonly status: RunStatus;
  readonly statusUrl: string;
}

export interface SchedulePreview {
  readonly description: string;
  readonly nextFireTimes: readonly string[];
}

/** The studio's calls to the automations API: automations, their webhook, runs, and the schedule preview. */
@Injectable({ providedIn: 'root' })
export class AutomationApiService {
  private readonly http = inject(HttpClient);

  list(offset = 0, limit = 50): Promise<Page<AutomationListItem>> {
    return firstValueFrom(this.http.get<Page<AutomationListItem>>(`${API_BASE}/automations`, { params: { limit, offset } }));
  }

  /** Every automation the user has (up to the API's largest page), for pickers and names. */
  async all(): Promise<readonly AutomationListItem[]> {
    return (await this.list(0, 200)).items;
  }

  get(id: string): Promise<AutomationView> {
    return firstValueFrom(this.http.get<AutomationView>(this.url(id)));
  }

  create(workflowId: string, settings: AutomationSettings): Promise<AutomationView> {
    return firstValueFrom(this.http.post<AutomationView>(`${API_BASE}/automations`, { workflowId, ...settings }));
  }

  update(id: string, settings: AutomationSettings): Promise<AutomationView> {
    return firstValueFrom(this.http.patch<AutomationView>(this.url(id), settings));
  }

  remove(id: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(this.url(id)));
  }

  run(id: string, input?: unknown): Promise<RunStarted> {
    return firstValueFrom(this.http.post<RunStarted>(`${this.url(id)}/run`, input === undefined ? {} : { input }));
  }

  rotateSecret(id: string): Promise<WebhookSecret> {
    return firstValueFrom(this.http.post<WebhookSecret>(`${this.url(id)}/webhook/secret`, {}));
  }

  removeSecret(id: string): Promise<AutomationView> {
    return firstValueFrom(this.http.delete<AutomationView>(`${this.url(id)}/webhook/secret`));
  }

  rotateUrl(id: string): Promise<AutomationView> {
    return firstValueFrom(this.http.post<AutomationView>(`${this.url(id)}/webhook/url`, {}));
  }

  runs(query: Record<string, string | number>): Promise<Page<AutomationRunSummary>> {
    return firstValueFrom(this.http.get<Page<AutomationRunSummary>>(`${API_BASE}/automation-runs`, { params: query }));
  }

  runsPerDay(days: number, automationId: string | null): Promise<RunsPerDay[]> {
    return firstValueFrom(this.http.get<RunsPerDay[]>(`${API_BASE}/automation-runs/per-day`, { params: { days, ...(automationId ? { automationId } : {}) } }));
  }

  getRun(runId: string): Promise<AutomationRun> {
    return firstValueFrom(this.http.get<AutomationRun>(`${API_BASE}/automation-runs/${encodeURIComponent(runId)}`));
  }

  rerun(runId: string): Promise<RunStarted> {
    return firstValueFrom(this.http.post<RunStarted>(`${API_BASE}/automation-runs/${encodeURIComponent(runId)}/rerun`, {}));
  }

  previewSchedule(settings: { cron?: string; timeZone?: string; intervalSeconds?: number }): Promise<SchedulePreview> {
    return firstValueFrom(this.http.post<SchedulePreview>(`${API_BASE}/schedules/preview`, settings));
  }

  private url(id: string): string {
    return `${API_BASE}/automations/${encodeURIComponent(id)}`;
  }
}
