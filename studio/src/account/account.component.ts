import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { CreditsCardComponent } from '../billing/credits-card.component';
import { AuthService } from '../core/auth.service';

/** Who is signed in, their credits and their plan (named in the credits card). */
@Component({
  selector: 'ps-account',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, CreditsCardComponent],
  template: `
    <h1>Account</h1>
    @if (auth.user(); as user) {
      <dl class="panel">
        <dt>Name</dt><dd>{{ user.displayName }}</dd>
        <dt>Email</dt><dd>{{ user.email }}</dd>
        <dt>Role</dt><dd>{{ user.role }}</dd>
        <dt>Member since</dt><dd>{{ user.createdAt | date: 'mediumDate' }}</dd>
      </dl>
      <ps-credits-card [plan]="user.plan" />
    }
  `,
  styles: `
    :host { display: grid; gap: 1rem; }
    h1 { margin: 0; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.5rem 1.5rem; max-width: 36rem; margin: 0; }
    dt { color: var(--muted); }
    dd { margin: 0; }
  `,
})
export class AccountComponent {
  protected readonly auth = inject(AuthService);
}
