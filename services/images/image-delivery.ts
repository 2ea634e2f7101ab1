/**
 * How an image's bytes reach its owner. Where the store can sign URLs (S3) and
 * PINKSEA_IMAGE_DELIVERY=redirect, the image routes check the owner and answer 302 to a presigned
 * URL that works for PINKSEA_SIGNED_URL_TTL, so the bytes come from the store and not through the
 * API; otherwise they stream the bytes as the data dir always has. The studio cannot follow such
 * a redirect with its bearer token (the bucket would need CORS, and S3 refuses a request that
 * carries a second credential), so it asks `GET /images/:name/url` for the URL and shows it in
 * an <img>, which the Content-Security-Policy allows for the store's origin alone.
 */
import type { ImageDelivery, PinkseaConfig } from '../../config/config';
import type { ImageFileStore } from './image-file-store';

export interface ImageDeliveryOptions {
  readonly mode: ImageDelivery;
  readonly ttlSeconds: number;
}

export function deliveryOptions(config: Pick<PinkseaConfig, 'imageDelivery' | 'signedUrlTtlMs'>): ImageDeliveryOptions {
  return { mode: config.imageDelivery, ttlSeconds: Math.max(1, Math.floor(config.signedUrlTtlMs / 1000)) };
}

/**
 * Cache-Control for a redirect to a presigned URL (or for the URL itself): a browser may reuse it
 * for four fifths of the URL's life, so what it reuses still has time left to fetch the bytes.
 */
export function signedUrlCacheControl(ttlSeconds: number): string {
  return `private, max-age=${Math.floor((ttlSeconds * 4) / 5)}`;
}

/**
 * The origin the browser fetches redirected images from (for the Content-Security-Policy's
 * img-src), or undefined when images are streamed. It is read off a URL the store signs, so it is
 * exactly what the SDK makes of PINKSEA_S3_ENDPOINT, the bucket, the region and the path style
 * (AWS: https://<bucket>.s3.<region>.amazonaws.com). Signing is local: nothing is fetched.
 */
export async function imageDeliveryOrigin(files: ImageFileStore, delivery: ImageDeliveryOptions): Promise<string | undefined> {
  if (delivery.mode !== 'redirect' || !files.signedUrl) return undefined;
  return new URL((await files.signedUrl('origin-probe', 'origin-probe', 'full', delivery.ttlSeconds)).url).origin;
}
