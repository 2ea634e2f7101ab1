/**
 * The API reference (role `api`): GET /api/v1/openapi.json, built from the broker registry's
 * services (the definitions the gateway routes) and rebuilt whenever they change: services joining
 * or leaving the cluster, packs loaded or unloaded.
 */
import type { ServiceSchema } from 'moleculer';
import { version } from '../../package.json';
import { defineAction } from '../kernel/action-params';
import { collectGatewayRoutes, type RegistryService, type RoutedAction } from './gateway-routes';
import { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './openapi';

export interface DocsServiceOptions {
  readonly info?: Partial<OpenApiInfo>;
}

const DEFAULT_INFO: OpenApiInfo = {
  title: 'Pinksea API',
  version,
  description: 'Node-graph AI image workflows as a service. Errors answer `{ error: { code, message, issues? } }`.',
};

export function createDocsService(options: DocsServiceOptions = {}): ServiceSchema {
  const info: OpenApiInfo = { ...DEFAULT_INFO, ...options.info };
  let cached: { key: string; document: OpenApiDocument } | undefined;

  return {
    name: 'docs',
    settings: { rest: '/' },
    actions: {
      openapi: defineAction({
        rest: 'GET /openapi.json',
        auth: 'none',
        summary: 'This API\'s OpenAPI 3.1 document',
        params: {},
        handler(): OpenApiDocument {
          const services = this.broker.registry.getServiceList({ withActions: true, grouping: true }) as unknown as RegistryService[];
          const key = registryKey(services);
          if (cached?.key !== key) cached = { key, document: buildOpenApiDocument(collectGatewayRoutes(services), info) };
          return cached.document;
        },
      }),
    },
  };
}

/** Everything of the service list that the document depends on, as one string. */
function registryKey(services: readonly RegistryService[]): string {
  const routed = (action: RoutedAction) => ({
    name: action.name,
    rest: action.rest,
    params: action.params,
    auth: action.auth,
    visibility: action.visibility,
    summary: action.summary,
    description: action.description,
    responseType: action.responseType,
  });
  const shape = services.map((service) => ({
    name: service.fullName ?? service.name,
    rest: service.settings?.rest,
    actions: Object.values(service.actions ?? {}).filter((action) => action.rest).map(routed),
  }));
  return JSON.stringify(shape, (_key, value: unknown) => (value instanceof RegExp ? `/${value.source}/${value.flags}` : value));
}
