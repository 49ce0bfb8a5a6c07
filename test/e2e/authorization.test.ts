import assert from 'node:assert/strict';
import t from 'tap';
import { TOKEN_SCOPES } from '@vrouter/core';
import { seedSvc, type Stack, startStack } from '../src/stack.js';

/** Sample values for path parameters; names no existing resource, so a request that gets through changes nothing that matters. */
const SAMPLES: Record<string, string> = {
  component: 'matrix-comp',
  version: 'v1',
  channel: 'beta',
  scope: 'customer',
  subject: 'matrix',
  customer: 'matrix',
  project: 'matrix',
  name: 'nobody',
  source: '%2Fmatrix',
  id: 'x',
};

t.test('authorization matrix: every route × (no token, wrong token, each scope)', async (t) => {
  let stack: Stack;
  const tokens = new Map<string, string>();

  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
    for (const scope of TOKEN_SCOPES) {
      const created = await stack.api<{ token: string }>('POST', '/v1/tokens', { name: `matrix-${scope.replace(':', '-')}`, scopes: [scope] });
      assert.equal(created.status, 201);
      tokens.set(scope, created.body.token);
    }
  });
  t.teardown(() => stack.close());

  const call = async (method: string, url: string, token: string | null) => {
    const path = url.replace(/:(\w+)/g, (_, name: string) => SAMPLES[name] ?? 'x');
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const hasBody = method === 'PUT' || method === 'POST';
    if (hasBody) headers['content-type'] = 'application/json';
    const response = await fetch(`${stack.url}${path}`, { method, headers, body: hasBody ? '{}' : undefined });
    await response.arrayBuffer();
    return response.status;
  };

  t.test('covers every route the app serves', async () => {
    const routes = stack.runtime.app.vrouterRoutes;
    assert.ok(routes.length >= 24, `${routes.length} routes`);
    for (const route of routes) {
      if (route.url.startsWith('/v1/')) assert.ok(route.scope, `${route.method} ${route.url} must require a scope`);
    }
  });

  t.test('answers 401 without a token or with a wrong one, 403 without the scope, and lets the right scope through', async () => {
    const failures: string[] = [];
    for (const route of stack.runtime.app.vrouterRoutes) {
      const expect = (status: number, ok: (s: number) => boolean, who: string) => {
        if (!ok(status)) failures.push(`${route.method} ${route.url} as ${who}: ${status}`);
      };
      if (route.scope === null) {
        // The docs and the web page's static files are not the API (the page's own test covers them).
        if (route.url.startsWith('/docs') || route.url.startsWith('/ui')) continue;
        expect(await call(route.method, route.url, null), (s) => s === 200, 'anonymous');
        continue;
      }
      expect(await call(route.method, route.url, null), (s) => s === 401, 'no token');
      expect(await call(route.method, route.url, 'vr_not-a-real-token'), (s) => s === 401, 'wrong token');
      for (const scope of TOKEN_SCOPES) {
        const allowed = scope === route.scope || scope === 'admin';
        expect(await call(route.method, route.url, tokens.get(scope)!), (s) => (allowed ? s !== 401 && s !== 403 : s === 403), scope);
      }
    }
    assert.deepEqual(failures, []);
  });
});
