import { InferenceSession, Tensor } from 'onnxruntime-node';
import { attr, writeOnnxModel } from './onnx-writer';

/** Deterministic values in [-1, 1) for weights and inputs. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

async function run(model: Buffer, feeds: Record<string, Tensor>): Promise<InferenceSession.OnnxValueMapType> {
  const session = await InferenceSession.create(model);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i += 1) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThan(tolerance);
}

describe('onnx writer', () => {
  it('writes MatMul + Add + Relu with initializers that onnxruntime runs as computed in JS', async () => {
    const [batch, inner, outer] = [3, 5, 4];
    const w = values(inner * outer, 1);
    const b = values(outer, 2);
    const model = writeOnnxModel({
      inputs: [{ name: 'x', type: 'float32', shape: ['batch', inner] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['batch', outer] }],
      nodes: [
        { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['xw'] },
        { opType: 'Add', inputs: ['xw', 'b'], outputs: ['xwb'] },
        { opType: 'Relu', inputs: ['xwb'], outputs: ['y'], name: 'relu' },
      ],
      initializers: [
        { name: 'w', type: 'float32', dims: [inner, outer], data: w },
        { name: 'b', type: 'float32', dims: [outer], data: b },
      ],
    });
    const x = values(batch * inner, 3);
    const { y } = await run(model, { x: new Tensor('float32', x, [batch, inner]) });
    const expected = new Float32Array(batch * outer);
    for (let r = 0; r < batch; r += 1) {
      for (let c = 0; c < outer; c += 1) {
        let sum = b[c]!;
        for (let k = 0; k < inner; k += 1) sum += x[r * inner + k]! * w[k * outer + c]!;
        expected[r * outer + c] = Math.max(0, sum);
      }
    }
    expect(y!.dims).toEqual([batch, outer]);
    expectClose(y!.data as Float32Array, expected);
    expect([...expected].some((v) => v === 0) && [...expected].some((v) => v > 0)).toBeTrue();
  });

  it('writes Conv with int and ints attributes and a bias', async () => {
    const [n, cin, cout, h, w] = [2, 3, 2, 5, 6];
    const kernel = values(cout * cin * 9, 4);
    const bias = values(cout, 5);
    const model = writeOnnxModel({
      inputs: [{ name: 'image', type: 'float32', shape: ['n', cin, 'h', 'w'] }],
      outputs: [{ name: 'out', type: 'float32', shape: ['n', cout, 'h2', 'w2'] }],
      nodes: [
        {
          opType: 'Conv',
          inputs: ['image', 'kernel', 'bias'],
          outputs: ['out'],
          attributes: { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 0, 1, 0]), strides: attr.ints([1, 1]), group: attr.int(1) },
        },
      ],
      initializers: [
        { name: 'kernel', type: 'float32', dims: [cout, cin, 3, 3], data: kernel },
        { name: 'bias', type: 'float32', dims: [cout], data: [...bias] },
      ],
    });
    const image = values(n * cin * h * w, 6);
    const { out } = await run(model, { image: new Tensor('float32', image, [n, cin, h, w]) });
    // Pads: one row top and bottom, no columns, so the width shrinks by two.
    const [oh, ow] = [h, w - 2];
    const expected = new Float32Array(n * cout * oh * ow);
    for (let b = 0; b < n; b += 1)
      for (let o = 0; o < cout; o += 1)
        for (let y = 0; y < oh; y += 1)
          for (let x = 0; x < ow; x += 1) {
            let sum = bias[o]!;
            for (let c = 0; c < cin; c += 1)
              for (let ky = 0; ky < 3; ky += 1)
                for (let kx = 0; kx < 3; kx += 1) {
                  const iy = y + ky - 1;
                  const ix = x + kx;
                  if (iy < 0 || iy >= h) continue;
                  sum += image[((b * cin + c) * h + iy) * w + ix]! * kernel[((o * cin + c) * 3 + ky) * 3 + kx]!;
                }
            expected[((b * cout + o) * oh + y) * ow + x] = sum;
          }
    expect(out!.dims).toEqual([n, cout, oh, ow]);
    expectClose(out!.data as Float32Array, expected);
  });

  it('writes int64 initializers (negative too), float, floats and string attributes', async () => {
    const model = writeOnnxModel({
      inputs: [
        { name: 'x', type: 'float32', shape: [2, 6] },
        { name: 'ids', type: 'int32', shape: [3] },
      ],
      outputs: [
        { name: 'reshaped', type: 'float32', shape: [2, 3, 2] },
        { name: 'leaky', type: 'float32', shape: [2, 6] },
        { name: 'picked', type: 'float32', shape: [3, 6] },
        { name: 'resized', type: 'float32', shape: [1, 1, 2, 4] },
      ],
      nodes: [
        { opType: 'Reshape', inputs: ['x', 'shape'], outputs: ['reshaped'] },
        { opType: 'LeakyRelu', inputs: ['x'], outputs: ['leaky'], attributes: { alpha: attr.float(0.25) } },
        { opType: 'Gather', inputs: ['table', 'ids'], outputs: ['picked'], attributes: { axis: attr.int(0) } },
        {
          opType: 'Resize',
          inputs: ['small', '', 'scales'],
          outputs: ['resized'],
          attributes: { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') },
        },
      ],
      initializers: [
        { name: 'shape', type: 'int64', dims: [3], data: [2n, -1, 2] },
        { name: 'table', type: 'float32', dims: [4, 6], data: values(24, 7) },
        { name: 'small', type: 'float32', dims: [1, 1, 1, 2], data: [1.5, -2] },
        { name: 'scales', type: 'float32', dims: [4], data: [1, 1, 2, 2] },
      ],
    });
    const x = values(12, 8);
    const result = await run(model, { x: new Tensor('float32', x, [2, 6]), ids: new Tensor('int32', Int32Array.from([3, 0, 3]), [3]) });
    expect(result['reshaped']!.dims).toEqual([2, 3, 2]);
    expectClose(result['reshaped']!.data as Float32Array, x);
    expectClose(result['leaky']!.data as Float32Array, x.map((v) => (v < 0 ? v * 0.25 : v)));
    const table = values(24, 7);
    expectClose(result['picked']!.data as Float32Array, [...table.slice(18, 24), ...table.slice(0, 6), ...table.slice(18, 24)]);
    expectClose(result['resized']!.data as Float32Array, [1.5, 1.5, -2, -2, 1.5, 1.5, -2, -2]);
  });

  it('writes a 32 MB initializer quickly and byte for byte', async () => {
    const count = 8 * 1024 * 1024;
    const big = values(count, 9);
    const started = performance.now();
    const model = writeOnnxModel({
      inputs: [{ name: 'i', type: 'int64', shape: [1] }],
      outputs: [{ name: 'o', type: 'float32', shape: [1] }],
      nodes: [{ opType: 'Gather', inputs: ['big', 'i'], outputs: ['o'] }],
      initializers: [{ name: 'big', type: 'float32', dims: [count], data: big }],
    });
    const elapsed = performance.now() - started;
    expect(model.length).toBeGreaterThan(count * 4);
    expect(elapsed).toBeLessThan(2000);
    const { o } = await run(model, { i: new Tensor('int64', BigInt64Array.from([123457n]), [1]) });
    expect((o!.data as Float32Array)[0]).toBe(big[123457]!);
  });

  it('refuses initializers whose data does not fill their dims', () => {
    expect(() =>
      writeOnnxModel({ inputs: [], outputs: [], nodes: [], initializers: [{ name: 'w', type: 'float32', dims: [2, 2], data: [1, 2, 3] }] }),
    ).toThrowMatching((error: unknown) => error instanceof RangeError && /holds? 4/.test(error.message));
  });
});
