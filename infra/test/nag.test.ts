import assert from 'node:assert/strict';
import t from 'tap';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { buildApp } from '../src/app.js';
import { deepMerge, parseConfig } from '../src/config.js';
import { FIXTURE, type Json, resources, synth } from './support.js';

const NAG = Match.stringLikeRegexp('AwsSolutions-.*');

/** The rules this stack may suppress, each for a reason written next to the suppression (see the reply in the README). */
const ALLOWED = new Set(['AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-SQS3', 'AwsSolutions-ECS2', 'AwsSolutions-EC23', 'AwsSolutions-S1', 'AwsSolutions-ELB2']);

const VARIANTS: Record<string, Record<string, unknown>> = {
  'functions only': {},
  'service over HTTP, open, in a new VPC, with access logs': {
    region: 'eu-west-1',
    service: { enabled: true, accessLogs: true, image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/vrouter:1.2.3' },
  },
  'service over HTTPS, restricted, existing VPC, customer managed keys, latest runtime': {
    adminToken: {
      ssmParameter: null,
      secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:vrouter/admin-token-Zz9Yx8',
      kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
    lambda: { runtime: 'nodejs24.x', architecture: 'arm64' },
    components: { lambdaFunctionArns: ['arn:aws:lambda:eu-west-1:111122223333:function:builder:live'] },
    service: {
      enabled: true,
      certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100',
      allowedCidrs: ['10.0.0.0/8'],
      vpc: {
        vpcId: 'vpc-0123456789abcdef0',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        publicSubnetIds: ['subnet-0000000000000000a', 'subnet-0000000000000000b'],
        privateSubnetIds: ['subnet-1111111111111111a', 'subnet-1111111111111111b'],
      },
    },
  },
};

for (const [name, overrides] of Object.entries(VARIANTS)) {
  t.test(`cdk-nag AWS Solutions checks: ${name}`, async (t) => {
    const { json, annotations } = synth(overrides);
    const suppressions = resources(json).flatMap((resource) =>
      (((resource.Metadata?.cdk_nag as Json | undefined)?.rules_to_suppress ?? []) as { id: string; reason: string }[]).map((rule) => ({ resource: resource.id, ...rule })),
    );

    t.test('reports no unsuppressed error', async () => {
      const errors = annotations.findError('*', NAG).map((error) => `${error.id}: ${String(error.entry.data).slice(0, 160)}`);
      assert.deepEqual(errors, []);
    });

    t.test('reports no unsuppressed warning either', async () => {
      assert.deepEqual(
        annotations.findWarning('*', NAG).map((warning) => warning.id),
        [],
      );
    });

    t.test('suppresses only known rules, each on a resource and with a written reason', async () => {
      assert.ok(suppressions.length > 0);
      for (const suppression of suppressions) {
        assert.ok(ALLOWED.has(suppression.id), `${suppression.resource}: ${suppression.id} is not an expected suppression`);
        assert.ok(suppression.reason.split(/\s+/).length >= 12, `${suppression.resource}: ${suppression.id} needs a reason, got "${suppression.reason}"`);
      }
      assert.equal((json.Metadata as Json | undefined)?.cdk_nag, undefined, 'no stack-wide suppression');
    });
  });
}

t.test('cdk-nag is really checking', async (t) => {
  t.test('reports an error for a resource nobody vetted', async () => {
    const { stack } = buildApp({ config: parseConfig(deepMerge(FIXTURE, {})), routerCode: Code.fromInline('exports.handler = async () => {};'), cloudFormationValidation: false });
    new Queue(stack, 'Unvetted', { enforceSSL: false });
    const errors = Annotations.fromStack(stack).findError('*', NAG);
    assert.ok(errors.some((error) => error.id.includes('Unvetted') && String(error.entry.data).includes('AwsSolutions-SQS3')));
    assert.ok(errors.some((error) => error.id.includes('Unvetted') && String(error.entry.data).includes('AwsSolutions-SQS4')));
  });
});
