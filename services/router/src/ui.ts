import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { VrouterError } from '@vrouter/core';
import type { FastifyInstance } from 'fastify';

/**
 * The page may run only its own bundled script and styles and talk only to this router; it can never be framed, and
 * no URL it loads leaks a referrer. No inline script or style is allowed, so injected markup cannot run.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export interface UiOptions {
  /** e.g. `https://ui.honeycomb.io/<team>/environments/<env>/trace?trace_id={traceId}`; links event traces. */
  traceUrlTemplate: string | undefined;
}

/** Where the built page is, or undefined when @vrouter/web was not built (a router-only install). */
export function webRoot(): string | undefined {
  try {
    const root = join(dirname(createRequire(import.meta.url).resolve('@vrouter/web/package.json')), 'dist');
    return existsSync(join(root, 'index.html')) ? root : undefined;
  } catch {
    return undefined;
  }
}

/** Serves the operator's page at /ui. It holds no powers of its own: every action goes through /v1 with the user's token. */
export async function uiRoutes(app: FastifyInstance, options: UiOptions): Promise<void> {
  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
  });
  // The page, not the API: kept out of the OpenAPI document.
  const hidden = { schema: { hide: true } };
  app.get('/ui', hidden, (_request, reply) => reply.redirect('/ui/', 301));
  app.get('/ui/config.json', hidden, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { traceUrlTemplate: options.traceUrlTemplate ?? null };
  });
  const root = webRoot();
  if (!root) {
    app.get('/ui/*', hidden, async () => {
      throw new VrouterError('VR_NOT_FOUND', 'The web page is not built here: run `npm run build -w @vrouter/web` (npm install does it).');
    });
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/ui/',
    decorateReply: false,
    cacheControl: false,
    index: ['index.html'],
    // Hashed asset names never change content; the page itself is always fetched fresh.
    setHeaders: (res, path) => res.setHeader('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
  });
}
