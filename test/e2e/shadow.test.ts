import assert from 'node:assert/strict';
import t from 'tap';
import { cloudEvent, eventually, seedSvc, type Stack, startStack } from '../src/stack.js';

type Comparison = {
  shadowVersion: string;
  compared: number;
  agreement: { bothSucceeded: number; shadowOnlyFailed: number };
  responses: { compared: number; matched: number; differed: number };
  differences: { id: string; why: string }[];
};

t.test('shadow dispatch: mirror live events to a candidate and compare', async (t) => {
  let stack: Stack;
  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
    // The candidate answers like v1 except for event types it gets wrong.
    stack.lambda.register('svc', 'cand', (payload) => {
      const event = payload as { id: string; type: string; vrouter: { shadow?: boolean } };
      if (event.type === 'build.flaky') throw new Error('candidate cannot handle build.flaky');
      return { handledBy: 'svc@v1', eventId: event.id, type: event.type };
    });
    // Answers are kept (and so compared) only for versions that opt in.
    for (const [version, qualifier] of [
      ['v1', '1'],
      ['cand', 'cand'],
    ]) {
      const put = await stack.api('PUT', `/v1/components/svc/versions/${version}`, { target: { kind: 'lambda', functionName: 'svc', qualifier }, recordResponse: true });
      assert.ok(put.status < 300, JSON.stringify(put.body));
    }
  });
  t.teardown(() => stack.close());

  t.test('mirrors a sticky share of customers, keeps outcomes apart, and compares them', async () => {
    const set = await stack.api<{ shadow: { version: string; percent: number } }>('PUT', '/v1/components/svc/shadow', { version: 'cand', percent: 100, reason: 'try cand' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.shadow, { version: 'cand', percent: 100 });

    const ok = cloudEvent({ customerid: 'acme' });
    const flaky = cloudEvent({ customerid: 'acme', type: 'build.flaky' });
    for (const event of [ok, flaky]) {
      const r = await stack.api<{ results: { dispatches: { version: string; status: string }[] }[] }>('POST', '/v1/events?wait=true', event);
      // The primary answer is the primary's alone.
      assert.deepEqual(
        r.body.results[0]!.dispatches.map((d) => [d.version, d.status]),
        [['v1', 'succeeded']],
      );
    }
    await stack.runtime.router.drain();
    const mirrored = stack.lambda.invocationsOf('svc', 'cand').map((i) => i.payload as { id: string; vrouter: { shadow: boolean } });
    assert.deepEqual(
      mirrored.map((p) => [p.id, p.vrouter.shadow]),
      [
        [ok.id, true],
        [flaky.id, true],
      ],
    );

    // A failing shadow never makes the event failed.
    const failed = await stack.api<{ items: unknown[] }>('GET', '/v1/events?component=svc&status=failed');
    assert.deepEqual(failed.body.items, []);

    const { value } = await eventually(async () => {
      const r = await stack.api<Comparison>('GET', '/v1/shadow/svc');
      return r.body.compared === 2 ? r.body : undefined;
    });
    assert.equal(value.shadowVersion, 'cand');
    assert.equal(value.agreement.bothSucceeded, 1);
    assert.equal(value.agreement.shadowOnlyFailed, 1);
    assert.deepEqual(
      value.differences.map((d) => d.id),
      [flaky.id],
    );
    // Both answered ok for the first: the answers are compared (eventId and type equal, handledBy equal by construction).
    assert.deepEqual(value.responses, { compared: 1, matched: 1, differed: 0 });

    const lookup = await stack.api<{ shadows: { version: string; status: string }[] }>('GET', `/v1/events/${encodeURIComponent(String(ok.source))}/${ok.id}`);
    assert.deepEqual(
      lookup.body.shadows?.map((s) => [s.version, s.status]),
      [['cand', 'succeeded']],
    );
  });

  t.test('samples customers stickily at a lower share, and stops when removed', async () => {
    await stack.api('PUT', '/v1/components/svc/shadow', { version: 'cand', percent: 30 });
    const before = stack.lambda.invocationsOf('svc', 'cand').length;
    const customers = Array.from({ length: 40 }, (_, i) => `cust-${i}`);
    for (const customerid of customers) await stack.api('POST', '/v1/events?wait=true', cloudEvent({ customerid }));
    await stack.runtime.router.drain();
    const mirroredFor = new Set(
      stack.lambda
        .invocationsOf('svc', 'cand')
        .slice(before)
        .map((i) => (i.payload as { customerid: string }).customerid),
    );
    assert.ok(mirroredFor.size > 2 && mirroredFor.size < 25, `${mirroredFor.size} of 40 customers mirrored at 30%`);
    // The same customers again: the same choice.
    const again = stack.lambda.invocationsOf('svc', 'cand').length;
    for (const customerid of customers) await stack.api('POST', '/v1/events?wait=true', cloudEvent({ customerid }));
    await stack.runtime.router.drain();
    const second = new Set(
      stack.lambda
        .invocationsOf('svc', 'cand')
        .slice(again)
        .map((i) => (i.payload as { customerid: string }).customerid),
    );
    assert.deepEqual([...second].sort(), [...mirroredFor].sort());

    assert.equal((await stack.api('DELETE', '/v1/components/svc/shadow')).status, 204);
    const after = stack.lambda.invocationsOf('svc', 'cand').length;
    await stack.api('POST', '/v1/events?wait=true', cloudEvent({ customerid: [...mirroredFor][0] }));
    await stack.runtime.router.drain();
    assert.equal(stack.lambda.invocationsOf('svc', 'cand').length, after);
  });

  t.test('refuses a shadow to an unregistered version or a bad percentage', async () => {
    assert.equal((await stack.api<{ field: string }>('PUT', '/v1/components/svc/shadow', { version: 'nope', percent: 10 })).body.field, 'version');
    assert.equal((await stack.api<{ field: string }>('PUT', '/v1/components/svc/shadow', { version: 'cand', percent: 120 })).body.field, 'percent');
  });
});
