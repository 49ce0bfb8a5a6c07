import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { isRateLimited } from '../rate-limit.js';
import { BEARER_SCHEME, TAGS } from './operation.js';
import { RATE_LIMITED } from './problems.js';

/** Where the UI is served; the document is at `${DOCS_PREFIX}/json` (and `/yaml`). */
export const DOCS_PREFIX = '/docs';

/** The router's version, set at build time by a bundler (a bundle has no package.json beside it). */
declare const __VROUTER_VERSION__: string | undefined;

// src/openapi/ and dist/openapi/ are both two levels below the package root.
const version =
  typeof __VROUTER_VERSION__ === 'string' ? __VROUTER_VERSION__ : (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Documents the routes registered after it (it collects them as they are added) as OpenAPI 3.1, served at /docs/json
 * with the Swagger UI at /docs. The docs routes have no `config.scope`, so they need no token. Each operation's
 * description gets the scope its route requires, and rate-limited routes get their 429, both taken from the route
 * itself so the document cannot disagree with it.
 */
export function registerDocs(app: FastifyInstance): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Version Router',
        version,
        description:
          'Routes each CloudEvent to the version of a component that its project, customer or plan is pinned to. Every error is application/problem+json with a stable `code`.',
      },
      components: { securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', description: 'A token from POST /v1/tokens, or VROUTER_ADMIN_TOKEN.' } } },
      tags: TAGS.map((tag) => ({ ...tag })),
    },
    transform: ({ schema, url, route }) => {
      // A route without a schema reaches here with none.
      const documented: FastifySchema = { ...(schema as FastifySchema | undefined) };
      const scope = route.config?.scope;
      if (scope) documented.description = [documented.description, `Needs the \`${scope}\` scope (or \`admin\`).`].filter(Boolean).join('\n\n');
      if ([route.method].flat().some((method) => isRateLimited(method, url))) documented.response = { ...(documented.response as object), 429: RATE_LIMITED };
      return { schema: documented, url };
    },
  });
  app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
}
