import { LambdaClient } from '@aws-sdk/client-lambda';
import type { DispatchPayload, DispatchRequest, LambdaTarget } from '@vrouter/core';

export const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** A real SDK client aimed at the local server; one attempt, so failures surface at once. */
export function localClient(endpoint: string): LambdaClient {
  return new LambdaClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    endpoint,
    maxAttempts: 1,
  });
}

export function payload(data: unknown = {}, id = 'evt-1'): DispatchPayload {
  return {
    specversion: '1.0',
    id,
    source: '/ci',
    type: 'build.started',
    data,
    vrouter: { component: 'example', version: 'v1', channel: 'stable', idempotencyKey: `/ci:${id}:example`, attempt: 1 },
  };
}

export function lambdaTarget(functionName: string, overrides: Partial<LambdaTarget> = {}): LambdaTarget {
  return { kind: 'lambda', functionName, qualifier: 'v1', invocationType: 'RequestResponse', ...overrides };
}

export function request(target: LambdaTarget, overrides: Partial<DispatchRequest> = {}): DispatchRequest {
  return { target, payload: payload(), ...overrides };
}
