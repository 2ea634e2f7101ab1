import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chooseProvider, describeWorker, detectAccelerator, installedProviders, parseNvidiaSmi, usableProviders } from './worker-capabilities';

describe('worker capabilities', () => {
  it('reads the GPU name and memory from nvidia-smi', () => {
    expect(parseNvidiaSmi('NVIDIA H100 80GB HBM3, 81559\n')).toEqual({ name: 'NVIDIA H100 80GB HBM3', memoryBytes: 81559 * 1024 * 1024 });
    expect(parseNvidiaSmi('')).toBeNull();
    expect(parseNvidiaSmi('garbage')).toBeNull();
  });

  it('reports no accelerator where nvidia-smi is missing or fails', async () => {
    expect(await detectAccelerator(() => Promise.reject(new Error('ENOENT')))).toBeNull();
    expect(await detectAccelerator(() => Promise.resolve('NVIDIA L4, 23034'))).toEqual({ name: 'NVIDIA L4', memoryBytes: 23034 * 1024 * 1024 });
  });

  it('offers GPU providers only with a GPU and their libraries, CPU always', () => {
    const backends = [
      { name: 'cpu', bundled: true },
      { name: 'cuda', bundled: false },
      { name: 'tensorrt', bundled: false },
    ];
    const gpu = { name: 'NVIDIA L4', memoryBytes: 1 };
    expect(usableProviders(null, backends, new Set(['cuda']))).toEqual(['cpu']);
    expect(usableProviders(gpu, backends, new Set())).toEqual(['cpu']);
    expect(usableProviders(gpu, backends, new Set(['cuda']))).toEqual(['cuda', 'cpu']);
    expect(chooseProvider(['cuda', 'cpu'], 'auto')).toBe('cuda');
    expect(chooseProvider(['cpu'], 'auto')).toBe('cpu');
    expect(chooseProvider(['cpu'], 'cuda')).toBe('cpu');
  });
});

describe('installedProviders', () => {
  it('finds the CUDA and TensorRT provider libraries a GPU install puts beside the binding', async () => {
    const bin = await mkdtemp(path.join(os.tmpdir(), 'pinksea-ort-'));
    try {
      expect(installedProviders(bin)).toEqual(new Set());
      await mkdir(path.join(bin, 'napi-v6', 'linux', 'x64'), { recursive: true });
      await writeFile(path.join(bin, 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so'), '');
      await writeFile(path.join(bin, 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_shared.so'), '');
      expect(installedProviders(bin)).toEqual(new Set(['cuda']));
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});

describe('describeWorker', () => {
  it('advertises its pool and falls back to the CPU provider without a GPU', async () => {
    const described = await describeWorker({ workerPool: 'performance', executionProvider: 'auto' }, () => Promise.reject(new Error('no nvidia-smi')));
    expect(described).toEqual({ pool: 'performance', accelerator: null, providers: ['cpu'], provider: 'cpu' });
  });
});
