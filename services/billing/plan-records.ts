/** A plan as the API answers it (the pricing page, the admin panel). */
export interface PlanRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Per month, in cents; null for a custom price (talk to us). */
  readonly priceCents: number | null;
  readonly currency: string;
  /** Credits granted each period (the trial's once). */
  readonly credits: number;
  /** Days until the plan ends, for a trial; null for plans that run until changed. */
  readonly trialDays: number | null;
  readonly pool: 'basic' | 'performance' | 'dedicated';
  /** Queue priority of the plan's items: higher goes first. */
  readonly priority: number;
  /** Items a user of the plan runs at once. */
  readonly concurrentItems: number;
  readonly apiPerMinute: number;
  /** Largest image (width × height) a generation may make. */
  readonly maxImagePixels: number;
  readonly maxAutomations: number;
  /** Whether unused credits carry over to the next period. */
  readonly rollover: boolean;
  /** Shown on the pricing page. */
  readonly listed: boolean;
  readonly sort: number;
}

/** What an admin may change of a plan. */
export type PlanChange = Partial<Omit<PlanRecord, 'id'>>;
