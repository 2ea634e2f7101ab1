/** Rotated rectangles for the text detector: the convex hull of a point set and its smallest enclosing rectangle. */

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A rectangle by its center, unit axis along the width, and half sizes. */
export interface RotatedRect {
  readonly center: Point;
  readonly axis: Point;
  readonly halfWidth: number;
  readonly halfHeight: number;
}

/** Andrew's monotone chain; the hull counter-clockwise, without repeated points. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length < 3) return sorted;
  const cross = (o: Point, a: Point, b: Point) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const half = (list: Point[]) => {
    const chain: Point[] = [];
    for (const point of list) {
      while (chain.length >= 2 && cross(chain[chain.length - 2]!, chain[chain.length - 1]!, point) <= 0) chain.pop();
      chain.push(point);
    }
    chain.pop();
    return chain;
  };
  return [...half(sorted), ...half([...sorted].reverse())];
}

/** The smallest-area rectangle around the points: one of its sides lies on a hull edge. */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  let best: RotatedRect | undefined;
  let bestArea = Infinity;
  const edges = hull.length < 2 ? [{ x: 1, y: 0 }] : hull.map((point, index) => {
    const next = hull[(index + 1) % hull.length]!;
    return { x: next.x - point.x, y: next.y - point.y };
  });
  for (const edge of edges) {
    const length = Math.hypot(edge.x, edge.y);
    if (length === 0) continue;
    const u = { x: edge.x / length, y: edge.y / length };
    let [minU, maxU, minV, maxV] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const p of hull.length > 0 ? hull : points) {
      const pu = p.x * u.x + p.y * u.y;
      const pv = -p.x * u.y + p.y * u.x;
      [minU, maxU, minV, maxV] = [Math.min(minU, pu), Math.max(maxU, pu), Math.min(minV, pv), Math.max(maxV, pv)];
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      const center = { x: cu * u.x - cv * u.y, y: cu * u.y + cv * u.x };
      best = { center, axis: u, halfWidth: (maxU - minU) / 2, halfHeight: (maxV - minV) / 2 };
    }
  }
  return normalize(best ?? { center: points[0] ?? { x: 0, y: 0 }, axis: { x: 1, y: 0 }, halfWidth: 0, halfHeight: 0 });
}

/** The same rectangle with its axis along the longer side, pointing right (or down when vertical). */
function normalize(rect: RotatedRect): RotatedRect {
  let { axis, halfWidth, halfHeight } = rect;
  if (halfHeight > halfWidth) {
    axis = { x: -axis.y, y: axis.x };
    [halfWidth, halfHeight] = [halfHeight, halfWidth];
  }
  if (axis.x < 0 || (axis.x === 0 && axis.y < 0)) axis = { x: -axis.x, y: -axis.y };
  return { center: rect.center, axis, halfWidth, halfHeight };
}

/** The corners, clockwise on screen from the top-left: top-left, top-right, bottom-right, bottom-left. */
export function corners(rect: RotatedRect): [Point, Point, Point, Point] {
  const { center: c, axis: u, halfWidth: w, halfHeight: h } = rect;
  let v = { x: -u.y, y: u.x };
  if (v.y < 0) v = { x: -v.x, y: -v.y };
  const at = (a: number, b: number) => ({ x: c.x + a * w * u.x + b * h * v.x, y: c.y + a * w * u.y + b * h * v.y });
  return [at(-1, -1), at(1, -1), at(1, 1), at(-1, 1)];
}
