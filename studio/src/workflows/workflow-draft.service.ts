import { Injectable, signal } from '@angular/core';

export interface WorkflowDraft {
  readonly name: string;
  /** Graph JSON, as an import reads it. */
  readonly graph: unknown;
}

/** Hands a graph to the Workflows editor from elsewhere ("Open workflow" in the gallery), once. */
@Injectable({ providedIn: 'root' })
export class WorkflowDraftService {
  private readonly draft = signal<WorkflowDraft | null>(null);

  offer(draft: WorkflowDraft): void {
    this.draft.set(draft);
  }

  take(): WorkflowDraft | null {
    const draft = this.draft();
    this.draft.set(null);
    return draft;
  }
}
