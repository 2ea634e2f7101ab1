/**
 * The gallery's REST routes (service `images`): list, record, full image, thumbnail, embedded
 * metadata, upload, delete, star, bulk download. Each action declares its params and hands the
 * caller's id to the gallery, which scopes everything by it. The full image and the thumbnail are
 * a redirect to a presigned URL where the store signs them and delivery is `redirect`
 * (image-delivery.ts), their bytes otherwise.
 */
import type { Readable } from 'node:stream';
import { IMAGE_ON_BOARD, type ImageOnBoard } from '../boards/board-events';
import type { Logger, ServiceSchema } from 'moleculer';
import type { DataSource } from 'typeorm';
import type { PinkseaConfig } from '../../config/config';
import { defineAction } from '../kernel/action-params';
import { callerOf } from '../kernel/auth-middleware';
import { PAGE_PARAMS, QUERY_BOOLEAN, type Page } from '../kernel/request-params';
import { created, type ResponseMeta } from '../kernel/response-meta';
import type { EmbeddedData } from './embedded-data';
import { deliveryOptions, signedUrlCacheControl } from './image-delivery';
import { ImageGallery } from './image-gallery';
import type { ImageFileStore, ImageVariant } from './image-file-store';
import { IMAGE_CATEGORIES, type ImageLink, type ImageRecord } from './image-records';
import { createImageSaver, type ImageSaverOptions } from './image-saver';
import { ImageRepository } from './image.repository';

export interface ImagesServiceOptions {
  readonly dataSource: DataSource;
  readonly config: Pick<PinkseaConfig, 'maxUploadBytes' | 'imageDelivery' | 'signedUrlTtlMs'>;
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
const VARIANTS = ['full', 'thumbnail'] as const satisfies readonly ImageVariant[];
const REDIRECTS =
  'Where images are kept in S3-compatible storage (and PINKSEA_IMAGE_DELIVERY is redirect), the answer is 302 to a presigned URL of the store that works for PINKSEA_SIGNED_URL_TTL; ' +
  'follow it without the Authorization header. Otherwise the bytes come in the answer.';

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
  const delivery = deliveryOptions(options.config);

  /** Answers 302 to a presigned URL of the caller's image where images are delivered so; false where they are streamed. */
  async function redirected(meta: ResponseMeta, ownerId: string, name: string, variant: ImageVariant): Promise<boolean> {
    if (delivery.mode !== 'redirect') return false;
    const linked = await gallery.link(ownerId, name, variant, delivery.ttlSeconds);
    if (!linked) return false;
    meta.$statusCode = 302;
    meta.$location = linked.url.url;
    meta.$responseHeaders = { 'Cache-Control': signedUrlCacheControl(delivery.ttlSeconds) };
    return true;
  }

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
        description: REDIRECTS,
        params: NAME,
        async handler(ctx): Promise<Readable | null> {
          if (await redirected(ctx.meta, callerOf(ctx).id, ctx.params.name, 'full')) return null;
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
        description: REDIRECTS,
        params: NAME,
        async handler(ctx): Promise<Readable | null> {
          if (await redirected(ctx.meta, callerOf(ctx).id, ctx.params.name, 'thumbnail')) return null;
          const { stream } = await gallery.open(callerOf(ctx).id, ctx.params.name, 'thumbnail');
          ctx.meta.$responseType = 'image/webp';
          ctx.meta.$responseHeaders = { 'Cache-Control': IMMUTABLE };
          return stream;
        },
      }),
      url: defineAction({
        rest: 'GET /images/:name/url',
        summary: 'A URL that fetches the image without a token, where images are delivered by presigned URLs',
        description: 'The studio shows images through it: a browser cannot follow a redirect to the store with its bearer token. `url` is null where images are streamed; fetch the full or thumbnail route then.',
        params: { ...NAME, variant: { type: 'enum', values: [...VARIANTS], default: 'full' } },
        async handler(ctx): Promise<ImageLink> {
          const ownerId = callerOf(ctx).id;
          const linked = delivery.mode === 'redirect' ? await gallery.link(ownerId, ctx.params.name, ctx.params.variant, delivery.ttlSeconds) : undefined;
          if (!linked) {
            await gallery.get(ownerId, ctx.params.name);
            return { url: null, expiresAt: null };
          }
          ctx.meta.$responseHeaders = { 'Cache-Control': signedUrlCacheControl(delivery.ttlSeconds) };
          return { url: linked.url.url, expiresAt: linked.url.expiresAt.toISOString() };
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
          const ownerId = callerOf(ctx).id;
          const record = await gallery.upload(ownerId, ctx.stream as Readable | null, options);
          if (record.boardId) void ctx.emit(IMAGE_ON_BOARD, { ownerId, imageName: record.name, boardId: record.boardId } satisfies ImageOnBoard);
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
