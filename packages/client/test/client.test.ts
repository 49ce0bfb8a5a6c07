import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { ApiError, ConnectionError, VrouterClient } from '../src/index.js';
import { startServer } from './server.js';

t.test('VrouterClient over real HTTP', async (t) => {
  let stub: Awaited<ReturnType<typeof startServer>>;
  let client: VrouterClient;

  t.before(async () => {
    stub = await startServer();
    client = new VrouterClient({ url: `${stub.url}/`, token: 'secret-token' });
  });
  t.teardown(() => new Promise<void>((resolve) => stub.server.close(() => resolve())));
  t.beforeEach(() => {
    stub.seen.length = 0;
    stub.reply({ status: 200, type: 'application/json', body: '{}' });
  });

  t.test('sends the bearer token and JSON bodies', async () => {
    await client.pins.set('customer', 'acme', 'svc', { channel: 'beta', reason: 'canary' });
    const [request] = stub.seen;
    assert.equal(request!.method, 'PUT');
    assert.equal(request!.url, '/v1/pins/customer/acme/svc');
    assert.equal(request!.headers.authorization, 'Bearer secret-token');
    assert.equal(request!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request!.body), { channel: 'beta', reason: 'canary' });
  });

  t.test('sends reason and force only when given', async () => {
    await client.channels.promote('svc', 'stable', 'beta', { force: true, reason: 'hotfix' });
    await client.channels.rollback('svc', 'stable');
    await client.channels.set('svc', 'beta', 'v2', { reason: undefined });
    assert.deepEqual(
      stub.seen.map((s) => [s.method, s.url, JSON.parse(s.body)]),
      [
        ['POST', '/v1/components/svc/channels/stable/promote', { from: 'beta', force: true, reason: 'hotfix' }],
        ['POST', '/v1/components/svc/channels/stable/rollback', {}],
        ['PUT', '/v1/components/svc/channels/beta', { version: 'v2' }],
      ],
    );
  });

  t.test('sends no authorization header without a token', async () => {
    await new VrouterClient({ url: stub.url }).components.list();
    assert.equal(stub.seen[0]!.headers.authorization, undefined);
  });

  t.test('encodes every path segment', async () => {
    await client.events.get('/tour/a b', 'id?#1');
    await client.versions.delete('svc', 'v1.2');
    await client.tokens.revoke('ci/bot');
    assert.deepEqual(
      stub.seen.map((s) => s.url),
      ['/v1/events/%2Ftour%2Fa%20b/id%3F%231', '/v1/components/svc/versions/v1.2', '/v1/tokens/ci%2Fbot'],
    );
  });

  t.test('builds query strings, leaving out absent filters', async () => {
    await client.pins.list({ scope: 'customer', component: 'svc' });
    await client.resolve({ component: 'svc', customer: 'a&b' });
    await client.audit.list({ since: '2026-01-01T00:00:00.000Z' });
    await client.events.post({ id: '1' }, { wait: true });
    assert.deepEqual(
      stub.seen.map((s) => s.url),
      ['/v1/pins?scope=customer&component=svc', '/v1/resolve?component=svc&customer=a%26b', '/v1/audit?since=2026-01-01T00%3A00%3A00.000Z', '/v1/events?wait=true'],
    );
    assert.equal(stub.seen[3]!.headers['content-type'], 'application/cloudevents+json');
  });

  t.test('decodes JSON answers and maps 204 to undefined', async () => {
    stub.reply({ status: 201, type: 'application/json', body: '{"name":"ci","token":"t0k"}' });
    assert.deepEqual(await client.tokens.create({ name: 'ci', scopes: ['read'] }), { name: 'ci', token: 't0k' });
    stub.reply({ status: 204 });
    assert.equal(await client.pins.unset('plan', 'free', 'svc'), undefined);
  });

  t.test('turns a problem document into an ApiError with status, code, field and detail', async () => {
    const problem = {
      type: 'urn:vrouter:error:VR_PIN_VERSION_UNKNOWN',
      title: 't',
      status: 422,
      detail: 'Version v9 of svc is not registered.',
      code: 'VR_PIN_VERSION_UNKNOWN',
      field: 'version',
    };
    stub.reply({ status: 422, type: 'application/problem+json', body: JSON.stringify(problem) });
    const error = await client.pins.set('customer', 'acme', 'svc', { version: 'v9' }).catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 422);
    assert.equal(error.code, 'VR_PIN_VERSION_UNKNOWN');
    assert.equal(error.field, 'version');
    assert.equal(error.detail, 'Version v9 of svc is not registered.');
    assert.equal(error.message, error.detail);
    assert.deepEqual(error.problem, problem);
  });

  t.test('falls back to the status when the error body is not JSON', async () => {
    stub.reply({ status: 502, type: 'text/html', body: '<h1>Bad gateway</h1>' });
    const error = await client.components.get('svc').catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 502);
    assert.equal(error.code, 'HTTP_502');
    assert.equal(error.field, undefined);
    assert.match(error.detail, /^HTTP 502 Bad Gateway: <h1>Bad gateway<\/h1>$/);
    assert.equal(error.problem, undefined);
  });

  t.test('rejects a URL that is not http(s)', async () => {
    assert.throws(() => new VrouterClient({ url: 'ftp://example.com' }), TypeError);
    assert.throws(() => new VrouterClient({ url: 'not a url' }), TypeError);
  });
});

t.test('VrouterClient without a server', async (t) => {
  t.test('throws ConnectionError naming the URL when the connection is refused', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const client = new VrouterClient({ url: `http://127.0.0.1:${port}`, token: 'secret-token' });
    const error = await client.components.list().catch((e: unknown) => e);
    assert.ok(error instanceof ConnectionError, String(error));
    assert.equal(error.url, `http://127.0.0.1:${port}/v1/components`);
    assert.match(error.message, new RegExp(`^cannot connect to http://127\\.0\\.0\\.1:${port}/v1/components: ECONNREFUSED$`));
    assert.doesNotMatch(error.message, /secret-token/);
  });

  t.test('throws ConnectionError when the server does not answer in time', async () => {
    const server = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const error = await new VrouterClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 100 }).components.list().catch((e: unknown) => e);
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(error.message, /timed out$/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
