/**
 * The gallery's database records, by use case. Every method takes the owner and matches only
 * that owner's rows: another user's image is indistinguishable from one that does not exist.
 */
import type { Page, PageRequest } from '../kernel/page';

export const IMAGE_CATEGORIES = ['general', 'mask', 'control', 'user', 'other'] as const;
export type ImageCategory = (typeof IMAGE_CATEGORIES)[number];
export type ImageOrigin = 'internal' | 'external';

/** An image as the API shows it. */
export interface ImageRecord {
  readonly name: string;
  readonly origin: ImageOrigin;
  readonly category: ImageCategory;
  readonly intermediate: boolean;
  readonly starred: boolean;
  readonly boardId: string | null;
  readonly width: number;
  readonly height: number;
  readonly byteSize: number;
  readonly sessionId: string | null;
  readonly nodeId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What a saved PNG carries besides pixels (embedded-data.ts), as `GET /images/:name/metadata` answers it. */
export interface EmbeddedData {
  readonly metadata: Readonly<Record<string, unknown>> | null;
  readonly graph: unknown;
}

/**
 * Where `GET /images/:name/url` says a browser can fetch an image without a token: a presigned
 * URL of the store that works until `expiresAt`, or null where images are streamed through their
 * own routes (the data dir, or PINKSEA_IMAGE_DELIVERY=stream).
 */
export interface ImageLink {
  readonly url: string | null;
  readonly expiresAt: string | null;
}

export interface NewImageRecord {
  readonly name: string;
  readonly ownerId: string;
  readonly origin: ImageOrigin;
  readonly category: ImageCategory;
  readonly intermediate: boolean;
  readonly boardId: string | null;
  readonly width: number;
  readonly height: number;
  readonly byteSize: number;
  readonly sessionId: string | null;
  readonly nodeId: string | null;
  readonly metadata: Readonly<Record<string, unknown>> | null;
}

export interface ImageFilter {
  /** A board id, or 'none' for images on no board; every board when left out. */
  readonly board?: string;
  readonly starred?: boolean;
  readonly category?: ImageCategory;
  readonly includeIntermediate: boolean;
}

export interface ImageRecords {
  /** NotFoundError when `boardId` is not one of the owner's boards. */
  insert(record: NewImageRecord): Promise<ImageRecord>;
  find(ownerId: string, name: string): Promise<ImageRecord | undefined>;
  /** The owner's images among `names`, in no particular order. */
  findMany(ownerId: string, names: readonly string[]): Promise<ImageRecord[]>;
  /** Newest first. */
  list(ownerId: string, filter: ImageFilter, page: PageRequest): Promise<Page<ImageRecord>>;
  setStarred(ownerId: string, name: string, starred: boolean): Promise<ImageRecord | undefined>;
  /** Whether there was such an image to delete. */
  delete(ownerId: string, name: string): Promise<boolean>;
  boardExists(ownerId: string, boardId: string): Promise<boolean>;
}
