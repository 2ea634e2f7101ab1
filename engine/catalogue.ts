/**
 * The node catalogue: each node definition as JSON that the studio and the REST API serve. Every
 * field carries a JSON Schema for its values plus what the editor needs (kind, cardinality, input
 * mode, UI hints), so the palette, sockets and widgets come from here and nowhere else.
 */
import type { FieldKind, InputFieldSpec, OutputFieldSpec, UiHints } from './fields/field-types';
import type { AnyNodeDefinition } from './node-definition';

export type JsonSchema = { readonly [key: string]: unknown };

export interface CatalogueField {
  readonly name: string;
  readonly title: string;
  readonly description?: string;
  readonly kind: FieldKind;
  readonly cardinality: OutputFieldSpec['cardinality'];
  readonly schema: JsonSchema;
  readonly ui?: UiHints;
}

export interface CatalogueInput extends CatalogueField {
  readonly input: InputFieldSpec['input'];
  readonly required: boolean;
  readonly default?: unknown;
  readonly lazy?: boolean;
  readonly multiple?: boolean;
}

/** A node type as the palette shows it: the definition's metadata, its fields as JSON. */
export interface CatalogueEntry
  extends Pick<
    AnyNodeDefinition,
    'type' | 'title' | 'description' | 'category' | 'tags' | 'version' | 'classification' | 'needs' | 'useCache' | 'role'
  > {
  readonly pack?: string;
  readonly inputs: readonly CatalogueInput[];
  readonly outputs: readonly CatalogueField[];
  /** JSON Schema of the values a graph node of this type may carry in `inputs`. */
  readonly inputSchema: JsonSchema;
}

const REF_SCHEMAS: Partial<Record<FieldKind, JsonSchema>> = {
  image: refSchema('imageName'),
  latents: refSchema('tensorName'),
  tensor: refSchema('tensorName'),
  conditioning: refSchema('conditioningName'),
  model: {
    type: 'object',
    required: ['key'],
    properties: { key: { type: 'string', minLength: 1 }, base: { type: 'string' }, type: { type: 'string' }, submodel: { type: 'string' } },
  },
  color: {
    type: 'object',
    required: ['r', 'g', 'b', 'a'],
    properties: Object.fromEntries(['r', 'g', 'b', 'a'].map((channel) => [channel, { type: 'integer', minimum: 0, maximum: 255 }])),
  },
};

function refSchema(key: string): JsonSchema {
  return { type: 'object', required: [key], properties: { [key]: { type: 'string', minLength: 1 } } };
}

export function fieldSchema(spec: InputFieldSpec | OutputFieldSpec): JsonSchema {
  const bounds = spec as InputFieldSpec;
  const pickDefined = (keys: readonly (keyof InputFieldSpec)[]) =>
    Object.fromEntries(keys.filter((key) => bounds[key] !== undefined).map((key) => [key, bounds[key]]));
  let item: JsonSchema;
  switch (spec.kind) {
    case 'integer':
    case 'float':
      item = { type: spec.kind === 'integer' ? 'integer' : 'number', ...pickDefined(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']) };
      break;
    case 'string':
      item = { type: 'string', ...pickDefined(['minLength', 'maxLength', 'pattern']) };
      break;
    case 'boolean':
      item = { type: 'boolean' };
      break;
    case 'enum':
      item = { type: 'string', enum: spec.options ?? [] };
      break;
    case 'any':
      item = {};
      break;
    default:
      item = REF_SCHEMAS[spec.kind]!;
  }
  if (spec.cardinality === 'single') return item;
  const list = { type: 'array', items: item, ...pickDefined(['minItems', 'maxItems']) };
  return spec.cardinality === 'collection' ? list : { anyOf: [item, list] };
}

export function toCatalogueEntry(definition: AnyNodeDefinition, pack?: string): CatalogueEntry {
  const inputs = Object.entries(definition.inputs)
    .map(([name, spec]): CatalogueInput => ({
      ...describeField(name, spec),
      input: spec.input,
      required: spec.default === undefined && !spec.optional,
      ...(spec.default !== undefined ? { default: spec.default } : {}),
      ...(spec.lazy ? { lazy: true } : {}),
      ...(spec.multiple ? { multiple: true } : {}),
    }))
    .sort((a, b) => (a.ui?.order ?? 0) - (b.ui?.order ?? 0));
  const direct = inputs.filter((input) => input.input !== 'connection');
  return {
    type: definition.type,
    title: definition.title,
    description: definition.description,
    category: definition.category,
    tags: definition.tags,
    version: definition.version,
    classification: definition.classification,
    needs: definition.needs,
    useCache: definition.useCache,
    ...(definition.role ? { role: definition.role } : {}),
    ...(pack ? { pack } : {}),
    inputs,
    outputs: Object.entries(definition.outputs).map(([name, spec]) => describeField(name, spec)),
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(direct.map((input) => [input.name, { ...input.schema, title: input.title }])),
    },
  };
}

function describeField(name: string, spec: InputFieldSpec | OutputFieldSpec): CatalogueField {
  return {
    name,
    title: spec.title ?? humanize(name),
    ...(spec.description ? { description: spec.description } : {}),
    kind: spec.kind,
    cardinality: spec.cardinality,
    schema: fieldSchema(spec),
    ...(spec.ui ? { ui: spec.ui } : {}),
  };
}

/** `maxPrompts` → "Max Prompts", `true_value` → "True Value". */
export function humanize(name: string): string {
  return name
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/\b\w/g, (letter) => letter.toUpperCase());
}

/** The newest version of every loaded node type, by type id. */
export function buildCatalogue(registry: {
  definitions(): AnyNodeDefinition[];
  packOf(type: string): string | undefined;
}): CatalogueEntry[] {
  return registry
    .definitions()
    .map((definition) => toCatalogueEntry(definition, registry.packOf(definition.type)))
    .sort((a, b) => a.type.localeCompare(b.type));
}
