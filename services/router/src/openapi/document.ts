import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { isRateLimited } from '../rate-limit.js';
import { BEARER_SCHEME, RATE_LIMITED, TAGS } from './operation.js';
import { DOCUMENTED_BODIES } from './routes.js';

/** Where the UI is served; the document is at `${DOCS_PREFIX}/json` (and `/yaml`). */
export const DOCS_PREFIX = '/docs';

/** The router's version, set at build time by a bundler (a bundle has no package.json beside it). */
declare const __VROUTER_VERSION__: string | undefined;

// src/openapi/ and dist/openapi/ are both two levels below the package root.
const version =
  typeof __VROUTER_VERSION__ === 'string' ? __VROUTER_VERSION__ : (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Documents the routes registered after it (it collects them as they are added) as OpenAPI 3.1, served at /docs/json
 * with the Swagger UI at /docs. The named schemas of @vrouter/api (added to the app with addSchema) become
 * `components.schemas`, under their `$id`. The docs routes have no `config.scope`, so they need no token. Each
 * operation's description gets the scope its route requires, and rate-limited routes get their 429, both taken from
 * the route itself so the document cannot disagree with it.
 */
export function registerDocs(app: FastifyInstance, options: { publicUrl?: string | undefined } = {}): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Version Router',
        version,
        description:
          'Routes each CloudEvent to the version of a component that its project, customer or plan is pinned to. Every error is application/problem+json with a stable `code`.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: options.publicUrl ?? '/', description: options.publicUrl ? 'This router (VROUTER_PUBLIC_URL).' : 'This router.' }],
      components: { securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', description: 'A token from POST /v1/tokens, or VROUTER_ADMIN_TOKEN.' } } },
      tags: TAGS.map((tag) => ({ ...tag })),
    },
    // Components are named by their $id (the default would be def-0, def-1, …).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url, route }) => {
      // A route without a schema reaches here with none.
      const documented: FastifySchema = { ...(schema as FastifySchema | undefined) };
      // The operator's web page is not part of the API.
      if (url === '/ui' || url.startsWith('/ui/')) return { schema: { ...documented, hide: true } as FastifySchema, url };
      const scope = route.config?.scope;
      if (scope) documented.description = [documented.description, `Needs the \`${scope}\` scope (or \`admin\`).`].filter(Boolean).join('\n\n');
      const methods = [route.method].flat();
      if (methods.some((method) => isRateLimited(method, url))) documented.response = { ...(documented.response as object), 429: RATE_LIMITED };
      const body = methods.map((method) => DOCUMENTED_BODIES[`${method} ${url}`]).find(Boolean);
      if (body) documented.body = body;
      return { schema: documented, url };
    },
  });
  app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
}
