export interface MetadataRow {
  readonly key: string;
  readonly value: string;
}

/** An image's embedded metadata as label and text, scalars first, objects as compact JSON. */
export function metadataRows(metadata: Readonly<Record<string, unknown>> | null): MetadataRow[] {
  if (!metadata) return [];
  return Object.entries(metadata)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => ({ key, value: typeof value === 'object' ? JSON.stringify(value) : String(value), scalar: typeof value !== 'object' }))
    .sort((a, b) => Number(b.scalar) - Number(a.scalar))
    .map(({ key, value }) => ({ key, value }));
}
