import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { exampleHandler, LocalEcsServer, LocalLambdaServer } from '@vrouter/local-targets';
import { createRuntime, loadConfig, type Runtime } from '@vrouter/router';
import { createDynamoClient, createTable } from '@vrouter/store-dynamodb';
import { startEmbeddedDynamo } from '@vrouter/store-dynamodb/embedded';

export const TOKEN = 'e2e-admin-token-0123456789';
export const TABLE = 'vrouter-e2e';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  contentType: string;
  body: T;
}

export type Api = <T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  options?: { token?: string | null; contentType?: string; raw?: string },
) => Promise<ApiResponse<T>>;

/** A small client for the router's HTTP API; `raw` sends a body as is (for malformed input). */
export function apiClient(baseUrl: string, defaultToken = TOKEN): Api {
  return async (method, path, body, options = {}) => {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? defaultToken : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : {} } as never;
  };
}

export interface Stack {
  url: string;
  api: Api;
  runtime: Runtime;
  lambda: LocalLambdaServer;
  lambdaUrl: string;
  /** A local ECS endpoint (RunTask) with cluster `default`; register task definitions on it. */
  ecs: LocalEcsServer;
  dynamoEndpoint: string;
  dynamo: DynamoDBClient;
  close(): Promise<void>;
}

export interface StackOptions {
  env?: Record<string, string>;
  /** A client to use for the router (e.g. one that counts requests); else one is made for the embedded store. */
  dynamo?: (endpoint: string) => DynamoDBClient;
  /** Listen on this port (default: any free one). */
  port?: number;
  /** A store already running (e.g. DynamoDB Local in a child process, for fault tests); else an embedded dynalite. */
  storeEndpoint?: string;
}

/**
 * Starts the real thing on loopback: an embedded DynamoDB-compatible server, a local Lambda endpoint with the
 * example versions (release-coordinator v1..v3 as qualifiers 1..3), and the router listening on a random port.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  // Whatever started before a failure is stopped again, so a bad setting fails the test instead of hanging its file.
  const started: (() => Promise<void> | void)[] = [];
  const closeStarted = async () => {
    for (const stop of started.reverse()) await stop();
  };
  try {
    const store = options.storeEndpoint ? { endpoint: options.storeEndpoint, close: async () => undefined } : await startEmbeddedDynamo();
    started.push(() => store.close());
    // Generous store timeouts: the embedded store shares this loaded process; the chaos suite tests tight ones.
    const dynamo = options.dynamo ? options.dynamo(store.endpoint) : createDynamoClient({ endpoint: store.endpoint, requestTimeoutMs: 10_000, maxAttempts: 3 });
    started.push(() => dynamo.destroy());
    await createTable(dynamo, TABLE);
    const lambda = new LocalLambdaServer();
    for (const qualifier of ['1', '2', '3']) lambda.register('svc', qualifier, exampleHandler('svc', `v${qualifier}`));
    const { url: lambdaUrl } = await lambda.start();
    started.push(() => lambda.stop());
    const ecs = new LocalEcsServer();
    const { url: ecsUrl } = await ecs.start();
    started.push(() => ecs.stop());
    const config = loadConfig({
      VROUTER_ADMIN_TOKEN: TOKEN,
      VROUTER_TABLE: TABLE,
      VROUTER_LOG_LEVEL: 'silent',
      VROUTER_POLL_INTERVAL_MS: '200',
      // Tests poll the admin API far faster than people do.
      VROUTER_ADMIN_RATE_LIMIT: '1000000',
      // The tests' HTTP targets listen on loopback, as dev mode's do.
      VROUTER_HTTP_TARGET_ALLOW: '127.0.0.0/8,::1/128,localhost',
      ...options.env,
    });
    const runtime = await createRuntime({
      config,
      dynamo,
      lambda: { endpoint: lambdaUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 },
      ecs: { endpoint: ecsUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS },
    });
    started.push(() => runtime.close());
    const url = await runtime.app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
    return {
      url,
      api: apiClient(url),
      runtime,
      lambda,
      lambdaUrl,
      ecs,
      dynamoEndpoint: store.endpoint,
      dynamo,
      close: closeStarted,
    };
  } catch (error) {
    await closeStarted();
    throw error;
  }
}

/** Registers component `svc` (subscribed to build.*) with versions v1..v3 on stable/beta/experimental. */
export async function seedSvc(api: Api): Promise<void> {
  const ok = (r: ApiResponse, what: string) => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  ok(await api('PUT', '/v1/components/svc', { subscriptions: ['build.*'] }), 'component');
  for (const q of ['1', '2', '3']) {
    ok(await api('PUT', `/v1/components/svc/versions/v${q}`, { target: { kind: 'lambda', functionName: 'svc', qualifier: q } }), `version v${q}`);
  }
  ok(await api('PUT', '/v1/components/svc/channels/stable', { version: 'v1' }), 'stable');
  ok(await api('PUT', '/v1/components/svc/channels/beta', { version: 'v2' }), 'beta');
  ok(await api('PUT', '/v1/components/svc/channels/experimental', { version: 'v3' }), 'experimental');
}

let counter = 0;

/** A valid CloudEvent with a fresh id. */
export function cloudEvent(extensions: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return { specversion: '1.0', id: `e-${process.pid}-${Date.now()}-${counter}`, source: '/e2e', type: 'build.finished', ...extensions };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value or `timeoutMs` passes; returns the value and how long it took. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 25): Promise<{ value: T; elapsedMs: number }> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return { value, elapsedMs: Date.now() - started };
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** The environment of a `vrouter serve` process on the same store and targets as `stack`: standard AWS settings only. */
export function serveEnv(stack: Stack, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoEndpoint,
    AWS_ENDPOINT_URL_LAMBDA: stack.lambdaUrl,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    VROUTER_TABLE: TABLE,
    VROUTER_ADMIN_TOKEN: TOKEN,
    VROUTER_LOG_LEVEL: 'error',
    // Generous store bounds, as the in-process router's client has: the embedded store shares this loaded machine.
    // (10 s lease heartbeat + (4 s + 1 s) × 2 stays below the default 30 s lease.)
    VROUTER_STORE_TIMEOUT_MS: '4000',
    VROUTER_STORE_CONNECT_TIMEOUT_MS: '1000',
    VROUTER_STORE_MAX_ATTEMPTS: '2',
    ...extra,
  };
}
