import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AuthService } from '../core/auth.service';
import { LiveEventsService } from '../core/live-events.service';
import { ToastsComponent } from '../core/toasts.component';

interface NavItem {
  readonly path: string;
  readonly label: string;
  readonly note?: string;
}

@Component({
  selector: 'ps-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive, ToastsComponent],
  template: `
    <a class="skip" href="#main">Skip to content</a>
    <header class="bar">
      <a class="brand" routerLink="/">Pinksea <span>Studio</span></a>
      @if (auth.user(); as user) {
        <nav aria-label="Main">
          <ul>
            @for (item of nav; track item.path) {
              <li>
                <a [routerLink]="item.path" routerLinkActive="active" ariaCurrentWhenActive="page">
                  {{ item.label }}
                  @if (item.note) { <small>{{ item.note }}</small> }
                </a>
              </li>
            }
          </ul>
        </nav>
        <div class="who">
          <span class="dot" [class.live]="events.connected()" [attr.title]="events.connected() ? 'Live updates on' : 'Live updates reconnecting'"></span>
          <span class="visually-hidden">{{ events.connected() ? 'Live updates on' : 'Live updates reconnecting' }}</span>
          <span class="name">{{ user.displayName }}</span>
          <button type="button" (click)="logout()">Log out</button>
        </div>
      }
    </header>
    <main id="main" tabindex="-1">
      <router-outlet />
    </main>
    <ps-toasts />
  `,
  styles: `
    :host { display: grid; grid-template-rows: auto 1fr; min-height: 100vh; }
    .skip { position: absolute; left: -999px; top: 0; }
    .skip:focus { left: 0.5rem; top: 0.5rem; z-index: 20; background: var(--panel); padding: 0.5rem; }
    .bar { display: flex; align-items: center; gap: 1.25rem; flex-wrap: wrap; padding: 0.6rem 1.25rem;
      background: var(--panel); border-bottom: 1px solid var(--line); }
    .brand { color: var(--accent); font-weight: 700; text-decoration: none; font-size: 1.1rem; }
    .brand span { color: var(--text); font-weight: 400; }
    nav ul { display: flex; gap: 0.25rem; list-style: none; margin: 0; padding: 0; flex-wrap: wrap; }
    nav a { display: block; padding: 0.4rem 0.7rem; border-radius: 6px; color: var(--muted); text-decoration: none; }
    nav a:hover { color: var(--text); }
    nav a.active { background: var(--panel-2); color: var(--text); }
    nav small { font-size: 0.7rem; color: var(--accent-2); margin-left: 0.2rem; }
    .who { margin-left: auto; display: flex; align-items: center; gap: 0.6rem; }
    .dot { width: 0.6rem; height: 0.6rem; border-radius: 50%; background: var(--danger); }
    .dot.live { background: var(--ok); }
    main { padding: 1.25rem; max-width: 1400px; width: 100%; margin: 0 auto; }
    main:focus { outline: none; }
    @media (max-width: 900px) { .bar { gap: 0.5rem; } .name { display: none; } main { padding: 0.75rem; } }
  `,
})
export class AppComponent {
  protected readonly auth = inject(AuthService);
  protected readonly events = inject(LiveEventsService);
  private readonly router = inject(Router);

  protected readonly nav: readonly NavItem[] = [
    { path: '/generate', label: 'Generate' },
    { path: '/gallery', label: 'Gallery' },
    { path: '/queue', label: 'Queue' },
    { path: '/models', label: 'Models' },
    { path: '/workflows', label: 'Workflows' },
    { path: '/automations', label: 'Automations' },
    { path: '/account', label: 'Account' },
  ];

  protected async logout(): Promise<void> {
    await this.auth.logout();
    await this.router.navigate(['/login']);
  }
}
