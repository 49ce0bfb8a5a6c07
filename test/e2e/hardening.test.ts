import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import t from 'tap';
import { cloudEvent, eventually, seedSvc, type Stack, startStack } from '../src/stack.js';

type Problem = { status: number; code: string; field?: string; detail: string };

/**
 * Inputs that used to answer 500, or hang or bloat the router, each answered with a 4xx problem now. SSRF targets are
 * only registered, never called.
 */
t.test('hardening: bounded, refused, never a 500', async (t) => {
  let stack: Stack;
  t.before(async () => {
    stack = await startStack({
      env: {
        // The production default: nothing private allowed.
        VROUTER_HTTP_TARGET_ALLOW: '',
        VROUTER_MAX_BATCH: '50',
        VROUTER_MAX_BODY_BYTES: String(4 * 1024 * 1024),
        VROUTER_PUBLIC_URL: 'http://127.0.0.1:1',
        VROUTER_HEADERS_TIMEOUT_MS: '1000',
        VROUTER_REQUEST_TIMEOUT_MS: '2000',
        VROUTER_KEEP_ALIVE_TIMEOUT_MS: '500',
      },
    });
    await seedSvc(stack.api);
  });
  t.teardown(() => stack.close());

  async function problem(response: Promise<{ status: number; contentType: string; body: unknown }>, status: number, code: string, field?: string): Promise<Problem> {
    const r = await response;
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.match(r.contentType, /^application\/problem\+json/);
    const p = r.body as Problem;
    assert.equal(p.code, code, JSON.stringify(p));
    if (field !== undefined) assert.equal(p.field, field, JSON.stringify(p));
    return p;
  }

  t.test('SSRF: HTTP targets at internal addresses are refused at registration', async () => {
    for (const url of [
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00:ec2::254]/latest/meta-data/',
      'https://10.0.0.1/',
      'https://192.168.1.1/',
      'https://0x7f.1/',
      'https://2130706433/',
      'https://127.1/',
      'https://[::ffff:127.0.0.1]/',
      'https://100.100.100.200/',
      'http://svc.example/hook',
      `http://127.0.0.1:${new URL(stack.url).port}/v1/events`,
    ]) {
      const p = await problem(stack.api('PUT', '/v1/components/svc/versions/ssrf', { target: { kind: 'http', url } }), 400, 'VR_TARGET_FORBIDDEN', 'target.url');
      assert.doesNotMatch(p.detail, /169\.254|fd00/, 'the refusal does not echo the address');
    }
    const listed = await stack.api<{ versions: { name: string }[] }>('GET', '/v1/components/svc');
    assert.ok(!listed.body.versions.some((v) => v.name === 'ssrf'));
    const ok = await stack.api('PUT', '/v1/components/svc/versions/public', { target: { kind: 'http', url: 'https://svc.example/hook' } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  t.test('tokens: reserved names are refused', async () => {
    for (const name of ['admin', 'bootstrap', 'system']) {
      await problem(stack.api('POST', '/v1/tokens', { name, scopes: ['read'] }), 400, 'VR_TOKEN_NAME_RESERVED', 'name');
    }
  });

  t.test('the payload route: a multi-byte or forged token is 401, never 500', async () => {
    for (const token of ['a.é', `a.${'é'.repeat(43)}`, 'x.y', '.', 'nodot', `${'ü'.repeat(10)}.${'ü'.repeat(43)}`]) {
      await problem(stack.api('GET', `/v1/payloads/${encodeURIComponent(token)}`, undefined, { token: null }), 401, 'VR_UNAUTHORIZED');
    }
  });

  t.test('a batch over VROUTER_MAX_BATCH is refused whole with 413', async () => {
    const events = Array.from({ length: 51 }, () => cloudEvent({ customerid: 'acme' }));
    const p = await problem(stack.api('POST', '/v1/events', events, { contentType: 'application/cloudevents-batch+json' }), 413, 'VR_BATCH_TOO_LARGE', 'body');
    assert.match(p.detail, /51 events/);
    const first = await stack.api('GET', `/v1/events/${encodeURIComponent('/e2e')}/${events[0]!.id}`);
    assert.equal(first.status, 404, 'nothing of the batch was accepted');
    const fits = await stack.api('POST', '/v1/events', events.slice(0, 50), { contentType: 'application/cloudevents-batch+json' });
    assert.equal(fits.status, 202);
  });

  t.test('a 10,000-event batch is refused whole, with memory flat; a full batch costs bounded memory', async () => {
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    const before = process.memoryUsage().rss;
    const huge = Array.from({ length: 10_000 }, () => cloudEvent({ customerid: 'acme' }));
    for (let round = 0; round < 3; round++) {
      await problem(stack.api('POST', '/v1/events', huge, { contentType: 'application/cloudevents-batch+json' }), 413, 'VR_BATCH_TOO_LARGE', 'body');
    }
    const afterRefused = process.memoryUsage().rss;
    const full = Array.from({ length: 50 }, () => cloudEvent({ customerid: 'acme' }));
    const accepted = await stack.api('POST', '/v1/events?wait=true', full, { contentType: 'application/cloudevents-batch+json' });
    assert.equal(accepted.status, 202);
    const afterFull = process.memoryUsage().rss;
    t.comment(
      `batch memory: RSS ${mb(before)} MB before, ${mb(afterRefused)} MB after three refused 10,000-event batches, ${mb(afterFull)} MB after a full ${full.length}-event batch`,
    );
    // The router runs in this process: refusing parses the body and counts, nothing more is held. A loose bound
    // (the unbounded batch took RSS from 124 MB to 1.08 GB), not a measurement.
    assert.ok(afterRefused - before < 150 * 1024 * 1024, `RSS grew ${mb(afterRefused - before)} MB`);
  });

  t.test('event data nested 5,000 levels is refused', async () => {
    // Written as text: serialising it here would overflow this process's stack first.
    const envelope = JSON.stringify(cloudEvent({ customerid: 'acme', data: null }));
    const raw = envelope.replace('"data":null', `"data":${'{"d":'.repeat(5000)}"leaf"${'}'.repeat(5000)}`);
    await problem(stack.api('POST', '/v1/events', undefined, { raw, contentType: 'application/cloudevents+json' }), 400, 'VR_EVENT_INVALID', 'data');
    let shallow: unknown = 'leaf';
    for (let i = 0; i < 60; i++) shallow = [shallow];
    assert.equal((await stack.api('POST', '/v1/events', cloudEvent({ customerid: 'acme', data: shallow }))).status, 202);
  });

  t.test('crafted cursors are 400 on cursor', async () => {
    const forged = [
      Buffer.from(JSON.stringify({ day: '2026-01-01', key: { pk: { S: 'CONFIG' }, sk: { S: 'x' } } })).toString('base64url'),
      'abc.def',
      'é.é',
      `${'A'.repeat(100)}.${'B'.repeat(43)}`,
    ];
    for (const cursor of forged) {
      await problem(stack.api('GET', `/v1/audit?cursor=${encodeURIComponent(cursor)}`), 400, 'VR_VALIDATION', 'cursor');
      await problem(stack.api('GET', `/v1/events?cursor=${encodeURIComponent(cursor)}`), 400, 'VR_VALIDATION', 'cursor');
    }
  });

  t.test('audit since 2000 pages over days, each page bounded, with a working signed cursor', async () => {
    const first = await stack.api<{ entries: unknown[]; cursor?: string }>('GET', '/v1/audit?since=2000-01-01T00:00:00Z&limit=1000');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.ok(first.body.entries.length > 0);
    assert.ok(first.body.cursor, 'the window goes on past this page');
    const next = await stack.api<{ entries: unknown[]; cursor?: string }>('GET', `/v1/audit?since=2000-01-01T00:00:00Z&limit=1000&cursor=${encodeURIComponent(first.body.cursor)}`);
    assert.equal(next.status, 200, JSON.stringify(next.body));
    // The cursor is bound to its query.
    await problem(stack.api('GET', `/v1/audit?since=2001-01-01T00:00:00Z&cursor=${encodeURIComponent(first.body.cursor)}`), 400, 'VR_VALIDATION', 'cursor');
    await problem(stack.api('GET', '/v1/audit?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z'), 400, 'VR_VALIDATION', 'since');
  });

  t.test('an events window over 744 hours is refused clearly, not answered empty', async () => {
    const p = await problem(stack.api('GET', '/v1/events?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z'), 400, 'VR_VALIDATION', 'from');
    assert.match(p.detail, /744 hours/);
    const component = await stack.api('GET', '/v1/events?component=svc&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z');
    assert.equal(component.status, 200, 'a component query is not bucketed by hour');
  });

  t.test('shadow with from after to, and a vanishing percent', async () => {
    await problem(stack.api('GET', '/v1/shadow/svc?from=9999-12-31T23:59:59Z'), 400, 'VR_VALIDATION', 'from');
    await problem(stack.api('PUT', '/v1/components/svc/shadow', { version: 'v2', percent: 1e-131 }), 400, 'VR_VALIDATION', 'percent');
  });

  t.test("fastify's and node's own errors are problems with stable codes", async () => {
    await problem(stack.api('GET', '/v1/events/%E0%A4%A/x'), 400, 'VR_VALIDATION', 'url');
    await problem(stack.api('GET', `/v1/events/${'s'.repeat(5000)}/x`), 414, 'VR_URL_TOO_LONG', 'url');
    const raw = await rawRequest(stack.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.match(raw, /^HTTP\/1\.1 431 /);
    assert.match(raw, /application\/problem\+json/);
    assert.match(raw, /"code":"VR_HEADERS_TOO_LARGE"/);
    const garbage = await rawRequest(stack.url, 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 /);
    assert.match(garbage, /"code":"VR_VALIDATION"/);
  });

  t.test('slow-loris: sockets that send headers byte by byte are cut off', async () => {
    const { port } = new URL(stack.url);
    const SOCKETS = 50;
    const closed = new Set<number>();
    const answers: string[] = [];
    const sockets: Socket[] = [];
    const timers: NodeJS.Timeout[] = [];
    const started = Date.now();
    for (let i = 0; i < SOCKETS; i++) {
      const socket = connect(Number(port), '127.0.0.1');
      sockets.push(socket);
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        closed.add(i);
        answers.push(received);
      });
      const request = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ${'z'.repeat(10_000)}`;
      let sent = 0;
      // One byte every 100 ms: headers that would take 1,000 s to arrive.
      const timer = setInterval(() => {
        if (socket.destroyed || sent >= request.length) return clearInterval(timer);
        socket.write(request[sent++]!);
      }, 100);
      timers.push(timer);
    }
    try {
      // Headers timeout 1 s, checked every 250 ms: every socket goes, whatever the machine's load.
      const { elapsedMs } = await eventually(async () => (closed.size === SOCKETS ? true : undefined), 60_000, 50);
      t.comment(`slow-loris: ${SOCKETS} sockets cut off ${((Date.now() - started) / 1000).toFixed(1)} s after connecting (headers timeout 1 s; waited ${elapsedMs} ms)`);
      assert.ok(answers.filter((a) => a.startsWith('HTTP/1.1 408')).length > 0, 'timed-out sockets are told 408');
      assert.ok(answers.filter((a) => a.includes('VR_REQUEST_TIMEOUT')).length > 0);
      // The router still answers others.
      assert.equal((await stack.api('GET', '/healthz', undefined, { token: null })).status, 200);
    } finally {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
    }
  });
});

/** Sends raw bytes and reads until the server closes the connection (or 10 s pass). */
function rawRequest(baseUrl: string, bytes: string): Promise<string> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, 10_000);
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.on('error', (error) => {
      if (received) return;
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.write(bytes);
  });
}
