import assert from 'node:assert/strict';
import t from 'tap';
import { cloudEvent, eventually, seedSvc, type Stack, startStack } from '../src/stack.js';

type HistoryRow = { version: string | null; status: string; attempts: number; at: string; replayId: string | null; error?: { code: string; message: string } };
type Row = {
  id: string;
  version: string | null;
  channel: string | null;
  status: string;
  attempts: number;
  lastError: { code: string } | null;
  lastReplayId: string | null;
  history: HistoryRow[];
};
type Rows = { items: Row[] };
type Detail = { dispatches: (Row & { response: string | null; pin: unknown })[]; replays: { replayId: string; version: string; status: string }[] };

t.test('after a replay, the event list tells what happened last', async (t) => {
  let stack: Stack;
  const failed: string[] = [];
  let replayId = '';

  t.before(async () => {
    stack = await startStack({ env: { VROUTER_REPLAY_POLL_INTERVAL_MS: '100', VROUTER_REPLAY_LEASE_MS: '1000' } });
    await seedSvc(stack.api);
    // v3 keeps its answers (versions opt in), so the replayed row can be seen to carry v3's.
    const v3 = await stack.api('PUT', '/v1/components/svc/versions/v3', { target: { kind: 'lambda', functionName: 'svc', qualifier: '3' }, recordResponse: true });
    assert.equal(v3.status < 300, true, JSON.stringify(v3.body));
    // v2 (beta) is the bad version: it throws on every event; v1 and v3 handle them.
    stack.lambda.register('svc', '2', () => {
      throw new Error('v2 cannot parse this event');
    });
    await stack.api('PUT', '/v1/pins/customer/globex/svc', { channel: 'beta', reason: 'try v2' });
    for (let i = 0; i < 3; i++) {
      const event = cloudEvent({ customerid: 'globex', data: { n: i } });
      failed.push(String(event.id));
      await stack.api('POST', '/v1/events?wait=true', event);
    }
    // An acme event on v1 that never fails, so filters have something else to leave out.
    await stack.api('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'acme' }));
  });
  t.teardown(() => stack.close());

  const since = () => new Date(Date.now() - 15 * 60_000).toISOString();
  const list = async (filters: string) => (await stack.api<Rows>('GET', `/v1/events?from=${since()}&component=svc${filters}`)).body.items;
  const ids = (rows: Row[]) => rows.map((r) => r.id).sort();

  t.test('before the replay: v2 failed them, and the history holds that one outcome', async () => {
    const rows = await list('&version=v2&status=failed');
    assert.deepEqual(ids(rows), [...failed].sort());
    for (const row of rows) {
      assert.equal(row.lastError?.code, 'FunctionError:Error');
      assert.deepEqual(
        row.history.map((h) => [h.version, h.status, h.replayId]),
        [['v2', 'failed', null]],
      );
    }
  });

  t.test('after a replay onto v3: rows show v3 succeeded, with the original kept in the history; filters agree', async () => {
    await stack.api('PUT', '/v1/pins/customer/globex/svc', { version: 'v3', reason: 'the fix' });
    const created = await stack.api<{ id: string }>('POST', '/v1/replays', {
      from: since(),
      filter: { component: 'svc', customer: 'globex', status: 'failed' },
      target: 'current',
    });
    assert.equal(created.status, 202);
    replayId = created.body.id;
    await eventually(async () => ((await stack.api<{ state: string }>('GET', `/v1/replays/${replayId}`)).body.state === 'completed' ? true : undefined), 20_000);

    const rows = await list('&customer=globex');
    assert.deepEqual(ids(rows), [...failed].sort());
    for (const row of rows) {
      assert.equal(row.version, 'v3');
      assert.equal(row.status, 'succeeded');
      assert.equal(row.attempts, 1, "the replay's attempts, not the original's");
      assert.equal(row.lastError, null, "v2's error is not the row's any more");
      assert.equal(row.lastReplayId, replayId);
      assert.deepEqual(
        row.history.map((h) => [h.version, h.status, h.replayId]),
        [
          ['v2', 'failed', null],
          ['v3', 'succeeded', replayId],
        ],
      );
      assert.ok(Date.parse(row.history[0]!.at) <= Date.parse(row.history[1]!.at));
    }
    assert.deepEqual(await list('&version=v2&status=succeeded'), [], 'v2 succeeded on none of them');
    assert.deepEqual(await list('&version=v2&status=failed'), [], 'and they are failed no more');
    assert.deepEqual(await list('&version=v2'), []);
    assert.deepEqual(ids(await list('&version=v3')), [...failed].sort());
    assert.deepEqual(ids(await list('&version=v3&status=succeeded&customer=globex')), [...failed].sort());
    assert.deepEqual(
      (await list('&version=v1')).map((r) => r.history.length),
      [1],
      'the acme event was never replayed',
    );
  });

  t.test("GET /v1/events/{source}/{id} shows the latest outcome, v3's answer, and the whole history with errors", async () => {
    const detail = await stack.api<Detail>('GET', `/v1/events/%2Fe2e/${failed[0]}`);
    assert.equal(detail.status, 200);
    const [dispatch] = detail.body.dispatches;
    assert.equal(dispatch!.version, 'v3');
    assert.equal(dispatch!.status, 'succeeded');
    assert.match(dispatch!.response ?? '', /svc@v3/);
    assert.equal(dispatch!.history[0]!.error?.message, 'v2 cannot parse this event');
    assert.equal(dispatch!.history[1]!.error, undefined);
    assert.deepEqual(
      detail.body.replays.map((r) => [r.replayId, r.version, r.status]),
      [[replayId, 'v3', 'succeeded']],
    );
  });

  t.test('target original still means the first dispatch, though a replay took the row over', async () => {
    type Dry = { matched: number; sample: { id: string; version: string; currentVersion: string | null }[] };
    const dry = await stack.api<Dry>('POST', '/v1/replays', {
      from: since(),
      filter: { component: 'svc', customer: 'globex', status: 'all' },
      target: 'original',
      dryRun: true,
    });
    assert.equal(dry.status, 202, JSON.stringify(dry.body));
    assert.deepEqual(dry.body.sample.map((s) => s.id).sort(), [...failed].sort());
    for (const s of dry.body.sample) assert.deepEqual([s.version, s.currentVersion], ['v2', 'v3']);
  });

  t.test('a replay that fails again becomes the latest outcome too, and joins the history', async () => {
    const created = await stack.api<{ id: string }>('POST', '/v1/replays', {
      from: since(),
      filter: { component: 'svc', customer: 'globex', status: 'all' },
      target: { version: 'v2' },
    });
    assert.equal(created.status, 202);
    await eventually(async () => ((await stack.api<{ state: string }>('GET', `/v1/replays/${created.body.id}`)).body.state === 'completed' ? true : undefined), 20_000);
    const rows = await list('&version=v2&status=failed');
    assert.deepEqual(ids(rows), [...failed].sort());
    for (const row of rows) {
      assert.equal(row.lastError?.code, 'FunctionError:Error');
      assert.deepEqual(
        row.history.map((h) => [h.version, h.status, h.replayId]),
        [
          ['v2', 'failed', null],
          ['v3', 'succeeded', replayId],
          ['v2', 'failed', created.body.id],
        ],
      );
    }
    assert.deepEqual(await list('&version=v3'), []);
  });
});
