/**
 * Structural checks of a node definition, run when a pack loads (and by `defineNode`), so a
 * broken declaration fails its pack loudly instead of failing graphs later.
 */
import type { Issue } from '../errors';
import { FIELD_KINDS, type InputFieldSpec, type OutputFieldSpec } from '../fields/field-types';
import { checkValue } from '../fields/value-check';
import { NODE_CLASSIFICATIONS, type AnyNodeDefinition } from '../node-definition';

const TYPE_ID = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

export function checkNodeDefinition(candidate: unknown): Issue[] {
  if (typeof candidate !== 'object' || candidate === null) {
    return [{ code: 'invalid_definition', message: 'expected a node definition object (use defineNode)' }];
  }
  const def = candidate as Partial<AnyNodeDefinition>;
  const nodeId = typeof def.type === 'string' ? def.type : undefined;
  const issues: Issue[] = [];
  const fail = (message: string, field?: string) =>
    issues.push({ code: 'invalid_definition', message, ...(nodeId ? { nodeId } : {}), ...(field ? { field } : {}) });

  if (typeof def.type !== 'string' || !TYPE_ID.test(def.type)) {
    fail(`type must be a dotted lower-case id such as "core.add", got ${JSON.stringify(def.type)}`);
  }
  for (const key of ['title', 'description', 'category'] as const) {
    if (typeof def[key] !== 'string' || def[key].trim() === '') fail(`${key} must be a non-empty string`);
  }
  if (typeof def.version !== 'string' || !SEMVER.test(def.version)) {
    fail(`version must be semver (1.0.0), got ${JSON.stringify(def.version)}`);
  }
  if (!NODE_CLASSIFICATIONS.includes(def.classification as never)) {
    fail(`classification must be one of ${NODE_CLASSIFICATIONS.join(', ')}`);
  }
  if (!Array.isArray(def.tags) || def.tags.some((tag) => typeof tag !== 'string')) fail('tags must be a list of strings');
  if (typeof def.invoke !== 'function') fail('invoke must be a function');
  if (typeof def.useCache !== 'boolean') fail('useCache must be true or false');
  if (!def.needs || typeof def.needs.gpu !== 'boolean' || typeof def.needs.network !== 'boolean' || !Array.isArray(def.needs.models)) {
    fail('needs must say {gpu, models, network}');
  }
  checkFields(def.inputs, 'input', fail);
  checkFields(def.outputs, 'output', fail);

  const inputs = (def.inputs ?? {}) as Record<string, InputFieldSpec>;
  const lazy = Object.keys(inputs).filter((name) => inputs[name]?.lazy);
  if (lazy.length > 0 && typeof def.selectLazyInputs !== 'function') {
    fail(`lazy inputs (${lazy.join(', ')}) need selectLazyInputs`);
  }
  if (def.role === 'iterate' && (!inputs['collection'] || !def.outputs?.['item'])) {
    fail('an iterate node needs a `collection` input and an `item` output');
  }
  if (def.role === 'collect' && (!inputs['item'] || !def.outputs?.['collection'])) {
    fail('a collect node needs an `item` input and a `collection` output');
  }
  return issues;
}

function checkFields(fields: unknown, side: 'input' | 'output', fail: (message: string, field?: string) => void): void {
  if (typeof fields !== 'object' || fields === null) {
    fail(`${side}s must be an object of field specs`);
    return;
  }
  for (const [name, spec] of Object.entries(fields as Record<string, InputFieldSpec | OutputFieldSpec>)) {
    if (!FIELD_NAME.test(name)) fail(`${side} name "${name}" must be letters, digits and underscores`, name);
    if (!FIELD_KINDS.includes(spec?.kind)) fail(`${side} "${name}" has unknown kind ${JSON.stringify(spec?.kind)}`, name);
    if (!['single', 'collection', 'either'].includes(spec?.cardinality)) fail(`${side} "${name}" has no cardinality`, name);
    if (spec?.kind === 'enum' && (!Array.isArray(spec.options) || spec.options.length === 0)) {
      fail(`enum ${side} "${name}" needs options`, name);
    }
    if (side === 'input') {
      const input = spec as InputFieldSpec;
      if (!['connection', 'direct', 'any'].includes(input.input)) fail(`input "${name}" has no input mode`, name);
      if (input.default !== undefined) {
        const problem = checkValue(input, input.default);
        if (problem) fail(`the default of "${name}" does not fit its own field: ${problem}`, name);
      }
    }
  }
}
