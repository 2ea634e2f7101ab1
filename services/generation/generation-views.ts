/**
 * What `POST /queue/:queueId/generate` takes and answers. Types only, so the studio imports them as
 * they are (CONVENTIONS §17) without pulling in any server code.
 */
import type { EnqueueResult } from '../queue/queue-views';
import type { GenerationParams } from './generation-graph';

/** The action's params once validated: the fields with a default are filled in. */
export type GenerateRequest = Omit<GenerationParams, 'seed' | 'width' | 'height' | 'hires'> & {
  readonly hiresScale?: number;
  readonly hiresStrength: number;
  readonly queueId: string;
  readonly seed?: number;
  readonly width?: number;
  readonly height?: number;
  readonly priority?: number;
};

/** The fields the validator fills in with their default when a request leaves them out. */
type Defaulted = 'negativePrompt' | 'steps' | 'cfgScale' | 'scheduler' | 'strength' | 'batchCount' | 'hiresStrength';

/** The request body as a client sends it: the queue id is in the path, defaulted fields may be left out. */
export type GenerateBody = Omit<GenerateRequest, 'queueId' | Defaulted> & Partial<Pick<GenerateRequest, Defaulted>>;

export interface GenerateResult extends EnqueueResult {
  /** The seed of each image, in order. */
  readonly seeds: number[];
}
