/** The node packs that ship with Pinksea, loaded by every process before any installed pack. */
import path from 'node:path';

const NODES = path.resolve(__dirname, '../../nodes');

export const FIRST_PARTY_PACK_NAMES = ['core', 'trigger', 'image', 'prompt', 'http', 'onnx', 'ocr', 'diffusion'] as const;
export const FIRST_PARTY_PACKS: readonly string[] = FIRST_PARTY_PACK_NAMES.map((pack) => path.join(NODES, pack));
