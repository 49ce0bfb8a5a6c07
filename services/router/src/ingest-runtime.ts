import { createHash, randomInt } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaClientConfig } from '@aws-sdk/client-lambda';
import { AddressPolicy, type DispatchCompletion, type DispatchRecord, SnapshotCache } from '@vrouter/core';
import { DispatcherRegistry, EcsDispatcher, type EcsDispatcherOptions, type HostResolver, HttpDispatcher, LambdaDispatcher } from '@vrouter/dispatch';
import {
  ClaimSweeper,
  type DeadLetter,
  DispatchRunner,
  EventRouter,
  HealthRecorder,
  Keyring,
  type Logger,
  PayloadReferences,
  ResponseRecording,
  ServedTracker,
} from '@vrouter/engine';
import { createDynamoClient, DynamoEventStore, DynamoHealthStore, DynamoRoutingConfigStore, HEALTH_SHARDS } from '@vrouter/store-dynamodb';
import { inBackground } from '@vrouter/telemetry';
import { type RouterConfig, storeCallBoundMs } from './config.js';
import { SqsDeadLetters } from './dead-letters.js';
import { reportContextLost, trackDynamoCost } from './telemetry/cost.js';
import { flushTelemetry } from './telemetry/flush.js';

/**
 * The key that signs event-list and audit cursors: every router of a deployment must derive the same one, because a replay
 * job saves a cursor and any router may resume it. From VROUTER_PAYLOAD_SECRET, else the admin token; without
 * either the store picks a random key and cursors work only on the router that issued them.
 */
export function cursorKey(config: RouterConfig): Buffer | undefined {
  const secret = config.payloadSecret ?? config.adminToken;
  return secret ? createHash('sha256').update(`vrouter-cursor:${secret}`).digest() : undefined;
}

export interface IngestRuntimeOptions {
  config: RouterConfig;
  /** Where the engine reports what it could not do. */
  logger: Logger;
  /** A ready client, e.g. pointed at an embedded store; else the SDK's standard configuration applies. */
  dynamo?: DynamoDBClient;
  /** Lambda client settings; by default the SDK's standard chain (region, credentials, AWS_ENDPOINT_URL_LAMBDA). */
  lambda?: LambdaClientConfig;
  /** ECS client settings; by default the SDK's standard chain (AWS_ENDPOINT_URL_ECS and so on). */
  ecs?: EcsDispatcherOptions['clientConfig'];
  /** Which addresses HTTP targets may reach; default: VROUTER_HTTP_TARGET_ALLOW, without the router's own port. */
  httpTargets?: AddressPolicy;
  /** Resolves HTTP target host names (default: the system resolver); every address it answers is checked. */
  resolveHost?: HostResolver;
  /**
   * Told at once about each failed live dispatch, for stop-on-first-error rollouts (the HTTP host's rollout
   * controller); a host without one leaves the abort to the next router that polls the health counters.
   */
  onLiveFailure?: (record: DispatchRecord, completion: DispatchCompletion) => void;
}

/** What routing an event needs, and nothing else: what a Lambda handler runs on, and what the HTTP host builds on. */
export interface IngestRuntime {
  dynamo: DynamoDBClient;
  cache: SnapshotCache;
  configStore: DynamoRoutingConfigStore;
  eventStore: DynamoEventStore;
  runner: DispatchRunner;
  router: EventRouter;
  sweeper: ClaimSweeper;
  /** Version health: counts live outcomes and adds them to the shared per-minute counters in batches. */
  health: HealthRecorder;
  healthStore: DynamoHealthStore;
  /** The deployment's signing keys for override tokens and chain contexts. */
  keyring: Keyring;
  /** Signs references for ECS events too large to pass inline; absent when VROUTER_PUBLIC_URL is not set. */
  payloadReferences?: PayloadReferences;
  costLimits: { dynamodbRequests: number; dispatchAttempts: number };
  /** Takes no new recoveries and no more retries (dispatches waiting to retry release their claims). */
  beginShutdown(): Promise<void>;
  /** beginShutdown, then lets in-flight dispatches finish, stops polling, releases the clients, flushes telemetry. */
  close(): Promise<void>;
}

/**
 * Wires ingest: stores on DynamoDB, the in-memory routing snapshot (loaded before this resolves, so the first event
 * is routed with real configuration), one dispatcher per target kind, the dispatch runner, the event router and
 * recovery of expired claims. Throws the store's error when the configuration cannot be read.
 */
export async function createIngestRuntime(options: IngestRuntimeOptions): Promise<IngestRuntime> {
  const { config, logger } = options;
  const dynamo = options.dynamo ?? createDynamoClient(storeClientOptions(config));
  trackDynamoCost(dynamo);
  const configStore = new DynamoRoutingConfigStore({ client: dynamo, tableName: config.tableName });
  const eventStore = new DynamoEventStore({ client: dynamo, tableName: config.tableName, retentionSeconds: config.retentionSeconds, cursorKey: cursorKey(config) });
  const stopReportingContextLost = reportContextLost(logger);
  const cache = new SnapshotCache(configStore, {
    pollIntervalMs: config.pollIntervalMs,
    idlePollIntervalMs: config.pollIdleIntervalMs,
    idleAfterMs: config.pollIdleAfterMs,
    onError: (error) => logger.warn({ err: error }, 'routing configuration poll failed; routing with the last snapshot'),
    detached: (start) => inBackground('config-poll', start),
  });
  // The poll's timers keep the background context: no trace per poll, and its requests are not "context lost".
  await inBackground('config-poll', () => cache.start());
  const costLimits = { dynamodbRequests: config.costMaxDynamodbRequests, dispatchAttempts: config.costMaxDispatchAttempts };
  const payloadReferences = config.publicUrl ? new PayloadReferences(config.publicUrl, config.payloadSecret, config.adminToken) : undefined;
  // One SDK attempt per router attempt: retries are the runner's, with lease renewal and a visible count.
  const registry = new DispatcherRegistry({
    lambda: new LambdaDispatcher({ clientConfig: { maxAttempts: 1, ...options.lambda }, maxResponseBytes: config.maxResponseBytes, timeoutMs: config.dispatchTimeoutMs }),
    ecs: new EcsDispatcher({
      clientConfig: { maxAttempts: 1, ...options.ecs },
      timeoutMs: config.dispatchTimeoutMs,
      ...(payloadReferences ? { payloadReference: payloadReferences.reference } : {}),
    }),
    http: new HttpDispatcher({
      maxResponseBytes: config.maxResponseBytes,
      addressPolicy: options.httpTargets ?? new AddressPolicy(config.httpTargetAllow),
      ...(options.resolveHost ? { resolve: options.resolveHost } : {}),
    }),
  });
  const dispatcher = new ResponseRecording(new ServedTracker(registry, configStore, cache, logger), cache);
  // Every host counts the live outcomes it records, Lambda containers too, into the same shared counters.
  const healthStore = new DynamoHealthStore({ client: dynamo, tableName: config.tableName });
  const health = new HealthRecorder({
    store: healthStore,
    shard: randomInt(HEALTH_SHARDS),
    flushIntervalMs: config.healthFlushMs,
    logger,
    ...(options.onLiveFailure ? { onFailure: options.onLiveFailure } : {}),
  });
  inBackground('health-flush', () => health.start());
  const deadLetters = config.deadLetterQueueUrl ? new SqsDeadLetters(config.deadLetterQueueUrl, logger) : undefined;
  const runner = new DispatchRunner({
    ...(deadLetters ? { onFailed: (letter: DeadLetter) => deadLetters.send(letter) } : {}),
    events: eventStore,
    dispatcher,
    retry: { maxAttempts: config.maxAttempts, baseDelayMs: config.retryBaseMs, maxDelayMs: config.retryMaxMs },
    leaseMs: config.leaseMs,
    heartbeatMs: config.heartbeatMs,
    outcomeRetryMs: config.outcomeRetryMs,
    defaultConcurrency: config.versionConcurrency,
    logger,
    onOutcome: (outcome) => health.record(outcome),
  });
  const keyring = new Keyring({ cache, config: configStore, graceMs: config.signingKeyGraceSeconds * 1000 });
  const sweeper = new ClaimSweeper({
    events: eventStore,
    cache,
    runner,
    leaseMs: config.leaseMs,
    intervalMs: config.sweepIntervalMs,
    maxIntervalMs: config.sweepMaxIntervalMs,
    // A live holder renews within a heartbeat and one store call once the store answers again.
    confirmMs: config.heartbeatMs + storeCallBoundMs(config),
    safetyNetIntervalMs: config.safetyNetIntervalMs,
    logger,
    costLimits,
  });
  // A claim taken here means traffic flows: the sweep stops backing off.
  const router = new EventRouter({ cache, events: eventStore, runner, logger, costLimits, keyring, maxBatch: config.maxBatch, onClaimed: () => sweeper.wake() });
  // Every dispatch signs a chain context: load (or create) the keys now, so the first event does not pay for them.
  // A store that is down at boot only defers this to the first event.
  await inBackground('signing-keys', () => keyring.keys()).catch((error: unknown) => {
    logger.warn({ err: error }, 'could not load the signing keys at start; the first event that needs them will retry');
  });
  sweeper.start();
  const beginShutdown = async () => {
    await sweeper.stop();
    runner.beginShutdown();
  };
  return {
    dynamo,
    cache,
    configStore,
    eventStore,
    runner,
    router,
    sweeper,
    health,
    healthStore,
    keyring,
    ...(payloadReferences ? { payloadReferences } : {}),
    costLimits,
    beginShutdown,
    async close() {
      // Order matters: no new recoveries, no more retries, then let in-flight dispatches finish.
      await beginShutdown();
      await sweeper.drain();
      await router.drain();
      // After the last dispatch: what it counted is written before the process goes.
      await health.stop();
      await deadLetters?.close();
      cache.stop();
      if (!options.dynamo) dynamo.destroy();
      stopReportingContextLost();
      await flushTelemetry();
    },
  };
}

/** The DynamoDB client settings of the configuration: its timeouts and attempts per call. */
export function storeClientOptions(config: RouterConfig): { requestTimeoutMs: number; connectionTimeoutMs: number; maxAttempts: number } {
  return { requestTimeoutMs: config.storeTimeoutMs, connectionTimeoutMs: config.storeConnectTimeoutMs, maxAttempts: config.storeMaxAttempts };
}
