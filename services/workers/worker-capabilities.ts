/**
 * What a worker can run, as it advertises it in its broker metadata: its pool, its accelerator
 * (GPU name and memory, or none) and the ONNX Runtime execution providers it can use. The
 * provider used follows PINKSEA_EXECUTION_PROVIDER, or the best one present (CUDA when a GPU and
 * the CUDA provider are there, CPU always).
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { listSupportedBackends } from 'onnxruntime-node';
import type { PinkseaConfig } from '../../config/config';
import { promisify } from 'node:util';

export interface Accelerator {
  readonly name: string;
  readonly memoryBytes: number;
}

export interface WorkerCapabilities {
  readonly pool: string;
  readonly accelerator: Accelerator | null;
  /** Execution providers this worker can use, best first; always ends with 'cpu'. */
  readonly providers: readonly string[];
  /** The provider nodes run on. */
  readonly provider: string;
}

export type CommandRunner = (command: string, args: readonly string[]) => Promise<string>;

const run: CommandRunner = async (command, args) => (await promisify(execFile)(command, [...args], { timeout: 5000 })).stdout;

/** The first GPU `nvidia-smi` reports, or null where there is none (or no driver). */
export async function detectAccelerator(exec: CommandRunner = run): Promise<Accelerator | null> {
  try {
    const output = await exec('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits']);
    return parseNvidiaSmi(output);
  } catch {
    return null;
  }
}

export function parseNvidiaSmi(output: string): Accelerator | null {
  const line = output.split('\n').map((row) => row.trim()).find(Boolean);
  if (!line) return null;
  const [name, mebibytes] = line.split(',').map((part) => part.trim());
  const memory = Number(mebibytes);
  if (!name || !Number.isFinite(memory)) return null;
  return { name, memoryBytes: memory * 1024 * 1024 };
}

/**
 * Providers usable here: CUDA (and TensorRT) need both a GPU and their libraries next to
 * onnxruntime-node, which a default install skips; CPU is bundled.
 */
export function usableProviders(accelerator: Accelerator | null, backends: readonly { name: string; bundled: boolean }[], installed: ReadonlySet<string>): string[] {
  const gpuProviders = accelerator ? ['tensorrt', 'cuda'].filter((name) => backends.some((backend) => backend.name === name && (backend.bundled || installed.has(name)))) : [];
  return [...gpuProviders, 'cpu'];
}

export function chooseProvider(providers: readonly string[], wanted: string): string {
  if (wanted === 'auto') return providers.includes('cuda') ? 'cuda' : providers[0]!;
  return providers.includes(wanted) ? wanted : 'cpu';
}

/** GPU providers whose libraries an install put beside onnxruntime-node's binding (`ONNXRUNTIME_NODE_INSTALL=cuda12`). */
export function installedProviders(bindingDir = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin')): Set<string> {
  const found = new Set<string>();
  const visit = (folder: string, depth: number): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && depth < 4) visit(path.join(folder, entry.name), depth + 1);
      const provider = /onnxruntime_providers_(cuda|tensorrt)\./.exec(entry.name)?.[1];
      if (provider) found.add(provider);
    }
  };
  visit(bindingDir, 0);
  return found;
}

/**
 * This worker's capabilities. onnxruntime-node ships only its CPU provider; the CUDA and TensorRT
 * providers count as installed when their libraries were installed beside it (not the default,
 * offline-safe install).
 */
export async function describeWorker(
  config: Pick<PinkseaConfig, 'workerPool' | 'executionProvider'>,
  exec: CommandRunner = run,
  installed: ReadonlySet<string> = installedProviders(),
): Promise<WorkerCapabilities> {
  const accelerator = await detectAccelerator(exec);
  const providers = usableProviders(accelerator, listSupportedBackends(), installed);
  return { pool: config.workerPool, accelerator, providers, provider: chooseProvider(providers, config.executionProvider) };
}
