import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import t from 'tap';
import { AddressPolicy } from '@vrouter/core';
import { HttpDispatcher } from '../src/index.js';
import { closedPort, httpTarget, request } from './fixtures.js';

/**
 * Connect-time checks, without sending anything to the addresses involved: the injected resolver answers
 * forbidden addresses, and the dispatcher must refuse before connecting. Names resolve to public addresses only in
 * the one test that expects the lookup to pass, and that one connects to nothing (its answer is checked first).
 */
t.test('HttpDispatcher checks every resolved address before it connects', async (t) => {
  const answers = new Map<string, LookupAddress[]>([
    ['metadata.attacker.example', [{ address: '169.254.169.254', family: 4 }]],
    ['v6-metadata.attacker.example', [{ address: 'fd00:ec2::254', family: 6 }]],
    // DNS rebinding: one public answer, one private; the private one must be enough to refuse.
    [
      'rebind.attacker.example',
      [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ],
    ],
    ['mapped.attacker.example', [{ address: '::ffff:127.0.0.1', family: 6 }]],
  ]);
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const found = answers.get(hostname);
    if (!found) throw Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };
  const dispatcher = new HttpDispatcher({ resolve });
  t.teardown(() => dispatcher.close());

  for (const host of answers.keys()) {
    t.test(`refuses ${host}`, async () => {
      const outcome = await dispatcher.dispatch(request(httpTarget(`https://${host}/hook`)));
      assert.equal(outcome.status, 'failed');
      assert.equal(outcome.error?.code, 'VR_TARGET_ADDRESS_FORBIDDEN', JSON.stringify(outcome));
      assert.equal(outcome.retryable, false);
      assert.ok(asked.includes(host), 'the name was resolved by the dispatcher');
    });
  }

  t.test('refuses literal forbidden addresses without resolving anything', async () => {
    const before = asked.length;
    for (const url of ['https://169.254.169.254/', 'https://[fd00:ec2::254]/', 'https://0x7f.1/', 'http://10.0.0.1/', 'http://public.example/']) {
      const outcome = await dispatcher.dispatch(request(httpTarget(url)));
      assert.equal(outcome.error?.code, 'VR_TARGET_ADDRESS_FORBIDDEN', url);
      assert.equal(outcome.retryable, false);
    }
    assert.equal(asked.length, before);
  });

  t.test('an allowed host name may resolve to a private address', async () => {
    const allowed = new HttpDispatcher({ addressPolicy: new AddressPolicy(['rebind.attacker.example']), resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    t.teardown(() => allowed.close());
    // Resolves to loopback, allowed by name: the connection is attempted, and a closed loopback port refuses it.
    const outcome = await allowed.dispatch(request(httpTarget(`http://rebind.attacker.example:${await closedPort()}/hook`)));
    assert.equal(outcome.error?.code, 'ECONNREFUSED', JSON.stringify(outcome));
  });
});
