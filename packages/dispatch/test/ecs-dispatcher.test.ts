import assert from 'node:assert/strict';
import t from 'tap';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { DispatchRequest } from '@vrouter/core';
import { LocalEcsServer, type StartedTask, containerEnvironment } from '@vrouter/local-targets';
import { EcsDispatcher, ecsClientToken } from '../src/index.js';
import { TRACEPARENT, closedPort, ecsTarget, localEcsClient, payload, request } from './fixtures.js';

/** A payload whose JSON alone is larger than ECS lets overrides be. */
function largeRequest(id = 'evt-large'): DispatchRequest {
  return request(ecsTarget(), { payload: payload({ blob: 'x'.repeat(9000) }, id) });
}

t.test('EcsDispatcher against LocalEcsServer', async (t) => {
  const server = new LocalEcsServer({ clusters: ['jobs'] });
  let client: ECSClient;
  let dispatcher: EcsDispatcher;

  t.before(async () => {
    server.registerTaskDefinition('worker:3', { containers: ['app'] });
    client = localEcsClient((await server.start()).url);
    dispatcher = new EcsDispatcher({ client });
  });

  t.teardown(async () => {
    client.destroy();
    await server.stop();
  });

  function lastStart(): StartedTask {
    const started = server.starts.at(-1);
    assert.ok(started, 'no task was started');
    return started;
  }

  t.test('starts one task and reports the handoff as dispatched with its ARN', async () => {
    const outcome = await dispatcher.dispatch(request(ecsTarget(), { payload: payload({}, 'evt-ok'), traceparent: TRACEPARENT }));
    const started = lastStart();
    assert.deepEqual(outcome, { status: 'dispatched', response: started.taskArn });
    assert.equal(started.launchType, 'FARGATE');
    assert.equal(started.startedBy, 'vrouter');
    assert.match(started.taskDefinitionArn, /task-definition\/worker:3$/);
    assert.match(started.clusterArn, /cluster\/jobs$/);
  });

  t.test('hands the event and its metadata to the container in environment variables', async () => {
    const sent = payload({ n: 1 }, 'evt-env');
    await dispatcher.dispatch(request(ecsTarget(), { payload: sent, traceparent: TRACEPARENT }));
    const environment = containerEnvironment(lastStart().overrides, 'app');
    assert.deepEqual(JSON.parse(environment.VROUTER_EVENT ?? ''), sent);
    assert.deepEqual(
      { ...environment, VROUTER_EVENT: undefined },
      {
        VROUTER_EVENT: undefined,
        VROUTER_IDEMPOTENCY_KEY: sent.vrouter.idempotencyKey,
        VROUTER_COMPONENT: 'example',
        VROUTER_VERSION: 'v1',
        VROUTER_ATTEMPT: '1',
        TRACEPARENT,
      },
    );
    assert.equal(lastStart().overrides.containerOverrides?.length, 1);
  });

  t.test('adds no TRACEPARENT when the request has none, and passes the network configuration on', async () => {
    const networkConfiguration = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } };
    await dispatcher.dispatch(request(ecsTarget({ networkConfiguration }), { payload: payload({}, 'evt-net') }));
    assert.equal('TRACEPARENT' in containerEnvironment(lastStart().overrides, 'app'), false);
    assert.deepEqual(lastStart().input.networkConfiguration, networkConfiguration);
  });

  t.test('leaves the launch type to the cluster when the target has none', async () => {
    await dispatcher.dispatch(request(ecsTarget({ launchType: undefined }), { payload: payload({}, 'evt-no-launch-type') }));
    assert.equal(lastStart().launchType, undefined);
    assert.equal('launchType' in lastStart().input, false);
  });

  t.test('uses the idempotency key as clientToken, so the same delivery starts one task however often it is sent', async () => {
    const delivery = request(ecsTarget(), { payload: payload({}, 'evt-twice') });
    const first = await dispatcher.dispatch(delivery);
    const second = await dispatcher.dispatch(delivery);
    const token = delivery.payload.vrouter.idempotencyKey;
    assert.equal(lastStart().clientToken, token);
    assert.equal(server.startsFor(token), 1);
    assert.equal(first.status, 'dispatched');
    assert.deepEqual(second, first);
  });

  t.test('reports a later attempt of a started delivery as dispatched with the task ECS already started', async () => {
    const base = payload({}, 'evt-retried');
    const first = await dispatcher.dispatch(request(ecsTarget(), { payload: base }));
    // Another attempt number changes the input: ECS answers ConflictException naming the existing task.
    const later = await dispatcher.dispatch(request(ecsTarget(), { payload: { ...base, vrouter: { ...base.vrouter, attempt: 2 } } }));
    assert.equal(server.calls.at(-1)?.outcome, 'conflict');
    assert.deepEqual(later, first);
    assert.equal(server.startsFor(base.vrouter.idempotencyKey), 1);
  });

  t.test('passes a large event by reference, without VROUTER_EVENT', async () => {
    const seen: DispatchRequest[] = [];
    const referencing = new EcsDispatcher({
      client,
      payloadReference: async (r) => {
        seen.push(r);
        return { url: `https://payloads.example.test/${r.payload.id}`, token: 'secret-token' };
      },
    });
    const large = largeRequest();
    const outcome = await referencing.dispatch(large);
    assert.equal(outcome.status, 'dispatched');
    assert.deepEqual(seen, [large]);
    const environment = containerEnvironment(lastStart().overrides, 'app');
    assert.equal(environment.VROUTER_EVENT, undefined);
    assert.equal(environment.VROUTER_EVENT_URL, 'https://payloads.example.test/evt-large');
    assert.equal(environment.VROUTER_EVENT_TOKEN, 'secret-token');
    assert.equal(environment.VROUTER_IDEMPOTENCY_KEY, large.payload.vrouter.idempotencyKey);
  });

  t.test('does not ask for a reference when the event fits inline', async () => {
    let calls = 0;
    const referencing = new EcsDispatcher({
      client,
      payloadReference: async () => {
        calls++;
        return { url: 'https://x.test', token: 't' };
      },
    });
    await referencing.dispatch(request(ecsTarget(), { payload: payload({}, 'evt-small') }));
    assert.equal(calls, 0);
    assert.ok(containerEnvironment(lastStart().overrides, 'app').VROUTER_EVENT);
  });

  t.test('honours maxInlineBytes below ECS limit', async () => {
    const strict = new EcsDispatcher({ client, maxInlineBytes: 100 });
    const outcome = await strict.dispatch(request(ecsTarget(), { payload: payload({}, 'evt-strict') }));
    assert.equal(outcome.error?.code, 'VR_PAYLOAD_TOO_LARGE');
  });

  t.test('fails with VR_PAYLOAD_TOO_LARGE, not retryable, for a large event without a payload reference', async () => {
    const before = server.calls.length;
    const outcome = await dispatcher.dispatch(largeRequest('evt-too-large'));
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.code, 'VR_PAYLOAD_TOO_LARGE');
    assert.match(outcome.error?.message ?? '', /over the 8192 that go inline, and no payload reference is configured/);
    assert.equal(outcome.retryable, false);
    assert.equal(server.calls.length, before, 'RunTask must not be called');
  });

  t.test('fails when the payload reference fails or is still too large', async () => {
    const throwing = new EcsDispatcher({
      client,
      payloadReference: async () => {
        throw Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' });
      },
    });
    const failedReference = await throwing.dispatch(largeRequest('evt-ref-fails'));
    assert.equal(failedReference.error?.code, 'VR_PAYLOAD_REFERENCE_FAILED');
    assert.match(failedReference.error?.message ?? '', /ECONNRESET/);
    assert.equal(failedReference.retryable, true);
    const huge = new EcsDispatcher({ client, payloadReference: async () => ({ url: `https://x.test/${'y'.repeat(9000)}`, token: 't' }) });
    const stillLarge = await huge.dispatch(largeRequest('evt-ref-huge'));
    assert.equal(stillLarge.error?.code, 'VR_PAYLOAD_TOO_LARGE');
    assert.match(stillLarge.error?.message ?? '', /by reference still/);
    const malformed = new EcsDispatcher({ client, payloadReference: async () => ({ url: '', token: 't' }) });
    assert.equal((await malformed.dispatch(largeRequest('evt-ref-bad'))).error?.code, 'VR_PAYLOAD_REFERENCE_FAILED');
  });

  t.test('fails retryably on transient RunTask failures', async () => {
    for (const reason of ['RESOURCE:MEMORY', 'RESOURCE:CPU', 'AGENT', 'Capacity is unavailable at this time. Please try again later or in a different availability zone']) {
      server.failuresNext(1, reason, { arn: 'arn:aws:ecs:us-east-1:000000000000:container-instance/jobs/abc', detail: 'placement failed' });
      const outcome = await dispatcher.dispatch(request(ecsTarget(), { payload: payload({}, `evt-${reason.length}`) }));
      assert.equal(outcome.status, 'failed');
      assert.equal(outcome.error?.code, `ECS_FAILURE:${reason}`);
      assert.match(outcome.error?.message ?? '', /placement failed\) for arn:aws:ecs:us-east-1:000000000000:container-instance\/jobs\/abc/);
      assert.equal(outcome.retryable, true, reason);
    }
  });

  t.test('fails, not retryably, on RunTask failures that need a configuration change', async () => {
    for (const reason of ['ATTRIBUTE', 'MISSING']) {
      server.failuresNext(1, reason);
      const outcome = await dispatcher.dispatch(request(ecsTarget(), { payload: payload({}, `evt-${reason}`) }));
      assert.equal(outcome.error?.code, `ECS_FAILURE:${reason}`);
      assert.equal(outcome.retryable, false, reason);
    }
  });

  t.test('fails, not retryably, for an unknown task definition, cluster or container', async () => {
    const cases = [
      { target: ecsTarget({ taskDefinition: 'worker:99' }), code: 'ClientException', message: 'TaskDefinition not found.' },
      { target: ecsTarget({ cluster: 'nope' }), code: 'ClusterNotFoundException', message: 'Cluster not found.' },
      {
        target: ecsTarget({ containerName: 'sidecar' }),
        code: 'InvalidParameterException',
        message: 'Override for container named sidecar is not a container in the TaskDefinition.',
      },
    ];
    for (const { target, code, message } of cases) {
      assert.deepEqual(await dispatcher.dispatch(request(target)), { status: 'failed', error: { code, message }, retryable: false }, code);
    }
  });

  t.test('fails retryably on a server fault or throttling, and not on access denied', async () => {
    server
      .failNext(1, { type: 'ServerException', message: 'ECS is unwell' })
      .failNext(1, { type: 'ThrottlingException', message: 'Rate exceeded' })
      .failNext(1, { type: 'AccessDeniedException', message: 'no', status: 400 })
      .failNext(1, { type: 'ClientException', message: 'Tasks provisioning capacity limit exceeded.' });
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await dispatcher.dispatch(request(ecsTarget(), { payload: payload({}, `evt-fault-${i}`) })));
    assert.deepEqual(
      outcomes.map((o) => [o.error?.code, o.retryable]),
      [
        ['ServerException', true],
        ['ThrottlingException', true],
        ['AccessDeniedException', false],
        ['ClientException', true],
      ],
    );
    assert.equal(outcomes[0]?.error?.message, 'ECS is unwell');
  });

  t.test('fails, without throwing, for targets of another kind and payloads that cannot be serialised', async () => {
    assert.equal((await dispatcher.dispatch(request({ kind: 'http', url: 'http://x.test' }))).error?.code, 'VR_TARGET_UNSUPPORTED');
    const bigint = await dispatcher.dispatch({ target: ecsTarget(), payload: payload({ n: 1n }) });
    assert.equal(bigint.error?.code, 'TypeError');
    assert.equal(bigint.retryable, false);
  });
});

t.test('EcsDispatcher configuration', async (t) => {
  t.test('reaches ECS through AWS_ENDPOINT_URL_ECS', async () => {
    const server = new LocalEcsServer({ clusters: ['jobs'] }).registerTaskDefinition('worker:3');
    const { url } = await server.start();
    const saved = process.env.AWS_ENDPOINT_URL_ECS;
    process.env.AWS_ENDPOINT_URL_ECS = url;
    const client = localEcsClient(undefined);
    try {
      const outcome = await new EcsDispatcher({ client }).dispatch(request(ecsTarget()));
      assert.equal(outcome.status, 'dispatched');
      assert.equal(server.starts.length, 1);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_ECS;
      else process.env.AWS_ENDPOINT_URL_ECS = saved;
      client.destroy();
      await server.stop();
    }
  });

  t.test('builds its own client from clientConfig', async () => {
    const server = new LocalEcsServer({ clusters: ['jobs'] }).registerTaskDefinition('worker:3');
    const { url } = await server.start();
    const dispatcher = new EcsDispatcher({
      clientConfig: { region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } },
    });
    try {
      assert.equal((await dispatcher.dispatch(request(ecsTarget()))).status, 'dispatched');
    } finally {
      dispatcher.destroy();
      await server.stop();
    }
  });

  t.test('fails retryably when the endpoint refuses connections', async () => {
    const refused = localEcsClient(`http://127.0.0.1:${await closedPort()}`);
    try {
      const outcome = await new EcsDispatcher({ client: refused }).dispatch(request(ecsTarget()));
      assert.equal(outcome.error?.code, 'ECONNREFUSED');
      assert.equal(outcome.retryable, true);
    } finally {
      refused.destroy();
    }
  });

  t.test('refuses contradictory or invalid options', async () => {
    const client = localEcsClient('http://127.0.0.1:1');
    assert.throws(() => new EcsDispatcher({ client, clientConfig: {} }), TypeError);
    assert.throws(() => new EcsDispatcher({ client, maxInlineBytes: -1 }), RangeError);
    assert.throws(() => new EcsDispatcher({ client, maxInlineBytes: 0.5 }), RangeError);
    client.destroy();
  });
});

t.test('ecsClientToken', async (t) => {
  t.test('keeps a key of up to 64 characters and hashes a longer one to 64 hex characters', async () => {
    const key = 'f'.repeat(64);
    assert.equal(ecsClientToken(key), key);
    const long = ecsClientToken(`${key}-a`);
    assert.match(long, /^[0-9a-f]{64}$/);
    assert.notEqual(long, ecsClientToken(`${key}-b`));
  });
});
