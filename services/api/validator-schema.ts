/**
 * fastest-validator rules (the `params` of every action) as JSON Schema (draft 2020-12, which
 * OpenAPI 3.1 uses), so the API reference describes exactly what the validator accepts. Rules
 * JSON Schema cannot say (custom checks, functions) become `{}`: documented as "anything" rather
 * than guessed.
 */

/** The JSON Schema keywords this converter writes. */
export interface JsonSchema {
  type?: JsonType | readonly JsonType[];
  format?: string;
  enum?: readonly unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema | false;
  prefixItems?: readonly JsonSchema[];
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  anyOf?: readonly JsonSchema[];
}

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null';

/** One rule as an action declares it: a shorthand string ("string|optional"), an object, or alternatives. */
export type ValidatorRule = string | RuleObject | readonly ValidatorRule[];

interface RuleObject {
  readonly type?: unknown;
  readonly optional?: unknown;
  readonly nullable?: unknown;
  readonly default?: unknown;
  readonly [option: string]: unknown;
}

/** A property of a `params` object: its schema and whether a caller must send it. */
export interface PropertySchema {
  readonly schema: JsonSchema;
  readonly required: boolean;
}

/** The properties of an action's `params`, in declaration order; `$$strict` and other `$$` options skipped. */
export function paramsToProperties(params: unknown): Map<string, PropertySchema> {
  const properties = new Map<string, PropertySchema>();
  if (!isRecord(params)) return properties;
  for (const [name, rule] of Object.entries(params)) {
    if (name.startsWith('$$')) continue;
    const normalized = normalizeRule(rule);
    // A forbidden property must not be sent at all: it is no part of the documented input.
    if (!Array.isArray(normalized) && (normalized as RuleObject).type === 'forbidden') continue;
    properties.set(name, { schema: ruleToJsonSchema(rule), required: isRequired(normalized) });
  }
  return properties;
}

/** An object schema for a whole `params` declaration. */
export function paramsToJsonSchema(params: unknown): JsonSchema {
  return objectSchema(paramsToProperties(params), isRecord(params) && params['$$strict'] === true);
}

/** One rule as JSON Schema; `{}` for rules it cannot express. */
export function ruleToJsonSchema(rule: unknown): JsonSchema {
  const normalized = normalizeRule(rule);
  if (Array.isArray(normalized)) return alternatives(normalized.map((alternative) => ruleToJsonSchema(alternative)));
  const object = normalized as RuleObject;
  const schema = { ...typeSchema(object) };
  if (object['default'] !== undefined && typeof object['default'] !== 'function') schema.default = object['default'];
  if (typeof object['description'] === 'string') schema.description = object['description'];
  return object.nullable === true ? nullable(schema) : schema;
}

function typeSchema(rule: RuleObject): JsonSchema {
  switch (rule.type) {
    case 'any':
      return {};
    case 'string':
      return stringSchema(rule);
    case 'number':
      return numberSchema(rule);
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return Array.isArray(rule['values']) ? { enum: rule['values'] } : {};
    case 'equal':
      return { const: rule['value'] };
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'email':
      return { type: 'string', format: 'email', ...bounds(rule, 'minLength', 'maxLength') };
    case 'url':
      return { type: 'string', format: 'uri' };
    case 'date':
      return { type: 'string', format: 'date-time' };
    case 'objectID':
      return { type: 'string', pattern: '^[0-9a-fA-F]{24}$' };
    case 'mac':
    case 'luhn':
    case 'currency':
      return { type: 'string' };
    case 'array':
      return arraySchema(rule);
    case 'tuple':
      return Array.isArray(rule['items']) ? { type: 'array', prefixItems: rule['items'].map((item) => ruleToJsonSchema(item)), minItems: rule['items'].length, maxItems: rule['items'].length } : { type: 'array' };
    case 'object': {
      const props = rule['props'] ?? rule['properties'];
      if (!isRecord(props)) return { type: 'object' };
      return objectSchema(paramsToProperties(props), rule['strict'] === true);
    }
    case 'record':
      return {
        type: 'object',
        ...(rule['value'] !== undefined ? { additionalProperties: ruleToJsonSchema(rule['value']) } : {}),
        ...(rule['key'] !== undefined ? { propertyNames: ruleToJsonSchema(rule['key']) } : {}),
      };
    case 'multi':
      return Array.isArray(rule['rules']) ? alternatives(rule['rules'].map((alternative) => ruleToJsonSchema(alternative))) : {};
    default:
      // custom, class, function, and rules of plugins: nothing JSON Schema can say.
      return {};
  }
}

function stringSchema(rule: RuleObject): JsonSchema {
  const schema: JsonSchema = { type: 'string', ...bounds(rule, 'minLength', 'maxLength') };
  if (typeof rule['length'] === 'number') schema.minLength = schema.maxLength = rule['length'];
  if (rule['empty'] === false && (schema.minLength ?? 0) < 1) schema.minLength = 1;
  const pattern = rule['pattern'];
  // A RegExp's flags (e.g. /i) have no JSON Schema form; its source is the useful part.
  if (pattern instanceof RegExp) schema.pattern = pattern.source;
  else if (typeof pattern === 'string') schema.pattern = pattern;
  if (Array.isArray(rule['enum'])) schema.enum = rule['enum'];
  return schema;
}

function numberSchema(rule: RuleObject): JsonSchema {
  const schema: JsonSchema = { type: rule['integer'] === true ? 'integer' : 'number', ...bounds(rule, 'minimum', 'maximum') };
  if (rule['positive'] === true) schema.exclusiveMinimum = 0;
  if (rule['negative'] === true) schema.exclusiveMaximum = 0;
  if (typeof rule['equal'] === 'number') schema.const = rule['equal'];
  return schema;
}

function arraySchema(rule: RuleObject): JsonSchema {
  const schema: JsonSchema = { type: 'array', ...bounds(rule, 'minItems', 'maxItems') };
  if (typeof rule['length'] === 'number') schema.minItems = schema.maxItems = rule['length'];
  if (rule['items'] !== undefined) schema.items = ruleToJsonSchema(rule['items']);
  if (Array.isArray(rule['enum'])) schema.items = { ...(schema.items || {}), enum: rule['enum'] };
  if (rule['unique'] === true) schema.uniqueItems = true;
  return schema;
}

function objectSchema(properties: ReadonlyMap<string, PropertySchema>, strict: boolean): JsonSchema {
  const required = [...properties].filter(([, property]) => property.required).map(([name]) => name);
  return {
    type: 'object',
    properties: Object.fromEntries([...properties].map(([name, property]) => [name, property.schema])),
    ...(required.length > 0 ? { required } : {}),
    ...(strict ? { additionalProperties: false } : {}),
  };
}

/** `min`/`max` of a rule under the JSON Schema names for its type. */
function bounds<Low extends keyof JsonSchema, High extends keyof JsonSchema>(rule: RuleObject, low: Low, high: High): Pick<JsonSchema, Low | High> {
  return {
    ...(typeof rule['min'] === 'number' ? { [low]: rule['min'] } : {}),
    ...(typeof rule['max'] === 'number' ? { [high]: rule['max'] } : {}),
  } as Pick<JsonSchema, Low | High>;
}

function alternatives(schemas: readonly JsonSchema[]): JsonSchema {
  if (schemas.some((schema) => Object.keys(schema).length === 0)) return {};
  return schemas.length === 1 ? schemas[0]! : { anyOf: schemas };
}

function nullable(schema: JsonSchema): JsonSchema {
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  if (Object.keys(schema).length === 0) return schema;
  return { anyOf: [schema, { type: 'null' }] };
}

/** Whether the validator refuses a call that leaves the property out. */
function isRequired(rule: RuleObject | readonly ValidatorRule[]): boolean {
  if (Array.isArray(rule)) return rule.every((alternative) => isRequired(normalizeRule(alternative)));
  const object = rule as RuleObject;
  return object.optional !== true && object['default'] === undefined && object.type !== 'any';
}

/**
 * A rule in object form, shorthands read as fastest-validator's parseShortHand reads them:
 * "string", "number|min:1|optional", "boolean|no-convert", "string[]|max:5" (an array of strings,
 * the options on the array).
 */
function normalizeRule(rule: unknown): RuleObject | readonly ValidatorRule[] {
  if (Array.isArray(rule)) return rule as readonly ValidatorRule[];
  if (isRecord(rule)) return rule as RuleObject;
  if (typeof rule !== 'string') return {};
  const [head = '', ...options] = rule.split('|').map((part) => part.trim());
  const parsed: Record<string, unknown> = head.endsWith('[]') ? { type: 'array', items: head.slice(0, -2) } : { type: head };
  for (const option of options) {
    const colon = option.indexOf(':');
    if (colon >= 0) parsed[option.slice(0, colon).trim()] = shorthandValue(option.slice(colon + 1).trim());
    else if (option.startsWith('no-')) parsed[option.slice(3)] = false;
    else parsed[option] = true;
  }
  return parsed;
}

function shorthandValue(text: string): unknown {
  if (text === 'true' || text === 'false') return text === 'true';
  return Number.isNaN(Number(text)) ? text : Number(text);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RegExp);
}
