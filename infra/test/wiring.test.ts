import assert from 'node:assert/strict';
import t from 'tap';
import { ROUTER_HANDLERS } from '../src/lambda-asset.js';
import { FIXTURE, type Json, only, render, resources, synth } from './support.js';

t.test('EventBridge and SQS feed the router functions', async (t) => {
  const { json } = synth();
  const functions = resources(json, 'AWS::Lambda::Function');
  const fn = (handler: string) => {
    const found = functions.find((candidate) => candidate.Properties.Handler === handler);
    assert.ok(found, `a function with handler ${handler}`);
    return found;
  };
  const eventBridgeFunction = fn(ROUTER_HANDLERS.eventBridge);
  const queueFunction = fn(ROUTER_HANDLERS.sqs);
  const queues = resources(json, 'AWS::SQS::Queue');
  const queue = queues.find((candidate) => candidate.Properties.RedrivePolicy !== undefined);
  assert.ok(queue, 'a queue with a redrive policy');

  t.test("runs the router's two handlers on the configured Node.js runtime", async () => {
    assert.equal(functions.length, 2);
    assert.equal(ROUTER_HANDLERS.eventBridge, 'eventbridge.handler');
    assert.equal(ROUTER_HANDLERS.sqs, 'sqs.handler');
    for (const f of functions) {
      assert.equal(f.Properties.Runtime, FIXTURE.lambda.runtime);
      assert.equal(f.Properties.Timeout, FIXTURE.lambda.timeoutSeconds);
    }
  });

  t.test('tells the router its table, telemetry endpoint and where its secrets live, never a secret value', async () => {
    const table = only(json, 'AWS::DynamoDB::Table');
    for (const f of functions) {
      const variables = (f.Properties.Environment as { Variables: Json }).Variables;
      assert.deepEqual(variables.VROUTER_TABLE, { Ref: table.id });
      assert.equal(variables.VROUTER_ADMIN_TOKEN_PARAMETER, FIXTURE.adminToken.ssmParameter);
      assert.equal(variables.OTEL_EXPORTER_OTLP_HEADERS_SECRET_ARN, FIXTURE.telemetry.otlpHeaders.secretArn);
      assert.equal(variables.OTEL_EXPORTER_OTLP_ENDPOINT, FIXTURE.telemetry.otlpEndpoint);
      assert.equal(variables.NODE_OPTIONS, '--import=/var/task/telemetry.mjs');
      assert.equal(variables.VROUTER_ADMIN_TOKEN, undefined);
      assert.equal(variables.OTEL_EXPORTER_OTLP_HEADERS, undefined);
    }
  });

  t.test('gives the queue a dead-letter queue after the configured number of receives', async () => {
    const redrive = queue.Properties.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
    assert.equal(redrive.maxReceiveCount, FIXTURE.queue.maxReceiveCount);
    const dlqId = render(redrive.deadLetterTargetArn).match(/^\$\{(.+)\.Arn\}$/)?.[1];
    const dlq = queues.find((candidate) => candidate.id === dlqId);
    assert.ok(dlq, 'the dead-letter queue is in the stack');
    assert.equal(dlq.Properties.MessageRetentionPeriod, 14 * 24 * 3600);
  });

  t.test('keeps messages invisible for six function timeouts, as AWS advises for Lambda consumers', async () => {
    assert.equal(queue.Properties.VisibilityTimeout, FIXTURE.lambda.timeoutSeconds * 6);
  });

  t.test('feeds the queue to the SQS handler, reporting partial batch failures', async () => {
    const mapping = only(json, 'AWS::Lambda::EventSourceMapping').Properties;
    assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.equal(render(mapping.EventSourceArn), `\${${queue.id}.Arn}`);
    assert.deepEqual(mapping.FunctionName, { Ref: queueFunction.id });
    assert.equal(mapping.BatchSize, FIXTURE.queue.batchSize);
  });

  t.test('sends events matching the configured pattern on the configured bus to the EventBridge handler', async () => {
    const rule = only(json, 'AWS::Events::Rule').Properties;
    assert.deepEqual(rule.EventPattern, FIXTURE.eventBridge.eventPattern);
    assert.equal(rule.EventBusName, FIXTURE.eventBridge.busName);
    const [target] = rule.Targets as Json[];
    assert.equal(render(target!.Arn), `\${${eventBridgeFunction.id}.Arn}`);
    assert.deepEqual(target!.RetryPolicy, {
      MaximumRetryAttempts: FIXTURE.eventBridge.retryAttempts,
      MaximumEventAgeInSeconds: FIXTURE.eventBridge.maxEventAgeSeconds,
    });
  });

  t.test('keeps EventBridge events that cannot be delivered or fail every retry in their own dead-letter queue', async () => {
    const rule = only(json, 'AWS::Events::Rule').Properties;
    const [target] = rule.Targets as { DeadLetterConfig: { Arn: unknown } }[];
    const dlq = render(target!.DeadLetterConfig.Arn);
    const invokeConfig = only(json, 'AWS::Lambda::EventInvokeConfig').Properties as { FunctionName: unknown; DestinationConfig: { OnFailure: { Destination: unknown } } };
    assert.deepEqual(invokeConfig.FunctionName, { Ref: eventBridgeFunction.id });
    assert.equal(render(invokeConfig.DestinationConfig.OnFailure.Destination), dlq);
    assert.notEqual(dlq, render((queue.Properties.RedrivePolicy as Json).deadLetterTargetArn), 'not mixed with the SQS dead letters');
  });

  t.test('encrypts every queue and refuses requests without TLS', async () => {
    assert.equal(queues.length, 3);
    for (const q of queues) assert.equal(q.Properties.SqsManagedSseEnabled, true, q.id);
    const policies = resources(json, 'AWS::SQS::QueuePolicy');
    for (const q of queues) {
      const policy = policies.find((p) => (p.Properties.Queues as Json[]).some((ref) => (ref as { Ref: string }).Ref === q.id));
      assert.ok(policy, `${q.id} has a queue policy`);
      const statements = (policy.Properties.PolicyDocument as { Statement: Json[] }).Statement;
      assert.ok(
        statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } })),
        `${q.id} denies insecure transport`,
      );
    }
  });
});
