import { ChangeDetectionStrategy, Component } from '@angular/core';

/** Placeholder until the node editor lands (the next slice of the studio). */
@Component({
  selector: 'ps-workflows',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Workflows</h1>
    <section class="panel">
      <p><strong>Coming next:</strong> a node editor for building and running workflow graphs from the node catalogue.</p>
      <p class="muted">Until then, the API runs graphs: <code>POST /api/v1/queue/default/enqueue_batch</code>.</p>
    </section>
  `,
})
export class WorkflowsComponent {}
