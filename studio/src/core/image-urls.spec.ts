import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { ImageUrls } from './image-urls';

describe('ImageUrls', () => {
  let images: ImageUrls;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting()] });
    images = TestBed.inject(ImageUrls);
    backend = TestBed.inject(HttpTestingController);
  });
  afterEach(() => backend.verify());

  it('shows a presigned URL of the store where the platform gives one, and reuses it while it has time left', async () => {
    const url = 'https://pinksea.s3.eu-west-1.amazonaws.com/images/u1/a%20b.webp?X-Amz-Signature=abc';
    const first = firstValueFrom(images.open('a b', 'thumbnail'));
    backend.expectOne('/api/v1/images/a%20b/url?variant=thumbnail').flush({ url, expiresAt: new Date(Date.now() + 300_000).toISOString() });
    expect(await first).toEqual({ url, objectUrl: false });
    expect(await firstValueFrom(images.open('a b', 'thumbnail'))).toEqual({ url, objectUrl: false });

    const full = firstValueFrom(images.open('a b', 'full'));
    backend.expectOne('/api/v1/images/a%20b/url?variant=full').flush({ url: `${url}&full`, expiresAt: new Date(Date.now() + 300_000).toISOString() });
    expect((await full).url).toBe(`${url}&full`);
  });

  it('asks again for a URL that is close to expiring', async () => {
    const first = firstValueFrom(images.open('x', 'full'));
    backend.expectOne('/api/v1/images/x/url?variant=full').flush({ url: 'https://store/x?1', expiresAt: new Date(Date.now() + 1000).toISOString() });
    await first;
    await new Promise((resolve) => setTimeout(resolve, 850));
    const again = firstValueFrom(images.open('x', 'full'));
    backend.expectOne('/api/v1/images/x/url?variant=full').flush({ url: 'https://store/x?2', expiresAt: new Date(Date.now() + 300_000).toISOString() });
    expect((await again).url).toBe('https://store/x?2');
  });

  it('fetches the bytes with the token where images are streamed, and then goes straight to them', async () => {
    const first = firstValueFrom(images.open('x', 'thumbnail'));
    backend.expectOne('/api/v1/images/x/url?variant=thumbnail').flush({ url: null, expiresAt: null });
    backend.expectOne('/api/v1/images/x/thumbnail').flush(new Blob(['webp'], { type: 'image/webp' }));
    const source = await first;
    expect(source.objectUrl).toBeTrue();
    expect(source.url).toMatch(/^blob:/);
    URL.revokeObjectURL(source.url);

    const next = firstValueFrom(images.open('y', 'full'));
    backend.expectOne('/api/v1/images/y/full').flush(new Blob(['png'], { type: 'image/png' }));
    URL.revokeObjectURL((await next).url);
  });
});
