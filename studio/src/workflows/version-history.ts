/**
 * The Versions panel's history: pages of a workflow's published versions (newest first) loaded
 * one after another ("Load more"), and how each row names its author (its time is
 * core/relative-time.ts's). Plain state over a loader, so it is tested without HTTP.
 */
import { computed, signal } from '@angular/core';
import type { Page, WorkflowVersionSummary } from '../core/api-types';

export type VersionPageLoader = (offset: number, limit: number) => Promise<Page<WorkflowVersionSummary>>;

export const VERSION_PAGE_SIZE = 20;

export class VersionHistory {
  private readonly list = signal<readonly WorkflowVersionSummary[]>([]);
  private readonly count = signal(0);
  private readonly busy = signal(false);
  /** Bumped by `reload`, so a page asked for before it is dropped when it answers. */
  private generation = 0;

  readonly items = computed(() => this.list());
  readonly total = computed(() => this.count());
  readonly loading = computed(() => this.busy());
  readonly hasMore = computed(() => this.list().length < this.count());

  constructor(private readonly load: VersionPageLoader, private readonly pageSize = VERSION_PAGE_SIZE) {}

  /** Starts over from the newest version (after a publish, or for another workflow). */
  async reload(): Promise<void> {
    this.generation += 1;
    this.list.set([]);
    this.count.set(0);
    await this.fetch(0);
  }

  /** The next page; nothing while one is loading or when every version is shown. */
  async more(): Promise<void> {
    if (this.busy() || !this.hasMore()) return;
    await this.fetch(this.list().length);
  }

  private async fetch(offset: number): Promise<void> {
    const generation = this.generation;
    this.busy.set(true);
    try {
      const page = await this.load(offset, this.pageSize);
      if (generation !== this.generation) return;
      // A version published between two pages shifts the offsets by one: skip what is shown.
      const shown = new Set(this.list().map((version) => version.version));
      this.list.update((items) => [...items, ...page.items.filter((version) => !shown.has(version.version))]);
      this.count.set(page.total);
    } finally {
      if (generation === this.generation) this.busy.set(false);
    }
  }
}

/** The version before `version`, which numbers never skip; null for the first. */
export function previousVersion(version: number): number | null {
  return version > 1 ? version - 1 : null;
}

/** Who published a version, as the signed-in user reads it: the API gives an id only. */
export function authorName(authorId: string | null, me: { readonly id: string; readonly displayName: string } | null): string {
  if (authorId === null) return 'a deleted account';
  if (me && authorId === me.id) return 'you';
  return 'another account';
}
