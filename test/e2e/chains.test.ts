import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { continueChain } from '@vrouter/client';
import { encodeContext, newSigningKey } from '@vrouter/core';
import { type Api, apiClient, cloudEvent, eventually, type Stack, startStack, TOKEN } from '../src/stack.js';

type Delivery = { headers: IncomingHttpHeaders; body: Record<string, unknown> & { id: string; type: string; vrouter: { component: string; version: string; context?: string } } };
type Result = {
  status: string;
  dispatches: { component: string; version: string | null; pinSource?: string; overrideSubject?: string }[];
  error?: { code: string; field?: string };
};
type Detail = {
  chain: { root: { source: string; id: string }; depth: number };
  override: { subject?: string; expiresAt: string } | null;
  dispatches: { component: string; version: string; pinSource: string; overrideSubject?: string }[];
  replays: { replayId: string; component: string; version: string; status: string }[];
};

/**
 * An HTTP target standing in for both components' versions: it records every delivery and, for an event with
 * `data.followUp`, posts a follow-up event back to the router through `continueChain`, once the test opens the gate
 * (so the test can move a pin between the first event and its follow-up). `via` says how the context goes back.
 */
class ChainTarget {
  readonly deliveries: Delivery[] = [];
  private server: Server | undefined;
  private gates = new Map<string, () => void>();
  routerUrl = '';

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Delivery['body'];
        this.deliveries.push({ headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        const data = body.data as { followUp?: { id: string; via: 'extension' | 'baggage' } } | undefined;
        if (data?.followUp && body.vrouter.component === 'coordinator') void this.followUp(request.headers, body, data.followUp);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Lets the follow-up of `id` go (it waits until then). */
  release(id: string): void {
    const open = this.gates.get(id);
    if (open) open();
    else this.gates.set(id, () => undefined);
  }

  private async followUp(headers: IncomingHttpHeaders, received: Delivery['body'], { id, via }: { id: string; via: 'extension' | 'baggage' }): Promise<void> {
    if (!this.gates.has(id)) await new Promise<void>((resolve) => this.gates.set(id, resolve));
    const next = { specversion: '1.0', id, source: '/e2e/chain-target', type: 'release.step' };
    const requestHeaders: Record<string, string> = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/cloudevents+json' };
    let event: Record<string, unknown> = next;
    if (via === 'extension') event = continueChain(received, next);
    else requestHeaders.baggage = String(headers.baggage);
    await fetch(`${this.routerUrl}/v1/events`, { method: 'POST', headers: requestHeaders, body: JSON.stringify(event) });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

t.test('overrides and chains through the router', async (t) => {
  let stack: Stack;
  let api: Api;
  const target = new ChainTarget();

  t.before(async () => {
    const url = await target.start();
    stack = await startStack({ env: { VROUTER_HTTP_TARGET_ALLOW: '127.0.0.1' } });
    api = stack.api;
    target.routerUrl = stack.url;
    for (const component of ['coordinator', 'notifier']) {
      assert.equal((await api('PUT', `/v1/components/${component}`, { subscriptions: ['release.*'] })).status, 200);
      for (const version of ['v1', 'v2', 'v3']) {
        assert.equal((await api('PUT', `/v1/components/${component}/versions/${version}`, { target: { kind: 'http', url: `${url}/${component}/${version}` } })).status, 200);
      }
      await api('PUT', `/v1/components/${component}/channels/stable`, { version: 'v1' });
      await api('PUT', `/v1/pins/customer/acme/${component}`, { version: 'v2' });
    }
  });
  t.teardown(async () => {
    await stack.close();
    await target.stop();
  });

  const detail = async (source: string, id: string) => (await api<Detail>('GET', `/v1/events/${encodeURIComponent(source)}/${encodeURIComponent(id)}`)).body;
  const deliveriesOf = (id: string) => target.deliveries.filter((d) => d.body.id === id);
  const versionsOf = (id: string) => Object.fromEntries(deliveriesOf(id).map((d) => [d.body.vrouter.component, d.body.vrouter.version]));
  const pinBoth = async (version: string) => {
    for (const component of ['coordinator', 'notifier']) await api('PUT', `/v1/pins/customer/acme/${component}`, { version });
    await eventually(async () => {
      const answer = await api<{ version: string }>('GET', '/v1/resolve?component=notifier&customer=acme');
      return answer.body.version === version || undefined;
    }, 10_000);
  };

  for (const via of ['extension', 'baggage'] as const) {
    t.test(`a follow-up carrying the context back (${via}) stays on the chain's versions after the pin moved; a fresh event does not`, async () => {
      await pinBoth('v2');
      const first = cloudEvent({ type: 'release.requested', customerid: 'acme', data: { followUp: { id: `follow-${via}`, via } } });
      const answer = await api<{ results: Result[] }>('POST', '/v1/events?wait=true', first);
      assert.equal(answer.status, 202);
      assert.deepEqual(versionsOf(String(first.id)), { coordinator: 'v2', notifier: 'v2' });
      const delivered = deliveriesOf(String(first.id))[0]!;
      assert.match(String(delivered.body.vrouter.context), /^vrc1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
      assert.equal(delivered.headers.baggage, `vroutercontext=${delivered.body.vrouter.context}`);

      await pinBoth('v1');
      target.release(`follow-${via}`);
      await eventually(async () => (deliveriesOf(`follow-${via}`).length === 2 ? true : undefined), 15_000);
      assert.deepEqual(versionsOf(`follow-${via}`), { coordinator: 'v2', notifier: 'v2' }, 'the chain keeps its versions');
      // The follow-up named no customer: it came from the chain.
      const followed = await detail('/e2e/chain-target', `follow-${via}`);
      assert.deepEqual(followed.chain, { root: { source: String(first.source), id: String(first.id) }, depth: 1 });
      assert.ok(followed.dispatches.every((d) => d.pinSource === 'chain'));
      assert.deepEqual((await detail(String(first.source), String(first.id))).chain, { root: { source: String(first.source), id: String(first.id) }, depth: 0 });

      const fresh = cloudEvent({ type: 'release.requested', customerid: 'acme' });
      await api('POST', '/v1/events?wait=true', fresh);
      assert.deepEqual(versionsOf(String(fresh.id)), { coordinator: 'v1', notifier: 'v1' }, 'a fresh event follows the moved pin');
    });
  }

  t.test('a component with chain: "resolve" is resolved afresh on every hop', async () => {
    await pinBoth('v2');
    await api('PUT', '/v1/components/notifier', { subscriptions: ['release.*'], chain: 'resolve' });
    const first = cloudEvent({ type: 'release.requested', customerid: 'acme' });
    await api('POST', '/v1/events?wait=true', first);
    const context = deliveriesOf(String(first.id))[0]!.body.vrouter.context!;
    await pinBoth('v1');
    const next = cloudEvent({ type: 'release.step', vroutercontext: context });
    await api('POST', '/v1/events?wait=true', next);
    assert.deepEqual(versionsOf(String(next.id)), { coordinator: 'v2', notifier: 'v1' });
    await api('PUT', '/v1/components/notifier', { subscriptions: ['release.*'] });
  });

  t.test('a forged context and one from another deployment are rejected with VR_CONTEXT_INVALID, that event only', async () => {
    const first = cloudEvent({ type: 'release.requested', customerid: 'acme' });
    await api('POST', '/v1/events?wait=true', first);
    const context = deliveriesOf(String(first.id))[0]!.body.vrouter.context!;
    const at = context.length - 10;
    const forged = context.slice(0, at) + (context[at] === 'A' ? 'B' : 'A') + context.slice(at + 1);
    const foreign = encodeContext({ root: { source: '/x', id: '1' }, depth: 0, customer: 'acme', versions: { coordinator: 'v3' } }, newSigningKey(new Date()));
    const good = cloudEvent({ type: 'release.step', vroutercontext: context });
    const batch = [cloudEvent({ type: 'release.step', vroutercontext: forged }), good, cloudEvent({ type: 'release.step', vroutercontext: foreign })];
    const answer = await api<{ results: Result[] }>('POST', '/v1/events', batch, { contentType: 'application/cloudevents-batch+json' });
    assert.equal(answer.status, 202);
    assert.deepEqual(
      answer.body.results.map((r) => [r.status, r.error?.code]),
      [
        ['rejected', 'VR_CONTEXT_INVALID'],
        ['accepted', undefined],
        ['rejected', 'VR_CONTEXT_INVALID'],
      ],
    );
    const single = await api<{ code: string; field: string }>('POST', '/v1/events', cloudEvent({ type: 'release.step', vroutercontext: forged }));
    assert.deepEqual([single.status, single.body.code, single.body.field], [422, 'VR_CONTEXT_INVALID', 'vroutercontext']);
  });

  t.test('an override routes above every pin, says whose it is, and is audited without the token', async () => {
    await pinBoth('v2');
    const minted = await api<{ token: string; expiresAt: string }>('POST', '/v1/overrides', {
      versions: { coordinator: 'v3' },
      ttlSeconds: 3600,
      subject: 'pr-42',
      reason: 'preview',
    });
    assert.equal(minted.status, 201);
    assert.match(minted.body.token, /^vro1\./);
    const event = cloudEvent({ type: 'release.requested', customerid: 'acme', vrouteroverride: minted.body.token });
    const answer = await api<{ results: Result[] }>('POST', '/v1/events?wait=true', event);
    const coordinator = answer.body.results[0]!.dispatches.find((d) => d.component === 'coordinator')!;
    assert.deepEqual([coordinator.version, coordinator.pinSource, coordinator.overrideSubject], ['v3', 'override', 'pr-42']);
    assert.deepEqual(versionsOf(String(event.id)), { coordinator: 'v3', notifier: 'v2' });
    const logged = await detail(String(event.source), String(event.id));
    assert.equal(logged.override?.subject, 'pr-42');
    assert.equal(logged.dispatches.find((d) => d.component === 'coordinator')?.overrideSubject, 'pr-42');
    assert.ok(!JSON.stringify(logged).includes(minted.body.token), 'the event record never holds the token');
    const audit = await api<{ entries: { action: string; subject?: string; reason?: string }[] }>('GET', '/v1/audit?subject=pr-42');
    const entry = audit.body.entries.find((e) => e.action === 'override.create');
    assert.deepEqual([entry?.subject, entry?.reason], ['pr-42', 'preview']);
    assert.ok(!JSON.stringify(audit.body).includes(minted.body.token), 'the audit log never holds the token');

    // The override travels in the chain: a follow-up gets it for a component the first event did not decide.
    const context = deliveriesOf(String(event.id))[0]!.body.vrouter.context!;
    const next = cloudEvent({ type: 'release.step', vroutercontext: context });
    await api('POST', '/v1/events?wait=true', next);
    assert.equal(versionsOf(String(next.id)).coordinator, 'v3');
  });

  t.test('a tampered, an expired, and a no-longer-registered override reject that event only', async () => {
    const minted = await api<{ token: string }>('POST', '/v1/overrides', { versions: { coordinator: 'v3' }, ttlSeconds: 3600 });
    const tampered = `${minted.body.token.slice(0, -2)}${minted.body.token.endsWith('AA') ? 'BB' : 'AA'}`;
    const answer = await api<{ results: Result[] }>(
      'POST',
      '/v1/events',
      [cloudEvent({ type: 'release.requested', customerid: 'acme', vrouteroverride: tampered }), cloudEvent({ type: 'release.requested', customerid: 'acme' })],
      {
        contentType: 'application/cloudevents-batch+json',
      },
    );
    assert.deepEqual(
      answer.body.results.map((r) => [r.status, r.error?.code]),
      [
        ['rejected', 'VR_OVERRIDE_INVALID'],
        ['accepted', undefined],
      ],
    );

    // Expiry: a one-second token, posted until the router refuses it (bounded), then refused for good.
    const short = await api<{ token: string }>('POST', '/v1/overrides', { versions: { coordinator: 'v3' }, ttlSeconds: 1 });
    const rejected = await eventually(
      async () => {
        const r = await api<{ results: Result[]; code?: string }>(
          'POST',
          '/v1/events',
          cloudEvent({ type: 'release.requested', customerid: 'acme', vrouteroverride: short.body.token }),
        );
        return r.status === 422 ? r.body : undefined;
      },
      10_000,
      100,
    );
    assert.equal(rejected.value.code, 'VR_OVERRIDE_INVALID');

    await api('PUT', '/v1/components/coordinator/versions/v9', { target: { kind: 'http', url: 'http://127.0.0.1:9/unused' } });
    const doomed = await api<{ token: string }>('POST', '/v1/overrides', { versions: { coordinator: 'v9' }, ttlSeconds: 3600 });
    assert.equal(doomed.status, 201);
    assert.equal((await api('DELETE', '/v1/components/coordinator/versions/v9')).status, 204);
    await eventually(async () => {
      const r = await api<{ code?: string }>('POST', '/v1/events', cloudEvent({ type: 'release.requested', customerid: 'acme', vrouteroverride: doomed.body.token }));
      return r.body.code === 'VR_OVERRIDE_INVALID' ? true : undefined;
    }, 10_000);
  });

  t.test('bad override requests are 4xx with stable codes; scopes are enforced', async () => {
    const tooLong = await api<{ code: string; field: string }>('POST', '/v1/overrides', { versions: { coordinator: 'v3' }, ttlSeconds: 8 * 86_400 });
    assert.deepEqual([tooLong.status, tooLong.body.code, tooLong.body.field], [400, 'VR_VALIDATION', 'ttlSeconds']);
    const none = await api<{ code: string }>('POST', '/v1/overrides', { versions: {}, ttlSeconds: 60 });
    assert.deepEqual([none.status, none.body.code], [400, 'VR_VALIDATION']);
    const unknown = await api<{ code: string; field: string }>('POST', '/v1/overrides', { versions: { coordinator: 'v77' }, ttlSeconds: 60 });
    assert.deepEqual([unknown.status, unknown.body.code, unknown.body.field], [422, 'VR_VERSION_UNKNOWN', 'versions.coordinator']);

    const reader = await api<{ token: string }>('POST', '/v1/tokens', { name: 'chain-reader', scopes: ['read'] });
    const asReader = apiClient(stack.url, reader.body.token);
    await eventually(async () => ((await asReader('GET', '/v1/components')).status === 200 ? true : undefined), 10_000);
    assert.equal((await asReader('POST', '/v1/overrides', { versions: { coordinator: 'v3' }, ttlSeconds: 60 })).status, 403);
    const minted = await api<{ token: string }>('POST', '/v1/overrides', { versions: { coordinator: 'v3' }, ttlSeconds: 60 });
    assert.equal((await asReader('POST', '/v1/events', cloudEvent({ type: 'release.requested', customerid: 'acme', vrouteroverride: minted.body.token }))).status, 403);
  });

  t.test('rotating the key: the previous key still verifies during its grace period', async () => {
    const minted = await api<{ token: string }>('POST', '/v1/overrides', { versions: { coordinator: 'v3' }, ttlSeconds: 600 });
    const rotated = await api<{ keyId: string; previousKeyId: string; previousValidUntil: string }>('POST', '/v1/signing-key/rotate', { reason: 'drill' });
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.keyId, rotated.body.previousKeyId);
    const event = cloudEvent({ type: 'release.requested', customerid: 'acme', vrouteroverride: minted.body.token });
    const answer = await api<{ results: Result[] }>('POST', '/v1/events?wait=true', event);
    assert.equal(answer.body.results[0]!.status, 'accepted');
    const fresh = await api<{ token: string }>('POST', '/v1/overrides', { versions: { coordinator: 'v3' }, ttlSeconds: 600 });
    assert.notEqual(fresh.body.token.split('.')[2], minted.body.token.split('.')[2]);
  });

  t.test('a replay with target "original" sends each event to the version it first went to, though the pin moved', async () => {
    await pinBoth('v2');
    // Just before this event: older events of the same customer would fill the dry run's sample first.
    const from = new Date(Date.now() - 5).toISOString();
    const event = cloudEvent({ type: 'release.requested', customerid: 'acme', component: 'notifier' });
    await api('POST', '/v1/events?wait=true', event);
    await pinBoth('v1');
    const filter = { component: 'notifier', customer: 'acme', status: 'all' };
    const dry = await api<{ sample: { id: string; version: string; currentVersion: string }[] }>('POST', '/v1/replays', { from, filter, target: 'original', dryRun: true });
    const row = dry.body.sample.find((s) => s.id === event.id)!;
    assert.deepEqual([row.version, row.currentVersion], ['v2', 'v1']);
    const replay = await api<{ id: string }>('POST', '/v1/replays', { from, filter, target: 'original' });
    assert.equal(replay.status, 202);
    const done = await eventually(async () => {
      const record = await detail(String(event.source), String(event.id));
      const replayed = record.replays.find((r) => r.replayId === replay.body.id && r.status === 'succeeded');
      return replayed;
    }, 20_000);
    assert.equal(done.value.version, 'v2');
    assert.ok(deliveriesOf(String(event.id)).filter((d) => d.body.vrouter.version === 'v2').length >= 2);
  });
});
