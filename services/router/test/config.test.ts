import assert from 'node:assert/strict';
import t from 'tap';
import { ConfigError, loadConfig } from '../src/index.js';

t.test('loadConfig', async (t) => {
  t.test('has sane defaults', async () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.tableName, 'vrouter');
    assert.equal(config.maxBodyBytes, 256 * 1024);
    assert.equal(config.adminToken, undefined);
    assert.deepEqual(config.httpTargetAllow, []);
    assert.equal(config.maxBatch, 500);
    assert.deepEqual([config.requestTimeoutMs, config.headersTimeoutMs, config.keepAliveTimeoutMs], [30_000, 10_000, 5000]);
  });

  t.test('idle polls back off to 60 of their intervals by default, never to less than one', async () => {
    const config = loadConfig({});
    assert.deepEqual([config.sweepIntervalMs, config.sweepMaxIntervalMs, config.safetyNetIntervalMs], [5000, 300_000, 60_000]);
    assert.deepEqual([config.replayPollIntervalMs, config.replayPollMaxIntervalMs], [2000, 120_000]);
    assert.equal(loadConfig({ VROUTER_SWEEP_INTERVAL_MS: '1000' }).sweepMaxIntervalMs, 60_000, 'the cap follows the interval');
    assert.throws(
      () => loadConfig({ VROUTER_SWEEP_INTERVAL_MS: '1000', VROUTER_SWEEP_MAX_INTERVAL_MS: '500' }),
      (error: unknown) => error instanceof ConfigError && error.variable === 'VROUTER_SWEEP_MAX_INTERVAL_MS',
    );
    assert.throws(
      () => loadConfig({ VROUTER_REPLAY_POLL_INTERVAL_MS: '1000', VROUTER_REPLAY_POLL_MAX_INTERVAL_MS: '999' }),
      (error: unknown) => error instanceof ConfigError && error.variable === 'VROUTER_REPLAY_POLL_MAX_INTERVAL_MS',
    );
  });

  t.test('reads the HTTP target allow list', async () => {
    assert.deepEqual(loadConfig({ VROUTER_HTTP_TARGET_ALLOW: ' 10.0.0.0/8, internal.svc ,,::1' }).httpTargetAllow, ['10.0.0.0/8', 'internal.svc', '::1']);
  });

  t.test('ties heartbeat, store timeouts and lease together: a renewal must land before the lease ends', async () => {
    const config = loadConfig({});
    assert.deepEqual([config.leaseMs, config.heartbeatMs, config.storeTimeoutMs, config.storeConnectTimeoutMs, config.storeMaxAttempts], [30_000, 10_000, 500, 500, 2]);
    assert.equal(loadConfig({ VROUTER_LEASE_MS: '6000' }).heartbeatMs, 2000, 'the heartbeat follows the lease');
    assert.throws(
      () => loadConfig({ VROUTER_LEASE_MS: '2000', VROUTER_LEASE_HEARTBEAT_MS: '1500' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.variable === 'VROUTER_LEASE_HEARTBEAT_MS' &&
        /VROUTER_STORE_TIMEOUT_MS/.test(error.message) &&
        /VROUTER_LEASE_MS \(2000 ms\)/.test(error.message),
    );
    // With the default store bound of 2 s, a 2 s lease leaves no room whatever the heartbeat.
    assert.throws(() => loadConfig({ VROUTER_LEASE_MS: '2000', VROUTER_LEASE_HEARTBEAT_MS: '100' }), /below VROUTER_LEASE_MS/);
    assert.doesNotThrow(() =>
      loadConfig({
        VROUTER_LEASE_MS: '2000',
        VROUTER_LEASE_HEARTBEAT_MS: '500',
        VROUTER_STORE_TIMEOUT_MS: '400',
        VROUTER_STORE_CONNECT_TIMEOUT_MS: '300',
        VROUTER_STORE_MAX_ATTEMPTS: '1',
      }),
    );
    assert.throws(
      () => loadConfig({ VROUTER_SAFETY_NET_INTERVAL_MS: '1000' }),
      (error: unknown) => error instanceof ConfigError && error.variable === 'VROUTER_SAFETY_NET_INTERVAL_MS',
    );
  });

  const bad: [string, string][] = [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['VROUTER_MAX_BODY_BYTES', '-1'],
    ['VROUTER_POLL_INTERVAL_MS', '1.5'],
    ['VROUTER_TABLE', 'a b'],
    ['VROUTER_ADMIN_TOKEN', 'short'],
    ['VROUTER_LOG_LEVEL', 'loud'],
    ['VROUTER_HTTP_TARGET_ALLOW', '10.0.0.0/8,http://x'],
    ['VROUTER_HTTP_TARGET_ALLOW', '10.0.0.0/40'],
    ['VROUTER_MAX_BATCH', '0'],
    ['VROUTER_HEADERS_TIMEOUT_MS', '60000'],
  ];
  for (const [variable, value] of bad) {
    t.test(`names ${variable} when it is ${JSON.stringify(value)}`, async () => {
      assert.throws(
        () => loadConfig({ [variable]: value }),
        (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.startsWith(variable),
      );
    });
  }
});
