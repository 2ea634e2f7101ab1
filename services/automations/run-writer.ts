/**
 * Run records, written in batches: every write asked for while the event loop turns, or while the
 * previous statement was on its way, goes as one statement. A webhook answering a thousand runs a
 * second thus costs PostgreSQL a few dozen commits, not a thousand, and each caller still waits
 * until its own record is durable. A statement that fails is retried one run at a time, so one run
 * PostgreSQL refuses fails alone.
 */
import type { RunWrite } from './run.repository';

export interface RunStore {
  writeRuns(runs: readonly RunWrite[], options?: { relaxed?: boolean }): Promise<Set<string>>;
  insertRuns(runs: readonly RunWrite[], options?: { relaxed?: boolean }): Promise<Set<string>>;
}

/** `durable` waits for the commit to reach the disk; `relaxed` does not (see AutomationRepository.writeRuns). */
export type Durability = 'durable' | 'relaxed';

interface Waiting {
  readonly run: RunWrite;
  readonly resolve: (written: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/** Runs in one statement at most (the JSON parameter stays well under a few megabytes). */
const MAX_BATCH = 500;
/** Relaxed statements on their way at once (the connections AutomationRepository keeps for them). */
export const RELAXED_IN_FLIGHT = 2;

export class RunWriter {
  private readonly lanes: Record<Durability, Lane>;
  private readonly fresh: Lane;

  constructor(store: RunStore) {
    const write = store.writeRuns.bind(store);
    // Durable writes keep their order (a run's start lands before its end): one statement at a time.
    // A relaxed write is a run's only one, so two statements may be on their way together.
    this.lanes = { durable: new Lane(write, false, 1), relaxed: new Lane(write, true, RELAXED_IN_FLIGHT) };
    this.fresh = new Lane(store.insertRuns.bind(store), true, RELAXED_IN_FLIGHT);
  }

  /**
   * Writes a run never written before, relaxed, as its one write; false when its id or fire key is
   * taken (then `write` it). Cheaper than `write`: a plain insert.
   */
  insertNew(run: RunWrite): Promise<boolean> {
    return this.fresh.write(run);
  }

  /**
   * Writes the run whole; false when it was not written (its fire key is taken, or it had already
   * ended). The two durabilities go in statements of their own; within one, writes keep their order.
   */
  write(run: RunWrite, durability: Durability = 'durable'): Promise<boolean> {
    return this.lanes[durability].write(run);
  }
}

/** The writes of one durability: `maxInFlight` statements on their way at most, the rest gathering for the next. */
class Lane {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly store: (runs: readonly RunWrite[], options: { relaxed: boolean }) => Promise<Set<string>>,
    private readonly relaxed: boolean,
    private readonly maxInFlight: number,
  ) {}

  write(run: RunWrite): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ run, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.waiting.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    this.inFlight++;
    try {
      await this.send(batch);
    } finally {
      this.inFlight--;
      if (this.waiting.length > 0) this.schedule();
    }
  }

  private async send(batch: readonly Waiting[]): Promise<void> {
    // Two writes of one run in a batch (its start and its end): only the last one counts.
    const last = new Map<string, Waiting>();
    for (const entry of batch) last.set(entry.run.id, entry);
    try {
      const written = await this.store([...last.values()].map((entry) => entry.run), { relaxed: this.relaxed });
      for (const entry of batch) entry.resolve(written.has(entry.run.id));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const entry of batch) {
        await this.store([entry.run], { relaxed: this.relaxed }).then(
          (written) => entry.resolve(written.has(entry.run.id)),
          (failure: unknown) => entry.reject(failure),
        );
      }
    }
  }
}
