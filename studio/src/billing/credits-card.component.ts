import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Page, PlanRecord } from '../core/api-types';
import type { CreditBalance, LedgerEntry } from '../core/api-types';
import { ToastService } from '../core/toast.service';
import { BillingApiService } from './billing-api.service';
import { formatCredits, LEDGER_KIND_LABELS, ledgerTone, signedCredits } from './billing-format';

const LEDGER_PAGE_SIZE = 20;

/** The Account page's credits: balance, reserved, the plan by name with a link to Pricing, and the ledger a page at a time. */
@Component({
  selector: 'ps-credits-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink],
  template: `
    <section class="panel" aria-labelledby="credits-title">
      <h2 id="credits-title">Credits</h2>
      <div class="summary">
        <div class="figure" data-testid="credit-balance">
          <span class="label">Balance</span>
          <b>{{ balance() ? credits(balance()!.milli) : '…' }}</b>
          <span class="muted small">credits · 1 credit = 1 GPU-second</span>
        </div>
        <div class="figure">
          <span class="label">Reserved</span>
          <b class="quiet">{{ balance() ? credits(balance()!.reservedMilli) : '…' }}</b>
          <span class="muted small">held for work still running</span>
        </div>
        <div class="figure">
          <span class="label">Plan</span>
          <b class="quiet" data-testid="plan-name">{{ planName() }}</b>
          <a routerLink="/pricing" class="small">See plans and pricing</a>
        </div>
      </div>

      <h3>Ledger</h3>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Credit changes, newest first</caption>
          <thead>
            <tr><th scope="col">Date</th><th scope="col">Kind</th><th scope="col">Reason</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Balance after</th></tr>
          </thead>
          <tbody>
            @for (entry of ledger()?.items ?? []; track entry.id) {
              <tr data-testid="ledger-row" [attr.data-kind]="entry.kind">
                <td><time [attr.datetime]="entry.createdAt">{{ entry.createdAt | date: 'medium' }}</time></td>
                <td><span [class]="'badge ' + tone(entry.kind)">{{ kinds[entry.kind] }}</span></td>
                <td>{{ entry.reason }}</td>
                <td class="num" [class.in]="entry.amount > 0">{{ signed(entry.amount) }}</td>
                <td class="num">{{ credits(entry.balanceAfter) }}</td>
              </tr>
            } @empty {
              <tr><td colspan="5" class="muted">{{ ledger() ? 'No credit changes yet.' : 'Loading the ledger…' }}</td></tr>
            }
          </tbody>
        </table>
        @if (ledger(); as current) {
          @if (current.total > current.limit) {
            <nav class="pager" aria-label="Ledger pages">
              <span class="muted small">{{ current.offset + 1 }}–{{ current.offset + current.items.length }} of {{ current.total }}</span>
              <button type="button" (click)="toPage(page() - 1)" [disabled]="page() === 0">Previous</button>
              <button type="button" (click)="toPage(page() + 1)" [disabled]="current.offset + current.limit >= current.total">Next</button>
            </nav>
          }
        }
      </div>
    </section>
  `,
  styleUrls: ['../automations/automation-status.css'],
  styles: `
    h2 { margin-bottom: 0.9rem; }
    h3 { font-size: 0.95rem; margin: 1.2rem 0 0.4rem; }
    .summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.75rem; }
    .figure { display: grid; gap: 0.2rem; align-content: start; padding: 0.75rem; border-radius: var(--radius); background: var(--panel-2); border: 1px solid var(--line); }
    .label { font-size: 0.8rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
    .figure b { font-size: 1.6rem; font-variant-numeric: tabular-nums; }
    .figure b.quiet { font-size: 1.2rem; }
    .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    .num.in { color: var(--ok); }
    td { vertical-align: middle; font-size: 0.9rem; }
  `,
})
export class CreditsCardComponent {
  private readonly api = inject(BillingApiService);
  private readonly toasts = inject(ToastService);

  /** The user's plan id, named from the plans. */
  readonly plan = input.required<string>();

  protected readonly kinds = LEDGER_KIND_LABELS;
  protected readonly tone = ledgerTone;
  protected readonly credits = formatCredits;
  protected readonly signed = signedCredits;

  protected readonly balance = signal<CreditBalance | null>(null);
  protected readonly ledger = signal<Page<LedgerEntry> | null>(null);
  protected readonly page = signal(0);
  private readonly plans = signal<readonly PlanRecord[]>([]);
  // An unlisted plan (Tester) is not on GET /plans: its id, capitalised, is the best name there is.
  protected readonly planName = computed(() => this.plans().find((plan) => plan.id === this.plan())?.name ?? (this.plans().length ? capitalise(this.plan()) : '…'));

  constructor() {
    void this.load();
  }

  protected async toPage(page: number): Promise<void> {
    this.page.set(Math.max(0, page));
    await this.loadLedger();
  }

  private async load(): Promise<void> {
    try {
      const [balance, plans] = await Promise.all([this.api.balance(), this.api.plans(), this.loadLedger()]);
      this.balance.set(balance);
      this.plans.set(plans);
    } catch (error) {
      this.toasts.error(error);
    }
  }

  private async loadLedger(): Promise<void> {
    try {
      this.ledger.set(await this.api.ledger(this.page() * LEDGER_PAGE_SIZE, LEDGER_PAGE_SIZE));
    } catch (error) {
      this.toasts.error(error);
    }
  }
}

function capitalise(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}
