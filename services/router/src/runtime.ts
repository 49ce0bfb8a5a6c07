import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaClientConfig } from '@aws-sdk/client-lambda';
import { AddressPolicy, type SnapshotCache } from '@vrouter/core';
import type { EcsDispatcherOptions, HostResolver } from '@vrouter/dispatch';
import {
  AdminService,
  type ClaimSweeper,
  type DispatchRunner,
  type EventRouter,
  type HealthRecorder,
  HealthService,
  type Logger,
  NO_NOTIFIER,
  OverrideService,
  ReplayRunner,
  ReplayService,
  RolloutController,
} from '@vrouter/engine';
import { DynamoAuditLog, type DynamoEventStore, DynamoReplayStore, DynamoRolloutStore, type DynamoRoutingConfigStore } from '@vrouter/store-dynamodb';
import { inBackground } from '@vrouter/telemetry';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { LogStream } from './app-deps.js';
import { type Authenticator, TokenAuthenticator } from './auth.js';
import { ConfigError, type RouterConfig } from './config.js';
import { createIngestRuntime, cursorKey } from './ingest-runtime.js';
import { WebhookNotifier } from './notify/webhooks.js';

export interface RuntimeOptions {
  config: RouterConfig;
  /** A ready client, e.g. pointed at an embedded store; else the SDK's standard configuration applies. */
  dynamo?: DynamoDBClient;
  /** Lambda client settings; by default the SDK's standard chain (region, credentials, AWS_ENDPOINT_URL_LAMBDA). */
  lambda?: LambdaClientConfig;
  /** ECS client settings; by default the SDK's standard chain (AWS_ENDPOINT_URL_ECS and so on). */
  ecs?: EcsDispatcherOptions['clientConfig'];
  authenticator?: Authenticator;
  /** Log lines go here instead of JSON on stdout (see log-format.ts). */
  logStream?: LogStream;
  /** Resolves HTTP target host names (default: the system resolver); every address it answers is checked. */
  resolveHost?: HostResolver;
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
  health: HealthRecorder;
  rollouts: RolloutController;
  /** Stops taking requests, lets in-flight dispatches finish, stops polling. */
  close(): Promise<void>;
}

/**
 * Wires the HTTP host: ingest (createIngestRuntime) plus what only the API serves: replays, the audit log, change
 * notifications, the admin service, version health and rollouts, and the fastify app. Throws ConfigError when no admin token is configured, and
 * the store's error when it cannot be read.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config } = options;
  let app: FastifyInstance | undefined;
  // The engine logs through the app's logger, which exists only once the app is built (after the engine).
  const logger: Logger = {
    warn: (object, message) => app?.log.warn(object, message),
    error: (object, message) => app?.log.error(object, message),
  };
  // The router's own port is off limits for targets on this host, allowed or not: the router would call itself.
  const httpTargets = new AddressPolicy(config.httpTargetAllow, () => {
    const address = app?.server.address();
    return typeof address === 'object' && address !== null ? [address.port] : config.port === 0 ? [] : [config.port];
  });
  // The controller is built after ingest (it needs the audit log and the notifier); until then there is nothing to abort.
  let rollouts: RolloutController | undefined;
  const ingest = await createIngestRuntime({
    config,
    logger,
    httpTargets,
    // Stop on first error: the router that records the failure aborts the rollout then, not at its next poll.
    onLiveFailure: (record, completion) => rollouts?.onFailure(record, completion),
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    ...(options.dynamo ? { dynamo: options.dynamo } : {}),
    ...(options.lambda ? { lambda: options.lambda } : {}),
    ...(options.ecs ? { ecs: options.ecs } : {}),
  });
  const { cache, configStore, eventStore, runner, router, sweeper, payloadReferences } = ingest;
  try {
    const authenticator = options.authenticator ?? tokenAuthenticator(config, cache);
    const replayStore = new DynamoReplayStore({ client: ingest.dynamo, tableName: config.tableName });
    const replayRunner = new ReplayRunner({
      jobs: replayStore,
      events: eventStore,
      cache,
      runner,
      logger,
      pollIntervalMs: config.replayPollIntervalMs,
      pollMaxIntervalMs: config.replayPollMaxIntervalMs,
      jobLeaseMs: config.replayLeaseMs,
    });
    // Its poll is background work: untraced, and its requests are not "context lost".
    inBackground('replay-poll', () => replayRunner.start());
    const replays = new ReplayService(replayStore, eventStore, cache, replayRunner, config.retentionSeconds);
    const audit = new DynamoAuditLog({ client: ingest.dynamo, tableName: config.tableName, cursorKey: cursorKey(config) });
    const notifier = config.webhookUrls.length > 0 ? new WebhookNotifier({ urls: config.webhookUrls, logger }) : NO_NOTIFIER;
    const overrides = new OverrideService({
      keyring: ingest.keyring,
      store: configStore,
      cache,
      audit,
      maxTtlSeconds: config.overrideMaxTtlSeconds,
      graceSeconds: config.signingKeyGraceSeconds,
    });
    const controller = new RolloutController({
      rollouts: new DynamoRolloutStore({ client: ingest.dynamo, tableName: config.tableName }),
      health: ingest.healthStore,
      config: configStore,
      cache,
      audit,
      notifier,
      logger,
      intervalMs: config.rolloutIntervalMs,
    });
    rollouts = controller;
    inBackground('rollout-poll', () => controller.start());
    const admin = new AdminService(configStore, cache, audit, { experimentalPinTtlMs: config.experimentalPinTtlHours * 3_600_000, httpTargets }, notifier);
    app = buildApp({
      ...(options.logStream ? { logStream: options.logStream } : {}),
      config,
      router,
      admin,
      audit,
      events: eventStore,
      replays,
      overrides,
      ...(payloadReferences ? { payloadReferences } : {}),
      cache,
      health: new HealthService(ingest.healthStore, cache),
      rollouts: controller,
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
      health: ingest.health,
      rollouts: controller,
      async close() {
        // No new recoveries or retries, no replays, then in-flight requests and dispatches finish.
        await ingest.beginShutdown();
        await replayRunner.stop();
        await built.close();
        controller.stop();
        await notifier.close();
        await ingest.close();
      },
    };
  } catch (error) {
    rollouts?.stop();
    await ingest.close();
    throw error;
  }
}

/** The admin API is never served without a way in: the bootstrap token, or an admin token already in the store. */
function tokenAuthenticator(config: RouterConfig, cache: SnapshotCache): Authenticator {
  const storedAdmin = [...cache.current().tokensByHash.values()].some((t) => t.scopes.includes('admin'));
  if (!config.adminToken && !storedAdmin) {
    throw new ConfigError('VROUTER_ADMIN_TOKEN', 'is required until an admin-scoped token has been created (POST /v1/tokens).');
  }
  return new TokenAuthenticator(cache, config.adminToken);
}
