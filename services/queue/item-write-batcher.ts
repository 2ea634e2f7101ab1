/**
 * A worker's claims and finishes, sent to the store together: everything asked for while the
 * event loop turns, or while the previous statement was on its way, goes as one statement. A
 * busy worker thus spends one round trip on several items (a finish and the next claim share
 * one), and an idle one waits for none: a lone claim leaves at the next turn.
 *
 * A statement that fails with several writes in it is retried one write at a time, so one item
 * whose write PostgreSQL refuses fails alone, not with its neighbours.
 */
import type { ClaimedItem, ItemFinish, ItemWriteResults, ItemWrites, QueueStore, WorkerIncarnation } from './queue-store';

export interface ItemWriteBatcherOptions {
  readonly store: Pick<QueueStore, 'writeItems'>;
  readonly worker: WorkerIncarnation;
  /** Incarnations of the other workers up now, read when a statement leaves. */
  readonly liveInstances: () => readonly string[];
  /** Batches whose graph the worker holds, read when a statement leaves. */
  readonly knownBatches: () => readonly string[];
}

interface Waiting<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

export class ItemWriteBatcher {
  private claims = new Map<string, Waiting<ClaimedItem | undefined>[]>();
  private finishes: { finish: ItemFinish; waiting: Waiting<boolean> }[] = [];
  private scheduled = false;
  private inFlight = false;

  constructor(private readonly options: ItemWriteBatcherOptions) {}

  /** As QueueStore.claim, sent with whatever else is waiting. */
  claim(itemId: string): Promise<ClaimedItem | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.claims.get(itemId);
      if (waiting) waiting.push({ resolve, reject });
      else this.claims.set(itemId, [{ resolve, reject }]);
      this.schedule();
    });
  }

  /** As QueueStore.finish, sent with whatever else is waiting. */
  finish(finish: ItemFinish): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.finishes.push({ finish, waiting: { resolve, reject } });
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
    const claims = this.claims;
    const finishes = this.finishes;
    this.claims = new Map();
    this.finishes = [];
    if (claims.size === 0 && finishes.length === 0) return;
    this.inFlight = true;
    try {
      const writes = { claims: [...claims.keys()], finishes: finishes.map((entry) => entry.finish) };
      try {
        this.settle(claims, finishes, await this.write(writes));
      } catch (error) {
        if (writes.claims.length + writes.finishes.length === 1) return this.fail(claims, finishes, error);
        await this.oneByOne(claims, finishes);
      }
    } finally {
      this.inFlight = false;
      // What was asked for meanwhile leaves now, together.
      if (this.claims.size > 0 || this.finishes.length > 0) this.schedule();
    }
  }

  private write(writes: ItemWrites): Promise<ItemWriteResults> {
    const self = this.options.worker.instanceId;
    return this.options.store.writeItems(
      writes,
      this.options.worker,
      this.options.liveInstances().filter((id) => id !== self),
      this.options.knownBatches(),
    );
  }

  private async oneByOne(claims: Map<string, Waiting<ClaimedItem | undefined>[]>, finishes: { finish: ItemFinish; waiting: Waiting<boolean> }[]): Promise<void> {
    for (const entry of finishes) {
      try {
        entry.waiting.resolve((await this.write({ claims: [], finishes: [entry.finish] })).finished.has(entry.finish.itemId));
      } catch (error) {
        entry.waiting.reject(error);
      }
    }
    for (const [itemId, waiting] of claims) {
      try {
        const claimed = (await this.write({ claims: [itemId], finishes: [] })).claimed.get(itemId);
        for (const one of waiting) one.resolve(claimed);
      } catch (error) {
        for (const one of waiting) one.reject(error);
      }
    }
  }

  private settle(claims: Map<string, Waiting<ClaimedItem | undefined>[]>, finishes: { finish: ItemFinish; waiting: Waiting<boolean> }[], results: ItemWriteResults): void {
    for (const entry of finishes) entry.waiting.resolve(results.finished.has(entry.finish.itemId));
    for (const [itemId, waiting] of claims) {
      // Two jobs for one item asked at once: only the first gets it, as two claims in turn would.
      const claimed = results.claimed.get(itemId);
      waiting.forEach((one, index) => one.resolve(index === 0 ? claimed : undefined));
    }
  }

  private fail(claims: Map<string, Waiting<ClaimedItem | undefined>[]>, finishes: { finish: ItemFinish; waiting: Waiting<boolean> }[], error: unknown): void {
    for (const entry of finishes) entry.waiting.reject(error);
    for (const waiting of claims.values()) for (const one of waiting) one.reject(error);
  }
}
