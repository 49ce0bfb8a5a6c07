import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { ECSClient, type ECSClientConfig } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { type DispatchPayload, type DispatchRequest, type EcsTarget, type HttpTarget, idempotencyKey, type LambdaTarget, type Target } from '@vrouter/core';

export const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A real SDK client aimed at the local server; one attempt, so failures surface at once. */
export function localClient(endpoint: string): LambdaClient {
  return new LambdaClient({ region: 'us-east-1', credentials, endpoint, maxAttempts: 1 });
}

/** A real ECS client aimed at the local server (or, without `endpoint`, wherever the environment says); one attempt. */
export function localEcsClient(endpoint: string | undefined, config: ECSClientConfig = {}): ECSClient {
  return new ECSClient({ region: 'us-east-1', credentials, maxAttempts: 1, ...(endpoint === undefined ? {} : { endpoint }), ...config });
}

/** A port nothing listens on: bound once by the OS, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

export function payload(data: unknown = {}, id = 'evt-1'): DispatchPayload {
  return {
    specversion: '1.0',
    id,
    source: '/ci',
    type: 'build.started',
    data,
    vrouter: { component: 'example', version: 'v1', channel: 'stable', idempotencyKey: idempotencyKey('/ci', id, 'example'), attempt: 1 },
  };
}

export function lambdaTarget(functionName: string, overrides: Partial<LambdaTarget> = {}): LambdaTarget {
  return { kind: 'lambda', functionName, qualifier: 'v1', invocationType: 'RequestResponse', ...overrides };
}

export function httpTarget(url: string, overrides: Partial<HttpTarget> = {}): HttpTarget {
  return { kind: 'http', url, ...overrides };
}

export function ecsTarget(overrides: Partial<EcsTarget> = {}): EcsTarget {
  return { kind: 'ecs', cluster: 'jobs', taskDefinition: 'worker:3', containerName: 'app', launchType: 'FARGATE', ...overrides };
}

export function request(target: Target, overrides: Partial<DispatchRequest> = {}): DispatchRequest {
  return { target, payload: payload(), ...overrides };
}
