/**
 * Where the platform's files live, by key: generated images and their thumbnails, uploads, pack
 * tarballs and model files. Two implementations: the data dir (local-blob-store.ts, the embedded
 * default) and S3-compatible object storage (s3-blob-store.ts: AWS S3, MinIO, Cloudflare R2,
 * Ceph), so the processes of a cluster need no shared disk.
 *
 * Keys are `/`-separated paths of safe segments (letters, digits, `.`, `-`, `_`; no segment
 * starting with `.`), e.g. `images/<owner>/<name>.png`. The database says what exists and whose
 * it is; callers check their record before they touch a key.
 */
import type { Readable } from 'node:stream';
import { PinkseaError } from '../../engine/errors';

export interface BlobInfo {
  readonly key: string;
  readonly size: number;
  readonly modifiedAt: Date;
}

/** Where a reader can fetch an object directly for a while (a presigned GET). */
export interface BlobUrl {
  readonly url: string;
  readonly expiresAt: Date;
}

export interface BlobPutOptions {
  /** The media type kept with the object (served with a presigned URL). */
  readonly contentType?: string;
  /** Bytes a stream may hold at most; past it the upload is abandoned and nothing is kept. */
  readonly maxBytes?: number;
}

export interface BlobStore {
  /** What it is, for logs and errors: "the data dir /srv/pinksea" or "bucket pinksea at minio:9000". */
  readonly description: string;
  /**
   * Stores bytes or a stream whole or not at all, durably before it resolves: a reader never sees
   * half an object, and a failed or interrupted upload leaves nothing (a multipart upload is aborted).
   */
  put(key: string, body: Uint8Array | Readable, options?: BlobPutOptions): Promise<{ size: number }>;
  /** The bytes; BlobMissingError when there is no object. */
  get(key: string): Promise<Buffer>;
  /** A stream of the bytes, opened before it resolves, so a missing object fails here, not mid-response. */
  stream(key: string): Promise<Readable>;
  /** Size and time of an object, or undefined. */
  head(key: string): Promise<BlobInfo | undefined>;
  /** Removes an object; removing what is not there is not an error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`, in key order, a page at a time. */
  list(prefix: string): AsyncIterable<BlobInfo>;
  /** A URL that fetches the object for `ttlSeconds`, where the store can give one (S3); undefined otherwise. */
  signedUrl?(key: string, ttlSeconds: number, options?: { readonly contentType?: string; readonly fileName?: string }): Promise<BlobUrl>;
  /** Checks the store is there and usable (the folder writable, the bucket present); throws naming the setting otherwise. */
  check(): Promise<void>;
  /** Ends its connections, where it holds any. */
  close?(): void;
}

/** A key the database names but the store lacks: the two disagree, which is our fault. */
export class BlobMissingError extends PinkseaError {
  override readonly name = 'BlobMissingError';
  constructor(readonly key: string, store: string) {
    super('blob_missing', `The object "${key}" is missing from ${store}`, 'internal');
  }
}

/**
 * The store could not be reached or refused the request: transient, so the work is retried. The
 * message a client sees says what failed, not where the store is; the store and the cause are in
 * `detail` and the stack, for the log.
 */
export class BlobStoreUnavailableError extends PinkseaError {
  override readonly name = 'BlobStoreUnavailableError';
  readonly detail: string;
  constructor(what: string, store: string, cause: unknown) {
    super('storage_unavailable', `Storage is unavailable right now (could not ${what}); try again shortly`, 'transient');
    this.cause = cause;
    this.detail = `${store}: ${cause instanceof Error ? cause.message : String(cause)}`;
    this.stack = `${this.stack ?? this.message}\nStore: ${this.detail}${cause instanceof Error && cause.stack ? `\nCaused by: ${cause.stack}` : ''}`;
  }
}

/** The store is not there or not usable at start: for the operator, naming the setting to fix. */
export class BlobStoreMisconfiguredError extends PinkseaError {
  override readonly name = 'BlobStoreMisconfiguredError';
  constructor(store: string, problem: string) {
    super('storage_misconfigured', `Storage (${store}) cannot be used: ${problem}`, 'internal');
  }
}

/** An upload larger than its bound. */
export class BlobTooLargeError extends PinkseaError {
  override readonly name = 'BlobTooLargeError';
  constructor(readonly key: string, maxBytes: number) {
    super('blob_too_large', `The upload for "${key}" is over its limit of ${maxBytes} bytes`, 'user');
  }
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

/** Throws unless `key` is a safe key (see above); keys become paths and object names. */
export function checkBlobKey(key: string): string {
  const segments = key.split('/');
  if (key.length > 1000 || segments.some((segment) => !SEGMENT.test(segment))) throw new RangeError(`"${key}" is not a valid storage key`);
  return key;
}
