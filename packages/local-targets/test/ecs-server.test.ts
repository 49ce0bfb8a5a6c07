import assert from 'node:assert/strict';
import t from 'tap';
import {
  ClientException,
  ClusterNotFoundException,
  ConflictException,
  DescribeTasksCommand,
  type ECSClient,
  ECSServiceException,
  InvalidParameterException,
  RunTaskCommand,
  type RunTaskCommandInput,
  ServerException,
} from '@aws-sdk/client-ecs';
import { LocalEcsServer, containerEnvironment } from '../src/index.js';
import { localEcsClient } from './ecs-client.js';

function runTask(overrides: Partial<RunTaskCommandInput> = {}): RunTaskCommand {
  return new RunTaskCommand({
    cluster: 'jobs',
    taskDefinition: 'worker:3',
    launchType: 'FARGATE',
    startedBy: 'test',
    overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'GREETING', value: 'hello' }] }] },
    ...overrides,
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

t.test('LocalEcsServer through the real ECSClient', async (t) => {
  const server = new LocalEcsServer({ clusters: ['default', 'jobs'] });
  let client: ECSClient;

  t.before(async () => {
    server
      .registerTaskDefinition('worker:3', { containers: ['app'] })
      .registerTaskDefinition('worker:4')
      .registerTaskDefinition('other:1');
    client = localEcsClient((await server.start()).url);
  });

  t.teardown(async () => {
    client.destroy();
    await server.stop();
  });

  t.test('starts a task and answers it as PROVISIONING with the overrides', async () => {
    const out = await client.send(runTask());
    assert.deepEqual(out.failures, []);
    assert.equal(out.tasks?.length, 1);
    const task = out.tasks?.[0];
    assert.match(task?.taskArn ?? '', /^arn:aws:ecs:us-east-1:000000000000:task\/jobs\/[0-9a-f]{32}$/);
    assert.equal(task?.taskDefinitionArn, 'arn:aws:ecs:us-east-1:000000000000:task-definition/worker:3');
    assert.equal(task?.clusterArn, 'arn:aws:ecs:us-east-1:000000000000:cluster/jobs');
    assert.equal(task?.lastStatus, 'PROVISIONING');
    assert.equal(task?.startedBy, 'test');
    assert.ok(task?.createdAt instanceof Date);
    assert.deepEqual(task?.overrides?.containerOverrides?.[0]?.environment, [{ name: 'GREETING', value: 'hello' }]);
    const started = server.starts.at(-1);
    assert.equal(started?.taskArn, task?.taskArn);
    assert.equal(started?.launchType, 'FARGATE');
    assert.deepEqual(containerEnvironment(started?.overrides ?? {}, 'app'), { GREETING: 'hello' });
    assert.equal(server.calls.at(-1)?.outcome, 'started');
  });

  t.test('resolves a bare family to its latest revision, and accepts ARNs', async () => {
    const bare = await client.send(runTask({ taskDefinition: 'worker', overrides: {} }));
    assert.match(bare.tasks?.[0]?.taskDefinitionArn ?? '', /task-definition\/worker:4$/);
    const byArn = await client.send(
      runTask({ cluster: 'arn:aws:ecs:us-east-1:000000000000:cluster/jobs', taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/other:1' }),
    );
    assert.match(byArn.tasks?.[0]?.taskDefinitionArn ?? '', /task-definition\/other:1$/);
  });

  t.test('uses the default cluster when none is named', async () => {
    const out = await client.send(runTask({ cluster: undefined }));
    assert.match(out.tasks?.[0]?.clusterArn ?? '', /cluster\/default$/);
  });

  t.test('answers the same task again for the same clientToken and input, starting nothing', async () => {
    const token = 'a'.repeat(64);
    const first = await client.send(runTask({ clientToken: token }));
    const second = await client.send(runTask({ clientToken: token }));
    assert.equal(second.tasks?.[0]?.taskArn, first.tasks?.[0]?.taskArn);
    assert.equal(server.startsFor(token), 1);
    assert.equal(server.calls.at(-1)?.outcome, 'replayed');
  });

  t.test('raises ConflictException with the existing tasks for the same clientToken with another input', async () => {
    const token = 'b'.repeat(64);
    const first = await client.send(runTask({ clientToken: token }));
    const error = await rejection(client.send(runTask({ clientToken: token, startedBy: 'someone-else' })));
    assert.ok(error instanceof ConflictException, String(error));
    assert.deepEqual(error.resourceIds, [first.tasks?.[0]?.taskArn]);
    assert.equal(error.$fault, 'client');
    assert.equal(server.startsFor(token), 1);
    assert.equal(server.calls.at(-1)?.outcome, 'conflict');
  });

  t.test('raises ClusterNotFoundException for an unknown cluster', async () => {
    const error = await rejection(client.send(runTask({ cluster: 'nope' })));
    assert.ok(error instanceof ClusterNotFoundException, String(error));
    assert.equal(error.message, 'Cluster not found.');
    assert.equal(error.$metadata.httpStatusCode, 400);
  });

  t.test('raises ClientException for an unknown task definition or revision', async () => {
    for (const taskDefinition of ['missing:1', 'worker:9', 'missing']) {
      const error = await rejection(client.send(runTask({ taskDefinition })));
      assert.ok(error instanceof ClientException, `${taskDefinition}: ${String(error)}`);
      assert.equal(error.message, 'TaskDefinition not found.');
      assert.equal(error.$fault, 'client');
    }
  });

  t.test('raises InvalidParameterException for overrides past 8192 characters, or for a container not in the task definition', async () => {
    const big = { containerOverrides: [{ name: 'app', environment: [{ name: 'BIG', value: 'x'.repeat(8200) }] }] };
    const tooBig = await rejection(client.send(runTask({ overrides: big })));
    assert.ok(tooBig instanceof InvalidParameterException, String(tooBig));
    assert.equal(tooBig.message, 'Container Overrides length must be at most 8192');
    const stranger = await rejection(client.send(runTask({ overrides: { containerOverrides: [{ name: 'sidecar' }] } })));
    assert.ok(stranger instanceof InvalidParameterException);
    assert.match(stranger.message, /sidecar is not a container/);
  });

  t.test('raises InvalidParameterException for a clientToken longer than 64 characters', async () => {
    assert.ok((await rejection(client.send(runTask({ clientToken: 'c'.repeat(65) })))) instanceof InvalidParameterException);
  });

  t.test('fails injected calls with the given exception class and fault', async () => {
    server.failNext(1, { type: 'ServerException', message: 'ECS is unwell' }).failNext(1, { type: 'ThrottlingException', message: 'Rate exceeded' });
    const serverFault = await rejection(client.send(runTask()));
    assert.ok(serverFault instanceof ServerException, String(serverFault));
    assert.equal(serverFault.$fault, 'server');
    assert.equal(serverFault.$metadata.httpStatusCode, 500);
    assert.equal(serverFault.message, 'ECS is unwell');
    // ECS models no ThrottlingException: the SDK raises its base exception under that name.
    const throttled = await rejection(client.send(runTask()));
    assert.ok(throttled instanceof ECSServiceException, String(throttled));
    assert.equal(throttled.name, 'ThrottlingException');
    assert.equal(throttled.message, 'Rate exceeded');
    assert.equal(throttled.$metadata.httpStatusCode, 400);
    assert.equal((await client.send(runTask())).tasks?.length, 1);
  });

  t.test('answers injected failures with no task, and leaves the clientToken free', async () => {
    const token = 'd'.repeat(64);
    const before = server.starts.length;
    server.failuresNext(1, 'RESOURCE:MEMORY', { detail: 'no room' });
    const out = await client.send(runTask({ clientToken: token }));
    assert.deepEqual(out.tasks, []);
    assert.deepEqual(out.failures, [{ arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/jobs', reason: 'RESOURCE:MEMORY', detail: 'no room' }]);
    assert.equal(server.starts.length, before);
    assert.equal(server.calls.at(-1)?.outcome, 'failures');
    assert.equal((await client.send(runTask({ clientToken: token, startedBy: 'retry' }))).tasks?.length, 1);
  });

  t.test('answers other operations with UnknownOperationException', async () => {
    const error = await rejection(client.send(new DescribeTasksCommand({ tasks: ['t'] })));
    assert.equal((error as Error).name, 'UnknownOperationException');
    assert.equal(server.calls.at(-1)?.outcome, 'error');
  });
});

t.test('LocalEcsServer options and lifecycle', async (t) => {
  t.test('is reachable through AWS_ENDPOINT_URL_ECS', async () => {
    const server = new LocalEcsServer().registerTaskDefinition('hello:1');
    const { url } = await server.start();
    const saved = process.env.AWS_ENDPOINT_URL_ECS;
    process.env.AWS_ENDPOINT_URL_ECS = url;
    const client = localEcsClient(undefined);
    try {
      const out = await client.send(new RunTaskCommand({ taskDefinition: 'hello:1' }));
      assert.equal(out.tasks?.length, 1);
      assert.equal(server.starts.length, 1);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_ECS;
      else process.env.AWS_ENDPOINT_URL_ECS = saved;
      client.destroy();
      await server.stop();
    }
  });

  t.test('refuses invalid registrations and a second start', async () => {
    const server = new LocalEcsServer({ region: 'eu-west-1', accountId: '123456789012' });
    assert.throws(() => server.registerTaskDefinition('worker'));
    assert.throws(() => server.registerTaskDefinition('bad name:1'));
    assert.throws(() => server.registerCluster('no/slashes'));
    assert.throws(() => server.url);
    await server.start();
    try {
      await assert.rejects(server.start());
      server.registerTaskDefinition('w:1');
      const client = localEcsClient(server.url);
      const out = await client.send(new RunTaskCommand({ taskDefinition: 'w:1', count: 2 }));
      client.destroy();
      assert.equal(out.tasks?.length, 2);
      assert.match(out.tasks?.[0]?.taskArn ?? '', /^arn:aws:ecs:eu-west-1:123456789012:task\/default\//);
    } finally {
      await server.stop();
      await server.stop();
    }
  });
});
