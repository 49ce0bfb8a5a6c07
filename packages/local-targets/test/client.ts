import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';

/** A real SDK client aimed at the local server, with dummy credentials and no retries to keep failures crisp. */
export function localClient(url: string | undefined, config: LambdaClientConfig = {}): LambdaClient {
  return new LambdaClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    ...(url === undefined ? {} : { endpoint: url }),
    ...config,
  });
}

export function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function decode(payload: Uint8Array | undefined): unknown {
  return payload === undefined || payload.length === 0 ? undefined : JSON.parse(new TextDecoder().decode(payload));
}
