import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { AuthService } from '../core/auth.service';
import { ToastService } from '../core/toast.service';

type Mode = 'login' | 'register';

/** Sign in, or create an account (then signed in at once). */
@Component({
  selector: 'ps-login',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, RouterLink],
  template: `
    <section class="panel card" aria-labelledby="auth-title">
      <div class="tabs" role="tablist" aria-label="Account">
        <button type="button" role="tab" [attr.aria-selected]="mode() === 'login'" (click)="mode.set('login')">Log in</button>
        <button type="button" role="tab" [attr.aria-selected]="mode() === 'register'" (click)="mode.set('register')">Sign up</button>
      </div>
      <h1 id="auth-title">{{ mode() === 'login' ? 'Log in to Pinksea' : 'Create your Pinksea account' }}</h1>
      <form (ngSubmit)="submit()" #form="ngForm">
        @if (mode() === 'register') {
          <label>Name <input name="displayName" [(ngModel)]="displayName" required maxlength="100" autocomplete="name"></label>
        }
        <label>Email <input name="email" type="email" [(ngModel)]="email" required autocomplete="email"></label>
        <label>Password
          <input name="password" type="password" [(ngModel)]="password" required
            [attr.minlength]="mode() === 'register' ? 12 : null"
            [autocomplete]="mode() === 'register' ? 'new-password' : 'current-password'">
        </label>
        @if (mode() === 'register') { <p class="muted hint">At least 12 characters.</p> }
        <button class="primary" type="submit" [disabled]="busy() || form.invalid">{{ mode() === 'login' ? 'Log in' : 'Sign up' }}</button>
      </form>
      <p class="muted plans">New accounts start on a free 7-day trial. <a routerLink="/pricing">See plans and pricing</a></p>
    </section>
  `,
  styles: `
    .card { max-width: 26rem; margin: 8vh auto; display: grid; gap: 1rem; }
    form { display: grid; gap: 0.9rem; }
    .tabs { display: flex; gap: 0.5rem; }
    .tabs button[aria-selected='true'] { border-color: var(--accent); color: var(--accent-2); }
    .plans { margin: 0; font-size: 0.85rem; }
    .hint { margin: -0.5rem 0 0; font-size: 0.8rem; }
  `,
})
export class LoginComponent {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);

  protected readonly mode = signal<Mode>('login');
  protected readonly busy = signal(false);
  protected email = '';
  protected password = '';
  protected displayName = '';

  protected async submit(): Promise<void> {
    this.busy.set(true);
    try {
      if (this.mode() === 'login') await this.auth.login(this.email.trim(), this.password);
      else await this.auth.register(this.email.trim(), this.password, this.displayName.trim());
      await this.router.navigate(['/generate']);
    } catch (error) {
      this.toasts.error(error);
    } finally {
      this.busy.set(false);
    }
  }
}
