/**
 * The gallery's use cases for one caller: every lookup goes through the owner's records first,
 * so another user's image answers exactly like a missing one (NotFoundError), and no file is
 * touched for an image the caller does not own.
 */
import type { Readable } from 'node:stream';
import { readBody } from '../kernel/read-body';
import type { BlobUrl } from '../storage/blob-store';
import { NotFoundError } from '../kernel/service-errors';
import { isUuid, type Page, type PageRequest } from '../kernel/request-params';
import { makeThumbnail, MAX_IMAGE_PIXELS } from './image-decoding';
import { ImageFileMissingError, type ImageFileStore, type ImageVariant } from './image-file-store';
import type { ImageCategory, ImageFilter, ImageRecord, ImageRecords } from './image-records';
import type { ImageSaver } from './image-saver';
import { readEmbeddedData, type EmbeddedData } from './embedded-data';
import { zipStream } from './image-archive';

const NO_IMAGE = { field: 'file', message: 'send the image file itself as the request body, with an image Content-Type such as image/png (not JSON or a form)' };

export interface UploadOptions {
  readonly category?: ImageCategory;
  readonly board?: string;
  readonly intermediate?: boolean;
}

export interface OpenedImage {
  readonly record: ImageRecord;
  readonly stream: Readable;
}

export interface LinkedImage {
  readonly record: ImageRecord;
  readonly url: BlobUrl;
}

export interface GalleryDeps {
  readonly files: ImageFileStore;
  readonly records: ImageRecords;
  readonly saver: ImageSaver;
  readonly maxUploadBytes: number;
  /** Told about storage faults the response cannot report: a zip failing mid-stream, files a delete left behind. */
  readonly onStorageError?: (message: string, error: unknown) => void;
}

export class ImageGallery {
  constructor(private readonly deps: GalleryDeps) {}

  async list(ownerId: string, filter: ImageFilter, page: PageRequest): Promise<Page<ImageRecord>> {
    if (filter.board !== undefined && filter.board !== 'none') await this.checkBoard(ownerId, filter.board);
    return this.deps.records.list(ownerId, filter, page);
  }

  async get(ownerId: string, name: string): Promise<ImageRecord> {
    const record = await this.deps.records.find(ownerId, name);
    if (!record) throw new NotFoundError('image', name);
    return record;
  }

  async open(ownerId: string, name: string, variant: ImageVariant): Promise<OpenedImage> {
    const record = await this.get(ownerId, name);
    try {
      return { record, stream: await this.deps.files.stream(ownerId, record.name, variant) };
    } catch (error) {
      if (variant !== 'thumbnail' || !(error instanceof ImageFileMissingError)) throw error;
      await this.storeThumbnail(ownerId, record.name);
      return { record, stream: await this.deps.files.stream(ownerId, record.name, variant) };
    }
  }

  /**
   * A presigned URL for a variant of the caller's image, or undefined where the store signs none
   * (the data dir). The record is checked first: another user's image is not found, and no URL
   * is ever made for it.
   */
  async link(ownerId: string, name: string, variant: ImageVariant, ttlSeconds: number): Promise<LinkedImage | undefined> {
    if (!this.deps.files.signedUrl) return undefined;
    const record = await this.get(ownerId, name);
    // The saver stores a thumbnail before the record of every image but intermediate ones and
    // uploads, whose thumbnail is made on first request; a URL to it must find it there.
    const lazy = record.intermediate || record.origin === 'external';
    if (variant === 'thumbnail' && lazy && !(await this.deps.files.has(ownerId, record.name, 'thumbnail'))) await this.storeThumbnail(ownerId, record.name);
    return { record, url: await this.deps.files.signedUrl(ownerId, record.name, variant, ttlSeconds) };
  }

  async embedded(ownerId: string, name: string): Promise<EmbeddedData> {
    const record = await this.get(ownerId, name);
    return readEmbeddedData(await this.deps.files.get(ownerId, record.name, 'full'));
  }

  /** Checks the board, reads the body (byte limit), then stores the image as the caller's upload. */
  async upload(ownerId: string, body: Readable | null | undefined, options: UploadOptions): Promise<ImageRecord> {
    if (options.board !== undefined) await this.checkBoard(ownerId, options.board);
    const bytes = await readBody(body, { maxBytes: this.deps.maxUploadBytes, tooLarge: (limit) => `The upload is larger than ${limit}; send a smaller image.`, missing: NO_IMAGE });
    return this.deps.saver.save(ownerId, {
      data: bytes,
      origin: 'external',
      category: options.category ?? 'user',
      intermediate: options.intermediate ?? false,
      boardId: options.board ?? null,
    });
  }

  async remove(ownerId: string, name: string): Promise<void> {
    // The record goes first: a file left behind by a failed delete is invisible, a record without its file is not.
    if (!(await this.deps.records.delete(ownerId, name))) throw new NotFoundError('image', name);
    await this.deps.files.delete(ownerId, name).catch((error: unknown) => this.reportStorageError(`The files of deleted image "${name}" were left behind`, error));
  }

  async star(ownerId: string, name: string, starred: boolean): Promise<ImageRecord> {
    const record = await this.deps.records.setStarred(ownerId, name, starred);
    if (!record) throw new NotFoundError('image', name);
    return record;
  }

  /** A zip of the named images, in the order given; every name must be the caller's. */
  async archive(ownerId: string, names: readonly string[]): Promise<Readable> {
    const unique = [...new Set(names)];
    const records = new Map((await this.deps.records.findMany(ownerId, unique)).map((record) => [record.name, record]));
    const missing = unique.find((name) => !records.has(name));
    if (missing !== undefined) throw new NotFoundError('image', missing);
    const entries = unique.map((name) => ({
      fileName: `${name}.png`,
      modified: new Date(records.get(name)!.createdAt),
      open: () => this.deps.files.stream(ownerId, name, 'full'),
    }));
    return zipStream(entries, (error) => this.reportStorageError('A bulk download stopped part-way', error));
  }

  /** Makes and stores the thumbnail of an intermediate image, on its first request (image-saver.ts). */
  private async storeThumbnail(ownerId: string, name: string): Promise<void> {
    await this.deps.files.put(ownerId, name, 'thumbnail', await makeThumbnail(await this.deps.files.get(ownerId, name, 'full'), MAX_IMAGE_PIXELS));
  }

  private reportStorageError(message: string, error: unknown): void {
    this.deps.onStorageError?.(message, error);
  }

  private async checkBoard(ownerId: string, board: string): Promise<void> {
    if (!isUuid(board) || !(await this.deps.records.boardExists(ownerId, board))) throw new NotFoundError('board', board);
  }
}
