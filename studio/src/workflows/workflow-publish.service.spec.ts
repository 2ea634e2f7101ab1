import { HttpErrorResponse } from '@angular/common/http';
import { type WritableSignal, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { WorkflowVersion } from '../core/api-types';
import { ToastService } from '../core/toast.service';
import { WorkflowApiService } from './workflow-api.service';
import { WorkflowLibraryService } from './workflow-library.service';
import { WorkflowPublishService } from './workflow-publish.service';
import { WorkflowRunStore } from './workflow-run.store';

const version = (n: number) => ({ workflowId: 'w1', version: n }) as WorkflowVersion;

/** What publishing reads of the library; save() stores the canvas as w1. */
interface FakeLibrary {
  readonly dirty: WritableSignal<boolean>;
  readonly workflowId: WritableSignal<string | null>;
  readonly name: WritableSignal<string>;
  readonly save: jasmine.Spy;
  readonly versionsChanged: jasmine.Spy;
  editor(): unknown;
}

describe('WorkflowPublishService', () => {
  let library: FakeLibrary;
  let api: jasmine.SpyObj<WorkflowApiService>;
  let editor: { node: jasmine.Spy; select: jasmine.Spy };
  let publisher: WorkflowPublishService;
  let toasts: ToastService;
  let store: WorkflowRunStore;

  beforeEach(() => {
    editor = { node: jasmine.createSpy('node').and.callFake((id: string) => (id === 'add-2' ? {} : undefined)), select: jasmine.createSpy('select').and.resolveTo() };
    library = {
      dirty: signal(true),
      workflowId: signal<string | null>(null),
      name: signal('  '),
      save: jasmine.createSpy('save').and.callFake(async () => {
        library.workflowId.set('w1');
        library.dirty.set(false);
        return true;
      }),
      versionsChanged: jasmine.createSpy('versionsChanged'),
      editor: () => editor,
    };
    api = jasmine.createSpyObj<WorkflowApiService>('WorkflowApiService', ['publish']);
    TestBed.configureTestingModule({
      providers: [WorkflowPublishService, WorkflowRunStore, { provide: WorkflowApiService, useValue: api }, { provide: WorkflowLibraryService, useValue: library }],
    });
    publisher = TestBed.inject(WorkflowPublishService);
    toasts = TestBed.inject(ToastService);
    store = TestBed.inject(WorkflowRunStore);
  });

  it('saves quietly first when the canvas has unsaved changes, then publishes with the trimmed note', async () => {
    store.issues.set({ 'add-1': [{ code: 'x', message: 'old' }] });
    publisher.note.set('  first  ');
    api.publish.and.resolveTo(version(1));
    await publisher.publish();
    expect(library.save).toHaveBeenCalledOnceWith(false, true);
    expect(api.publish).toHaveBeenCalledOnceWith('w1', 'first');
    expect(publisher.note()).toBe('');
    expect(store.issues()).toEqual({});
    expect(library.versionsChanged).toHaveBeenCalledTimes(1);
    expect(toasts.toasts().at(-1)?.text).toBe('Published version 1 of “Untitled workflow”');

    library.name.set('Sums');
    api.publish.and.resolveTo(version(2));
    await publisher.publish();
    expect(library.save).toHaveBeenCalledTimes(1);
    expect(api.publish).toHaveBeenCalledWith('w1', '');
    expect(toasts.toasts().at(-1)?.text).toBe('Published version 2 of “Sums”');
  });

  it('publishes nothing when the save fails', async () => {
    library.save.and.resolveTo(false);
    await publisher.publish();
    expect(api.publish).not.toHaveBeenCalled();
    expect(library.versionsChanged).not.toHaveBeenCalled();
  });

  it('puts a refused graph’s issues on its nodes and selects the first node on the canvas', async () => {
    library.dirty.set(false);
    library.workflowId.set('w1');
    publisher.note.set('kept');
    const issues = [
      { code: 'invalid_graph', message: 'a cycle' },
      { code: 'invalid_value', message: 'gone', nodeId: 'add-9', field: 'inputs.a' },
      { code: 'invalid_value', message: 'expected a number', nodeId: 'add-2', field: 'inputs.b' },
    ];
    api.publish.and.rejectWith(new HttpErrorResponse({ status: 422, error: { error: { code: 'graph_invalid', message: 'no', issues } } }));
    await publisher.publish();
    expect(store.issues()).toEqual({
      '': [issues[0]!],
      'add-9': [{ ...issues[1]!, field: 'a' }],
      'add-2': [{ ...issues[2]!, field: 'b' }],
    });
    expect(toasts.toasts().at(-1)?.text).toBe('Not published: 3 problems in the graph: a cycle');
    expect(editor.select).toHaveBeenCalledOnceWith('add-2');
    expect(publisher.note()).toBe('kept');

    api.publish.and.rejectWith(new HttpErrorResponse({ status: 500, error: { error: { code: 'internal', message: 'down' } } }));
    store.issues.set({});
    await publisher.publish();
    expect(store.issues()).toEqual({});
    expect(toasts.toasts().at(-1)?.kind).toBe('error');
    expect(editor.select).toHaveBeenCalledTimes(1);
  });
});
