import assert from 'node:assert/strict';
import t from 'tap';
import { ConfigError, loadConfig } from '../src/config.js';

t.test('loadConfig: event bus settings', async (t) => {
  t.test('has the documented defaults', async () => {
    const config = loadConfig({});
    assert.equal(config.sqsQueueUrl, undefined);
    assert.equal(config.sqsWaitTimeSeconds, 20);
    assert.equal(config.sqsConcurrency, 10);
    assert.equal(config.sqsVisibilityTimeoutSeconds, 30);
    assert.deepEqual(config.eventBridgePaths, { customer: 'detail.customerId', project: 'detail.projectId', plan: 'detail.plan' });
    assert.equal(config.adminTokenSecretArn, undefined);
    assert.equal(config.adminTokenParameter, undefined);
  });

  t.test('reads every variable', async () => {
    const config = loadConfig({
      VROUTER_SQS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/vrouter-events',
      VROUTER_SQS_WAIT_TIME_SECONDS: '5',
      VROUTER_SQS_CONCURRENCY: '50',
      VROUTER_SQS_VISIBILITY_TIMEOUT_SECONDS: '120',
      VROUTER_EB_CUSTOMER_PATH: 'detail.tenant.id',
      VROUTER_EB_PROJECT_PATH: 'detail.project',
      VROUTER_EB_PLAN_PATH: 'account',
      VROUTER_ADMIN_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vrouter-admin-AbCdEf',
    });
    assert.equal(config.sqsQueueUrl, 'https://sqs.eu-west-1.amazonaws.com/123456789012/vrouter-events');
    assert.deepEqual([config.sqsWaitTimeSeconds, config.sqsConcurrency, config.sqsVisibilityTimeoutSeconds], [5, 50, 120]);
    assert.deepEqual(config.eventBridgePaths, { customer: 'detail.tenant.id', project: 'detail.project', plan: 'account' });
    assert.equal(config.adminTokenSecretArn, 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vrouter-admin-AbCdEf');
    assert.equal(loadConfig({ VROUTER_ADMIN_TOKEN_PARAMETER: '/vrouter/admin-token' }).adminTokenParameter, '/vrouter/admin-token');
  });

  const bad: [string, string][] = [
    ['VROUTER_SQS_QUEUE_URL', 'not a url'],
    ['VROUTER_SQS_QUEUE_URL', 'ftp://example.com/q'],
    ['VROUTER_SQS_WAIT_TIME_SECONDS', '21'],
    ['VROUTER_SQS_CONCURRENCY', '0'],
    ['VROUTER_SQS_VISIBILITY_TIMEOUT_SECONDS', '43201'],
    ['VROUTER_EB_CUSTOMER_PATH', 'detail..customerId'],
    ['VROUTER_EB_PROJECT_PATH', '.detail'],
    ['VROUTER_EB_PLAN_PATH', 'detail.'],
  ];
  for (const [variable, value] of bad) {
    t.test(`names ${variable} when it is ${JSON.stringify(value)}`, async () => {
      assert.throws(
        () => loadConfig({ [variable]: value }),
        (error: unknown) => error instanceof ConfigError && error.variable === variable,
      );
    });
  }

  t.test('refuses two sources for the admin token', async () => {
    assert.throws(
      () => loadConfig({ VROUTER_ADMIN_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:x', VROUTER_ADMIN_TOKEN_PARAMETER: '/x' }),
      (error: unknown) => error instanceof ConfigError && error.variable === 'VROUTER_ADMIN_TOKEN_PARAMETER',
    );
  });
});
