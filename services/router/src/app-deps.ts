import type { AuditLog, EventStore, SnapshotCache } from '@vrouter/core';
import type { AdminService, EventRouter, OverrideService, PayloadReferences, ReplayService } from '@vrouter/engine';
import type { Authenticator, Principal, TokenScope } from './auth.js';
import type { RouterConfig } from './config.js';

/** What the HTTP app and its routes are built from; apart from app.ts so that routes never import the app. */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The token scope a route needs; routes without one are public (health only). */
    scope?: TokenScope;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyInstance {
    /** Every route with the scope it needs, for the docs and the authorization tests. */
    vrouterRoutes: RouteSummary[];
  }
}

export interface RouteSummary {
  method: string;
  url: string;
  scope: TokenScope | null;
}

/** What pino writes formatted log lines to. */
export interface LogStream {
  write(line: string): void;
}

export interface AppDependencies {
  config: Pick<RouterConfig, 'maxBodyBytes' | 'logLevel' | 'adminRateLimitPerMinute'> &
    Partial<Pick<RouterConfig, 'traceUrlTemplate' | 'publicUrl' | 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs' | 'connectionTimeoutMs'>>;
  /** Where log lines go instead of JSON on stdout (dev mode's human lines: see log-format.ts). */
  logStream?: LogStream;
  router: EventRouter;
  admin: AdminService;
  audit: AuditLog;
  events: EventStore;
  replays: ReplayService;
  overrides: OverrideService;
  /** Serves large ECS events by reference; absent when VROUTER_PUBLIC_URL is not set. */
  payloadReferences?: PayloadReferences;
  cache: SnapshotCache;
  authenticator: Authenticator;
  /** Throws when the store cannot be reached; backs /readyz. */
  checkReady: () => Promise<void>;
}
