import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Subject } from 'rxjs';
import { LiveEventsService } from '../core/live-events.service';
import { ToastService } from '../core/toast.service';
import type { CatalogueEntry } from './workflow-graph';
import { ADD, entryMeta } from './workflow-graph.spec';
import { ref } from './workflow-run.store.spec';
import { WorkflowsComponent } from './workflows.component';

const TEXT: CatalogueEntry = {
  type: 'core.string',
  title: 'Text',
  description: 'A piece of text.',
  category: 'primitives',
  tags: [],
  version: '1.0.0',
  ...entryMeta,
  inputs: [{ name: 'value', title: 'Text', kind: 'string', cardinality: 'single', schema: { type: 'string' }, input: 'any', required: false, default: '' }],
  outputs: [{ name: 'value', title: 'Text', kind: 'string', cardinality: 'single', schema: { type: 'string' } }],
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/** The Workflows page with the catalogue (Add, Text) loaded and every other list empty. */
async function openPage() {
  const fixture = TestBed.createComponent(WorkflowsComponent);
  document.body.appendChild(fixture.nativeElement);
  const backend = TestBed.inject(HttpTestingController);
  fixture.detectChanges();
  await fixture.whenStable();
  backend.expectOne('/api/v1/nodes').flush([ADD, TEXT]);
  backend.match(() => true).forEach((request) => request.flush({ items: [], total: 0, limit: 100, offset: 0 }));
  await settle();
  return fixture;
}

describe('WorkflowsComponent', () => {
  const events = new Subject<unknown>();
  beforeEach(() =>
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: LiveEventsService, useValue: { on: () => events, reconnected$: new Subject<void>(), connected: () => true } },
      ],
      // Rete mounts nodes as custom elements that outlive a destroyed fixture.
      teardown: { destroyAfterEach: false },
    }),
  );

  it('builds the palette, adds nodes from it, and refuses an incompatible connection with the reason', async () => {
    const fixture = await openPage();
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;

    const categories = Array.from(element.querySelectorAll('.palette h3')).map((heading) => heading.textContent?.trim());
    expect(categories).toEqual(['math', 'primitives']);
    const search = element.querySelector<HTMLInputElement>('#node-search')!;
    search.value = 'plus';
    search.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(element.querySelectorAll('[data-node-type]').length).toBe(1);
    search.value = '';
    search.dispatchEvent(new Event('input'));
    await fixture.whenStable();

    element.querySelector<HTMLButtonElement>('[data-node-type="core.add"]')!.click();
    element.querySelector<HTMLButtonElement>('[data-node-type="core.string"]')!.click();
    await settle();
    await fixture.whenStable();
    const nodes = element.querySelectorAll('[data-testid="node"]');
    expect(nodes.length).toBe(2);
    expect(element.querySelectorAll('[data-testid="node"][data-type="core.add"] [data-testid="socket"]').length).toBe(3);

    const editor = fixture.componentInstance.editorForTesting!;
    const [add, text] = editor.nodes();
    const refused = await editor.connect({ source: { nodeId: text!.id, field: 'value' }, destination: { nodeId: add!.id, field: 'a' } });
    expect(refused).toBeFalse();
    expect(TestBed.inject(ToastService).toasts().at(-1)?.text).toContain('a string output cannot feed a float input');
    expect(editor.edges()).toEqual([]);

    await editor.select(add!.id);
    await fixture.whenStable();
    expect(element.querySelector('ps-workflow-inspector h2')?.textContent).toContain('Add');
    fixture.nativeElement.remove();
  });

  it('loads a graph in one go, undoes inspector edits as one action, box-selects, and shows every output of a run', async () => {
    const fixture = await openPage();
    const editor = fixture.componentInstance.editorForTesting!;
    const result = await editor.load(
      [
        { id: 'add-1', type: 'core.add', inputs: { b: 1 }, position: { x: 0, y: 0 } },
        { id: 'add-2', type: 'core.add', inputs: {}, position: { x: 300, y: 0 } },
        { id: 'text-1', type: 'core.string', inputs: {}, position: { x: 0, y: 2000 } },
      ],
      [{ source: { nodeId: 'add-1', field: 'value' }, destination: { nodeId: 'add-2', field: 'a' } }],
    );
    expect(result).toEqual({ missingTypes: [], refusedEdges: 0 });
    expect(editor.edges()).toHaveSize(1);

    editor.setValue('add-1', 'b', 2);
    editor.setValue('add-1', 'b', 23);
    await editor.undo();
    expect(editor.node('add-1')!.values['b']).toBe(1);
    await editor.redo();
    expect(editor.node('add-1')!.values['b']).toBe(23);
    await editor.undo();
    await editor.undo();
    expect(editor.edges()).toHaveSize(1);
    expect(editor.node('add-1')!.values['b']).toBe(1);

    await editor.zoomToFit();
    await editor.selectInBox({ x: -5000, y: -5000 }, { x: 5000, y: 5000 });
    expect(editor.selectedIds().sort()).toEqual(['add-1', 'add-2', 'text-1']);

    const store = fixture.componentInstance['store'];
    store.start('b1', ['add-1', 'text-1']);
    store.handle({ name: 'invocation_complete', payload: { ...ref('b1', 'add-1'), outputs: { value: 3.5 }, durationMs: 1 } });
    store.handle({ name: 'invocation_complete', payload: { ...ref('b1', 'text-1'), outputs: { value: 'hello' }, durationMs: 1 } });
    await fixture.whenStable();
    const outputs = Array.from(fixture.nativeElement.querySelectorAll('[data-testid="run-output"]') as NodeListOf<HTMLElement>).map((row) => [row.dataset['outputKind'], `${row.querySelector('dt')?.textContent?.trim()}=${row.querySelector('dd')?.textContent?.trim()}`]);
    expect(outputs).toEqual([
      ['number', 'value=3.5'],
      ['string', 'value=hello'],
    ]);
    // Steps are named as the canvas names them, the id only where two would read the same.
    const names = Array.from(fixture.nativeElement.querySelectorAll('[aria-label="Node statuses"] button.link') as NodeListOf<HTMLElement>).map((button) => button.textContent?.trim());
    expect(names).toEqual(['Add (add-1)', 'Text']);
    fixture.nativeElement.remove();
  });
  it('publishes: saves the unsaved canvas first, names the version, and puts the issues of a refused graph on its nodes', async () => {
    const fixture = await openPage();
    const backend = TestBed.inject(HttpTestingController);
    const toasts = TestBed.inject(ToastService);
    const page = fixture.componentInstance as unknown as { publish(): Promise<void>; publishNote: { set(note: string): void }; store: { issues(): Record<string, unknown[]> } };
    const editor = fixture.componentInstance.editorForTesting!;
    await editor.load([{ id: 'add-1', type: 'core.add', inputs: { b: 1 }, position: { x: 0, y: 0 } }], []);
    const workflow = { id: 'w1', name: 'Untitled workflow', description: '', tags: [], createdAt: '', updatedAt: '', graph: { nodes: [], edges: [] }, layout: {} };

    page.publishNote.set('  first  ');
    const published = page.publish();
    await settle();
    const create = backend.expectOne({ method: 'POST', url: '/api/v1/workflows' });
    expect((create.request.body as { graph: { nodes: unknown[] } }).graph.nodes.length).toBe(1);
    create.flush(workflow);
    await settle();
    backend.match((request) => request.method === 'GET').forEach((request) => request.flush({ items: [], total: 0, limit: 100, offset: 0 }));
    await settle();
    const publish = backend.expectOne({ method: 'POST', url: '/api/v1/workflows/w1/versions' });
    expect(publish.request.body).toEqual({ note: 'first' });
    publish.flush({ ...workflow, workflowId: 'w1', version: 3, authorId: 'u1', note: 'first', packs: [] });
    await published;
    expect(toasts.toasts().at(-1)?.text).toBe('Published version 3 of “Untitled workflow”');

    // Nothing changed since: no save this time; the refusal's issues land on the node and its field.
    const refused = page.publish();
    await settle();
    backend.expectNone({ method: 'PATCH' });
    backend
      .expectOne({ method: 'POST', url: '/api/v1/workflows/w1/versions' })
      .flush({ error: { code: 'graph_invalid', message: 'b: expected a number', issues: [{ code: 'invalid_value', message: 'expected a number', nodeId: 'add-1', field: 'inputs.b' }] } }, { status: 422, statusText: 'Unprocessable Entity' });
    await refused;
    await fixture.whenStable();
    expect(page.store.issues()).toEqual({ 'add-1': [{ code: 'invalid_value', message: 'expected a number', nodeId: 'add-1', field: 'b' }] });
    expect(toasts.toasts().at(-1)?.text).toBe('Not published: 1 problem in the graph: expected a number');
    expect(editor.selectedIds()).toEqual(['add-1']);
    expect(fixture.nativeElement.querySelector('ps-workflow-inspector .field.bad')?.textContent).toContain('expected a number');
    fixture.nativeElement.remove();
  });
});
