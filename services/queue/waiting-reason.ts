/**
 * Why a pending item has not started, from what the broker knows of the cluster: with no worker
 * up, nothing will take it until one joins, and the user should be told so rather than wait.
 */
export interface ClusterNode {
  readonly available?: boolean;
  readonly metadata?: { readonly worker?: { readonly pool?: string } };
}

export function waitingReason(nodes: readonly ClusterNode[], pool = 'basic'): string | undefined {
  const workers = nodes.filter((node) => node.available !== false && node.metadata?.worker);
  if (workers.length === 0) return 'No worker is running; the item starts when one joins';
  if (!workers.some((node) => node.metadata?.worker?.pool === pool)) return `No worker of the "${pool}" pool is running; the item starts when one joins`;
  return undefined;
}
