import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { GraphEdge } from '../../../engine/graph/graph';
import type { Workflow } from '../core/api-types';
import { ToastService } from '../core/toast.service';
import { WorkflowApiService } from './workflow-api.service';
import { WorkflowDraftService } from './workflow-draft.service';
import type { WorkflowEditor } from './workflow-editor';
import type { EditorNode } from './workflow-graph';
import { ADD } from './workflow-graph.spec';
import { WorkflowLibraryService } from './workflow-library.service';
import { WorkflowRunStore } from './workflow-run.store';

const workflow = (fields: Partial<Workflow> = {}): Workflow => ({
  id: 'w1',
  name: 'Sums',
  description: '',
  tags: [],
  createdAt: '',
  updatedAt: '',
  graph: { nodes: [], edges: [] },
  layout: {},
  ...fields,
});

const ADD_NODE: EditorNode = { id: 'add-1', type: 'core.add', version: '1.1.0', inputs: { b: 1 }, position: { x: 0, y: 0 } };

/** A canvas that holds what it is given, bumping the revision on each change as the editor does. */
function fakeCanvas() {
  const revision = signal(0);
  let nodes: EditorNode[] = [];
  let edges: GraphEdge[] = [];
  const editor = {
    nodes: () => nodes,
    edges: () => edges,
    load: jasmine.createSpy('load').and.callFake(async (next: EditorNode[], nextEdges: GraphEdge[]) => {
      nodes = next.filter((node) => node.type === 'core.add');
      edges = nextEdges;
      revision.update((value) => value + 1);
      return { missingTypes: next.filter((node) => node.type !== 'core.add').map((node) => node.type), refusedEdges: 0 };
    }),
    zoomToFit: async () => undefined,
  };
  const change = (next: EditorNode[]) => {
    nodes = next;
    revision.update((value) => value + 1);
  };
  return { canvas: { editor: () => editor as unknown as WorkflowEditor, revision }, editor, change };
}

describe('WorkflowLibraryService', () => {
  let api: jasmine.SpyObj<WorkflowApiService>;
  let library: WorkflowLibraryService;
  let toasts: ToastService;
  let store: WorkflowRunStore;
  let canvas: ReturnType<typeof fakeCanvas>;

  beforeEach(() => {
    api = jasmine.createSpyObj<WorkflowApiService>('WorkflowApiService', ['list', 'get', 'create', 'update', 'remove']);
    api.list.and.resolveTo({ items: [], total: 0, limit: 100, offset: 0 });
    TestBed.configureTestingModule({ providers: [WorkflowLibraryService, WorkflowRunStore, { provide: WorkflowApiService, useValue: api }] });
    library = TestBed.inject(WorkflowLibraryService);
    toasts = TestBed.inject(ToastService);
    store = TestBed.inject(WorkflowRunStore);
    store.catalogue.set(new Map([[ADD.type, ADD]]));
    canvas = fakeCanvas();
    library.attach(canvas.canvas);
  });

  it('tells unsaved changes, creates then updates the workflow, and reloads the Versions drawer after each save', async () => {
    expect(library.dirty()).toBeFalse();
    canvas.change([ADD_NODE]);
    expect(library.dirty()).toBeTrue();

    api.create.and.resolveTo(workflow({ name: 'Untitled workflow' }));
    expect(await library.save(false)).toBeTrue();
    expect(api.create).toHaveBeenCalledOnceWith({ name: 'Untitled workflow', graph: library.graph(), layout: library.graph().ui });
    expect(library.workflowId()).toBe('w1');
    expect(library.dirty()).toBeFalse();
    expect(library.versionsRefresh()).toBe(1);
    expect(toasts.toasts().at(-1)?.text).toBe('Saved “Untitled workflow”');
    expect(api.list).toHaveBeenCalled();
    canvas.change([{ ...ADD_NODE, inputs: { b: 2 } }]);
    expect(library.dirty()).toBeTrue();
    canvas.change([ADD_NODE]);
    expect(library.dirty()).toBeFalse();

    library.name.set('Sums');
    expect(library.dirty()).toBeTrue();
    api.update.and.resolveTo(workflow());
    expect(await library.save(false, true)).toBeTrue();
    expect(api.update).toHaveBeenCalledOnceWith('w1', jasmine.objectContaining({ name: 'Sums' }));
    expect(library.dirty()).toBeFalse();
    expect(library.versionsRefresh()).toBe(2);
    expect(toasts.toasts().at(-1)?.text).toBe('Saved “Untitled workflow”');

    api.create.and.rejectWith(new Error('no room'));
    expect(await library.save(true)).toBeFalse();
    expect(library.workflowId()).toBe('w1');
    expect(toasts.toasts().at(-1)).toEqual(jasmine.objectContaining({ kind: 'error', text: 'no room' }));
  });

  it('opens a library workflow, saying which node types are missing and which nodes are outdated', async () => {
    store.issues.set({ 'add-1': [{ code: 'x', message: 'old' }] });
    api.get.and.resolveTo(
      workflow({
        graph: {
          nodes: [
            { id: 'add-1', type: 'core.add', version: '1.0.0', inputs: {} },
            { id: 'blur-1', type: 'image.blur', inputs: {} },
          ],
          edges: [],
        },
      }),
    );
    await library.open('w1');
    expect(canvas.editor.load).toHaveBeenCalledTimes(1);
    expect(library.workflowId()).toBe('w1');
    expect(library.name()).toBe('Sums');
    expect(library.dirty()).toBeFalse();
    expect(store.issues()).toEqual({});
    const texts = toasts.toasts().map((toast) => toast.text);
    expect(texts).toContain('Some of the workflow could not be shown: node types not installed: image.blur');
    expect(texts).toContain('1 node was saved with an older version: marked on the canvas');

    await library.open('');
    expect(api.get).toHaveBeenCalledTimes(1);
  });

  it('imports a graph file as a workflow not in the library, and closes the Versions drawer', async () => {
    api.get.and.resolveTo(workflow());
    await library.open('w1');
    library.toggleVersions();
    expect(library.versionsOpen()).toBeTrue();

    const graph = { nodes: [{ id: 'add-1', type: 'core.add', inputs: { a: 2 } }], edges: [] };
    await library.import(new File([JSON.stringify(graph)], 'Two plus.JSON'));
    expect(library.workflowId()).toBeNull();
    expect(library.name()).toBe('Two plus');
    expect(library.versionsOpen()).toBeFalse();
    expect(library.dirty()).toBeTrue();
    expect(library.draftNodes().get('add-1')).toEqual({ type: 'core.add' });

    await library.import(new File(['{nodes'], 'broken.json'));
    expect(toasts.toasts().at(-1)?.text).toBe('broken.json is not JSON');
  });

  it('shows a handed-over graph once, and starts a new workflow on an empty canvas', async () => {
    TestBed.inject(WorkflowDraftService).offer({ name: 'From the gallery', graph: { nodes: [{ id: 'add-1', type: 'core.add', inputs: {} }], edges: [] } });
    await library.openDraft();
    await library.openDraft();
    expect(canvas.editor.load).toHaveBeenCalledTimes(1);
    expect(library.name()).toBe('From the gallery');
    expect(library.workflowId()).toBeNull();

    store.start('b1', ['add-1']);
    await library.newWorkflow();
    expect(canvas.editor.load).toHaveBeenCalledWith([], []);
    expect(library.name()).toBe('Untitled workflow');
    expect(library.dirty()).toBeFalse();
    expect(store.batchId()).toBeNull();
  });

  it('deletes the workflow after asking, and shows a restored version as the saved draft', async () => {
    api.get.and.resolveTo(workflow());
    await library.open('w1');
    library.toggleVersions();

    await library.restored({ version: 2, workflow: workflow({ name: 'Sums v2', graph: { nodes: [{ id: 'add-1', type: 'core.add', version: '1.1.0', inputs: {} }], edges: [] } }) });
    expect(library.name()).toBe('Sums v2');
    expect(library.dirty()).toBeFalse();
    expect(library.versionsOpen()).toBeTrue();
    expect(toasts.toasts().at(-1)?.text).toBe('Restored version 2 as the draft');

    const confirm = spyOn(window, 'confirm').and.returnValue(false);
    await library.remove();
    expect(api.remove).not.toHaveBeenCalled();
    confirm.and.returnValue(true);
    api.remove.and.resolveTo({});
    await library.remove();
    expect(api.remove).toHaveBeenCalledOnceWith('w1');
    expect(library.workflowId()).toBeNull();
    expect(library.versionsOpen()).toBeFalse();
    expect(toasts.toasts().at(-1)?.text).toBe('Workflow deleted');
  });
});
