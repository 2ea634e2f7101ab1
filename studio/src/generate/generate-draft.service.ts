import { Injectable, signal } from '@angular/core';
import type { GenerationParams } from './generation-params';

/**
 * Hands parameters to the Generate form from elsewhere ("Use these parameters" in the gallery):
 * offered once, taken once by the next Generate page.
 */
@Injectable({ providedIn: 'root' })
export class GenerateDraftService {
  private readonly draft = signal<Partial<GenerationParams> | null>(null);

  offer(params: Partial<GenerationParams>): void {
    this.draft.set(params);
  }

  take(): Partial<GenerationParams> | null {
    const draft = this.draft();
    this.draft.set(null);
    return draft;
  }
}
