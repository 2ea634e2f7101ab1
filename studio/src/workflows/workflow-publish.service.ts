import { Injectable, inject, signal } from '@angular/core';
import { ToastService } from '../core/toast.service';
import { issuesByNode, issuesSentence, refusedGraphIssues } from './graph-issues';
import { WorkflowApiService } from './workflow-api.service';
import { WorkflowLibraryService } from './workflow-library.service';
import { WorkflowRunStore } from './workflow-run.store';

/**
 * Publish in the workflow editor: the optional note, and the saved draft published as the next
 * version, the canvas saved first when it has unsaved changes or is not in the library yet. A
 * refused graph's issues go where validation's go: on the nodes and, for the first, the inspector.
 * One per Workflows page (provided there).
 */
@Injectable()
export class WorkflowPublishService {
  private readonly api = inject(WorkflowApiService);
  private readonly toasts = inject(ToastService);
  private readonly store = inject(WorkflowRunStore);
  private readonly library = inject(WorkflowLibraryService);
  /** The Publish form's note; cleared once a version is published. */
  readonly note = signal('');

  async publish(): Promise<void> {
    try {
      if (this.library.dirty() || !this.library.workflowId()) {
        if (!(await this.library.save(false, true))) return;
      }
      const version = await this.api.publish(this.library.workflowId()!, this.note().trim());
      this.store.issues.set({});
      this.note.set('');
      this.library.versionsChanged();
      this.toasts.info(`Published version ${version.version} of “${this.library.name().trim() || 'Untitled workflow'}”`);
    } catch (error) {
      const issues = refusedGraphIssues(error);
      if (!issues) return this.toasts.error(error);
      this.store.issues.set(issuesByNode(issues));
      this.toasts.error(issuesSentence(issues, 'Not published'));
      const editor = this.library.editor();
      const first = issues.find((issue) => issue.nodeId && editor?.node(issue.nodeId));
      if (first?.nodeId) await editor?.select(first.nodeId);
    }
  }
}
