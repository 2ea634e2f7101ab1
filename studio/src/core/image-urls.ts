import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { type Observable, map, of, switchMap } from 'rxjs';
import { API_BASE, type ImageLink } from './api-types';

export type ImageVariant = 'full' | 'thumbnail';

/** What an <img> shows: a URL, and whether it is an object URL of ours to revoke when done. */
export interface ImageSource {
  readonly url: string;
  readonly objectUrl: boolean;
}

/** Presigned URLs kept for reuse at most; the oldest go first. */
const MAX_LINKS = 1000;

/**
 * Where the studio shows an image from. Where the platform delivers images by presigned URLs
 * (S3), it asks `GET /images/:name/url` and shows that URL: the browser fetches the bytes from
 * the store with no token (following the image route's redirect with one cannot work: the bucket
 * would need CORS, and S3 refuses a request carrying a second credential). Where images are
 * streamed (the data dir), the bytes are fetched with the token and shown through an object URL;
 * once the platform has said so, the studio does that straight away.
 */
@Injectable({ providedIn: 'root' })
export class ImageUrls {
  private readonly http = inject(HttpClient);
  private streamed = false;
  private readonly links = new Map<string, { readonly url: string; readonly reuseUntil: number }>();

  open(name: string, variant: ImageVariant): Observable<ImageSource> {
    const route = `${API_BASE}/images/${encodeURIComponent(name)}`;
    const bytes = () => this.http.get(`${route}/${variant}`, { responseType: 'blob' }).pipe(map((blob): ImageSource => ({ url: URL.createObjectURL(blob), objectUrl: true })));
    if (this.streamed) return bytes();
    const key = `${variant}:${name}`;
    const known = this.links.get(key);
    if (known && known.reuseUntil > Date.now()) return of({ url: known.url, objectUrl: false });
    return this.http.get<ImageLink>(`${route}/url`, { params: { variant } }).pipe(
      switchMap((link) => {
        if (link.url === null || link.expiresAt === null) {
          this.streamed = true;
          return bytes();
        }
        this.remember(key, link.url, Date.parse(link.expiresAt));
        return of({ url: link.url, objectUrl: false });
      }),
    );
  }

  /** Keeps a URL for four fifths of the time it has left, so a reused one still has time to load. */
  private remember(key: string, url: string, expiresAt: number): void {
    const now = Date.now();
    this.links.delete(key);
    this.links.set(key, { url, reuseUntil: now + ((expiresAt - now) * 4) / 5 });
    if (this.links.size > MAX_LINKS) this.links.delete(this.links.keys().next().value!);
  }
}
