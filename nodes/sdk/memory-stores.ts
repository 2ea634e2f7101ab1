/**
 * In-memory tensor and conditioning stores: what one session needs to pass latents and prompt
 * embeddings between its steps on one machine. Tests use them too.
 */
import { randomUUID } from 'node:crypto';
import { NodeError } from '../../engine/errors';
import type { ConditioningRef, TensorRef } from '../../engine/fields/field-types';
import type { Conditioning, ConditioningStore, Tensor, TensorStore } from '../../engine/node-context';

class MemoryNamedStore<T> {
  private readonly items = new Map<string, T>();
  constructor(private readonly label: string) {}

  get(name: string): T {
    const item = this.items.get(name);
    if (item === undefined) throw new NodeError(`${this.label}_not_found`, `There is no ${this.label} named "${name}"`);
    return item;
  }

  save(item: T): string {
    const name = randomUUID();
    this.items.set(name, item);
    return name;
  }
}

export class MemoryTensorStore implements TensorStore {
  private readonly store = new MemoryNamedStore<Tensor>('tensor');
  async get(ref: TensorRef): Promise<Tensor> {
    return this.store.get(ref.tensorName);
  }
  async save(tensor: Tensor): Promise<TensorRef> {
    return { tensorName: this.store.save(tensor) };
  }
}

export class MemoryConditioningStore implements ConditioningStore {
  private readonly store = new MemoryNamedStore<Conditioning>('conditioning');
  async get(ref: ConditioningRef): Promise<Conditioning> {
    return this.store.get(ref.conditioningName);
  }
  async save(conditioning: Conditioning): Promise<ConditioningRef> {
    return { conditioningName: this.store.save(conditioning) };
  }
}

