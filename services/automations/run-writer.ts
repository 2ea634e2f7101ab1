/**
 * Run records, written in batches: every write asked for while the event loop turns, or while the
 * previous statement was on its way, goes as one statement. A webhook answering a thousand runs a
 * second thus costs PostgreSQL a few dozen commits, not a thousand, and each caller still waits
 * until its own record is durable. A statement that fails is retried one run at a time, so one run
 * PostgreSQL refuses fails alone.
 */
import type { RunWrite } from './automation.repository';

export interface RunStore {
  writeRuns(runs: readonly RunWrite[]): Promise<Set<string>>;
}

interface Waiting {
  readonly run: RunWrite;
  readonly resolve: (written: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/** Runs in one statement at most (the JSON parameter stays well under a few megabytes). */
const MAX_BATCH = 500;

export class RunWriter {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private inFlight = false;

  constructor(private readonly store: RunStore) {}

  /** Writes the run whole; false when it was not written (its fire key is taken, or it had already ended). */
  write(run: RunWrite): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ run, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.waiting.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    this.inFlight = true;
    try {
      await this.send(batch);
    } finally {
      this.inFlight = false;
      if (this.waiting.length > 0) this.schedule();
    }
  }

  private async send(batch: readonly Waiting[]): Promise<void> {
    // Two writes of one run in a batch (its start and its end): only the last one counts.
    const last = new Map<string, Waiting>();
    for (const entry of batch) last.set(entry.run.id, entry);
    try {
      const written = await this.store.writeRuns([...last.values()].map((entry) => entry.run));
      for (const entry of batch) entry.resolve(written.has(entry.run.id));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const entry of batch) {
        await this.store.writeRuns([entry.run]).then(
          (written) => entry.resolve(written.has(entry.run.id)),
          (failure: unknown) => entry.reject(failure),
        );
      }
    }
  }
}
