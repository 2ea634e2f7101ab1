/** The plans table (migration Plans). */
import type { DataSource } from 'typeorm';
import type { PlanChange, PlanRecord } from './plan-records';

const COLUMNS = `id, name, description, price_cents, currency, credits, trial_days, pool, priority, concurrent_items, api_per_minute,
  max_image_pixels, max_automations, rollover, listed, sort`;

const COLUMN_OF: Readonly<Record<keyof PlanChange, string>> = {
  name: 'name',
  description: 'description',
  priceCents: 'price_cents',
  currency: 'currency',
  credits: 'credits',
  trialDays: 'trial_days',
  pool: 'pool',
  priority: 'priority',
  concurrentItems: 'concurrent_items',
  apiPerMinute: 'api_per_minute',
  maxImagePixels: 'max_image_pixels',
  maxAutomations: 'max_automations',
  rollover: 'rollover',
  listed: 'listed',
  sort: 'sort',
};

export class PlanRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every plan in the pricing page's order; only the listed ones unless `all`. */
  async list(all: boolean): Promise<PlanRecord[]> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM plans ${all ? '' : 'WHERE listed'} ORDER BY sort, id`)) as Record<string, unknown>[];
    return rows.map(toPlan);
  }

  async find(id: string): Promise<PlanRecord | undefined> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM plans WHERE id = $1`, [id])) as Record<string, unknown>[];
    return rows[0] && toPlan(rows[0]);
  }

  /** Changes what is given; undefined when there is no such plan. */
  async update(id: string, change: PlanChange): Promise<PlanRecord | undefined> {
    const entries = Object.entries(change).filter(([, value]) => value !== undefined) as [keyof PlanChange, unknown][];
    if (entries.length === 0) return this.find(id);
    const sets = entries.map(([key], index) => `${COLUMN_OF[key]} = $${index + 2}`);
    const rows = (await this.dataSource.query(`UPDATE plans SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [id, ...entries.map(([, value]) => value)])) as [
      Record<string, unknown>[],
      number,
    ];
    return rows[0][0] && toPlan(rows[0][0]);
  }
}

function toPlan(row: Record<string, unknown>): PlanRecord {
  return {
    id: String(row['id']),
    name: String(row['name']),
    description: String(row['description']),
    priceCents: row['price_cents'] === null ? null : Number(row['price_cents']),
    currency: String(row['currency']),
    credits: Number(row['credits']),
    trialDays: row['trial_days'] === null ? null : Number(row['trial_days']),
    pool: row['pool'] as PlanRecord['pool'],
    priority: Number(row['priority']),
    concurrentItems: Number(row['concurrent_items']),
    apiPerMinute: Number(row['api_per_minute']),
    maxImagePixels: Number(row['max_image_pixels']),
    maxAutomations: Number(row['max_automations']),
    rollover: Boolean(row['rollover']),
    listed: Boolean(row['listed']),
    sort: Number(row['sort']),
  };
}
