import assert from 'node:assert/strict';
import t from 'tap';
import { cloudEvent, type Stack, startStack, TOKEN } from '../src/stack.js';

const LIMIT = 5;

t.test('admin rate limit (VROUTER_ADMIN_RATE_LIMIT)', async (t) => {
  let stack: Stack;
  let reader: string;

  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${stack.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  t.before(async () => {
    stack = await startStack({ env: { VROUTER_ADMIN_RATE_LIMIT: String(LIMIT) } });
    // The first of the admin token's five requests this minute.
    const created = await call('POST', '/v1/tokens', TOKEN, { name: 'limited-reader', scopes: ['read'] });
    assert.equal(created.status, 201);
    reader = String(created.body.token);
  });
  t.teardown(() => stack.close());

  t.test(`answers the ${LIMIT + 1}th admin request of a token in a minute with 429 VR_RATE_LIMITED and Retry-After`, async () => {
    // A refused token costs nothing: the limit applies after authentication.
    assert.equal((await call('GET', '/v1/components', 'vr_not-a-real-token')).status, 401);
    for (let i = 2; i <= LIMIT; i++) {
      const ok = await call('GET', '/v1/components', TOKEN);
      assert.equal(ok.status, 200, `request ${i}`);
      assert.equal(ok.headers.get('x-ratelimit-remaining'), String(LIMIT - i));
    }
    const limited = await call('GET', '/v1/components', TOKEN);
    assert.equal(limited.status, 429);
    assert.match(limited.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(limited.body.code, 'VR_RATE_LIMITED');
    assert.equal(limited.body.status, 429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60, `Retry-After: ${limited.headers.get('retry-after')}`);
    // Any admin route counts against the same budget.
    assert.equal((await call('GET', '/v1/pins', TOKEN)).status, 429);
  });

  t.test('keys the budget by token: another token is not limited by the first one', async () => {
    const other = await call('GET', '/v1/components', reader);
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('x-ratelimit-remaining'), String(LIMIT - 1));
  });

  t.test('never limits POST /v1/events, nor the health and docs routes', async () => {
    for (let i = 0; i < 10; i++) {
      const posted = await call('POST', '/v1/events', TOKEN, cloudEvent({ customerid: 'acme' }));
      assert.equal(posted.status, 202, `event ${i + 1}: ${JSON.stringify(posted.body)}`);
      assert.equal(posted.headers.get('x-ratelimit-limit'), null);
    }
    for (let i = 0; i < LIMIT + 1; i++) {
      assert.equal((await call('GET', '/healthz', null)).status, 200);
      assert.equal((await call('GET', '/docs/json', null)).status, 200);
    }
  });

  t.test('documents the 429 on the limited routes only', async () => {
    const doc = (await (await fetch(`${stack.url}/docs/json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    assert.ok(doc.paths['/v1/components']?.get?.responses['429'], 'GET /v1/components documents 429');
    assert.ok(doc.paths['/v1/events/{source}/{id}']?.get?.responses['429'], 'GET /v1/events/{source}/{id} documents 429');
    assert.equal(doc.paths['/v1/events']?.post?.responses['429'], undefined, 'POST /v1/events is never limited');
    assert.equal(doc.paths['/healthz']?.get?.responses['429'], undefined, '/healthz is never limited');
  });
});
