import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { deepMerge, InfraConfigError, loadConfig, parseConfig } from '../src/config.js';
import { FIXTURE } from './support.js';

const infraDir = fileURLToPath(new URL('..', import.meta.url));

/** Parses FIXTURE with `overrides` merged in and returns the error's field, or fails if it parses. */
function rejected(overrides: Record<string, unknown>): InfraConfigError {
  try {
    parseConfig(deepMerge(FIXTURE, overrides));
  } catch (error) {
    assert.ok(error instanceof InfraConfigError, String(error));
    return error;
  }
  assert.fail(`accepted ${JSON.stringify(overrides)}`);
}

t.test('configuration', async (t) => {
  t.test('reads config.example.json when no config.json exists, and says so', async () => {
    const { config, file, isExample } = loadConfig(infraDir, {});
    assert.ok(file.endsWith('config.example.json') && isExample);
    assert.equal(config.stackName, 'vrouter');
    assert.equal(config.adminToken.kind, 'ssmParameter');
    assert.equal(config.service.enabled, false);
  });

  t.test('fills in defaults: Node.js 20, five receives before the dead-letter queue, no service', async () => {
    const config = parseConfig({ components: {}, adminToken: { ssmParameter: '/t' }, eventBridge: { eventPattern: { source: ['a'] } } });
    assert.equal(config.lambda.runtime, 'nodejs22.x');
    assert.equal(config.queue.maxReceiveCount, 5);
    assert.equal(config.eventBridge.busName, 'default');
    assert.equal(config.service.enabled, false);
    assert.equal(config.region, undefined);
    assert.deepEqual(config.components, { lambdaFunctionArns: [], ecsTaskDefinitions: [] });
  });

  t.test('reads VROUTER_INFRA_CONFIG from where npm ran and merges VROUTER_INFRA_CONFIG_JSON over it: objects merge, arrays replace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrouter-infra-'));
    writeFileSync(join(dir, 'prod.json'), JSON.stringify(FIXTURE));
    const { config, isExample } = loadConfig(infraDir, {
      INIT_CWD: dir, // npm sets it to where it was run: relative paths start there
      VROUTER_INFRA_CONFIG: 'prod.json',
      VROUTER_INFRA_CONFIG_JSON: '{"queue":{"maxReceiveCount":3},"components":{"lambdaFunctionArns":["arn:aws:lambda:us-east-1:111122223333:function:x:1"]}}',
    });
    assert.equal(isExample, false);
    assert.equal(config.queue.maxReceiveCount, 3);
    assert.equal(config.queue.batchSize, FIXTURE.queue.batchSize);
    assert.deepEqual(config.components.lambdaFunctionArns, ['arn:aws:lambda:us-east-1:111122223333:function:x:1']);
    assert.equal(config.components.ecsTaskDefinitions.length, 2);
  });

  t.test('names the variable when the file or the override is wrong', async () => {
    assert.throws(() => loadConfig(infraDir, { VROUTER_INFRA_CONFIG: 'nope.json' }), /^InfraConfigError: VROUTER_INFRA_CONFIG: .*does not exist/);
    assert.throws(() => loadConfig(infraDir, { VROUTER_INFRA_CONFIG_JSON: '{queue' }), /^InfraConfigError: VROUTER_INFRA_CONFIG_JSON: is not valid JSON/);
  });

  t.test('refuses an unqualified function ARN: the router always invokes a version or alias', async () => {
    const error = rejected({ components: { lambdaFunctionArns: ['arn:aws:lambda:eu-west-1:111122223333:function:builder'] } });
    assert.equal(error.field, 'components.lambdaFunctionArns[0]');
    assert.match(error.message, /no qualifier/);
  });

  t.test('refuses wildcards anywhere but the qualifier', async () => {
    for (const arn of [
      '*',
      'arn:aws:lambda:eu-west-1:111122223333:function:*',
      'arn:aws:lambda:eu-west-1:111122223333:function:build*:live',
      'arn:aws:lambda:*:111122223333:function:b:1',
    ]) {
      assert.equal(rejected({ components: { lambdaFunctionArns: [arn] } }).field, 'components.lambdaFunctionArns[0]', arn);
    }
  });

  t.test('refuses task families with revisions and roles that are not role ARNs', async () => {
    assert.equal(rejected({ components: { ecsTaskDefinitions: [{ family: 'builder:3' }] } }).field, 'components.ecsTaskDefinitions[0].family');
    assert.equal(rejected({ components: { ecsTaskDefinitions: [{ family: 'b', taskRoleArn: 'builder-role' }] } }).field, 'components.ecsTaskDefinitions[0].taskRoleArn');
  });

  t.test('wants exactly one admin token source, and a secret by its complete ARN', async () => {
    assert.equal(rejected({ adminToken: { secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:t-AbCdEf' } }).field, 'adminToken');
    assert.equal(rejected({ adminToken: { ssmParameter: null } }).field, 'adminToken');
    const partial = rejected({ adminToken: { ssmParameter: null, secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:vrouter/admin-token' } });
    assert.equal(partial.field, 'adminToken.secretArn');
    assert.match(partial.message, /six-character suffix/);
  });

  t.test('refuses misspelt fields instead of ignoring them', async () => {
    assert.equal(rejected({ queue: { maxRecieveCount: 3 } }).field, 'queue.maxRecieveCount');
    assert.equal(rejected({ tabelName: 'x' }).field, 'tabelName');
  });

  t.test('keeps secrets and stack-owned variables out of the plain environment maps', async () => {
    assert.equal(rejected({ lambda: { environment: { VROUTER_ADMIN_TOKEN: 'hunter2hunter2hunter2' } } }).field, 'lambda.environment.VROUTER_ADMIN_TOKEN');
    assert.equal(rejected({ service: { environment: { OTEL_EXPORTER_OTLP_HEADERS: 'x-honeycomb-team=k' } } }).field, 'service.environment.OTEL_EXPORTER_OTLP_HEADERS');
    assert.equal(rejected({ lambda: { environment: { VROUTER_TABLE: 'other' } } }).field, 'lambda.environment.VROUTER_TABLE');
  });

  t.test('checks the event pattern names EventBridge fields and matches something', async () => {
    assert.equal(rejected({ eventBridge: { eventPattern: { detailType: ['x'] } } }).field, 'eventBridge.eventPattern.detailType');
    // Merging {} would keep the fixture's pattern: replace the whole section.
    assert.throws(() => parseConfig({ ...FIXTURE, eventBridge: { eventPattern: {} } }), { field: 'eventBridge.eventPattern' });
  });

  t.test('needs an image for the service, a region for its access logs, and Fargate sizes that exist', async () => {
    assert.equal(rejected({ service: { enabled: true, image: null } }).field, 'service.image');
    assert.equal(rejected({ service: { enabled: true, accessLogs: true } }).field, 'region');
    assert.equal(rejected({ service: { cpu: 256, memoryMiB: 4096 } }).field, 'service.memoryMiB');
    assert.equal(rejected({ service: { allowedCidrs: ['10.0.0.0/33'] } }).field, 'service.allowedCidrs[0]');
  });

  t.test('wants one subnet per availability zone in an imported VPC', async () => {
    const vpc = { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], publicSubnetIds: ['subnet-0000000000000000a'], privateSubnetIds: [] };
    assert.equal(rejected({ service: { vpc } }).field, 'service.vpc.publicSubnetIds');
  });
});
