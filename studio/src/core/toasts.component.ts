import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { messageParts } from './message-links';
import { ToastService } from './toast.service';

@Component({
  selector: 'ps-toasts',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <div class="toasts" aria-live="polite">
      @for (toast of toasts.toasts(); track toast.id) {
        <div class="toast" [class.error]="toast.kind === 'error'" [attr.role]="toast.kind === 'error' ? 'alert' : 'status'">
          <span>@for (part of parts(toast.text); track $index) {@if (part.link) {<a [routerLink]="part.link" (click)="toasts.dismiss(toast.id)">{{ part.text }}</a>} @else {<span>{{ part.text }}</span>}}</span>
          <button type="button" (click)="toasts.dismiss(toast.id)" aria-label="Dismiss">×</button>
        </div>
      }
    </div>
  `,
  styles: `
    .toasts { position: fixed; right: 1rem; bottom: 1rem; display: grid; gap: 0.5rem; z-index: 10; max-width: min(26rem, calc(100vw - 2rem)); }
    .toast { display: flex; gap: 0.75rem; align-items: start; justify-content: space-between; padding: 0.7rem 0.9rem;
      background: var(--panel-2); border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: var(--radius); }
    .toast.error { border-left-color: var(--danger); }
    button { padding: 0 0.4rem; line-height: 1.4; }
  `,
})
export class ToastsComponent {
  protected readonly toasts = inject(ToastService);
  protected readonly parts = messageParts;
}
