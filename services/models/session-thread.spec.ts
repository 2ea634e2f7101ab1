import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { writeOnnxModel } from '../../nodes/diffusion';
import { SessionThread } from './session-thread';

/** y = x · w, with `outer` columns of weights: the model's size is its weights. */
function matmul(inner: number, outer: number): Buffer {
  const w = new Float32Array(inner * outer);
  for (let i = 0; i < w.length; i += 1) w[i] = (i % 7) - 3;
  return writeOnnxModel({
    inputs: [{ name: 'x', type: 'float32', shape: [1, inner] }],
    outputs: [{ name: 'y', type: 'float32', shape: [1, outer] }],
    nodes: [{ opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
    initializers: [{ name: 'w', type: 'float32', dims: [inner, outer], data: w }],
  });
}

describe('SessionThread', () => {
  let dir: string;
  let thread: SessionThread;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-thread-'));
    await writeFile(path.join(dir, 'small.onnx'), matmul(4, 3));
    await writeFile(path.join(dir, 'large.onnx'), matmul(4096, 4096)); // 64 MiB
    await writeFile(path.join(dir, 'wide.onnx'), matmul(32768, 2)); // a 128 KiB input
    await writeFile(path.join(dir, 'corrupt.onnx'), Buffer.from('not a model'));
  });
  beforeEach(() => (thread = new SessionThread()));
  afterEach(() => thread.close());
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs a session on the thread with the names, metadata and results of an InferenceSession', async () => {
    const session = await thread.load(path.join(dir, 'small.onnx'));
    expect([session.inputNames, session.outputNames]).toEqual([['x'], ['y']]);
    expect(session.inputMetadata[0]).toEqual(jasmine.objectContaining({ name: 'x', isTensor: true, type: 'float32', shape: [1, 4] }));
    const x = new Float32Array([1, 2, 3, 4]);
    const { y } = await session.run({ x: new Tensor('float32', x, [1, 4]) });
    const w = (row: number, column: number) => ((row * 3 + column) % 7) - 3;
    const expected = [0, 1, 2].map((column) => x.reduce((sum, value, row) => sum + value * w(row, column), 0));
    expect(y!.dims).toEqual([1, 3]);
    expect([...(y!.data as Float32Array)]).toEqual(expected);
    expect(x).toEqual(new Float32Array([1, 2, 3, 4])); // the caller's feed is untouched
    await session.release();
    await expectAsync(session.run({ x: new Tensor('float32', x, [1, 4]) })).toBeRejected();
  });

  it('keeps a large feed passed again on the thread, and sends it again once its contents change', async () => {
    const session = await thread.load(path.join(dir, 'wide.onnx'));
    const x = new Float32Array(32768).fill(1);
    const tensor = new Tensor('float32', x, [1, 32768]);
    const sum = async () => (await session.run({ x: tensor })).y!.data as Float32Array;
    const first = await sum();
    expect(await sum()).toEqual(first);
    x.fill(2); // rewritten in place: the thread must not use its kept copy
    const doubled = await sum();
    expect(doubled[0]).toBeCloseTo(first[0]! * 2, 3);
    await session.release();
  });

  it('leaves the event loop free while a large model loads', async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    const loading = thread.load(path.join(dir, 'large.onnx'));
    const before = ticks;
    const session = await loading;
    clearInterval(timer);
    // Built on this thread, the 64 MiB session would hold the loop for the whole load: no ticks.
    expect(ticks - before).toBeGreaterThan(5);
    const { y } = await session.run({ x: new Tensor('float32', new Float32Array(4096).fill(1), [1, 4096]) });
    expect(y!.dims).toEqual([1, 4096]);
    await session.release();
  });

  it('rejects a corrupt model with onnxruntime\'s reason, and keeps serving', async () => {
    const failed = await thread.load(path.join(dir, 'corrupt.onnx')).catch((error: unknown) => error);
    expect(failed).toEqual(jasmine.objectContaining({ code: 'onnx_runtime_error' }));
    expect((failed as Error).message.length).toBeGreaterThan(10);
    const session = await thread.load(path.join(dir, 'small.onnx'));
    expect(session.outputNames).toEqual(['y']);
  });
});
