import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaClientConfig } from '@aws-sdk/client-lambda';
import { SnapshotCache } from '@vrouter/core';
import { DispatcherRegistry, EcsDispatcher, type EcsDispatcherOptions, HttpDispatcher, LambdaDispatcher } from '@vrouter/dispatch';
import { createDynamoClient, DynamoAuditLog, DynamoEventStore, DynamoReplayStore, DynamoRoutingConfigStore } from '@vrouter/store-dynamodb';
import { inBackground } from '@vrouter/telemetry';
import type { FastifyInstance } from 'fastify';
import {
  AdminService,
  ClaimSweeper,
  type DeadLetter,
  DispatchRunner,
  EventRouter,
  type Logger,
  NO_NOTIFIER,
  PayloadReferences,
  ReplayRunner,
  ReplayService,
  ServedTracker,
} from '@vrouter/engine';
import { buildApp } from './app.js';
import { type Authenticator, TokenAuthenticator } from './auth.js';
import { ConfigError, type RouterConfig } from './config.js';
import { SqsDeadLetters } from './dead-letters.js';
import { WebhookNotifier } from './notify/webhooks.js';
import { reportContextLost, trackDynamoCost } from './telemetry/cost.js';
import { flushTelemetry } from './telemetry/flush.js';

export interface RuntimeOptions {
  config: RouterConfig;
  /** A ready client, e.g. pointed at an embedded store; else the SDK's standard configuration applies. */
  dynamo?: DynamoDBClient;
  /** Lambda client settings; by default the SDK's standard chain (region, credentials, AWS_ENDPOINT_URL_LAMBDA). */
  lambda?: LambdaClientConfig;
  /** ECS client settings; by default the SDK's standard chain (AWS_ENDPOINT_URL_ECS and so on). */
  ecs?: EcsDispatcherOptions['clientConfig'];
  authenticator?: Authenticator;
}

export interface Runtime {
  app: FastifyInstance;
  cache: SnapshotCache;
  router: EventRouter;
  admin: AdminService;
  configStore: DynamoRoutingConfigStore;
  eventStore: DynamoEventStore;
  runner: DispatchRunner;
  sweeper: ClaimSweeper;
  replays: ReplayRunner;
  /** Stops taking requests, lets in-flight dispatches finish, stops polling. */
  close(): Promise<void>;
}

/**
 * The key that signs event-list cursors: every router of a deployment must derive the same one, because a replay
 * job saves a cursor and any router may resume it. From VROUTER_PAYLOAD_SECRET, else the admin token; without
 * either the store picks a random key and cursors work only on the router that issued them.
 */
function cursorKey(config: RouterConfig): Buffer | undefined {
  const secret = config.payloadSecret ?? config.adminToken;
  return secret ? createHash('sha256').update(`vrouter-cursor:${secret}`).digest() : undefined;
}

/**
 * Wires the router: stores on DynamoDB, the in-memory routing snapshot (loaded before this resolves, so the
 * first event is routed with real configuration), dispatchers per target kind, and the HTTP app.
 * Throws ConfigError when no admin token is configured, and the store's error when it cannot be read.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config } = options;
  const dynamo = options.dynamo ?? createDynamoClient();
  trackDynamoCost(dynamo);
  const configStore = new DynamoRoutingConfigStore({ client: dynamo, tableName: config.tableName });
  const eventStore = new DynamoEventStore({ client: dynamo, tableName: config.tableName, retentionSeconds: config.retentionSeconds, cursorKey: cursorKey(config) });
  let app: FastifyInstance | undefined;
  const logger: Logger = {
    warn: (object, message) => app?.log.warn(object, message),
    error: (object, message) => app?.log.error(object, message),
  };
  const stopReportingContextLost = reportContextLost(logger);
  const cache = new SnapshotCache(configStore, {
    pollIntervalMs: config.pollIntervalMs,
    onError: (error) => logger.warn({ err: error }, 'routing configuration poll failed; routing with the last snapshot'),
  });
  // The poll's timers keep the background context: no trace per poll, and its requests are not "context lost".
  await inBackground('config-poll', () => cache.start());
  const costLimits = { dynamodbRequests: config.costMaxDynamodbRequests, dispatchAttempts: config.costMaxDispatchAttempts };
  const authenticator = options.authenticator ?? tokenAuthenticator(config, cache);
  const payloadReferences = config.publicUrl ? new PayloadReferences(config.publicUrl, config.payloadSecret, config.adminToken) : undefined;
  // One SDK attempt per router attempt: retries are the runner's, with lease renewal and a visible count.
  const registry = new DispatcherRegistry({
    lambda: new LambdaDispatcher({ clientConfig: { maxAttempts: 1, ...options.lambda }, maxResponseBytes: config.maxResponseBytes }),
    ecs: new EcsDispatcher({ clientConfig: { maxAttempts: 1, ...options.ecs }, ...(payloadReferences ? { payloadReference: payloadReferences.reference } : {}) }),
    http: new HttpDispatcher({ maxResponseBytes: config.maxResponseBytes }),
  });
  const dispatcher = new ServedTracker(registry, configStore, cache, logger);
  const deadLetters = config.deadLetterQueueUrl ? new SqsDeadLetters(config.deadLetterQueueUrl, logger) : undefined;
  const runner = new DispatchRunner({
    ...(deadLetters ? { onFailed: (letter: DeadLetter) => deadLetters.send(letter) } : {}),
    events: eventStore,
    dispatcher,
    retry: { maxAttempts: config.maxAttempts, baseDelayMs: config.retryBaseMs, maxDelayMs: config.retryMaxMs },
    leaseMs: config.leaseMs,
    defaultTimeoutMs: config.dispatchTimeoutMs,
    defaultConcurrency: config.versionConcurrency,
    logger,
  });
  const sweeper = new ClaimSweeper({
    events: eventStore,
    cache,
    runner,
    leaseMs: config.leaseMs,
    intervalMs: config.sweepIntervalMs,
    maxIntervalMs: config.sweepMaxIntervalMs,
    logger,
    costLimits,
  });
  const router = new EventRouter({
    cache,
    events: eventStore,
    runner,
    logger,
    costLimits,
    ecsByReference: payloadReferences !== undefined,
    onClaimed: () => sweeper.wake(),
  });
  sweeper.start();
  const replayStore = new DynamoReplayStore({ client: dynamo, tableName: config.tableName });
  const replayRunner = new ReplayRunner({
    jobs: replayStore,
    events: eventStore,
    cache,
    runner,
    logger,
    pollIntervalMs: config.replayPollIntervalMs,
    pollMaxIntervalMs: config.replayPollMaxIntervalMs,
    jobLeaseMs: config.replayLeaseMs,
    leaseMs: config.leaseMs,
  });
  // Its poll is background work: untraced, and its requests are not "context lost".
  inBackground('replay-poll', () => replayRunner.start());
  const replays = new ReplayService(replayStore, eventStore, cache, replayRunner, config.retentionSeconds);
  const audit = new DynamoAuditLog({ client: dynamo, tableName: config.tableName });
  const notifier = config.webhookUrls.length > 0 ? new WebhookNotifier({ urls: config.webhookUrls, logger }) : NO_NOTIFIER;
  const admin = new AdminService(configStore, cache, audit, { experimentalPinTtlMs: config.experimentalPinTtlHours * 3_600_000 }, notifier);
  app = buildApp({
    config,
    router,
    admin,
    audit,
    events: eventStore,
    replays,
    ...(payloadReferences ? { payloadReferences } : {}),
    cache,
    authenticator,
    checkReady: () => configStore.revision().then(() => undefined),
  });
  const built = app;
  return {
    app: built,
    cache,
    router,
    admin,
    configStore,
    eventStore,
    runner,
    sweeper,
    replays: replayRunner,
    async close() {
      // Order matters: no new recoveries, no more retries (waiting ones release their claims), then let
      // in-flight requests and dispatches finish.
      await sweeper.stop();
      runner.beginShutdown();
      await replayRunner.stop();
      await sweeper.drain();
      await built.close();
      await notifier.close();
      await deadLetters?.close();
      cache.stop();
      if (!options.dynamo) dynamo.destroy();
      stopReportingContextLost();
      await flushTelemetry();
    },
  };
}

/** The admin API is never served without a way in: the bootstrap token, or an admin token already in the store. */
function tokenAuthenticator(config: RouterConfig, cache: SnapshotCache): Authenticator {
  const storedAdmin = [...cache.current().tokensByHash.values()].some((t) => t.scopes.includes('admin'));
  if (!config.adminToken && !storedAdmin) {
    throw new ConfigError('VROUTER_ADMIN_TOKEN', 'is required until an admin-scoped token has been created (POST /v1/tokens).');
  }
  return new TokenAuthenticator(cache, config.adminToken);
}
