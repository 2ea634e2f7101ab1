/**
 * The gallery's REST routes (service `images`): list, record, full image, thumbnail, embedded
 * metadata, upload, delete, star, bulk download. Each action declares its params and hands the
 * caller's id to the gallery, which scopes everything by it.
 */
import type { Readable } from 'node:stream';
import type { Logger, ServiceSchema } from 'moleculer';
import type { DataSource } from 'typeorm';
import type { PinkseaConfig } from '../../config/config';
import { defineAction } from '../kernel/action-params';
import { callerOf } from '../kernel/auth-middleware';
import { PAGE_PARAMS, QUERY_BOOLEAN, type Page } from '../kernel/request-params';
import { created } from '../kernel/response-meta';
import type { EmbeddedData } from './embedded-data';
import { ImageGallery } from './image-gallery';
import type { ImageFileStore } from './image-file-store';
import { IMAGE_CATEGORIES, type ImageRecord } from './image-records';
import { createImageSaver, type ImageSaverOptions } from './image-saver';
import { ImageRepository } from './image.repository';

export interface ImagesServiceOptions {
  readonly dataSource: DataSource;
  readonly config: Pick<PinkseaConfig, 'maxUploadBytes'>;
  readonly files: ImageFileStore;
  /** Lower pixel limit (tests); never above MAX_IMAGE_PIXELS. */
  readonly limits?: ImageSaverOptions;
}

const NAME = { name: { type: 'string', min: 1, max: 200 } } as const;
const CATEGORY = { type: 'enum', values: [...IMAGE_CATEGORIES], optional: true } as const;
/** moleculer-web's `type: 'stream'` (missing from its typings): the action gets the request body as ctx.stream. */
const UPLOAD_ROUTE = { method: 'POST', path: '/images/upload', type: 'stream' } as const;
/** Image bytes never change under a name, so browsers may keep them. */
const IMMUTABLE = 'private, max-age=31536000, immutable';

export function createImagesService(options: ImagesServiceOptions): ServiceSchema {
  let logger: Logger | undefined;
  const records = new ImageRepository(options.dataSource);
  const gallery = new ImageGallery({
    files: options.files,
    records,
    saver: createImageSaver(options.files, records, options.limits),
    maxUploadBytes: options.config.maxUploadBytes,
    onStorageError: (message, error) => logger?.error(message, error),
  });

  return {
    name: 'images',
    settings: { rest: '/' },
    created() {
      logger = (this as unknown as { logger: Logger }).logger;
    },
    actions: {
      list: defineAction({
        rest: 'GET /images',
        params: {
          ...PAGE_PARAMS,
          board: { type: 'string', min: 1, max: 100, optional: true },
          starred: QUERY_BOOLEAN,
          category: CATEGORY,
          includeIntermediate: { ...QUERY_BOOLEAN, default: false },
        },
        handler(ctx): Promise<Page<ImageRecord>> {
          const { limit, offset, board, starred, category, includeIntermediate } = ctx.params;
          // A query string cannot say null; a broker call that sends one means "not given", as leaving it out does.
          const filter = { board: board ?? undefined, starred: starred ?? undefined, category: category ?? undefined, includeIntermediate };
          return gallery.list(callerOf(ctx).id, filter, { limit, offset });
        },
      }),
      adminList: defineAction({
        rest: 'GET /admin/images',
        auth: 'admin',
        params: { ownerId: { type: 'uuid' }, ...PAGE_PARAMS, includeIntermediate: { ...QUERY_BOOLEAN, default: false } },
        handler(ctx): Promise<Page<ImageRecord>> {
          const { ownerId, limit, offset, includeIntermediate } = ctx.params;
          return gallery.list(ownerId, { includeIntermediate }, { limit, offset });
        },
      }),
      get: defineAction({
        rest: 'GET /images/:name',
        params: NAME,
        handler(ctx): Promise<ImageRecord> {
          return gallery.get(callerOf(ctx).id, ctx.params.name);
        },
      }),
      full: defineAction({
        rest: 'GET /images/:name/full',
        responseType: 'image/png',
        params: NAME,
        async handler(ctx): Promise<Readable> {
          const { record, stream } = await gallery.open(callerOf(ctx).id, ctx.params.name, 'full');
          ctx.meta.$responseType = 'image/png';
          ctx.meta.$responseHeaders = {
            'Content-Length': String(record.byteSize),
            'Content-Disposition': `inline; filename="${record.name}.png"`,
            'Cache-Control': IMMUTABLE,
          };
          return stream;
        },
      }),
      thumbnail: defineAction({
        rest: 'GET /images/:name/thumbnail',
        responseType: 'image/webp',
        params: NAME,
        async handler(ctx): Promise<Readable> {
          const { stream } = await gallery.open(callerOf(ctx).id, ctx.params.name, 'thumbnail');
          ctx.meta.$responseType = 'image/webp';
          ctx.meta.$responseHeaders = { 'Cache-Control': IMMUTABLE };
          return stream;
        },
      }),
      metadata: defineAction({
        rest: 'GET /images/:name/metadata',
        params: NAME,
        async handler(ctx): Promise<{ name: string } & EmbeddedData> {
          return { name: ctx.params.name, ...(await gallery.embedded(callerOf(ctx).id, ctx.params.name)) };
        },
      }),
      upload: defineAction({
        // The body is the image file itself (any Content-Type but JSON); its type is read from its bytes.
        rest: UPLOAD_ROUTE,
        params: { category: CATEGORY, board: { type: 'string', min: 1, max: 100, optional: true }, intermediate: QUERY_BOOLEAN },
        async handler(ctx): Promise<ImageRecord> {
          const { category, board, intermediate } = ctx.params;
          const options = { category: category ?? undefined, board: board ?? undefined, intermediate: intermediate ?? undefined };
          const record = await gallery.upload(callerOf(ctx).id, ctx.stream as Readable | null, options);
          created(ctx.meta, record.name);
          return record;
        },
      }),
      remove: defineAction({
        rest: 'DELETE /images/:name',
        params: NAME,
        async handler(ctx): Promise<{ name: string; deleted: true }> {
          await gallery.remove(callerOf(ctx).id, ctx.params.name);
          return { name: ctx.params.name, deleted: true };
        },
      }),
      star: defineAction({
        rest: 'POST /images/:name/star',
        params: NAME,
        handler(ctx): Promise<ImageRecord> {
          return gallery.star(callerOf(ctx).id, ctx.params.name, true);
        },
      }),
      unstar: defineAction({
        rest: 'POST /images/:name/unstar',
        params: NAME,
        handler(ctx): Promise<ImageRecord> {
          return gallery.star(callerOf(ctx).id, ctx.params.name, false);
        },
      }),
      download: defineAction({
        rest: 'POST /images/download',
        responseType: 'application/zip',
        params: { names: { type: 'array', min: 1, max: 1000, items: { type: 'string', min: 1, max: 200 } } },
        async handler(ctx): Promise<Readable> {
          const zip = await gallery.archive(callerOf(ctx).id, ctx.params.names);
          ctx.meta.$responseType = 'application/zip';
          ctx.meta.$responseHeaders = { 'Content-Disposition': 'attachment; filename="images.zip"' };
          return zip;
        },
      }),
    },
  };
}
