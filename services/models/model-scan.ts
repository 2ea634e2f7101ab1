/**
 * Scanning a folder on the server for models to install (InvokeAI's "scan folder"): every ONNX
 * file and every ONNX Stable Diffusion folder below it, probed, with what it is and whether a
 * shared model was already installed from it. Nothing is installed; the admin picks.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../kernel/service-errors';
import { probeModel, type ModelBase, type ModelType } from './onnx-probe';

export interface ScannedModel {
  /** Absolute path: what `POST /models/install` takes as its source. */
  readonly path: string;
  readonly type?: ModelType;
  readonly base?: ModelBase;
  readonly sizeBytes?: number;
  /** Key of the shared model installed from this path, if any. */
  readonly installedKey: string | null;
  /** Why it could not be probed (a corrupt file, an incomplete pipeline folder). */
  readonly error?: string;
}

/** How deep below the scanned folder to look; pipeline folders are not entered. */
const MAX_DEPTH = 4;
/** Most candidates one scan reports. */
const MAX_CANDIDATES = 500;

export async function scanModelFolder(folder: string, installedBySource: (sources: readonly string[]) => Promise<Map<string, string>>): Promise<ScannedModel[]> {
  if (!path.isAbsolute(folder)) throw new InvalidInputError([{ code: 'invalid_value', field: 'folder', message: 'Give an absolute path on the server' }]);
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new InvalidInputError([{ code: 'not_found', field: 'folder', message: `There is no folder at "${folder}"` }]);
  const candidates: string[] = [];
  await collect(folder, 0, candidates);
  const installed = await installedBySource(candidates);
  const scanned: ScannedModel[] = [];
  for (const candidate of candidates) {
    const installedKey = installed.get(candidate) ?? null;
    try {
      const probe = await probeModel(candidate);
      scanned.push({ path: candidate, type: probe.type, base: probe.base, sizeBytes: probe.sizeBytes, installedKey });
    } catch (error) {
      scanned.push({ path: candidate, installedKey, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return scanned;
}

async function collect(folder: string, depth: number, into: string[]): Promise<void> {
  if (into.length >= MAX_CANDIDATES) return;
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const names = new Set(entries.map((entry) => entry.name));
  // A diffusers pipeline folder is one model, whatever ONNX files lie inside it.
  if (depth > 0 && (names.has('model_index.json') || (names.has('unet') && names.has('text_encoder')))) {
    into.push(folder);
    return;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (into.length >= MAX_CANDIDATES) return;
    const full = path.join(folder, entry.name);
    if (entry.isFile() && entry.name.toLowerCase().endsWith('.onnx')) into.push(full);
    else if (entry.isDirectory() && !entry.name.startsWith('.') && depth < MAX_DEPTH) await collect(full, depth + 1, into);
  }
}
