import { HttpClient } from '@angular/common/http';
import { DestroyRef, Directive, ElementRef, effect, inject, input, signal } from '@angular/core';
import { API_BASE } from './api-types';

export type ImageVariant = 'full' | 'thumbnail';

/**
 * `<img psAuthImage [imageName]="name">`: image routes need the bearer token, which an <img src>
 * cannot send, so the picture is fetched as a blob and shown through an object URL.
 */
@Directive({ selector: 'img[psAuthImage]', host: { '[attr.aria-busy]': 'loading()' } })
export class AuthImageDirective {
  readonly imageName = input.required<string>();
  readonly variant = input<ImageVariant>('thumbnail');

  private readonly http = inject(HttpClient);
  private readonly element = inject<ElementRef<HTMLImageElement>>(ElementRef);
  private objectUrl: string | null = null;
  protected readonly loading = signal(false);

  constructor() {
    effect((onCleanup) => {
      const url = `${API_BASE}/images/${encodeURIComponent(this.imageName())}/${this.variant()}`;
      this.loading.set(true);
      const request = this.http.get(url, { responseType: 'blob' }).subscribe({
        next: (blob) => this.show(URL.createObjectURL(blob)),
        error: () => this.loading.set(false),
      });
      onCleanup(() => request.unsubscribe());
    });
    inject(DestroyRef).onDestroy(() => this.show(null));
  }

  private show(url: string | null): void {
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = url;
    this.loading.set(false);
    if (url) this.element.nativeElement.src = url;
    else this.element.nativeElement.removeAttribute('src');
  }
}
