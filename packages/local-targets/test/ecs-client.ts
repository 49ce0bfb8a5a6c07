import { ECSClient, type ECSClientConfig } from '@aws-sdk/client-ecs';

/** A real ECS client aimed at the local server, with dummy credentials and no retries to keep failures crisp. */
export function localEcsClient(url: string | undefined, config: ECSClientConfig = {}): ECSClient {
  return new ECSClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    ...(url === undefined ? {} : { endpoint: url }),
    ...config,
  });
}
