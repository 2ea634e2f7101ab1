/**
 * The OpenAPI 3.1 document of the REST API, built from the routes the gateway serves
 * (gateway-routes.ts) and the actions' own declarations: `params` (fastest-validator rules, as
 * JSON Schema), `auth` (bearer security or none), and an optional `summary`/`description`. Nothing
 * is written twice, so the reference cannot drift from the routes.
 */
import type { ActionAuth } from '../kernel/auth-middleware';
import type { GatewayRoute, HttpMethod } from './gateway-routes';
import { paramsToProperties, type JsonSchema, type PropertySchema } from './validator-schema';

declare module 'moleculer' {
  interface ActionSchema {
    /** One line for the API reference (OpenAPI `summary`). */
    summary?: string;
    /** Longer text for the API reference (OpenAPI `description`, Markdown). */
    description?: string;
    /** Media type of a successful answer when it is not JSON, e.g. 'text/plain' or 'image/png'. */
    responseType?: string;
  }
}

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly schema: JsonSchema;
}

interface MediaType {
  readonly schema?: JsonSchema | Reference;
}

interface Reference {
  readonly $ref: string;
}

export interface OpenApiOperation {
  readonly operationId: string;
  readonly tags: readonly string[];
  readonly summary?: string;
  readonly description?: string;
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: { readonly required: boolean; readonly content: Readonly<Record<string, MediaType>> };
  readonly responses: Readonly<Record<string, Reference | { readonly description: string; readonly content?: Readonly<Record<string, MediaType>> }>>;
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
  /** Who may call it: 'none', 'user' or 'admin'. */
  readonly 'x-pinksea-auth': ActionAuth;
}

type OperationKey = Lowercase<HttpMethod>;

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: OpenApiInfo;
  readonly tags: readonly { readonly name: string }[];
  readonly paths: Readonly<Record<string, Partial<Record<OperationKey, OpenApiOperation>>>>;
  readonly components: {
    readonly securitySchemes: Readonly<Record<string, unknown>>;
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly responses: Readonly<Record<string, unknown>>;
  };
}

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, machine-readable reason, e.g. invalid_input or not_found.' },
        message: { type: 'string', description: 'What went wrong, for a person to act on.' },
        issues: {
          type: 'array',
          items: { type: 'object', required: ['message'], properties: { field: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' } } },
        },
      },
    },
  },
};

/** The error answers every route may give, all in the one shape of error-response.ts. */
const ERROR_RESPONSES = {
  BadRequest: 'The request is malformed, e.g. its body is not valid JSON',
  Unauthorized: 'No valid bearer access token or API key was sent',
  Forbidden: 'The caller may not do this (admins only, or an API key without the scope)',
  NotFound: 'There is no such item, or it belongs to someone else',
  PayloadTooLarge: 'The request body is too large',
  InvalidInput: 'A parameter is missing or invalid; `issues` names each field',
  RateLimited: 'Too many requests; try again after the Retry-After header\'s seconds',
  Error: 'Something failed on our side (500) or a dependency is unavailable (503)',
} as const;

const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

export function buildOpenApiDocument(routes: readonly GatewayRoute[], info: OpenApiInfo): OpenApiDocument {
  const paths: Record<string, Partial<Record<OperationKey, OpenApiOperation>>> = {};
  const tags = new Set<string>();
  for (const route of routes) {
    // A route for every method is documented as GET and POST, the two a client would use.
    const methods: HttpMethod[] = route.method === '*' ? ['GET', 'POST'] : [route.method];
    for (const method of methods) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)\??/g, '{$1}');
      const key = method.toLowerCase() as OperationKey;
      const operations = (paths[path] ??= {});
      if (operations[key]) continue; // moleculer-web answers with the first alias that matches
      const operationId = route.method === '*' && method === 'POST' ? `${route.action.name}.post` : route.action.name;
      operations[key] = buildOperation(route, method, operationId);
      tags.add(route.service);
    }
  }
  return {
    openapi: '3.1.0',
    info,
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An access token from POST /api/v1/auth/login, or an API key' },
      },
      schemas: { Error: ERROR_SCHEMA },
      responses: Object.fromEntries(
        Object.entries(ERROR_RESPONSES).map(([name, description]) => [
          name,
          {
            description,
            ...(name === 'RateLimited' ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } } : {}),
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        ]),
      ),
    },
  };
}

function buildOperation(route: GatewayRoute, method: HttpMethod, operationId: string): OpenApiOperation {
  const { action } = route;
  const auth: ActionAuth = action.auth ?? 'user';
  const properties = paramsToProperties(action.params);
  const pathNames = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
  const parameters: OpenApiParameter[] = pathNames.map((name) => ({ name, in: 'path', required: true, schema: properties.get(name)?.schema ?? { type: 'string' } }));
  const rest = [...properties].filter(([name]) => !pathNames.includes(name));
  const jsonBody = BODY_METHODS.has(method) && !route.stream;
  if (!jsonBody) parameters.push(...rest.map(([name, property]) => ({ name, in: 'query' as const, required: property.required, schema: property.schema })));

  const responses: Record<string, OpenApiOperation['responses'][string]> = {
    '200': { description: 'Success', content: { [action.responseType ?? 'application/json']: action.responseType ? {} : { schema: {} } } },
  };
  const refer = (status: string, name: keyof typeof ERROR_RESPONSES) => (responses[status] = { $ref: `#/components/responses/${name}` });
  if (jsonBody) refer('400', 'BadRequest');
  if (auth !== 'none') refer('401', 'Unauthorized');
  if (auth !== 'none') refer('403', 'Forbidden');
  if (pathNames.length > 0) refer('404', 'NotFound');
  if (jsonBody || route.stream) refer('413', 'PayloadTooLarge');
  if (properties.size > 0) refer('422', 'InvalidInput');
  refer('429', 'RateLimited');
  refer('default', 'Error');

  return {
    operationId,
    tags: [route.service],
    ...(action.summary ? { summary: action.summary } : {}),
    ...operationDescription(action.description, auth),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(jsonBody && rest.length > 0 ? { requestBody: jsonRequestBody(rest) } : {}),
    // A GET has no body, even on a route that reads its body as a stream (a webhook's).
    ...(route.stream && BODY_METHODS.has(method) ? { requestBody: { required: true, content: { 'application/octet-stream': {} } } } : {}),
    responses,
    ...(auth === 'none' ? {} : { security: [{ bearer: [] }] }),
    'x-pinksea-auth': auth,
  };
}

function jsonRequestBody(properties: readonly [string, PropertySchema][]): NonNullable<OpenApiOperation['requestBody']> {
  const required = properties.filter(([, property]) => property.required).map(([name]) => name);
  const schema: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(properties.map(([name, property]) => [name, property.schema])),
    ...(required.length > 0 ? { required } : {}),
  };
  return { required: required.length > 0, content: { 'application/json': { schema } } };
}

function operationDescription(description: string | undefined, auth: ActionAuth): { description?: string } {
  const admins = auth === 'admin' ? 'Admins only.' : '';
  const text = [description, admins].filter(Boolean).join('\n\n');
  return text ? { description: text } : {};
}
