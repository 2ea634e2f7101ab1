/**
 * The box-select gesture on the editor's canvas: Shift and drag on empty canvas draws a dashed box;
 * on release the editor selects the nodes it overlaps (Ctrl or Cmd adds to the selection).
 * Positions are in the container's screen pixels; the editor maps them onto the canvas.
 */
import type { Point } from './workflow-graph';

export function screenRect(a: Point, b: Point): { left: number; top: number; right: number; bottom: number } {
  return { left: Math.min(a.x, b.x), top: Math.min(a.y, b.y), right: Math.max(a.x, b.x), bottom: Math.max(a.y, b.y) };
}

export class BoxSelectGesture {
  private box: { readonly start: Point; readonly element: HTMLElement; readonly add: boolean } | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly select: (from: Point, to: Point, add: boolean) => void,
  ) {
    container.addEventListener('pointerdown', this.start, { capture: true });
  }

  destroy(): void {
    this.container.removeEventListener('pointerdown', this.start, { capture: true });
    this.end();
  }

  private readonly start = (event: PointerEvent): void => {
    if (!event.shiftKey || event.button !== 0) return;
    const target = event.target as HTMLElement;
    if (target.closest('[data-testid="node"], [data-testid="socket"], .minimap, [data-testid="minimap"]')) return;
    event.stopPropagation();
    event.preventDefault();
    const element = document.createElement('div');
    element.dataset['testid'] = 'selection-box';
    element.style.cssText = 'position:absolute;z-index:20;pointer-events:none;border:1px dashed #8ab4ff;background:#8ab4ff22;';
    this.container.appendChild(element);
    this.box = { start: this.local(event), element, add: event.ctrlKey || event.metaKey };
    this.draw(this.box.start);
    window.addEventListener('pointermove', this.move);
    window.addEventListener('pointerup', this.up);
  };

  private readonly move = (event: PointerEvent): void => this.draw(this.local(event));

  private readonly up = (event: PointerEvent): void => {
    const box = this.box;
    if (!box) return;
    const end = this.local(event);
    this.end();
    this.select(box.start, end, box.add);
  };

  private end(): void {
    window.removeEventListener('pointermove', this.move);
    window.removeEventListener('pointerup', this.up);
    this.box?.element.remove();
    this.box = null;
  }

  /** A pointer's position in the container, in screen pixels. */
  private local(event: PointerEvent): Point {
    const rect = this.container.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  private draw(to: Point): void {
    if (!this.box) return;
    const rect = screenRect(this.box.start, to);
    Object.assign(this.box.element.style, { left: `${rect.left}px`, top: `${rect.top}px`, width: `${rect.right - rect.left}px`, height: `${rect.bottom - rect.top}px` });
  }
}
