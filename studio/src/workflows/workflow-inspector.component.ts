import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { ImageRecord, Issue, ModelRecord } from '../core/api-types';
import { type CatalogueEntry, type CatalogueInput, directInputs, enumOptions, numberBounds, widgetFor } from './workflow-graph';

export interface InputChange {
  readonly field: string;
  readonly value: unknown;
}

interface Row {
  readonly input: CatalogueInput;
  readonly widget: ReturnType<typeof widgetFor>;
  readonly bounds: ReturnType<typeof numberBounds>;
  readonly options: readonly string[];
  readonly connected: boolean;
  readonly issue?: string;
}

const SEED_MAX = 4294967295;

/** The selected node's typed inputs, one widget per input from its schema and UI hints; what is projected into it shows above them. */
@Component({
  selector: 'ps-workflow-inspector',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2>{{ entry().title }} <small class="muted">{{ nodeId() }}</small></h2>
    <p class="muted desc">{{ entry().description }}</p>
    <ng-content />
    @for (row of rows(); track row.input.name) {
      @let id = 'in-' + row.input.name;
      @let value = values()[row.input.name];
      <div class="field" [class.bad]="row.issue">
        <label [for]="id">{{ row.input.title }}@if (row.input.required) { <span aria-hidden="true">*</span> }</label>
        @if (row.connected) {
          <p class="muted">Set by a connection.</p>
        } @else {
          @switch (row.widget) {
            @case ('number') {
              <input [id]="id" type="number" [min]="row.bounds.min ?? null" [max]="row.bounds.max ?? null" [step]="row.bounds.step" [value]="value ?? ''" (change)="setNumber(row, $event)" />
            }
            @case ('slider') {
              <span class="inline">
                <input [id]="id" type="range" [min]="row.bounds.min ?? 0" [max]="row.bounds.max ?? 100" [step]="row.bounds.step" [value]="value ?? row.bounds.min ?? 0" (input)="setNumber(row, $event)" />
                <output [for]="id">{{ value }}</output>
              </span>
            }
            @case ('seed') {
              <span class="inline">
                <input [id]="id" type="number" min="0" [max]="seedMax" step="1" [value]="value ?? ''" (change)="setNumber(row, $event)" />
                <button type="button" (click)="randomise(row)" [attr.aria-label]="'Randomise ' + row.input.title">🎲</button>
              </span>
            }
            @case ('select') {
              <select [id]="id" (change)="set(row, $any($event.target).value)">
                @for (option of row.options; track option) {
                  <option [value]="option" [selected]="option === value">{{ row.input.ui?.choiceLabels?.[option] ?? option }}</option>
                }
              </select>
            }
            @case ('textarea') {
              <textarea [id]="id" rows="4" [placeholder]="row.input.ui?.placeholder ?? ''" [value]="value ?? ''" (input)="set(row, $any($event.target).value)"></textarea>
            }
            @case ('text') {
              <input [id]="id" type="text" [placeholder]="row.input.ui?.placeholder ?? ''" [value]="value ?? ''" (input)="set(row, $any($event.target).value)" />
            }
            @case ('checkbox') {
              <input [id]="id" type="checkbox" [checked]="!!value" (change)="set(row, $any($event.target).checked)" />
            }
            @case ('color') {
              <input [id]="id" type="color" [value]="hex(value)" (input)="setColour(row, $any($event.target).value)" />
            }
            @case ('image') {
              <select [id]="id" (change)="setRef(row, 'imageName', $any($event.target).value)">
                <option value="">— choose an uploaded image —</option>
                @for (image of images(); track image.name) {
                  <option [value]="image.name" [selected]="image.name === $any(value)?.imageName">{{ image.name }} ({{ image.width }}×{{ image.height }})</option>
                }
              </select>
            }
            @case ('model') {
              <select [id]="id" (change)="setRef(row, 'key', $any($event.target).value)">
                <option value="">— choose a model —</option>
                @for (model of modelsFor(row.input); track model.key) {
                  <option [value]="model.key" [selected]="model.key === $any(value)?.key">{{ model.name }} · {{ model.base }}</option>
                }
              </select>
            }
          }
        }
        @if (row.input.description) { <small class="muted">{{ row.input.description }}</small> }
        @if (row.issue) { <small class="error" role="alert">{{ row.issue }}</small> }
      </div>
    } @empty {
      <p class="muted">This node has no values to type; connect its inputs.</p>
    }
  `,
  styles: `
    :host { display: block; }
    h2 { font-size: 1rem; margin: 0 0 0.25rem; } h2 small { font-weight: 400; font-size: 0.75rem; }
    .desc { font-size: 0.8rem; margin: 0 0 0.75rem; }
    .field { display: grid; gap: 0.25rem; margin-bottom: 0.75rem; }
    .field label { font-size: 0.85rem; }
    .field.bad input, .field.bad select, .field.bad textarea { border-color: var(--danger); }
    .inline { display: flex; gap: 0.4rem; align-items: center; } .inline input { flex: 1; min-width: 0; }
    .error { color: var(--danger); }
    textarea { resize: vertical; }
  `,
})
export class WorkflowInspectorComponent {
  readonly entry = input.required<CatalogueEntry>();
  readonly nodeId = input.required<string>();
  readonly values = input.required<Readonly<Record<string, unknown>>>();
  readonly connected = input<ReadonlySet<string>>(new Set());
  readonly issues = input<readonly Issue[]>([]);
  readonly images = input<readonly ImageRecord[]>([]);
  readonly models = input<readonly ModelRecord[]>([]);
  /** Inputs another panel edits instead (a trigger's automation picker). */
  readonly omit = input<ReadonlySet<string>>(new Set());
  readonly changed = output<InputChange>();

  protected readonly seedMax = SEED_MAX;
  protected readonly rows = computed<Row[]>(() => {
    const issues = new Map(this.issues().map((issue) => [issue.field ?? '', issue.message]));
    return directInputs(this.entry())
      .filter((input) => !this.omit().has(input.name))
      .map((input) => {
        const issue = issues.get(input.name);
        return {
          input,
          widget: widgetFor(input),
          bounds: numberBounds(input),
          options: enumOptions(input) ?? [],
          connected: this.connected().has(`${this.nodeId()}/${input.name}`),
          ...(issue ? { issue } : {}),
        };
      });
  });

  protected modelsFor(input: CatalogueInput): readonly ModelRecord[] {
    const filter = input.ui?.modelFilter;
    return this.models().filter((model) => (!filter?.base || filter.base.includes(model.base)) && (!filter?.type || filter.type.includes(model.type)));
  }

  protected set(row: Row, value: unknown): void {
    this.changed.emit({ field: row.input.name, value });
  }

  protected setNumber(row: Row, event: Event): void {
    const text = (event.target as HTMLInputElement).value;
    if (text === '') return this.set(row, undefined);
    const number = Number(text);
    if (Number.isFinite(number)) this.set(row, row.input.kind === 'integer' || row.widget === 'seed' ? Math.round(number) : number);
  }

  protected randomise(row: Row): void {
    this.set(row, Math.floor(Math.random() * SEED_MAX));
  }

  protected setRef(row: Row, key: 'imageName' | 'key', value: string): void {
    if (!value) return this.set(row, undefined);
    if (key === 'key') {
      const model = this.models().find((each) => each.key === value);
      this.set(row, { key: value, ...(model ? { base: model.base, type: model.type } : {}) });
    } else this.set(row, { imageName: value });
  }

  protected hex(value: unknown): string {
    const colour = value as { r?: number; g?: number; b?: number } | undefined;
    const part = (channel: number | undefined) => Math.max(0, Math.min(255, channel ?? 0)).toString(16).padStart(2, '0');
    return `#${part(colour?.r)}${part(colour?.g)}${part(colour?.b)}`;
  }

  protected setColour(row: Row, hex: string): void {
    const channel = (start: number) => Number.parseInt(hex.slice(start, start + 2), 16);
    const alpha = (this.values()[row.input.name] as { a?: number } | undefined)?.a ?? 255;
    this.set(row, { r: channel(1), g: channel(3), b: channel(5), a: alpha });
  }
}
