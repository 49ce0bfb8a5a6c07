import assert from 'node:assert/strict';
import t from 'tap';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { VersionRouter, type VersionRouterProps } from '../src/index.js';
import { synth } from './support.js';

const CODE = Code.fromInline('exports.handler = async () => {};');
const MINIMAL: VersionRouterProps = {
  code: CODE,
  components: { lambdaFunctionArns: ['arn:aws:lambda:eu-west-1:111122223333:function:release-coordinator:live'] },
  adminToken: { ssmParameter: '/platform/vrouter-token' },
  eventBridge: { eventPattern: { source: ['com.example.builds'] } },
};

/** Another team's app: their stack, their resources, one VersionRouter among them, checked by cdk-nag. */
function usersStack(props: VersionRouterProps): { stack: Stack; router: VersionRouter } {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'PlatformStack', { env: { region: 'eu-west-1' } });
  const router = new VersionRouter(stack, 'Routing', props);
  Aspects.of(app).add(new AwsSolutionsChecks());
  return { stack, router };
}

t.test('VersionRouter in a stack of its own user', async (t) => {
  t.test('builds the table, both functions and the queues from the minimal props, with cdk-nag clean', async () => {
    const { stack, router } = usersStack(MINIMAL);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::SQS::Queue', 3);
    template.resourceCountIs('AWS::ECS::Service', 0);
    assert.equal(router.service, undefined);
    assert.deepEqual(Annotations.fromStack(stack).findError('*', Match.anyValue()), []);
  });

  t.test('defaults the functions to Node.js 22, and keeps 20 and 24 selectable', async () => {
    const runtimes = (props: VersionRouterProps) =>
      Object.values(Template.fromStack(usersStack(props).stack).findResources('AWS::Lambda::Function')).map((f) => (f as { Properties: { Runtime: string } }).Properties.Runtime);
    assert.deepEqual(runtimes(MINIMAL), ['nodejs22.x', 'nodejs22.x']);
    for (const runtime of ['nodejs20.x', 'nodejs24.x'] as const) assert.deepEqual(runtimes({ ...MINIMAL, lambda: { runtime } }), [runtime, runtime]);
  });

  t.test('adds the Fargate service when asked', async () => {
    const { stack, router } = usersStack({ ...MINIMAL, service: { enabled: true, image: 'ghcr.io/example/vrouter:1.2.3', accessLogs: false } });
    Template.fromStack(stack).resourceCountIs('AWS::ECS::Service', 1);
    assert.ok(router.service);
    assert.deepEqual(Annotations.fromStack(stack).findError('*', Match.anyValue()), []);
  });

  t.test('refuses invalid props, naming the field', async () => {
    assert.throws(
      () => usersStack({ ...MINIMAL, components: { lambdaFunctionArns: ['arn:aws:lambda:eu-west-1:111122223333:function:unqualified'] } }),
      /components\.lambdaFunctionArns\[0\]/,
    );
    assert.throws(() => usersStack({ ...MINIMAL, lambda: { runtime: 'nodejs18.x' as 'nodejs20.x' } }), /lambda\.runtime: must be one of nodejs20\.x, nodejs22\.x, nodejs24\.x/);
    assert.throws(() => usersStack({ ...MINIMAL, unknown: true } as VersionRouterProps), /unknown: is not a known field/);
  });

  t.test("keeps the repository app's resources at the logical IDs they had directly in its stack (a new table ID would orphan the data)", async () => {
    const { json } = synth({ service: { enabled: true } });
    const ids = Object.keys(json.Resources as object);
    // The IDs of the stack before the router became a construct: same path hash, so CloudFormation updates in place.
    for (const id of ['TableCD117FA1', 'RouterEventBridgeFunction7C42865B', 'RouterQueueFunctionADDBDD46', 'RouterQueueC4F61426']) assert.ok(ids.includes(id), id);
    assert.ok(ids.some((id) => id.startsWith('ServiceCluster')));
    assert.ok(!ids.some((id) => id.startsWith('Default')));
  });
});
