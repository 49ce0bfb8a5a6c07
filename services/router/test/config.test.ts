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
  });

  const bad: [string, string][] = [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['VROUTER_MAX_BODY_BYTES', '-1'],
    ['VROUTER_POLL_INTERVAL_MS', '1.5'],
    ['VROUTER_TABLE', 'a b'],
    ['VROUTER_ADMIN_TOKEN', 'short'],
    ['VROUTER_LOG_LEVEL', 'loud'],
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
