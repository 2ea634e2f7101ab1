import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE, type ModelRecord, type Page } from '../core/api-types';
import { ToastService } from '../core/toast.service';
import { formatBytes } from './format-bytes';

/** The models this user can use, with type, base and size. */
@Component({
  selector: 'ps-models',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Models</h1>
    <div class="panel table-wrap">
      <table>
        <caption class="visually-hidden">Installed models</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Base</th><th scope="col">Format</th><th scope="col" class="num">Size</th></tr></thead>
        <tbody>
          @for (model of models(); track model.key) {
            <tr data-testid="model-row">
              <td>{{ model.name }}@if (model.description) {<div class="muted small">{{ model.description }}</div>}</td>
              <td>{{ model.type }}</td>
              <td>{{ model.base }}</td>
              <td>{{ model.format }}</td>
              <td class="num">{{ size(model.sizeBytes) }}</td>
            </tr>
          } @empty {
            <tr><td colspan="5" class="muted">{{ loaded() ? 'No models installed.' : 'Loading…' }}</td></tr>
          }
        </tbody>
      </table>
    </div>
  `,
  styles: `
    .table-wrap { overflow-x: auto; padding: 0; }
    .num { text-align: right; white-space: nowrap; }
    td:not(:first-child) { white-space: nowrap; }
    .small { font-size: 0.8rem; }
  `,
})
export class ModelsComponent {
  private readonly http = inject(HttpClient);
  private readonly toasts = inject(ToastService);
  protected readonly models = signal<readonly ModelRecord[]>([]);
  protected readonly loaded = signal(false);
  protected readonly size = formatBytes;

  constructor() {
    void this.load();
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
