import { GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient, createTable, type DynamoDbLocal, type DynamoDbLocalOptions, startDynamoDbLocal as startLocal } from '@vrouter/store-dynamodb';
import { type Api, cloudEvent, eventually, type Stack, startStack, TABLE } from './stack.js';

/**
 * Settings of a router under fault: a 2 s lease renewed every 500 ms, store calls failing after at most 900 ms
 * (600 ms for an answer + 300 ms to connect, one attempt), sweeps every 200 ms (never backing off). They satisfy the
 * timing rule (500 + 900 < 2000), which loadConfig checks.
 */
export const CHAOS_ENV: Record<string, string> = {
  VROUTER_LEASE_MS: '2000',
  VROUTER_LEASE_HEARTBEAT_MS: '500',
  VROUTER_STORE_TIMEOUT_MS: '600',
  VROUTER_STORE_CONNECT_TIMEOUT_MS: '300',
  VROUTER_STORE_MAX_ATTEMPTS: '1',
  VROUTER_SWEEP_INTERVAL_MS: '200',
  // Faults, not idling, are under test: recovery sweeps at its base interval whether or not this router takes claims.
  VROUTER_SWEEP_MAX_INTERVAL_MS: '200',
  VROUTER_SAFETY_NET_INTERVAL_MS: '1000',
  VROUTER_OUTCOME_RETRY_MS: '60000',
  VROUTER_RETRY_BASE_MS: '50',
  VROUTER_RETRY_MAX_MS: '500',
};

/** A router whose store is DynamoDB Local in a child process (to stop, continue, kill), with the chaos settings. */
export async function startChaosStack(store: DynamoDbLocal, env: Record<string, string> = {}): Promise<Stack> {
  // A JVM just started answers its first requests slowly: make the table with patience, then hand over.
  const setup = createDynamoClient({ endpoint: store.endpoint, requestTimeoutMs: 30_000, maxAttempts: 3 });
  try {
    await createTable(setup, TABLE);
    await warmUp(setup);
  } finally {
    setup.destroy();
  }
  return startStack({
    storeEndpoint: store.endpoint,
    // The store client of the configuration: the router under test fails fast on a stalled store.
    dynamo: (endpoint) =>
      createDynamoClient({
        endpoint,
        requestTimeoutMs: Number(CHAOS_ENV.VROUTER_STORE_TIMEOUT_MS),
        connectionTimeoutMs: Number(CHAOS_ENV.VROUTER_STORE_CONNECT_TIMEOUT_MS),
        maxAttempts: 1,
      }),
    env: { ...CHAOS_ENV, ...env },
  });
}

/**
 * Waits until the server answers the kinds of request the router makes quickly, 20 rounds in a row (bounded: 90 s),
 * so that the router's tight timeouts measure faults we inject, not a cold JVM.
 */
async function warmUp(client: ReturnType<typeof createDynamoClient>): Promise<void> {
  const deadline = Date.now() + 90_000;
  const key = { pk: { S: 'WARMUP' }, sk: { S: 'WARMUP' } };
  for (let fast = 0; fast < 20; ) {
    if (Date.now() > deadline) throw new Error('DynamoDB Local stayed slow for 90 s');
    const started = Date.now();
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key, n: { N: String(started) } } }));
    await client.send(new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
    await client.send(
      new QueryCommand({ TableName: TABLE, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': { S: 'LEASES#0' } }, Limit: 1 }),
    );
    fast = Date.now() - started < 150 ? fast + 1 : 0;
  }
}

/** Runs `step` again while it fails with a 503 (the store slow to answer on a loaded machine), for up to 60 s. */
export async function retrying503<T>(step: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof Error && / 503 /.test(error.message)) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** DynamoDB Local in a child process, allowed a slow start (a loaded machine starting a JVM). */
export function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  return startLocal({ startTimeoutMs: 180_000, ...options });
}

/** One event's fate under load: when it was accepted (after how many 503s), and the slowest 503. */
export interface Sent {
  id: string;
  event: Record<string, unknown>;
  accepted: boolean;
  unavailable: number;
  slowest503Ms: number;
}

export interface LoadOptions {
  api: Api;
  events: number;
  concurrency: number;
  /** Give up on an event not accepted by then. */
  deadline: number;
  /** Called before each send, e.g. to inject a fault after so many events. */
  beforeSend?: (index: number) => Promise<void> | void;
  /** Between retries of a 503. */
  retryDelayMs?: number;
  /** Extra event attributes. */
  extensions?: Record<string, unknown>;
}

/**
 * Posts `events` events from `concurrency` workers, each retried on 503 (as a client honouring Retry-After would,
 * sooner) until accepted or the deadline. Bounded in count (events) and time (deadline).
 */
export async function sendLoad(options: LoadOptions): Promise<Sent[]> {
  const sent: Sent[] = [];
  let next = 0;
  const worker = async () => {
    while (next < options.events && Date.now() < options.deadline) {
      const index = next++;
      await options.beforeSend?.(index);
      const event = cloudEvent({ customerid: 'acme', ...options.extensions });
      const one: Sent = { id: String(event.id), event, accepted: false, unavailable: 0, slowest503Ms: 0 };
      sent.push(one);
      while (Date.now() < options.deadline) {
        const started = Date.now();
        const response = await options.api<{ results?: { status: string }[] }>('POST', '/v1/events', event).catch(() => ({ status: 0, body: {} }));
        const tookMs = Date.now() - started;
        if (response.status === 202 || response.status === 200) {
          one.accepted = true;
          break;
        }
        if (response.status !== 503) throw new Error(`unexpected ${response.status}: ${JSON.stringify(response.body)}`);
        one.unavailable += 1;
        one.slowest503Ms = Math.max(one.slowest503Ms, tookMs);
        await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 100));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return sent;
}

/** Waits until every event's dispatch has a terminal status; returns the ones still pending at the deadline. */
export async function untilSettled(api: Api, sent: Sent[], timeoutMs: number): Promise<{ pending: string[]; elapsedMs: number }> {
  const started = Date.now();
  let pending = sent.map((s) => s.id);
  try {
    await eventually(
      async () => {
        const still: string[] = [];
        for (const id of pending) {
          const found = await api<{ dispatches?: { status: string }[] }>('GET', `/v1/events/${encodeURIComponent('/e2e')}/${encodeURIComponent(id)}`).catch(() => undefined);
          const status = found?.body.dispatches?.[0]?.status;
          if (status === undefined || status === 'pending') still.push(id);
        }
        pending = still;
        return still.length === 0 ? true : undefined;
      },
      timeoutMs,
      250,
    );
  } catch {
    // Reported below: the caller asserts on what is left.
  }
  return { pending, elapsedMs: Date.now() - started };
}
