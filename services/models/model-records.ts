/**
 * Model records: what the manager knows of each installed model, and the store interface named
 * after its use cases (CONVENTIONS §8). A record with no owner is shared with every user.
 */
import type { Page, PageRequest } from '../kernel/page';

export interface ModelRecord {
  readonly key: string;
  readonly name: string;
  readonly base: string;
  readonly type: string;
  readonly format: string;
  /** Where it came from: an http(s) URL, a local path, or `starter:<package>/<file>`. */
  readonly source: string;
  /** The file or folder: relative to the data dir when installed there, absolute when registered in place. */
  readonly path: string;
  readonly sizeBytes: number;
  /** `blake3:<hex>` of the file, or of the folder's files in path order. */
  readonly hash: string;
  readonly description: string;
  /** The owner, or null for a model every user sees. */
  readonly ownerId: string | null;
  /** Graph inputs and outputs from the probe. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type NewModelRecord = Omit<ModelRecord, 'createdAt' | 'updatedAt'>;

export interface ModelFilter {
  readonly type?: string;
  readonly base?: string;
}

export interface ModelChanges {
  readonly name?: string;
  readonly description?: string;
}

/** Reading records as a user sees them: shared models and their own. */
export interface ModelRecordReader {
  /** The record when `viewerId` may see it (shared or theirs); `undefined` otherwise. */
  findVisible(viewerId: string, key: string): Promise<ModelRecord | undefined>;
}

export interface ModelRecords extends ModelRecordReader {
  insert(record: NewModelRecord): Promise<ModelRecord>;
  /** Any record, whoever owns it (admins, the manager's own checks). */
  find(key: string): Promise<ModelRecord | undefined>;
  /** Shared records whose source is one of these. */
  findSharedBySource(sources: readonly string[]): Promise<ModelRecord[]>;
  /** Shared models plus the viewer's own, newest first. */
  listVisible(viewerId: string, filter: ModelFilter, page: PageRequest): Promise<Page<ModelRecord>>;
  update(key: string, changes: ModelChanges): Promise<ModelRecord | undefined>;
  delete(key: string): Promise<boolean>;
}
