// Idempotent dispatch against what a user would build instead, on one store out of process (DynamoDB Local, the
// server DynamoDB's own features such as ReturnValuesOnConditionCheckFailure and ReturnConsumedCapacity work on):
//   vrouter:    POST /v1/events?wait=true: claim (carrying the log record), invoke, outcome, then the answer
//   Powertools: a fastify route whose handler is wrapped in @aws-lambda-powertools/idempotency's makeIdempotent
//               (DynamoDBPersistenceLayer: put INPROGRESS, invoke, update COMPLETED), the same invoke
//   bare:       a fastify route doing the same two writes as vrouter by hand (the same item, the same indexes) and the
//               same invoke: what the router costs beyond its I/O
// Each round runs every side in a rotated order; ratios are throughput over the peer's, median [min–max].
// Run alone: npm run bench:writes -w @vrouter/bench (BENCH_WRITES_EVENTS, BENCH_WRITES_ROUNDS, BENCH_CONCURRENCY).
import { fileURLToPath } from 'node:url';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { createDynamoClient, startDynamoDbLocal } from '@vrouter/store-dynamodb';
import Fastify from 'fastify';
import { READ_COMMANDS } from '../../test/src/counting.js';
import { cloudEvent, LOCAL_CREDENTIALS, seedSvc, startStack, TABLE } from '../../test/src/stack.js';
import { measure } from './measure.js';
import { recordNote, recordRatio } from './results.js';
import { formatRatio, type Ratio, ratioOf, rotate } from './rounds.js';

const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

/** A client that counts its requests and asks DynamoDB what each write consumed, indexes included. */
function meteredClient(endpoint: string) {
  const client = createDynamoClient({ endpoint, requestTimeoutMs: 10_000, maxAttempts: 3 });
  const meter = { requests: 0, reads: 0, writes: 0, writeUnits: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      meter.requests++;
      if (READ_COMMANDS.has(name)) meter.reads++;
      if (!WRITE_COMMANDS.has(name)) return next(args);
      meter.writes++;
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'INDEXES';
      const count = (capacity: { CapacityUnits?: number } | undefined) => (meter.writeUnits += capacity?.CapacityUnits ?? 0);
      try {
        const result = await next(args);
        count((result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity);
        return result;
      } catch (error) {
        // A refused conditional write is charged too.
        count((error as { $metadata?: unknown; ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity);
        throw error;
      }
    },
    { step: 'initialize', name: 'benchMeter' },
  );
  const reset = () => Object.assign(meter, { requests: 0, reads: 0, writes: 0, writeUnits: 0 });
  return { client, meter, reset };
}

/** Strings of a stored item with one event's key segment swapped for another's: the bare route's copy of it. */
function retarget(item: Record<string, AttributeValue>, from: string, to: string): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(item)) out[name] = value.S !== undefined ? { S: value.S.split(from).join(to) } : value;
  return out;
}

interface Side {
  name: string;
  post: (body: string) => Promise<unknown>;
  metered: ReturnType<typeof meteredClient>;
  /** Waits for work the answers left running: the rate counts until it is done. */
  settle?: () => Promise<void>;
}

export async function writesBench(events: number, concurrency: number, rounds: number): Promise<string[]> {
  const store = await startDynamoDbLocal();
  const routerDb = meteredClient(store.endpoint);
  const powertoolsDb = meteredClient(store.endpoint);
  const bareDb = meteredClient(store.endpoint);
  const peers = Fastify({ bodyLimit: 1024 * 1024 });
  const closing: (() => Promise<unknown> | unknown)[] = [
    () => store.close(),
    () => {
      for (const db of [routerDb, powertoolsDb, bareDb]) db.client.destroy();
    },
    () => peers.close(),
  ];
  try {
    const stack = await startStack({
      storeEndpoint: store.endpoint,
      dynamo: () => routerDb.client,
      env: { VROUTER_POLL_INTERVAL_MS: '60000', VROUTER_SWEEP_INTERVAL_MS: '600000', VROUTER_REPLAY_POLL_INTERVAL_MS: '600000', VROUTER_HEALTH_FLUSH_MS: '60000' },
    });
    closing.push(() => stack.close());
    const lambda = new LambdaClient({ endpoint: stack.lambdaUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    closing.push(() => lambda.destroy());
    const invoke = (payload: string) => lambda.send(new InvokeCommand({ FunctionName: 'svc', Qualifier: '2', Payload: Buffer.from(payload) }));
    await seedSvc(stack.api);
    await stack.api('PUT', '/v1/pins/customer/acme/svc', { channel: 'beta' });

    // Powertools: its own table, keyed as its DynamoDBPersistenceLayer expects by default.
    await powertoolsDb.client.send(
      new CreateTableCommand({
        TableName: 'powertools',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    const persistenceStore = new DynamoDBPersistenceLayer({ tableName: 'powertools', awsSdkV3Client: powertoolsDb.client as DynamoDBClient });
    const config = new IdempotencyConfig({ eventKeyJmesPath: '[source, id]', throwOnNoIdempotencyKey: true });
    // Outside Lambda there is no remaining time to read; the router's lease is 30 s, so the same here.
    config.registerLambdaContext({ getRemainingTimeInMillis: () => 30_000 } as Parameters<typeof config.registerLambdaContext>[0]);
    const idempotentDispatch = makeIdempotent(
      async (event: { source: string; id: string }) => {
        const answer = await invoke(JSON.stringify(event));
        return { status: answer.StatusCode };
      },
      { persistenceStore, config },
    );
    peers.post('/powertools', async (request) => idempotentDispatch(request.body as { source: string; id: string }));

    // Bare: the item the router writes for an event, copied for each new one, and the router's completion update.
    const sample = cloudEvent({ customerid: 'acme' });
    await stack.api('POST', '/v1/events?wait=true', sample);
    const sampleRef = `${encodeURIComponent(String(sample.source))}#${encodeURIComponent(String(sample.id))}`;
    const { Items } = await bareDb.client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `EVENT#${sampleRef}` } },
        ConsistentRead: true,
      }),
    );
    const template = Items?.find((item) => item.sk?.S === 'DISPATCH#svc');
    if (!template) throw new Error('writes bench: the router wrote no dispatch item to copy');
    const claimed: Record<string, AttributeValue> = {
      ...template,
      status: { S: 'pending' },
      leaseUntil: { S: new Date(Date.now() + 30_000).toISOString() },
      gsi2pk: { S: 'LEASES#0' },
      gsi2sk: { S: new Date(Date.now() + 30_000).toISOString() },
      gsi7pk: { S: 'PENDING#0' },
      gsi7sk: { S: new Date().toISOString() },
    };
    peers.post('/bare', async (request, reply) => {
      const event = request.body as { source: string; id: string };
      const ref = `${encodeURIComponent(event.source)}#${encodeURIComponent(event.id)}`;
      const item: Record<string, AttributeValue> = { ...retarget(claimed, sampleRef, ref), event: { S: JSON.stringify(event) }, claimToken: { S: ref } };
      try {
        await bareDb.client.send(
          new PutItemCommand({ TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return reply.code(200).send({ status: 'duplicate' });
        throw error;
      }
      const answer = await invoke(JSON.stringify(event));
      await bareDb.client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { pk: item.pk!, sk: item.sk! },
          UpdateExpression: 'SET #status = :status, attempts = :one, updatedAt = :now REMOVE leaseUntil, gsi2pk, gsi2sk, gsi7pk, gsi7sk',
          ConditionExpression: 'claimToken = :token',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': { S: answer.StatusCode === 200 ? 'succeeded' : 'failed' },
            ':one': { N: '1' },
            ':now': { S: new Date().toISOString() },
            ':token': item.claimToken!,
          },
        }),
      );
      return { status: 'accepted' };
    });
    const peersUrl = await peers.listen({ host: '127.0.0.1', port: 0 });

    const poster = (url: string) => (body: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer e2e-admin-token-0123456789' }, body }).then(async (r) => {
        if (r.status >= 300) throw new Error(`writes bench: ${url} answered ${r.status}: ${await r.text()}`);
        return r.arrayBuffer();
      });
    const sides: Side[] = [
      { name: 'vrouter', post: poster(`${stack.url}/v1/events?wait=true`), metered: routerDb },
      // As producers use it: 202 once claimed, dispatched behind the answer; the rate runs until every outcome is written.
      { name: 'vrouter 202', post: poster(`${stack.url}/v1/events`), metered: routerDb, settle: () => stack.runtime.router.drain() },
      { name: 'Powertools', post: poster(`${peersUrl}/powertools`), metered: powertoolsDb },
      { name: 'bare', post: poster(`${peersUrl}/bare`), metered: bareDb },
    ];
    const body = () => JSON.stringify(cloudEvent({ customerid: 'acme' }));
    for (const side of sides) await measure(Math.min(100, events), concurrency, () => side.post(body())); // warm-up

    const rates = new Map<string, number[]>(sides.map((s) => [s.name, []]));
    const perEvent = new Map<string, { requests: number; writes: number; writeUnits: number }>();
    for (let round = 0; round < rounds; round++) {
      for (const side of rotate(sides, round)) {
        side.metered.reset();
        const started = performance.now();
        await measure(events, concurrency, () => side.post(body()));
        await side.settle?.();
        rates.get(side.name)!.push((events / (performance.now() - started)) * 1000);
        const m = side.metered.meter;
        perEvent.set(side.name, { requests: m.requests / events, writes: m.writes / events, writeUnits: m.writeUnits / events });
      }
    }
    await stack.runtime.router.drain();

    // Duplicates: the same event again, once the first delivery is done.
    const duplicates = new Map<string, { requests: number; reads: number }>();
    const dupCount = Math.min(200, events);
    for (const side of sides) {
      const event = body();
      await side.post(event);
      side.metered.reset();
      await measure(dupCount, concurrency, () => side.post(event));
      duplicates.set(side.name, { requests: side.metered.meter.requests / dupCount, reads: side.metered.meter.reads / dupCount });
    }

    const against = (side: string, peer: string): Ratio => ratioOf(rates.get(side)!.map((rate, i) => rate / rates.get(peer)![i]!));
    const overPowertools = against('vrouter', 'Powertools');
    const overBare = against('vrouter', 'bare');
    const producedOverPowertools = against('vrouter 202', 'Powertools');
    const median = (name: string) => ratioOf(rates.get(name)!).median;
    recordRatio({
      name: 'idempotent dispatch: vrouter vs Powertools idempotency',
      meaning: "throughput over Powertools' (higher is better)",
      ratio: overPowertools,
      goal: { atLeast: 1.5 },
    });
    recordRatio({
      name: 'idempotent dispatch: vrouter (202, dispatched behind the answer) vs Powertools',
      meaning: "events fully dispatched per second over Powertools' (higher is better)",
      ratio: producedOverPowertools,
      goal: { atLeast: 1.5 },
    });
    recordRatio({
      name: 'idempotent dispatch: vrouter vs the same writes by hand',
      meaning: "throughput over a bare route's doing the same writes and invoke (higher is better)",
      ratio: overBare,
      goal: { atLeast: 0.9 },
    });
    const lines = [
      `idempotent dispatch on DynamoDB Local (out of process), ${events} events × ${rounds} rounds, ${concurrency} concurrent; each answer after the invoke and the outcome write`,
      `  ${'side'.padEnd(12)} ${'events/s'.padStart(10)} ${'requests/event'.padStart(15)} ${'writes/event'.padStart(13)} ${'WCU/event (with indexes)'.padStart(25)} ${'requests/duplicate'.padStart(19)}`,
    ];
    for (const side of sides) {
      const e = perEvent.get(side.name)!;
      const d = duplicates.get(side.name)!;
      lines.push(
        `  ${side.name.padEnd(12)} ${Math.round(median(side.name)).toString().padStart(10)} ${e.requests.toFixed(2).padStart(15)} ${e.writes.toFixed(2).padStart(13)} ${e.writeUnits.toFixed(2).padStart(25)} ${`${d.requests.toFixed(2)} (reads ${d.reads.toFixed(2)})`.padStart(19)}`,
      );
    }
    lines.push(`  vrouter / Powertools throughput ${formatRatio(overPowertools)}  goal ≥ 1.5x`);
    lines.push(`  vrouter 202 / Powertools        ${formatRatio(producedOverPowertools)}  goal ≥ 1.5x`);
    lines.push(`  vrouter / same writes by hand   ${formatRatio(overBare)}  goal ≥ 0.9x`);
    recordNote(lines.join('\n'));
    return lines;
  } finally {
    for (const close of closing.reverse()) await close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const lines = await writesBench(Number(process.env.BENCH_WRITES_EVENTS ?? 400), Number(process.env.BENCH_CONCURRENCY ?? 16), Number(process.env.BENCH_WRITES_ROUNDS ?? 3));
  for (const line of lines) console.log(line);
}
