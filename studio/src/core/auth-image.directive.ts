import { DestroyRef, Directive, ElementRef, effect, inject, input, signal } from '@angular/core';
import { ImageUrls, type ImageSource, type ImageVariant } from './image-urls';

export type { ImageVariant } from './image-urls';

/**
 * `<img psAuthImage [imageName]="name">`: image routes need the bearer token, which an <img src>
 * cannot send, so the picture comes from a presigned URL of the store where the platform gives
 * one, or is fetched as a blob and shown through an object URL (image-urls.ts).
 */
@Directive({ selector: 'img[psAuthImage]', host: { '[attr.aria-busy]': 'loading()' } })
export class AuthImageDirective {
  readonly imageName = input.required<string>();
  readonly variant = input<ImageVariant>('thumbnail');

  private readonly images = inject(ImageUrls);
  private readonly element = inject<ElementRef<HTMLImageElement>>(ElementRef);
  private objectUrl: string | null = null;
  protected readonly loading = signal(false);

  constructor() {
    effect((onCleanup) => {
      this.loading.set(true);
      const request = this.images.open(this.imageName(), this.variant()).subscribe({
        next: (source) => this.show(source),
        error: () => this.loading.set(false),
      });
      onCleanup(() => request.unsubscribe());
    });
    inject(DestroyRef).onDestroy(() => this.show(null));
  }

  private show(source: ImageSource | null): void {
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = source?.objectUrl ? source.url : null;
    this.loading.set(false);
    if (source) this.element.nativeElement.src = source.url;
    else this.element.nativeElement.removeAttribute('src');
  }
}
