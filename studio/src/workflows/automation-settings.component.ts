import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { WorkflowAutomationService } from './workflow-automation.service';
import { type AutomationForm, LIMITS, NEW_AUTOMATION, formOf, formProblems, settingsOf } from './automation-form';

/**
 * The editor's automation drawer: make the workflow on the canvas an automation, or change its
 * settings: enabled, which published version it runs (the latest, or one pinned), retries, an
 * error workflow (another automation, by name) and how long its runs are kept.
 */
@Component({
  selector: 'ps-automation-settings',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <header>
      <h2 id="automation-title">{{ existing() ? 'Automation settings' : 'Make automation' }}</h2>
      <button type="button" class="close" aria-label="Close automation settings" (click)="automation.closeSettings()">✕</button>
    </header>
    @if (!automation.eligible()) {
      <p class="muted">An automation runs a published version with a trigger node. Add a Manual, Schedule, Webhook or Event trigger, save, publish, then come back here.</p>
    } @else {
      @if (!existing()) {
        <p class="muted intro">Runs the published version{{ automation.latest() ? ' (v' + automation.latest()!.version + ')' : '' }} on its own, from its trigger nodes. Unpublished changes on the canvas are not part of it.</p>
      }
      <form (submit)="$event.preventDefault(); save()" aria-labelledby="automation-title" novalidate>
        <label class="row">
          <input type="checkbox" role="switch" class="switch" [checked]="form().enabled" (change)="set('enabled', $any($event.target).checked)" />
          <span>Enabled <small class="muted">{{ form().enabled ? 'its triggers fire' : 'nothing fires it' }}</small></span>
        </label>

        <fieldset>
          <legend>Version</legend>
          <label class="row"><input type="radio" name="version" [checked]="form().followLatest" (change)="follow()" /> Follow the latest published version</label>
          <label class="row">
            <input type="radio" name="version" [checked]="!form().followLatest" (change)="pin()" /> Pin
            <select aria-label="Pinned version" [disabled]="form().followLatest" (change)="set('version', +$any($event.target).value)">
              @for (version of automation.versions(); track version.version) {
                <option [value]="version.version" [selected]="version.version === form().version">v{{ version.version }}{{ version.note ? ' · ' + version.note : '' }}</option>
              }
            </select>
          </label>
          @if (problem('version'); as message) { <small class="error" role="alert">{{ message }}</small> }
          @if (existing(); as current) { <small class="muted">Runs v{{ current.version }} now.</small> }
        </fieldset>

        <fieldset>
          <legend>When a run fails</legend>
          <div class="pair">
            <label>Retries
              <input type="number" [min]="limits.retryAttempts[0]" [max]="limits.retryAttempts[1]" step="1" [value]="form().retryAttempts" (input)="setNumber('retryAttempts', $event)" />
            </label>
            <label>Seconds between tries
              <input type="number" [min]="limits.retryBackoffSeconds[0]" [max]="limits.retryBackoffSeconds[1]" step="1" [value]="form().retryBackoffSeconds" (input)="setNumber('retryBackoffSeconds', $event)" />
            </label>
          </div>
          @for (field of ['retryAttempts', 'retryBackoffSeconds']; track field) { @if (problem(field); as message) { <small class="error" role="alert">{{ message }}</small> } }
          <label>Error workflow
            <select (change)="set('errorAutomationId', $any($event.target).value || null)">
              <option value="" [selected]="!form().errorAutomationId">None</option>
              @for (other of automation.others(); track other.id) { <option [value]="other.id" [selected]="other.id === form().errorAutomationId">{{ other.name }}</option> }
            </select>
            <small class="muted">Runs with the failed run as its event once the retries are spent.</small>
          </label>
          @if (problem('errorAutomationId'); as message) { <small class="error" role="alert">{{ message }}</small> }
        </fieldset>

        <fieldset>
          <legend>Keep runs</legend>
          <div class="pair">
            <label>Days
              <input type="number" [min]="limits.keepRunsDays[0]" [max]="limits.keepRunsDays[1]" step="1" [value]="form().keepRunsDays" (input)="setNumber('keepRunsDays', $event)" />
            </label>
            <label>At most
              <input type="number" [min]="limits.keepRunsCount[0]" [max]="limits.keepRunsCount[1]" step="1" [value]="form().keepRunsCount" (input)="setNumber('keepRunsCount', $event)" />
            </label>
          </div>
          @for (field of ['keepRunsDays', 'keepRunsCount']; track field) { @if (problem(field); as message) { <small class="error" role="alert">{{ message }}</small> } }
        </fieldset>

        @if (problem('workflowId'); as message) { <p class="error" role="alert">{{ message }}</p> }
        <div class="actions">
          @if (existing(); as current) { <a [routerLink]="['/automations/runs']" [queryParams]="{ automation: current.id }">Runs</a> }
          <span class="spacer"></span>
          <button type="submit" class="primary" [disabled]="saving()">{{ existing() ? 'Save settings' : 'Make automation' }}</button>
        </div>
      </form>
    }
  `,
  styles: `
    :host { display: grid; align-content: start; gap: 0.6rem; overflow: auto; }
    header { display: flex; align-items: center; gap: 0.5rem; }
    header h2 { margin: 0; flex: 1; font-size: 1rem; }
    .close { padding: 0.1rem 0.5rem; }
    .intro { margin: 0; font-size: 0.82rem; }
    form { display: grid; gap: 0.75rem; }
    fieldset { display: grid; gap: 0.45rem; margin: 0; padding: 0.6rem; border: 1px solid var(--line); border-radius: 6px; }
    legend { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); padding: 0 0.3rem; }
    .row { display: flex; gap: 0.5rem; align-items: center; color: var(--text); }
    .row input[type='radio'] { width: auto; margin: 0; }
    .row select { width: auto; flex: 1; min-width: 0; padding: 0.2rem 0.4rem; }
    .row small { margin-left: 0.3rem; }
    .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0.5rem; }
    input[type='number'] { padding: 0.3rem 0.5rem; }
    small { font-size: 0.75rem; }
    .error { color: var(--danger); }
    .actions { display: flex; align-items: center; gap: 0.5rem; }
    .actions .spacer { flex: 1; }
    .switch { appearance: none; position: relative; width: 2.3rem; height: 1.3rem; margin: 0; border-radius: 99px; border: 1px solid var(--line); background: var(--panel-2); cursor: pointer; flex: none; }
    .switch::after { content: ''; position: absolute; top: 2px; left: 2px; width: calc(1.3rem - 6px); height: calc(1.3rem - 6px); border-radius: 50%; background: var(--muted); transition: transform 0.15s; }
    .switch:checked { background: var(--accent); border-color: var(--accent); }
    .switch:checked::after { transform: translateX(1rem); background: #1a0f16; }
  `,
})
export class AutomationSettingsComponent {
  protected readonly automation = inject(WorkflowAutomationService);
  protected readonly limits = LIMITS;
  protected readonly existing = this.automation.automation;
  protected readonly form = signal<AutomationForm>(NEW_AUTOMATION);
  /** Messages by field: the form's own checks once a save was tried, then the server's. */
  private readonly issues = signal<Record<string, string>>({});
  private readonly tried = signal(false);
  protected readonly saving = signal(false);
  private readonly problems = computed<Record<string, string>>(() => ({ ...(this.tried() ? formProblems(this.form()) : {}), ...this.issues() }));

  constructor() {
    // The form starts from the automation as the server holds it, again whenever that changes.
    effect(() => {
      const current = this.existing();
      untracked(() => {
        this.form.set(formOf(current));
        this.issues.set({});
        this.tried.set(false);
      });
    });
  }

  protected problem(field: string): string | undefined {
    return this.problems()[field];
  }

  protected set<K extends keyof AutomationForm>(key: K, value: AutomationForm[K]): void {
    this.form.update((form) => ({ ...form, [key]: value }));
    if (this.issues()[key]) {
      const rest = { ...this.issues() };
      delete rest[key];
      this.issues.set(rest);
    }
  }

  protected setNumber(key: 'retryAttempts' | 'retryBackoffSeconds' | 'keepRunsDays' | 'keepRunsCount', event: Event): void {
    const text = (event.target as HTMLInputElement).value;
    this.set(key, text === '' ? Number.NaN : Number(text));
  }

  protected follow(): void {
    this.form.update((form) => ({ ...form, followLatest: true, version: null }));
  }

  protected pin(): void {
    this.form.update((form) => ({ ...form, followLatest: false, version: form.version ?? this.existing()?.version ?? this.automation.latest()?.version ?? null }));
  }

  protected async save(): Promise<void> {
    this.tried.set(true);
    if (Object.keys(formProblems(this.form())).length > 0) return;
    this.saving.set(true);
    try {
      const issues = await this.automation.save(settingsOf(this.form(), this.existing()));
      this.issues.set(issues ?? {});
    } finally {
      this.saving.set(false);
    }
  }
}
