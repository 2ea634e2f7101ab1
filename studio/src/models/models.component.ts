import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { firstValueFrom } from 'rxjs';
import { API_BASE, type InstallJob, type ModelRecord, type Page } from '../core/api-types';
import { AuthService } from '../core/auth.service';
import { LiveEventsService } from '../core/live-events.service';
import { ToastService } from '../core/toast.service';
import { formatBytes } from '../../../engine/format-bytes';
import { isFinal, isUrlSource, jobPercent, withJob } from './install-job';

const POLL_MS = 1000;

/**
 * The models this user can use, with type, base and size; install from an http(s) URL (or, for
 * admins, a path on the server) with live progress (socket events, and polling while a job runs),
 * cancel an install, delete a model (its owner or an admin).
 */
@Component({
  selector: 'ps-models',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule],
  template: `
    <h1>Models</h1>
    <form class="panel install" (ngSubmit)="install()" aria-labelledby="install-title">
      <h2 id="install-title">Install a model</h2>
      <label>Source
        <input name="source" type="text" required [(ngModel)]="source" [placeholder]="admin() ? 'https://… or /path/on/the/server' : 'https://…'" aria-describedby="source-help">
        <span id="source-help" class="muted small">{{ admin() ? 'An http(s) URL, or a file or folder on the server.' : 'An http(s) URL of an ONNX model or pipeline.' }}</span>
      </label>
      <label>Name <span class="muted small">(optional)</span>
        <input name="name" type="text" maxlength="200" [(ngModel)]="name">
      </label>
      @if (admin()) {
        <label class="inline"><input name="shared" type="checkbox" [(ngModel)]="shared"> Shared with every user</label>
      }
      <button class="primary" type="submit" [disabled]="installing()">{{ installing() ? 'Starting…' : 'Install' }}</button>
    </form>

    @if (jobs().length > 0) {
      <section class="panel jobs" aria-labelledby="jobs-title">
        <h2 id="jobs-title">Installs</h2>
        <ul>
          @for (job of jobs(); track job.id) {
            <li data-testid="install-job" [attr.data-status]="job.status">
              <div class="job-head">
                <span class="source">{{ job.source }}</span>
                <span class="badge">{{ job.status }}</span>
                @if (!final(job)) { <button type="button" (click)="cancel(job)" [attr.aria-label]="'Cancel the install of ' + job.source">Cancel</button> }
                @else { <button type="button" (click)="dismiss(job)" [attr.aria-label]="'Dismiss ' + job.source">×</button> }
              </div>
              @if (!final(job) || job.status === 'completed') {
                @let percent = jobPercent(job);
                <div class="progress" role="progressbar" [attr.aria-label]="'Install of ' + job.source" aria-valuemin="0" aria-valuemax="100"
                  [attr.aria-valuenow]="percent" [class.indeterminate]="percent === null">
                  <div class="fill" [style.width.%]="percent ?? 30"></div>
                </div>
                <span class="muted small">{{ size(job.bytes) }}@if (job.totalBytes) { of {{ size(job.totalBytes) }}}</span>
              }
              @if (job.error) { <span class="error-text small">{{ job.error.message }}</span> }
            </li>
          }
        </ul>
      </section>
    }

    <div class="panel table-wrap">
      <table>
        <caption class="visually-hidden">Installed models</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Base</th><th scope="col">Format</th><th scope="col" class="num">Size</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          @for (model of models(); track model.key) {
            <tr data-testid="model-row">
              <td>{{ model.name }}@if (model.description) {<div class="muted small">{{ model.description }}</div>}</td>
              <td>{{ model.type }}</td>
              <td>{{ model.base }}</td>
              <td>{{ model.format }}</td>
              <td class="num">{{ size(model.sizeBytes) }}</td>
              <td>@if (mayDelete(model)) { <button type="button" class="danger" (click)="remove(model)" [attr.aria-label]="'Delete ' + model.name">Delete</button> }</td>
            </tr>
          } @empty {
            <tr><td colspan="6" class="muted">{{ loaded() ? 'No models installed.' : 'Loading…' }}</td></tr>
          }
        </tbody>
      </table>
    </div>
  `,
  styles: `
    :host { display: grid; gap: 0.75rem; }
    h1, h2 { margin: 0; }
    h2 { font-size: 1rem; }
    .install { display: grid; gap: 0.6rem; max-width: 40rem; }
    .inline { display: flex; align-items: center; gap: 0.4rem; }
    .jobs ul { list-style: none; margin: 0.5rem 0 0; padding: 0; display: grid; gap: 0.6rem; }
    .jobs li { display: grid; gap: 0.25rem; }
    .job-head { display: flex; gap: 0.5rem; align-items: center; }
    .source { overflow-wrap: anywhere; flex: 1; }
    .badge { padding: 0.1rem 0.5rem; border-radius: 99px; font-size: 0.8rem; background: var(--panel-2); }
    .progress { height: 0.5rem; background: var(--panel-2); border-radius: 99px; overflow: hidden; }
    .fill { height: 100%; background: var(--accent); transition: width 0.2s; }
    .indeterminate .fill { animation: slide 1.2s linear infinite; }
    @keyframes slide { from { transform: translateX(-100%); } to { transform: translateX(340%); } }
    .table-wrap { overflow-x: auto; padding: 0; }
    .num { text-align: right; white-space: nowrap; }
    td:not(:first-child) { white-space: nowrap; }
    .small { font-size: 0.8rem; }
  `,
})
export class ModelsComponent {
  private readonly http = inject(HttpClient);
  private readonly toasts = inject(ToastService);
  private readonly auth = inject(AuthService);
  private readonly events = inject(LiveEventsService);
  protected readonly models = signal<readonly ModelRecord[]>([]);
  protected readonly jobs = signal<readonly InstallJob[]>([]);
  protected readonly loaded = signal(false);
  protected readonly installing = signal(false);
  protected readonly admin = computed(() => this.auth.user()?.role === 'admin');
  protected readonly size = formatBytes;
  protected readonly jobPercent = jobPercent;
  protected readonly final = isFinal;
  protected source = '';
  protected name = '';
  protected shared = false;
  private poll: ReturnType<typeof setInterval> | null = null;

  constructor() {
    void this.load();
    const destroyRef = inject(DestroyRef);
    for (const name of ['model_install_progress', 'model_install_status_changed'] as const) {
      this.events.on(name).pipe(takeUntilDestroyed(destroyRef)).subscribe((job) => this.track(job));
    }
    destroyRef.onDestroy(() => this.stopPolling());
  }

  protected mayDelete(model: ModelRecord): boolean {
    const user = this.auth.user();
    return !!user && (user.role === 'admin' || (!!model.ownerId && model.ownerId === user.id));
  }

  protected async install(): Promise<void> {
    const source = this.source.trim();
    if (!source) return this.toasts.error('Give a URL or a path to install from');
    if (!isUrlSource(source) && !this.admin()) return this.toasts.error('Only admins may install from a path on the server; give an http(s) URL');
    this.installing.set(true);
    try {
      const body = { source, ...(this.name.trim() ? { name: this.name.trim() } : {}), ...(this.admin() && this.shared ? { shared: true } : {}) };
      const job = await firstValueFrom(this.http.post<InstallJob>(`${API_BASE}/models/install`, body));
      this.source = '';
      this.name = '';
      this.track(job);
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.installing.set(false);
    }
  }

  protected async cancel(job: InstallJob): Promise<void> {
    try {
      this.track(await firstValueFrom(this.http.post<InstallJob>(`${API_BASE}/models/jobs/${job.id}/cancel`, {})));
    } catch (error) {
      this.toasts.error(error);
    }
  }

  protected dismiss(job: InstallJob): void {
    this.jobs.update((jobs) => jobs.filter((each) => each.id !== job.id));
  }

  protected async remove(model: ModelRecord): Promise<void> {
    if (!confirm(`Delete the model “${model.name}”? Its files are removed too.`)) return;
    try {
      await firstValueFrom(this.http.delete(`${API_BASE}/models/${encodeURIComponent(model.key)}`));
      this.models.update((models) => models.filter((each) => each.key !== model.key));
      this.toasts.info(`Deleted ${model.name}`);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  /** A job update from any source; a finished install refreshes the list, a running one is polled. */
  private track(job: InstallJob): void {
    const before = this.jobs().find((each) => each.id === job.id);
    this.jobs.update((jobs) => withJob(jobs, job));
    if (isFinal(job) && (!before || !isFinal(before))) {
      if (job.status === 'completed') {
        this.toasts.info(`Installed ${job.source}`);
        void this.load();
      } else if (job.status === 'failed') this.toasts.error(`The install of ${job.source} failed${job.error ? `: ${job.error.message}` : ''}`);
    }
    if (this.jobs().some((each) => !isFinal(each))) this.startPolling();
    else this.stopPolling();
  }

  private startPolling(): void {
    this.poll ??= setInterval(() => {
      for (const job of this.jobs().filter((each) => !isFinal(each))) {
        firstValueFrom(this.http.get<InstallJob>(`${API_BASE}/models/jobs/${job.id}`)).then(
          (fresh) => this.track(fresh),
          () => undefined,
        );
      }
    }, POLL_MS);
  }

  private stopPolling(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
  }

  private async load(): Promise<void> {
    try {
      const page = await firstValueFrom(this.http.get<Page<ModelRecord>>(`${API_BASE}/models`, { params: { limit: 200 } }));
      this.models.set(page.items);
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.loaded.set(true);
    }
  }
}
