/**
 * A worker's invocation cache (engine/execution/invocation-cache.ts) as one owner's items see it.
 * Keys are scoped by owner: a node's outputs may depend on the owner's data and not only on its
 * inputs (an image read by name), so one tenant never receives another's results. Outputs that name
 * something living elsewhere are not kept: tensors, latents and conditioning live in one item's
 * memory, and images are files a user may delete, so a later item could not resolve them.
 */
import type { InvocationCache } from '../../engine/execution/invocation-cache';

/** Keys of the refs that point outside the outputs themselves (engine/fields/field-types.ts). */
const REF_KEYS = ['imageName', 'tensorName', 'conditioningName'] as const;
/** Values looked at before an output is judged too large to be worth keeping. */
const MAX_VALUES = 10_000;

export function ownerInvocationCache(shared: InvocationCache, ownerId: string): InvocationCache {
  const scoped = (key: string) => `${ownerId}/${key}`;
  return {
    get: (key) => shared.get(scoped(key)),
    set: (key, outputs) => {
      if (portable(outputs)) shared.set(scoped(key), outputs);
    },
    get size() {
      return shared.size;
    },
  };
}

/** Whether outputs hold no refs to session, model-thread or gallery resources, and are not huge. */
function portable(outputs: unknown): boolean {
  const stack: unknown[] = [outputs];
  let seen = 0;
  while (stack.length > 0) {
    const value = stack.pop();
    if (++seen > MAX_VALUES) return false;
    if (value === null || typeof value !== 'object') continue;
    if (ArrayBuffer.isView(value)) return false;
    if (Array.isArray(value)) {
      for (const entry of value) stack.push(entry);
      continue;
    }
    const record = value as Record<string, unknown>;
    if (REF_KEYS.some((key) => typeof record[key] === 'string')) return false;
    for (const entry of Object.values(record)) stack.push(entry);
  }
  return true;
}
