/**
 * Which actions the gateway serves, and at which method and path: the rules of moleculer-web's
 * autoAliases (a service's `settings.rest` base path, each action's `rest` as "METHOD /path", an
 * object or a list of either), applied to the broker registry's service list. The gateway's route
 * whitelist and the OpenAPI document both come from here, so the reference lists what is routed.
 */
import type { ActionAuth } from '../kernel/auth-middleware';

/** Where the gateway mounts the REST API. */
export const API_BASE_PATH = '/api/v1';

/**
 * Whether the gateway may route to an action. The gateway's own actions (`api.listAliases` and
 * the rest) are for the cluster, not for HTTP callers.
 */
export const GATEWAY_WHITELIST: readonly RegExp[] = [/^(?!api\.)/];

export function isExposedAction(actionName: string): boolean {
  return GATEWAY_WHITELIST.some((mask) => mask.test(actionName));
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
const HTTP_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** One method and path the gateway answers, with the action behind it. */
export interface GatewayRoute {
  /** '*' when the action's `rest` names no method: moleculer-web then answers every method. */
  readonly method: HttpMethod | '*';
  /** Full path with moleculer-web's `:param` placeholders, e.g. /api/v1/queue/:queueId/enqueue_batch. */
  readonly path: string;
  /** moleculer-web's `type: 'stream'`: the request body is handed to the action as a stream. */
  readonly stream: boolean;
  readonly service: string;
  readonly action: RoutedAction;
}

/** What the registry keeps of an action that the API reference reads. */
export interface RoutedAction {
  readonly name: string;
  readonly rawName?: string;
  readonly rest?: unknown;
  readonly params?: unknown;
  readonly auth?: ActionAuth;
  readonly visibility?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly responseType?: string;
}

/** A service as `broker.registry.getServiceList({ withActions: true, grouping: true })` lists it. */
export interface RegistryService {
  readonly name: string;
  readonly version?: string | number | null;
  readonly fullName?: string;
  readonly settings?: { readonly rest?: unknown; readonly $noVersionPrefix?: boolean } | null;
  readonly actions?: Readonly<Record<string, RoutedAction>>;
}

interface RestObject {
  readonly method?: string;
  readonly path?: string;
  readonly basePath?: string;
  readonly fullPath?: string;
  readonly type?: string;
}

/** Every route the gateway builds from these services, in registry order. */
export function collectGatewayRoutes(services: readonly RegistryService[]): GatewayRoute[] {
  const routes: GatewayRoute[] = [];
  const seen = new Set<string>();
  for (const service of services) {
    if (!service.settings) continue;
    const serviceName = service.fullName ?? fullServiceName(service);
    // moleculer-web routes one instance of a service however many nodes run it.
    if (seen.has(serviceName)) continue;
    seen.add(serviceName);
    for (const basePath of basePathsOf(service, serviceName)) {
      for (const action of Object.values(service.actions ?? {})) {
        if (!action.rest) continue;
        if (action.visibility != null && action.visibility !== 'published') continue;
        if (!isExposedAction(action.name)) continue;
        const rests = Array.isArray(action.rest) ? (action.rest as unknown[]) : [action.rest];
        for (const rest of rests) {
          const route = parseRest(rest, basePath, action);
          if (route) routes.push({ ...route, service: service.name, action });
        }
      }
    }
  }
  return routes;
}

function basePathsOf(service: RegistryService, serviceName: string): string[] {
  const rest = service.settings?.rest;
  const byName = serviceName.replace(/\./g, '/');
  const paths = typeof rest === 'string' ? [rest] : Array.isArray(rest) ? rest : [byName];
  return paths.map((path) => addSlashes(typeof path === 'string' ? path : byName));
}

function parseRest(rest: unknown, basePath: string, action: RoutedAction): Omit<GatewayRoute, 'service' | 'action'> | undefined {
  let method = '*';
  let path: string;
  let stream = false;
  let fullPath: string | undefined;
  if (typeof rest === 'string') {
    // "POST /import", or "/import" for every method.
    const [first = '', second] = rest.trim().split(/\s+/);
    if (second !== undefined) [method, path] = [first, basePath + second];
    else path = basePath + first;
  } else if (typeof rest === 'object' && rest !== null) {
    const object = rest as RestObject;
    method = object.method ?? '*';
    path = (object.basePath ?? basePath) + (object.path ?? action.rawName ?? '');
    stream = object.type === 'stream';
    fullPath = object.fullPath;
  } else {
    return undefined;
  }
  const upper = method.toUpperCase();
  if (upper !== '*' && !HTTP_METHODS.includes(upper)) return undefined;
  const relative = trimSlashes(path.replace(/\/{2,}/g, '/'));
  return { method: upper as HttpMethod | '*', path: fullPath ?? `${API_BASE_PATH}/${relative}`.replace(/\/$/, ''), stream };
}

function fullServiceName(service: RegistryService): string {
  if (service.version != null && service.settings?.$noVersionPrefix !== true) {
    return `${typeof service.version === 'number' ? `v${service.version}` : service.version}.${service.name}`;
  }
  return service.name;
}

function addSlashes(path: string): string {
  return (path.startsWith('/') ? '' : '/') + path + (path.endsWith('/') ? '' : '/');
}

function trimSlashes(path: string): string {
  return path.replace(/^\//, '').replace(/\/$/, '');
}
