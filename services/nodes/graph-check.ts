/** What POST /graphs/validate answers: a pure module, so the studio can import the type (CONVENTIONS §17). */
import type { Issue } from '../../engine/errors';

export interface GraphCheck {
  readonly valid: boolean;
  readonly issues: readonly Issue[];
  /** For a batch that is valid: how many queue items it would expand to. */
  readonly items?: number;
}
