import assert from 'node:assert/strict';
import t from 'tap';
import { ApiError, type Replay, VrouterClient } from '../src/index.js';
import { startServer } from './server.js';

const job: Replay = {
  id: 'rp_1',
  state: 'running',
  request: {
    from: '2026-01-01T00:00:00.000Z',
    to: '2026-01-01T00:15:00.000Z',
    filter: { component: 'svc', customer: 'acme', status: 'failed' },
    target: 'current',
    dryRun: false,
    ratePerSecond: 50,
    concurrency: 4,
  },
  createdAt: '2026-01-01T00:15:00.000Z',
  createdBy: 'admin',
  updatedAt: '2026-01-01T00:15:01.000Z',
  counts: { matched: 3, dispatched: 1, succeeded: 1, failed: 0, skipped: 0 },
  counted: true,
  remaining: 2,
};

t.test('VrouterClient events.list and replays', async (t) => {
  let stub: Awaited<ReturnType<typeof startServer>>;
  let client: VrouterClient;

  t.before(async () => {
    stub = await startServer();
    client = new VrouterClient({ url: stub.url, token: 'secret-token' });
  });
  t.teardown(() => new Promise<void>((resolve) => stub.server.close(() => resolve())));
  t.beforeEach(() => {
    stub.seen.length = 0;
    stub.reply({ status: 200, type: 'application/json', body: '{}' });
  });

  t.test('events.list sends every filter given as a query parameter, the limit as a number', async () => {
    const page = { from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T01:00:00.000Z', items: [], cursor: 'next' };
    stub.reply({ status: 200, type: 'application/json', body: JSON.stringify(page) });
    const answer = await client.events.list({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-01T01:00:00.000Z',
      component: 'svc',
      customer: 'a&b',
      project: 'web',
      version: 'v1',
      status: 'failed',
      order: 'asc',
      limit: 50,
      cursor: 'abc/=',
    });
    assert.deepEqual(answer, page);
    const [request] = stub.seen;
    assert.equal(request!.method, 'GET');
    const url = new URL(request!.url, 'http://x');
    assert.equal(url.pathname, '/v1/events');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-01T01:00:00.000Z',
      component: 'svc',
      customer: 'a&b',
      project: 'web',
      version: 'v1',
      status: 'failed',
      order: 'asc',
      limit: '50',
      cursor: 'abc/=',
    });
  });

  t.test('events.list without filters asks for the default window, and leaves out absent ones', async () => {
    await client.events.list();
    await client.events.list({ component: 'svc', customer: undefined, limit: undefined });
    assert.deepEqual(
      stub.seen.map((s) => s.url),
      ['/v1/events', '/v1/events?component=svc'],
    );
  });

  t.test('replays.create posts the request as JSON and returns the 202 answer', async () => {
    const created = { id: 'rp_2', state: 'completed', dryRun: true, matched: 1, sample: [{ source: '/s', id: 'e1', component: 'svc', version: 'v1', status: 'failed' }] };
    stub.reply({ status: 202, type: 'application/json', body: JSON.stringify(created) });
    const input = {
      from: '2026-01-01T00:00:00.000Z',
      filter: { component: 'svc', customer: 'acme', status: 'failed' as const },
      target: { version: 'v24' },
      dryRun: true,
      ratePerSecond: 10,
      concurrency: 2,
    };
    assert.deepEqual(await client.replays.create(input), created);
    const [request] = stub.seen;
    assert.equal(request!.method, 'POST');
    assert.equal(request!.url, '/v1/replays');
    assert.equal(request!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request!.body), input);
  });

  t.test('replays.get, list and cancel call their routes, encoding the id', async () => {
    stub.reply({ status: 200, type: 'application/json', body: JSON.stringify(job) });
    assert.deepEqual(await client.replays.get('rp_1'), job);
    await client.replays.cancel('rp/1?');
    stub.reply({ status: 200, type: 'application/json', body: JSON.stringify({ replays: [job] }) });
    assert.deepEqual(await client.replays.list(), { replays: [job] });
    assert.deepEqual(
      stub.seen.map((s) => [s.method, s.url, s.body]),
      [
        ['GET', '/v1/replays/rp_1', ''],
        ['POST', '/v1/replays/rp%2F1%3F/cancel', ''],
        ['GET', '/v1/replays', ''],
      ],
    );
  });

  t.test('cancelling a replay that is not running is an ApiError 409', async () => {
    stub.reply({ status: 409, type: 'application/problem+json', body: JSON.stringify({ status: 409, code: 'VR_CONFLICT', detail: 'Replay rp_1 is completed, not running.' }) });
    const error = await client.replays.cancel('rp_1').catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 409);
    assert.equal(error.code, 'VR_CONFLICT');
    assert.equal(error.detail, 'Replay rp_1 is completed, not running.');
  });

  t.test('an unknown replay is an ApiError 404', async () => {
    stub.reply({ status: 404, type: 'application/problem+json', body: JSON.stringify({ status: 404, code: 'VR_NOT_FOUND', detail: 'Replay rp_nope does not exist.' }) });
    const error = await client.replays.get('rp_nope').catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 404);
  });
});
