import assert from 'node:assert/strict';
import t from 'tap';
import { AddressPolicy, type DispatchRequest } from '@vrouter/core';
import { LocalHttpTarget, type RecordedHttpRequest } from '@vrouter/local-targets';
import { HttpDispatcher } from '../src/index.js';
import { TRACEPARENT, closedPort, httpTarget, payload, request } from './fixtures.js';

/** The targets here listen on loopback, which the router refuses unless allowed. */
const addressPolicy = new AddressPolicy(['127.0.0.0/8', '::1/128']);

t.test('HttpDispatcher against LocalHttpTarget', async (t) => {
  const target = new LocalHttpTarget();
  const dispatcher = new HttpDispatcher({ addressPolicy });
  let url: string;

  t.before(async () => {
    target
      .route('/hook', (received) => ({ status: 200, body: { handled: (received.body as { id?: string }).id } }))
      .route('/accepted', () => ({ status: 202 }))
      .route('/missing', () => ({ status: 404, body: { error: 'no such hook' } }))
      .route('/moved', () => ({ status: 302, headers: { location: '/elsewhere' } }))
      .route('/big', () => ({ body: 'é'.repeat(5000) }));
    url = (await target.start()).url;
  });

  t.teardown(async () => {
    await target.stop();
  });

  function last(path: string): RecordedHttpRequest {
    const recorded = target.requestsTo(path).at(-1);
    assert.ok(recorded, `nothing reached ${path}`);
    return recorded;
  }

  t.test('POSTs the payload as a structured CloudEvent and succeeds with the answer', async () => {
    const outcome = await dispatcher.dispatch(request(httpTarget(`${url}/hook`)));
    assert.deepEqual(outcome, { status: 'succeeded', response: '{"handled":"evt-1"}' });
    const received = last('/hook');
    assert.equal(received.method, 'POST');
    assert.deepEqual(received.body, payload());
    assert.equal(received.headers['content-type'], 'application/json');
  });

  t.test('succeeds on any 2xx, also without a body', async () => {
    assert.deepEqual(await dispatcher.dispatch(request(httpTarget(`${url}/accepted`))), { status: 'succeeded', response: '' });
  });

  t.test('sends the idempotency key, the trace context and the X-Vrouter-* headers', async () => {
    await dispatcher.dispatch(request(httpTarget(`${url}/hook`), { traceparent: TRACEPARENT }));
    const { headers } = last('/hook');
    assert.equal(headers['idempotency-key'], payload().vrouter.idempotencyKey);
    assert.match(headers['idempotency-key'] as string, /^[0-9a-f]{64}$/);
    assert.equal(headers.traceparent, TRACEPARENT);
    assert.equal(headers['x-vrouter-component'], 'example');
    assert.equal(headers['x-vrouter-version'], 'v1');
    assert.equal(headers['x-vrouter-channel'], 'stable');
    assert.equal(headers['x-vrouter-attempt'], '1');
    assert.equal(headers['x-vrouter-replay'], undefined);
    assert.equal(headers['x-vrouter-shadow'], undefined);
  });

  t.test('marks replays and shadow deliveries, and leaves out what is not set', async () => {
    const base = payload();
    const replayed: DispatchRequest = {
      target: httpTarget(`${url}/hook`),
      payload: { ...base, vrouter: { ...base.vrouter, channel: null, attempt: 3, replayId: 'rp-7', shadow: true } },
    };
    await dispatcher.dispatch(replayed);
    const { headers } = last('/hook');
    assert.equal(headers['x-vrouter-replay'], 'rp-7');
    assert.equal(headers['x-vrouter-shadow'], 'true');
    assert.equal(headers['x-vrouter-attempt'], '3');
    assert.equal(headers['x-vrouter-channel'], undefined);
    assert.equal(headers.traceparent, undefined);
  });

  for (const status of [500, 502, 503, 429, 408]) {
    t.test(`fails retryably on ${status}`, async () => {
      target.failNext(1, status);
      const outcome = await dispatcher.dispatch(request(httpTarget(`${url}/hook`)));
      assert.equal(outcome.status, 'failed');
      assert.equal(outcome.error?.code, `HTTP_${status}`);
      assert.match(outcome.error?.message ?? '', new RegExp(`^The target answered ${status}`));
      assert.equal(outcome.retryable, true);
      assert.equal(outcome.retryAfterMs, undefined);
      assert.equal(outcome.response, `{"error":"injected ${status}"}`);
    });
  }

  t.test('passes Retry-After of a 503 or 429 on as retryAfterMs', async () => {
    target.failNext(1, 503, { retryAfter: 7 }).failNext(1, 429, { retryAfter: new Date(Date.now() + 60_000).toUTCString() });
    const unavailable = await dispatcher.dispatch(request(httpTarget(`${url}/hook`)));
    assert.equal(unavailable.retryAfterMs, 7000);
    const throttled = await dispatcher.dispatch(request(httpTarget(`${url}/hook`)));
    assert.ok(throttled.retryAfterMs !== undefined && throttled.retryAfterMs > 50_000 && throttled.retryAfterMs <= 60_000, String(throttled.retryAfterMs));
  });

  t.test('ignores Retry-After on other statuses', async () => {
    target.failNext(1, 500, { retryAfter: 7 });
    assert.equal((await dispatcher.dispatch(request(httpTarget(`${url}/hook`)))).retryAfterMs, undefined);
  });

  t.test('fails, not retryably, on other 4xx, keeping the answer', async () => {
    const outcome = await dispatcher.dispatch(request(httpTarget(`${url}/missing`)));
    assert.deepEqual(outcome, {
      status: 'failed',
      error: { code: 'HTTP_404', message: 'The target answered 404 Not Found.' },
      retryable: false,
      response: '{"error":"no such hook"}',
    });
  });

  t.test('does not follow redirects, and fails without retry', async () => {
    const outcome = await dispatcher.dispatch(request(httpTarget(`${url}/moved`)));
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.code, 'HTTP_302');
    assert.match(outcome.error?.message ?? '', /redirecting to \/elsewhere; redirects are not followed/);
    assert.equal(outcome.retryable, false);
    assert.equal(target.requestsTo('/elsewhere').length, 0);
  });

  t.test('times out after target.timeoutMs, retryably', async () => {
    target.hangNext(1);
    const started = performance.now();
    const outcome = await dispatcher.dispatch(request(httpTarget(`${url}/hook`, { timeoutMs: 150 })));
    assert.ok(performance.now() - started >= 140);
    assert.deepEqual(outcome, { status: 'failed', error: { code: 'TIMEOUT', message: 'The target did not answer within 150 ms.' }, retryable: true });
  });

  t.test('times out on a target that is slow to answer, too', async () => {
    target.delayMs = 300;
    try {
      const outcome = await dispatcher.dispatch(request(httpTarget(`${url}/hook`, { timeoutMs: 100 })));
      assert.equal(outcome.error?.code, 'TIMEOUT');
      assert.equal(outcome.retryable, true);
    } finally {
      target.delayMs = 0;
    }
  });

  t.test('truncates the response to maxResponseBytes without splitting a character', async () => {
    const outcome = await new HttpDispatcher({ maxResponseBytes: 100, addressPolicy }).dispatch(request(httpTarget(`${url}/big`)));
    assert.equal(outcome.status, 'succeeded');
    const response = outcome.response ?? '';
    assert.ok(Buffer.byteLength(response) <= 100 && Buffer.byteLength(response) >= 99);
    assert.ok(response.startsWith('éé'));
    assert.ok(!response.includes('\uFFFD'));
  });

  t.test('truncates by default to 4096 bytes', async () => {
    const outcome = await dispatcher.dispatch(request(httpTarget(`${url}/big`)));
    assert.ok(Buffer.byteLength(outcome.response ?? '') <= 4096);
    assert.ok(Buffer.byteLength(outcome.response ?? '') >= 4095);
  });
});

t.test('HttpDispatcher without a target to answer', async (t) => {
  const dispatcher = new HttpDispatcher({ addressPolicy });

  t.test('fails retryably when the connection is refused', async () => {
    const outcome = await dispatcher.dispatch(request(httpTarget(`http://127.0.0.1:${await closedPort()}/hook`)));
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.code, 'ECONNREFUSED');
    assert.match(outcome.error?.message ?? '', /^fetch failed: connect ECONNREFUSED/);
    assert.equal(outcome.retryable, true);
  });

  t.test('fails, not retryably, for a port fetch never connects to', async () => {
    const outcome = await dispatcher.dispatch(request(httpTarget('http://127.0.0.1:6000/hook')));
    assert.equal(outcome.error?.code, 'VR_BLOCKED_PORT');
    assert.equal(outcome.retryable, false);
  });

  t.test('fails, without throwing, for targets of another kind, bad targets and payloads that cannot be serialised', async () => {
    const lambda = await dispatcher.dispatch({ target: { kind: 'lambda', functionName: 'f', qualifier: 'v1', invocationType: 'Event' }, payload: payload() });
    assert.equal(lambda.error?.code, 'VR_TARGET_UNSUPPORTED');
    for (const target of [httpTarget('ftp://example.test/x'), httpTarget('not a url'), httpTarget('http://127.0.0.1:1/', { timeoutMs: 0 })]) {
      const outcome = await dispatcher.dispatch(request(target));
      assert.equal(outcome.error?.code, 'VR_INVALID_TARGET', target.url);
      assert.equal(outcome.retryable, false);
    }
    const bigint = await dispatcher.dispatch({ target: httpTarget('http://127.0.0.1:1/'), payload: payload({ n: 1n }) });
    assert.equal(bigint.error?.code, 'TypeError');
    assert.equal(bigint.retryable, false);
  });

  t.test('fails, not retryably, when a header value is one HTTP cannot carry', async () => {
    const base = payload();
    const outcome = await dispatcher.dispatch({ target: httpTarget('http://127.0.0.1:1/'), payload: { ...base, vrouter: { ...base.vrouter, replayId: 'a\nb' } } });
    assert.equal(outcome.error?.code, 'TypeError');
    assert.equal(outcome.retryable, false);
  });

  t.test('refuses an invalid maxResponseBytes', async () => {
    assert.throws(() => new HttpDispatcher({ maxResponseBytes: -1 }), RangeError);
  });
});
