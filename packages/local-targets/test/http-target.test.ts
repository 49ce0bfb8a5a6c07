import assert from 'node:assert/strict';
import t from 'tap';
import { LocalHttpTarget } from '../src/index.js';

async function post(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test': 'yes' }, body: JSON.stringify(body), ...init });
}

t.test('LocalHttpTarget', async (t) => {
  const target = new LocalHttpTarget();
  let url: string;

  t.before(async () => {
    target
      .route('/echo', (request) => ({ status: 201, headers: { 'x-seen': request.headers['x-test'] as string }, body: { got: request.body } }))
      .route('/text', () => ({ body: 'plain words' }))
      .route('/boom', () => {
        throw new Error('handler broke');
      });
    url = (await target.start()).url;
  });

  t.teardown(async () => {
    await target.stop();
  });

  t.test('records each request and answers 200 {"ok":true} on paths without a handler', async () => {
    const response = await post(`${url}/anything?x=1`, { hello: 'world' });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true });
    const recorded = target.requests.at(-1);
    assert.equal(recorded?.method, 'POST');
    assert.equal(recorded?.path, '/anything');
    assert.equal(recorded?.query, '?x=1');
    assert.equal(recorded?.headers['x-test'], 'yes');
    assert.deepEqual(recorded?.body, { hello: 'world' });
    assert.equal(recorded?.status, 200);
    assert.ok(typeof recorded?.at === 'number');
  });

  t.test('answers with the handler of the path', async () => {
    const response = await post(`${url}/echo`, [1, 2]);
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('x-seen'), 'yes');
    assert.deepEqual(await response.json(), { got: [1, 2] });
    const text = await post(`${url}/text`, {});
    assert.equal(text.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await text.text(), 'plain words');
    assert.equal(target.requestsTo('/echo').length, 1);
  });

  t.test('keeps a body that is not JSON as text', async () => {
    await fetch(`${url}/raw`, { method: 'POST', body: 'not json' });
    assert.equal(target.requestsTo('/raw').at(-1)?.body, 'not json');
  });

  t.test('answers 500 with the message when a handler throws', async () => {
    const response = await post(`${url}/boom`, {});
    assert.equal(response.status, 500);
    assert.equal(await response.text(), 'handler broke');
  });

  t.test('fails the next requests with the injected status and Retry-After, then recovers', async () => {
    target.failNext(2, 503, { retryAfter: 7 });
    for (let i = 0; i < 2; i++) {
      const response = await post(`${url}/echo`, {});
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '7');
      await response.arrayBuffer();
    }
    assert.equal((await post(`${url}/echo`, {})).status, 201);
    assert.deepEqual(
      target
        .requestsTo('/echo')
        .slice(-3)
        .map((r) => r.status),
      [503, 503, 201],
    );
    assert.throws(() => target.failNext(1, 42), RangeError);
  });

  t.test('never answers hung requests, and does not wait for them in settled()', async () => {
    target.hangNext(1);
    await assert.rejects(post(`${url}/echo`, { n: 1 }, { signal: AbortSignal.timeout(100) }), { name: 'TimeoutError' });
    await target.settled();
    // On a loaded machine the client can give up before the server has read the request; wait for it (bounded).
    for (let i = 0; i < 200 && !target.requests.some((r) => (r.body as { n?: number } | undefined)?.n === 1); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const hung = target.requests.find((r) => (r.body as { n?: number } | undefined)?.n === 1);
    assert.deepEqual(hung?.body, { n: 1 });
    assert.equal(hung?.status, undefined);
    assert.equal((await post(`${url}/echo`, {})).status, 201);
  });

  t.test('delays answers by delayMs', async () => {
    target.delayMs = 120;
    try {
      const started = performance.now();
      await (await post(`${url}/echo`, {})).arrayBuffer();
      assert.ok(performance.now() - started >= 110);
    } finally {
      target.delayMs = 0;
    }
  });
});

t.test('LocalHttpTarget lifecycle', async (t) => {
  t.test('stops although a request hangs, refuses a second start, and stops twice', async () => {
    const target = new LocalHttpTarget();
    assert.throws(() => target.url);
    const { url } = await target.start();
    await assert.rejects(target.start());
    target.hangNext(1);
    const hanging = fetch(`${url}/x`, { method: 'POST', body: '{}' }).catch((error: unknown) => error);
    while (target.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await target.stop();
    await target.stop();
    assert.ok((await hanging) instanceof Error);
  });

  t.test('answers 413 past maxBodyBytes', async () => {
    const target = new LocalHttpTarget({ maxBodyBytes: 10 });
    const { url } = await target.start();
    try {
      const response = await fetch(url, { method: 'POST', body: 'x'.repeat(100) });
      assert.equal(response.status, 413);
      await response.arrayBuffer();
      assert.equal(target.requests.at(-1)?.rawBody, '');
    } finally {
      await target.stop();
    }
  });
});
