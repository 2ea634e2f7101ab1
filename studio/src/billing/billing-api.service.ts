import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { API_BASE, type Page, type PlanRecord } from '../core/api-types';
import type { CreditBalance, LedgerEntry } from '../core/api-types';

/** The studio's calls to the billing API: the listed plans (no sign-in needed), the balance and the ledger. */
@Injectable({ providedIn: 'root' })
export class BillingApiService {
  private readonly http = inject(HttpClient);

  plans(): Promise<PlanRecord[]> {
    return firstValueFrom(this.http.get<PlanRecord[]>(`${API_BASE}/plans`));
  }

  balance(): Promise<CreditBalance> {
    return firstValueFrom(this.http.get<CreditBalance>(`${API_BASE}/credits`));
  }

  /** The ledger, newest first. */
  ledger(offset: number, limit: number): Promise<Page<LedgerEntry>> {
    return firstValueFrom(this.http.get<Page<LedgerEntry>>(`${API_BASE}/credits/ledger`, { params: { limit, offset } }));
  }
}
