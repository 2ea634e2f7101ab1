/**
 * The gateway (role `api`): REST under /api/v1 through moleculer-web. Routes come from the
 * actions' own `rest` declarations (autoAliases), so an action and its route are declared once;
 * the gateway's own actions (`api.*`) are never routed. Callers authenticate with
 * `Authorization: Bearer <access token | API key>` (one header, one credential); `accounts`
 * resolves the token, and the auth middleware enforces each action's `auth` level. Every answer
 * carries the security headers of security-headers.ts.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ActionSchema, Context, Service, ServiceSchema } from 'moleculer';
import ApiGateway, { type ApiSettingsSchema } from 'moleculer-web';
import { PinkseaError } from '../../engine/errors';
import type { AuthUser, RequestMeta } from '../kernel/auth-middleware';
import { UnauthorizedError } from '../kernel/service-errors';
import { quietClosedDownloads } from './closed-downloads';
import { toErrorResponse } from './error-response';
import { API_BASE_PATH, GATEWAY_WHITELIST } from './gateway-routes';
import { instrumentHttpServer } from './http-metrics';
import { applySecurityHeaders, studioInlineScriptHashes } from './security-headers';
import { createStudioHandler, hasStudioBuild, type StaticHandler } from './studio-assets';

export interface ApiServiceOptions {
  readonly port: number;
  readonly host: string;
  /** Largest JSON body, e.g. '2mb'. */
  readonly jsonLimit?: string;
  /** The built studio to serve at `/`; none when absent or when the folder holds no index.html. */
  readonly studioDir?: string;
  /** Origins images may be shown from besides the gateway (the blob store's, for presigned URLs), for the Content-Security-Policy. */
  readonly imageOrigins?: readonly string[];
}

/** The action behind `/hooks/<token>`. */
const WEBHOOK_ACTION = 'automations.hook';

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const WEBHOOK_PATH = `${API_BASE_PATH}/hooks/`;

/** Which requests the gateway parses as JSON: JSON bodies, except a webhook's. */
function parsesJson(req: IncomingMessage & { originalUrl?: string }): boolean {
  return JSON_TYPE.test(req.headers['content-type'] ?? '') && !(req.originalUrl ?? req.url ?? '').startsWith(WEBHOOK_PATH);
}

/** One scheme, one credential: "Bearer <token>" and nothing else. */
const BEARER = /^Bearer +(\S+)$/i;

export function createApiService(options: ApiServiceOptions): ServiceSchema {
  return {
    name: 'api',
    mixins: [ApiGateway],
    settings: {
      port: options.port,
      ip: options.host,
      path: API_BASE_PATH,
      // Services joining later (other nodes of the cluster) get routes within this many ms.
      debounceTime: 100,
      // A line per route at start and per request is noise at info; the HTTP metrics count requests.
      logRouteRegistration: 'debug',
      logRequest: 'debug',
      logResponse: 'debug',
      routes: [
        {
          path: '/',
          whitelist: [...GATEWAY_WHITELIST],
          autoAliases: true,
          mappingPolicy: 'restrict',
          authentication: true,
          // A webhook reads its own body: it checks a signature over the bytes and takes forms and images too.
          bodyParsers: { json: { strict: false, limit: options.jsonLimit ?? '2mb', type: parsesJson }, urlencoded: false },
          onBeforeCall(ctx: Context<unknown, RequestMeta & { headers?: IncomingMessage['headers'] }>, _route: unknown, req: IncomingMessage & { $action?: ActionSchema }) {
            ctx.meta.ip = req.socket.remoteAddress ?? '';
            // A webhook's run sees the request's headers (and checks its signature header); other actions never need them.
            if (req.$action?.name === WEBHOOK_ACTION) ctx.meta.headers = req.headers;
          },
        },
      ],
      onError(_req: IncomingMessage, res: ServerResponse, error: unknown) {
        const { status, body, headers } = toErrorResponse(error);
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
        res.writeHead(status);
        res.end(JSON.stringify(body));
      },
    } as ApiSettingsSchema,
    // Runs after moleculer-web's own created(), which serves `settings.assets` through `this.serve`.
    created(this: Service & { server?: Server; serve?: StaticHandler }) {
      quietClosedDownloads(this.logger);
      const studioDir = options.studioDir;
      const studio = studioDir !== undefined && hasStudioBuild(studioDir);
      if (this.server) {
        applySecurityHeaders(this.server, studio ? studioInlineScriptHashes(studioDir) : undefined, options.imageOrigins);
        instrumentHttpServer(this.server, this.broker.metrics);
      }
      if (!studioDir) return;
      if (studio) {
        this.serve = createStudioHandler(studioDir);
        this.logger.info(`Serving the studio from ${studioDir} at /`);
      } else {
        this.logger.warn(`No studio build in ${studioDir}: run \`npm run studio:build\` to serve the studio at /; the API is unaffected`);
      }
    },
    methods: {
      async authenticate(ctx: Context<unknown, RequestMeta>, _route: unknown, req: IncomingMessage & { $action?: ActionSchema }): Promise<AuthUser | null> {
        // Node keeps only the first of repeated Authorization headers in `headers`.
        const headers = req.headersDistinct['authorization'] ?? [];
        if (headers.length === 0 || (headers.length === 1 && headers[0] === '')) return null;
        if (headers.length > 1) throw new UnauthorizedError('Send one Authorization header, not several');
        const token = BEARER.exec(headers[0]!)?.[1];
        if (!token) throw new UnauthorizedError('The Authorization header must be "Bearer <access token or API key>", one credential and nothing after it');
        // An action's own credential (a metrics scrape token) admits that action alone, with no user.
        const action = req.$action;
        if (action?.acceptsToken?.(token) && action.name) {
          ctx.meta.tokenFor = action.name;
          return null;
        }
        return ctx.call<AuthUser, { token: string }>('accounts.authenticate', { token });
      },
    },
  };
}

/** The address the gateway listens on, once started. */
export function gatewayUrl(service: { server?: { address(): unknown } }): string {
  const address = service.server?.address() as { address: string; port: number } | null;
  if (!address) throw new PinkseaError('gateway_not_listening', 'The API gateway is not listening yet', 'internal');
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}/api/v1`;
}

/**
 * Builds the routes of every service known now. The gateway does this on its own after services
 * join (debounced); starters call it once after `broker.start()` so the API is complete when the
 * URL is printed.
 */
export function refreshRoutes(service: unknown): void {
  const gateway = service as { routes: { opts: { autoAliases?: boolean } }[]; regenerateAutoAliases(route: unknown): void };
  for (const route of gateway.routes) if (route.opts.autoAliases) gateway.regenerateAutoAliases(route);
}
