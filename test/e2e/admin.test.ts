import assert from 'node:assert/strict';
import t from 'tap';
import { apiClient, cloudEvent, seedSvc, type Stack, startStack } from '../src/stack.js';

type Problem = { code: string; field?: string; status: number };

t.test('admin API: safety checks, concurrency, audit, bulk, tokens', async (t) => {
  let stack: Stack;
  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
  });
  t.teardown(() => stack.close());

  const api = () => stack.api;

  t.test('safety checks', async (t) => {
    t.test('refuses a pin to an unregistered version', async () => {
      const r = await api()<Problem>('PUT', '/v1/pins/customer/acme/svc', { version: 'v42' });
      assert.deepEqual([r.status, r.body.code, r.body.field], [422, 'VR_PIN_VERSION_UNKNOWN', 'version']);
    });

    t.test('refuses a pin to an empty channel unless forced with a reason', async () => {
      await api()('PUT', '/v1/components/fresh', { subscriptions: ['fresh.*'] });
      await api()('PUT', '/v1/components/fresh/versions/v1', { target: { kind: 'lambda', functionName: 'svc', qualifier: '1' } });
      const refused = await api()<Problem>('PUT', '/v1/pins/customer/acme/fresh', { channel: 'beta' });
      assert.deepEqual([refused.status, refused.body.code], [409, 'VR_CHANNEL_EMPTY']);
      const noReason = await api()<Problem>('PUT', '/v1/pins/customer/acme/fresh', { channel: 'beta', force: true });
      assert.deepEqual([noReason.status, noReason.body.field], [400, 'reason']);
      const forced = await api()('PUT', '/v1/pins/customer/acme/fresh', { channel: 'beta', force: true, reason: 'beta lands tomorrow' });
      assert.equal(forced.status, 200);
      const audit = await api()<{ entries: { action: string; forced?: boolean; reason?: string }[] }>('GET', '/v1/audit?component=fresh&subject=acme');
      assert.deepEqual([audit.body.entries[0]?.action, audit.body.entries[0]?.forced, audit.body.entries[0]?.reason], ['pin.set', true, 'beta lands tomorrow']);
    });

    t.test('refuses to delete a version that a channel or a live pin uses', async () => {
      await api()('PUT', '/v1/components/svc/versions/v9', { target: { kind: 'lambda', functionName: 'svc', qualifier: '3' } });
      await api()('PUT', '/v1/pins/project/p9/svc', { version: 'v9' });
      const pinned = await api()<Problem & { pins: unknown[] }>('DELETE', '/v1/components/svc/versions/v9');
      assert.deepEqual([pinned.status, pinned.body.code, pinned.body.pins], [409, 'VR_CONFLICT', [{ scope: 'project', subject: 'p9' }]]);
      await api()('DELETE', '/v1/pins/project/p9/svc');
      assert.equal((await api()('DELETE', '/v1/components/svc/versions/v9')).status, 204);
    });

    t.test('moves stable only to a version that served through beta or experimental, unless forced', async () => {
      await api()('PUT', '/v1/components/gate', { subscriptions: ['gate.*'] });
      for (const q of ['1', '2']) await api()('PUT', `/v1/components/gate/versions/v${q}`, { target: { kind: 'lambda', functionName: 'svc', qualifier: q } });
      // A channel's first version is exempt.
      assert.equal((await api()('PUT', '/v1/components/gate/channels/stable', { version: 'v1' })).status, 200);
      const unproven = await api()<Problem>('PUT', '/v1/components/gate/channels/stable', { version: 'v2' });
      assert.deepEqual([unproven.status, unproven.body.code], [409, 'VR_SAFETY_CHECK']);
      // v2 serves a real event through beta...
      await api()('PUT', '/v1/components/gate/channels/beta', { version: 'v2' });
      await api()('PUT', '/v1/pins/customer/early/gate', { channel: 'beta' });
      const served = await api()<{ results: { dispatches: { status: string }[] }[] }>('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'early', type: 'gate.open' }));
      assert.equal(served.body.results[0]!.dispatches[0]!.status, 'succeeded');
      // ...and the marker is written off the dispatch path; give it a moment.
      let promoted = await api()('POST', '/v1/components/gate/channels/stable/promote', { from: 'beta' });
      for (let i = 0; i < 20 && promoted.status === 409; i++) {
        await new Promise((r) => setTimeout(r, 50));
        promoted = await api()('POST', '/v1/components/gate/channels/stable/promote', { from: 'beta' });
      }
      assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
      assert.equal((promoted.body as { version: string }).version, 'v2');
    });

    t.test('gives an experimental pin without expiry a default one (7 days)', async () => {
      const r = await api()<{ expiresAt: string }>('PUT', '/v1/pins/customer/tester/svc', { channel: 'experimental' });
      const inDays = (Date.parse(r.body.expiresAt) - Date.now()) / 86_400_000;
      assert.ok(inDays > 6.99 && inDays <= 7, `expires in ${inDays} days`);
      const beta = await api()<{ expiresAt?: string }>('PUT', '/v1/pins/customer/tester2/svc', { channel: 'beta' });
      assert.equal(beta.body.expiresAt, undefined);
    });
  });

  t.test('two admins editing the same pin: the loser gets 412', async () => {
    await api()('PUT', '/v1/pins/customer/contested/svc', { channel: 'beta' });
    const read = await fetch(`${stack.url}/v1/pins/customer/contested/svc`, { headers: { authorization: 'Bearer e2e-admin-token-0123456789' } });
    const etag = read.headers.get('etag')!;
    assert.match(etag, /^"[0-9a-f]+"$/);
    const put = (channel: string) =>
      fetch(`${stack.url}/v1/pins/customer/contested/svc`, {
        method: 'PUT',
        headers: { authorization: 'Bearer e2e-admin-token-0123456789', 'content-type': 'application/json', 'if-match': etag },
        body: JSON.stringify({ channel }),
      });
    const first = await put('stable');
    const second = await put('experimental');
    assert.equal(first.status, 200);
    assert.notEqual(first.headers.get('etag'), etag);
    assert.equal(second.status, 412);
    assert.equal(((await second.json()) as Problem).code, 'VR_PRECONDITION_FAILED');
    const now = await api()<{ channel: string }>('GET', '/v1/pins/customer/contested/svc');
    assert.equal(now.body.channel, 'stable');
  });

  t.test('audits a promote and a rollback with actor, request id, before and after', async () => {
    await api()('PUT', '/v1/components/audited', { subscriptions: ['audited.*'] });
    for (const q of ['1', '2']) await api()('PUT', `/v1/components/audited/versions/v${q}`, { target: { kind: 'lambda', functionName: 'svc', qualifier: q } });
    await api()('PUT', '/v1/components/audited/channels/stable', { version: 'v1' });
    await api()('PUT', '/v1/components/audited/channels/beta', { version: 'v2' });
    assert.equal((await api()('POST', '/v1/components/audited/channels/stable/promote', { from: 'beta', force: true, reason: 'hotfix' })).status, 200);
    assert.equal((await api()('POST', '/v1/components/audited/channels/stable/rollback', { reason: 'errors up' })).status, 200);
    const { body } = await api()<{
      entries: { action: string; actor: string; requestId: string; subject: string; before: { version: string }; after: { version: string }; reason: string }[];
    }>('GET', '/v1/audit?component=audited');
    const [rollback, promote] = body.entries;
    assert.deepEqual(
      [rollback!.action, rollback!.subject, rollback!.before.version, rollback!.after.version, rollback!.reason],
      ['channel.rollback', 'stable', 'v2', 'v1', 'errors up'],
    );
    assert.deepEqual([promote!.action, promote!.before.version, promote!.after.version, promote!.reason], ['channel.promote', 'v1', 'v2', 'hotfix']);
    assert.equal(promote!.actor, 'admin');
    assert.ok(promote!.requestId);
    assert.ok(!JSON.stringify(body).includes('e2e-admin-token'), 'no token value in the audit log');
  });

  t.test('pins 500 customers to beta in one request, all or named', async () => {
    const operations = Array.from({ length: 500 }, (_, i) => ({ scope: 'customer', subject: `bulk-${i}`, component: 'svc', channel: 'beta' }));
    const r = await api()<{ written: number; failed: unknown[]; bulkId: string }>('POST', '/v1/pins/bulk', { operations, reason: 'beta wave 1' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.written, r.body.failed], [500, []]);
    const pins = await api()<{ pins: unknown[] }>('GET', '/v1/pins?component=svc&scope=customer');
    assert.ok(pins.body.pins.length >= 500);
    const resolved = await api()<{ version: string }>('GET', '/v1/resolve?component=svc&customer=bulk-377');
    assert.equal(resolved.body.version, 'v2');
    const audit = await api()<{ entries: { bulkId: string; reason: string }[] }>('GET', '/v1/audit?subject=bulk-377');
    assert.deepEqual([audit.body.entries[0]?.bulkId, audit.body.entries[0]?.reason], [r.body.bulkId, 'beta wave 1']);

    const unpin = await api()<{ removed: number }>('POST', '/v1/pins/bulk', { operations: operations.slice(0, 10).map((o) => ({ ...o, action: 'unset', channel: undefined })) });
    assert.equal(unpin.body.removed, 10);
  });

  t.test('writes nothing from a bulk request with an invalid operation, and names it', async () => {
    const operations = [
      { scope: 'customer', subject: 'ok-1', component: 'svc', channel: 'beta' },
      { scope: 'customer', subject: 'bad#id', component: 'svc', channel: 'beta' },
      { scope: 'customer', subject: 'ok-2', component: 'svc', version: 'v404' },
    ];
    const r = await api()<Problem & { invalid: { index: number; field: string }[] }>('POST', '/v1/pins/bulk', { operations });
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.body.invalid.map((i) => [i.index, i.field]),
      [
        [1, 'subject'],
        [2, 'version'],
      ],
    );
    assert.equal((await api()('GET', '/v1/pins/customer/ok-1/svc')).status, 404);
  });

  t.test('manages named tokens: shown once, scoped, stored as hashes, revoked at once', async () => {
    const created = await api()<{ name: string; token: string }>('POST', '/v1/tokens', { name: 'support-bot', scopes: ['read', 'pins:write'] });
    assert.equal(created.status, 201);
    const bot = apiClient(stack.url, created.body.token);
    assert.equal((await bot('GET', '/v1/components')).status, 200);
    assert.equal((await bot('PUT', '/v1/pins/customer/bot-made/svc', { channel: 'beta' })).status, 200);
    assert.equal((await bot<Problem>('PUT', '/v1/components/svc/channels/beta', { version: 'v2' })).body.code, 'VR_FORBIDDEN');
    const listed = await api()<{ tokens: Record<string, unknown>[] }>('GET', '/v1/tokens');
    const entry = listed.body.tokens.find((t) => t.name === 'support-bot');
    assert.deepEqual(entry?.scopes, ['read', 'pins:write']);
    assert.ok(!JSON.stringify(listed.body).includes(created.body.token) && !('hash' in (entry ?? {})));
    const audit = await api()<{ entries: { actor: string }[] }>('GET', '/v1/audit?subject=bot-made');
    assert.equal(audit.body.entries[0]?.actor, 'support-bot');
    assert.equal((await api()<Problem>('POST', '/v1/tokens', { name: 'support-bot', scopes: ['read'] })).body.code, 'VR_CONFLICT');
    assert.equal((await api()('DELETE', '/v1/tokens/support-bot')).status, 204);
    assert.equal((await bot('GET', '/v1/components')).status, 401);
  });

  t.test('bad input is a 4xx naming the field, never a 500', async (t) => {
    const cases: [string, string, unknown, number, string | undefined][] = [
      ['PUT', '/v1/pins/customer/acme/svc', { channel: 'beta', expiresat: '2030-01-01T00:00:00Z' }, 400, 'expiresat'],
      ['PUT', '/v1/pins/customer/acme/svc', { channel: 7 }, 400, 'channel'],
      ['PUT', '/v1/pins/customer/acme/svc', {}, 400, 'channel'],
      ['PUT', '/v1/pins/customer/a%23b/svc', { channel: 'beta' }, 400, 'subject'],
      ['PUT', '/v1/pins/customer/a%0Ab/svc', { channel: 'beta' }, 400, 'subject'],
      ['PUT', '/v1/pins/customer/%E2%9C%93/svc', { channel: 'beta' }, 400, 'subject'],
      ['PUT', '/v1/pins/customer/acme/svc', { channel: 'beta', reason: 'x'.repeat(2000) }, 400, 'reason'],
      ['PUT', '/v1/pins/customer/acme/svc', { channel: 'beta', expiresAt: 'tomorrow' }, 400, 'expiresAt'],
      ['PUT', '/v1/components/svc', { subscriptions: 'build.*' }, 400, 'subscriptions'],
      ['PUT', '/v1/components/svc', { subscriptions: ['build.*'], color: 'red' }, 400, 'color'],
      ['PUT', '/v1/components/svc/versions/v5', { target: { kind: 'ecs', cluster: 'c', taskDefinition: 'family', containerName: 'app' } }, 400, 'target.taskDefinition'],
      ['PUT', '/v1/components/svc/versions/v5', { target: { kind: 'http', url: 'file:///etc/passwd' } }, 400, 'target.url'],
      ['PUT', '/v1/components/svc/versions/v5', { target: { kind: 'lambda', functionName: 'f', qualifier: '1' }, maxConcurrency: 0 }, 400, 'maxConcurrency'],
      ['PUT', '/v1/components/svc/channels/gamma', { version: 'v1' }, 400, 'channel'],
      ['PUT', '/v1/customers/acme', { plan: ['pro'] }, 400, 'plan'],
      ['PUT', '/v1/projects/web', {}, 400, 'customer'],
      ['POST', '/v1/tokens', { name: 'Bad Name', scopes: ['read'] }, 400, 'name'],
      ['POST', '/v1/tokens', { name: 'ok', scopes: ['root'] }, 400, 'scopes'],
      ['GET', '/v1/audit?since=yesterday', undefined, 400, 'since'],
      ['GET', '/v1/audit?cursor=garbage', undefined, 400, 'cursor'],
      ['POST', '/v1/pins/bulk', { operations: [] }, 400, 'operations'],
    ];
    for (const [method, path, body, status, field] of cases) {
      t.test(`${method} ${path} ${JSON.stringify(body)?.slice(0, 60) ?? ''}`, async () => {
        const r = await api()<Problem>(method, path, body);
        assert.equal(r.status, status, JSON.stringify(r.body));
        assert.match(r.contentType, /problem\+json/);
        assert.equal(r.body.field, field);
      });
    }
    t.test('a non-JSON body', async () => {
      const r = await api()<Problem>('PUT', '/v1/pins/customer/acme/svc', undefined, { raw: '{"channel":' });
      assert.deepEqual([r.status, r.body.code], [400, 'VR_BODY_MALFORMED']);
    });
  });
});
