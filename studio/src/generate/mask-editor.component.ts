import { ChangeDetectionStrategy, Component, ElementRef, effect, input, signal, viewChild } from '@angular/core';
import { AuthImageDirective } from '../core/auth-image.directive';
import { MaskPainter, type Point, canvasPoint } from './mask-painter';

/**
 * Paints an inpainting mask over the init image: white repaints, black keeps. Brush size, erase
 * and clear; `toPng()` gives the mask at the image's own size for upload.
 */
@Component({
  selector: 'ps-mask-editor',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [AuthImageDirective],
  template: `
    <div class="tools">
      <label class="inline">Brush
        <input type="range" min="1" max="128" [value]="brush()" (input)="brush.set(+$any($event.target).value)" aria-label="Brush size">
        <span class="muted small">{{ brush() }} px</span>
      </label>
      <button type="button" [attr.aria-pressed]="erasing()" (click)="erasing.set(!erasing())">{{ erasing() ? 'Erasing' : 'Erase' }}</button>
      <button type="button" (click)="clear()">Clear mask</button>
    </div>
    <div class="stage" [style.aspect-ratio]="width() + ' / ' + height()">
      <img psAuthImage [imageName]="imageName()" variant="full" alt="The init image under the mask">
      <canvas #canvas aria-label="Inpainting mask: paint where the image should change" data-testid="mask-canvas"
        (pointerdown)="down($event)" (pointermove)="move($event)" (pointerup)="up($event)" (pointercancel)="up($event)"></canvas>
    </div>
    <p class="muted small">Paint over what should change; white is repainted.</p>
  `,
  styles: `
    :host { display: grid; gap: 0.4rem; }
    .tools { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
    .inline { display: flex; align-items: center; gap: 0.4rem; }
    .small { font-size: 0.8rem; margin: 0; }
    .stage { position: relative; width: 100%; max-width: 24rem; background: var(--panel-2); border-radius: 6px; overflow: hidden; }
    .stage img, .stage canvas { position: absolute; inset: 0; width: 100%; height: 100%; image-rendering: pixelated; }
    canvas { mix-blend-mode: screen; opacity: 0.65; cursor: crosshair; touch-action: none; }
  `,
})
export class MaskEditorComponent {
  readonly imageName = input.required<string>();
  readonly width = input.required<number>();
  readonly height = input.required<number>();

  protected readonly brush = signal(16);
  protected readonly erasing = signal(false);
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private painter: MaskPainter | null = null;
  private last: Point | null = null;

  constructor() {
    effect(() => {
      const canvas = this.canvas().nativeElement;
      this.painter ??= new MaskPainter(canvas);
      this.painter.reset(this.width(), this.height());
    });
  }

  protected clear(): void {
    this.painter?.clear();
  }

  protected down(event: PointerEvent): void {
    (event.target as HTMLElement).setPointerCapture?.(event.pointerId);
    this.last = null;
    this.paint(event);
  }

  protected move(event: PointerEvent): void {
    if (event.buttons & 1) this.paint(event);
  }

  protected up(event: PointerEvent): void {
    (event.target as HTMLElement).releasePointerCapture?.(event.pointerId);
    this.last = null;
  }

  private paint(event: PointerEvent): void {
    const painter = this.painter;
    if (!painter) return;
    const point = canvasPoint(event.clientX, event.clientY, this.canvas().nativeElement.getBoundingClientRect(), painter.width, painter.height);
    // The brush is sized in screen pixels, so it feels the same at any image size.
    const scale = painter.width / Math.max(1, this.canvas().nativeElement.getBoundingClientRect().width);
    painter.stroke(this.last, point, Math.max(1, this.brush() * scale), this.erasing());
    this.last = point;
  }

  /** Whether anything is painted to repaint. */
  painted(): boolean {
    return this.painter?.painted() ?? false;
  }

  toPng(): Promise<Blob> {
    if (!this.painter) return Promise.reject(new Error('The mask is not ready'));
    return this.painter.toPng();
  }
}
