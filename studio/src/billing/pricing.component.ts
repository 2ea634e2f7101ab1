import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { PlanRecord } from '../core/api-types';
import { AuthService } from '../core/auth.service';
import { ToastService } from '../core/toast.service';
import { BillingApiService } from './billing-api.service';
import { formatPrice, isMonthly, planAction, planFeatures } from './billing-format';

/**
 * Pricing: one card per listed plan, in the plans' order, the signed-in user's plan marked. Open
 * to visitors. There is no checkout yet, so no card offers to buy (see `planAction`).
 */
@Component({
  selector: 'ps-pricing',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <div class="head">
      <h1>Pricing</h1>
      <p class="muted">Credits pay for GPU time: 1 credit is 1 second on a GPU. Every plan runs the same studio, API and automations.</p>
    </div>
    @if (plans(); as list) {
      <ul class="plans" aria-label="Plans">
        @for (card of list; track card.plan.id) {
          <li class="panel plan" [class.current]="card.action.kind === 'current'" [attr.data-plan]="card.plan.id" [attr.aria-current]="card.action.kind === 'current' ? 'true' : null">
            <h2>{{ card.plan.name }}</h2>
            <p class="price"><b>{{ card.price }}</b>@if (card.monthly) { <span class="muted"> / month</span> }</p>
            <p class="muted description">{{ card.plan.description }}</p>
            <ul class="features">
              @for (feature of card.features; track feature.text) {
                <li>{{ feature.text }}@if (feature.detail) { <span class="muted detail">{{ feature.detail }}</span> }</li>
              }
            </ul>
            <div class="action">
              @switch (card.action.kind) {
                @case ('current') { <span class="yours">{{ card.action.text }}</span> }
                @case ('sign-up') { <a class="button-link" routerLink="/login">{{ card.action.text }}</a> }
                @default { <span class="muted small">{{ card.action.text }}</span> }
              }
            </div>
          </li>
        }
      </ul>
      <p class="muted small">Online checkout is not open yet. Until it is, an admin switches plans; a plan’s credits are granted when it starts.</p>
    } @else {
      <p class="muted">Loading the plans…</p>
    }
  `,
  styles: `
    :host { display: grid; gap: 1rem; }
    .head h1 { margin-bottom: 0.35rem; }
    .head p { margin: 0; }
    .plans { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(13.5rem, 1fr)); gap: 0.75rem; }
    .plan { display: flex; flex-direction: column; gap: 0.6rem; }
    .plan.current { border-color: var(--accent); box-shadow: inset 0 0 0 1px var(--accent); }
    h2 { margin: 0; }
    .price { margin: 0; }
    .price b { font-size: 1.6rem; font-weight: 700; }
    .description { margin: 0; font-size: 0.88rem; min-height: 2.4em; }
    .features { list-style: none; margin: 0; padding: 0.6rem 0 0; border-top: 1px solid var(--line); display: grid; gap: 0.45rem; font-size: 0.9rem; flex: 1; align-content: start; }
    .features li { padding-left: 1.1rem; position: relative; }
    .features li::before { content: '✓'; position: absolute; left: 0; color: var(--accent-2); }
    .detail { display: block; font-size: 0.8rem; }
    .action { min-height: 2.2rem; display: flex; align-items: center; }
    .yours { display: inline-block; padding: 0.3rem 0.8rem; border-radius: 99px; background: var(--accent); color: #1a0f16; font-weight: 600; font-size: 0.88rem; }
    .button-link { display: inline-block; padding: 0.45rem 0.9rem; border: 1px solid var(--accent); border-radius: 6px; background: var(--panel-2); color: var(--text); text-decoration: none; }
    .button-link:hover { background: var(--accent); color: #1a0f16; }
    .small { font-size: 0.85rem; }
  `,
})
export class PricingComponent {
  private readonly api = inject(BillingApiService);
  private readonly toasts = inject(ToastService);
  private readonly auth = inject(AuthService);
  private readonly list = signal<readonly PlanRecord[] | null>(null);

  protected readonly plans = computed(() => {
    const current = this.auth.user()?.plan ?? null;
    return this.list()?.map((plan) => ({
      plan,
      price: formatPrice(plan),
      monthly: isMonthly(plan),
      features: planFeatures(plan),
      action: planAction(plan, current),
    }));
  });

  constructor() {
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.list.set(await this.api.plans());
    } catch (error) {
      this.toasts.error(error);
    }
  }
}
