import assert from 'node:assert/strict';
import t from 'tap';
import { cliFor } from '../src/cli-run.js';
import { cloudEvent, seedSvc, type Stack, startStack, TOKEN } from '../src/stack.js';

t.test('vrouter shadow set|compare|unset', async (t) => {
  let stack: Stack;
  let vrouter: ReturnType<typeof cliFor>;
  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
    vrouter = cliFor(stack.url, TOKEN);
  });
  t.teardown(() => stack.close());

  t.test('mirrors, compares and stops, with scriptable output', async () => {
    const set = await vrouter('shadow', 'set', 'svc', 'v2', '--percent', '100', '--reason', 'try v2');
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /svc: 100% of customers also go to v2 \(shadow\)/);
    await stack.api('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'acme' }));
    await stack.runtime.router.drain();
    const compared = await vrouter('shadow', 'compare', 'svc', '--since', '15m', '--json');
    assert.equal(compared.code, 0, compared.stderr);
    const report = JSON.parse(compared.stdout) as { compared: number; shadowVersion: string; agreement: { bothSucceeded: number } };
    assert.deepEqual([report.compared, report.shadowVersion, report.agreement.bothSucceeded], [1, 'v2', 1]);
    const text = await vrouter('shadow', 'compare', 'svc');
    assert.match(text.stdout, /1 mirrored events to v2/);
    assert.equal((await vrouter('shadow', 'unset', 'svc')).code, 0);
    assert.equal((await vrouter('shadow', 'unset', 'svc')).code, 3, 'nothing to stop: not found');
    assert.equal((await vrouter('shadow', 'set', 'svc', 'v404', '--percent', '10')).code, 6, 'an unknown version is invalid input');
  });
});
