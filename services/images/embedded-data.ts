/**
 * What a saved PNG carries besides pixels: the generation metadata and the graph that made it,
 * as JSON in the text chunks `pinksea_metadata` and `pinksea_graph`. Dropping an image back into
 * the studio recovers its graph from the file alone.
 */
import type { EmbeddedData } from './image-records';
import { embedTextChunks, readTextChunks } from './png-text-chunks';

export const METADATA_KEYWORD = 'pinksea_metadata';
export const GRAPH_KEYWORD = 'pinksea_graph';

export type { EmbeddedData };

export function embedData(png: Uint8Array, data: Partial<EmbeddedData>): Buffer {
  const texts: Record<string, string> = {};
  if (data.metadata) texts[METADATA_KEYWORD] = JSON.stringify(data.metadata);
  if (data.graph !== undefined && data.graph !== null) texts[GRAPH_KEYWORD] = JSON.stringify(data.graph);
  return embedTextChunks(png, texts);
}

/** The data embedded in a PNG; a chunk that is not JSON (another tool's) reads as null. */
export function readEmbeddedData(png: Uint8Array): EmbeddedData {
  const texts = readTextChunks(png);
  const metadata = parseJson(texts[METADATA_KEYWORD]);
  return {
    metadata: typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : null,
    graph: parseJson(texts[GRAPH_KEYWORD]) ?? null,
  };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
