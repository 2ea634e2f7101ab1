/**
 * Whether the session an access token names (its refresh-token family, the `sid` claim) was
 * signed out, answered from memory on nearly every request. Each accounts process keeps a small
 * LRU of families it has asked about:
 *
 * - a family found live is trusted for `liveTtlMs` (a few seconds), then asked again: one indexed
 *   query per session per interval on each process, however many requests the session makes;
 * - a family signed out here is marked at once and announced to every accounts process of the
 *   cluster (`SESSIONS_REVOKED_EVENT`), which mark it too; the interval only bounds the delay
 *   when a process misses the event;
 * - a revoked family is remembered as long as an access token of it can live.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from './clock';

/** Broadcast by the accounts process that revoked sessions; every accounts process listens. */
export const SESSIONS_REVOKED_EVENT = 'accounts.sessionsRevoked';

export interface SessionsRevoked {
  readonly familyIds: readonly string[];
}

export interface SessionRevocationSettings {
  /** How long "this session is still signed in" is believed before the database is asked again. */
  readonly liveTtlMs: number;
  /** How long a revoked session is remembered: the lifetime of an access token. */
  readonly revokedTtlMs: number;
  /** Sessions remembered at most; the least recently used leave first. */
  readonly maxEntries?: number;
}

export interface SessionRevocationDeps {
  /** The database's answer: does the family still have a token that is not revoked? */
  readonly isFamilyLive: (familyId: string) => Promise<boolean>;
  /** Tells the other processes (a broker broadcast); this process marks them itself first. */
  readonly announce: (event: SessionsRevoked) => void;
  readonly clock?: Clock;
}

export class SessionRevocations {
  /** Family id to "live"; absent when unknown or stale. */
  private readonly known: LRUCache<string, boolean>;
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(
    private readonly deps: SessionRevocationDeps,
    private readonly settings: SessionRevocationSettings,
  ) {
    const clock = deps.clock;
    this.known = new LRUCache<string, boolean>({
      max: settings.maxEntries ?? 50_000,
      ttl: settings.liveTtlMs,
      ...(clock ? { perf: { now: clock }, ttlResolution: 0 } : {}),
    });
  }

  /** Whether the family was signed out; asks the database only when this process does not know. */
  async isRevoked(familyId: string): Promise<boolean> {
    const live = this.known.get(familyId);
    if (live !== undefined) return !live;
    let question = this.asking.get(familyId);
    if (!question) {
      question = this.ask(familyId).finally(() => this.asking.delete(familyId));
      this.asking.set(familyId, question);
    }
    return !(await question);
  }

  /** Marks families signed out here and tells every other process. */
  revoke(familyIds: readonly string[]): void {
    if (familyIds.length === 0) return;
    this.markRevoked(familyIds);
    this.deps.announce({ familyIds: [...familyIds] });
  }

  /** Marks families another process signed out (the event's handler). */
  markRevoked(familyIds: readonly string[]): void {
    for (const familyId of familyIds) this.known.set(familyId, false, { ttl: this.settings.revokedTtlMs });
  }

  private async ask(familyId: string): Promise<boolean> {
    const live = await this.deps.isFamilyLive(familyId);
    // A revocation that arrived while the database answered is newer than the answer.
    if (this.known.get(familyId) === false) return false;
    this.known.set(familyId, live, { ttl: live ? this.settings.liveTtlMs : this.settings.revokedTtlMs });
    return live;
  }
}
