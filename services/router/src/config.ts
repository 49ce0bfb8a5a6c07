import { AddressPolicy } from '@vrouter/core';
import type { EventBridgePaths } from './bus/eventbridge.js';

/** Configuration, parsed once from the environment. Every failure names the variable. */
export interface RouterConfig {
  host: string;
  port: number;
  tableName: string;
  adminToken: string | undefined;
  maxBodyBytes: number;
  pollIntervalMs: number;
  /** The revision poll's longest wait once the router has idled (nothing routed or asked) for pollIdleAfterMs. */
  pollIdleIntervalMs: number;
  pollIdleAfterMs: number;
  leaseMs: number;
  maxResponseBytes: number;
  retentionSeconds: number;
  logLevel: string;
  /** `json` lines, or `pretty` human lines; unset: dev mode on a terminal is pretty, everything else JSON. */
  logFormat?: LogFormat;
  dataDir: string;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  versionConcurrency: number;
  dispatchTimeoutMs: number;
  sweepIntervalMs: number;
  /** The recovery sweep's (and its safety net's) longest wait while they find nothing and this router takes no claims. */
  sweepMaxIntervalMs: number;
  /** How often a held claim's lease is renewed; see deliveryTiming for how it relates to the lease and the store. */
  heartbeatMs: number;
  /** How long a router keeps retrying an outcome write the store fails, holding the lease meanwhile. */
  outcomeRetryMs: number;
  /** How often recovery's safety net looks for pending claims missing from the lease index; 0: never. */
  safetyNetIntervalMs: number;
  /** DynamoDB: per-attempt request (answer) timeout, connection timeout, and SDK attempts per call. */
  storeTimeoutMs: number;
  storeConnectTimeoutMs: number;
  storeMaxAttempts: number;
  /** An event costing more DynamoDB requests than this is logged as a warning; 0: never. */
  costMaxDynamodbRequests: number;
  /** An event costing more dispatch attempts than this is logged as a warning; 0: never. */
  costMaxDispatchAttempts: number;
  experimentalPinTtlHours: number;
  /** The longest a per-event override token may last. */
  overrideMaxTtlSeconds: number;
  /** How long a rotated-out signing key still verifies override tokens and chain contexts. */
  signingKeyGraceSeconds: number;
  replayPollIntervalMs: number;
  /** The replay poll's longest wait while it finds no job to pick up. */
  replayPollMaxIntervalMs: number;
  webhookUrls: string[];
  deadLetterQueueUrl: string | undefined;
  /** Where ECS tasks reach this router (e.g. the load balancer), for events passed by reference. */
  publicUrl: string | undefined;
  payloadSecret: string | undefined;
  replayLeaseMs: number;
  adminRateLimitPerMinute: number;
  /** How often a router writes its pending health counters (one write per version per minute per flush). */
  healthFlushMs: number;
  /** How often a router evaluates running rollouts' gates and bake times. */
  rolloutIntervalMs: number;
  /** Links event traces on the web page: a URL with `{traceId}` in it. */
  traceUrlTemplate: string | undefined;
  /** CIDRs and host names HTTP targets may reach although private, loopback or plain http (VROUTER_HTTP_TARGET_ALLOW). */
  httpTargetAllow: string[];
  /** Events per POST /v1/events at most; a larger batch is refused whole. */
  maxBatch: number;
  /** Whole request (headers and body) received within this, else 408. */
  requestTimeoutMs: number;
  /** Request headers received within this, else 408: what cuts off a slow-loris client. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A connection with no traffic either way for this long is closed (it also bounds a silent `?wait=true`). */
  connectionTimeoutMs: number;
  // --- Event bus: SQS worker, EventBridge mapping, admin token from Secrets Manager / SSM ---
  /** `vrouter serve` also consumes this queue when set (VROUTER_SQS_QUEUE_URL or --sqs-queue-url). */
  sqsQueueUrl: string | undefined;
  /** ReceiveMessage long-polling wait, 0-20 seconds. */
  sqsWaitTimeSeconds: number;
  /** Messages in flight (received, not yet finished) at most. */
  sqsConcurrency: number;
  /** Visibility timeout asked for on receive, and renewed while a message's dispatch is in flight. */
  sqsVisibilityTimeoutSeconds: number;
  /** Dotted paths into an EventBridge envelope to the routing attributes. */
  eventBridgePaths: EventBridgePaths;
  /** Where to read the admin token from when VROUTER_ADMIN_TOKEN is not set. */
  adminTokenSecretArn: string | undefined;
  adminTokenParameter: string | undefined;
  // --- end of event bus ---
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}.`);
  return value;
}

// --- Event bus ---
function optional(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function url(env: Env, name: string): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) throw new ConfigError(name, `must be an http(s) URL, got ${JSON.stringify(raw)}.`);
  return raw;
}

function dottedPath(env: Env, name: string, fallback: string): string {
  const raw = optional(env, name) ?? fallback;
  if (raw.split('.').some((segment) => segment === '')) throw new ConfigError(name, `must be a dotted path such as detail.customerId, got ${JSON.stringify(raw)}.`);
  return raw;
}

function busConfig(env: Env) {
  const adminTokenSecretArn = optional(env, 'VROUTER_ADMIN_TOKEN_SECRET_ARN');
  const adminTokenParameter = optional(env, 'VROUTER_ADMIN_TOKEN_PARAMETER');
  if (adminTokenSecretArn && adminTokenParameter) {
    throw new ConfigError('VROUTER_ADMIN_TOKEN_PARAMETER', 'set either it or VROUTER_ADMIN_TOKEN_SECRET_ARN, not both.');
  }
  return {
    sqsQueueUrl: url(env, 'VROUTER_SQS_QUEUE_URL'),
    sqsWaitTimeSeconds: integer(env, 'VROUTER_SQS_WAIT_TIME_SECONDS', 20, 0, 20),
    sqsConcurrency: integer(env, 'VROUTER_SQS_CONCURRENCY', 10, 1, 10_000),
    sqsVisibilityTimeoutSeconds: integer(env, 'VROUTER_SQS_VISIBILITY_TIMEOUT_SECONDS', 30, 1, 43_200),
    eventBridgePaths: {
      customer: dottedPath(env, 'VROUTER_EB_CUSTOMER_PATH', 'detail.customerId'),
      project: dottedPath(env, 'VROUTER_EB_PROJECT_PATH', 'detail.projectId'),
      plan: dottedPath(env, 'VROUTER_EB_PLAN_PATH', 'detail.plan'),
    },
    adminTokenSecretArn,
    adminTokenParameter,
  };
}
// --- end of event bus ---

/** Comma-separated http(s) URLs; the values are never echoed back (a Slack webhook URL is a secret). */
function webhookUrls(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw.split(',').map((value, i) => {
    const url = value.trim();
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('scheme');
    } catch {
      throw new ConfigError('VROUTER_WEBHOOK_URLS', `entry ${i + 1} is not an http(s) URL.`);
    }
    return url;
  });
}

function traceUrlTemplate(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^https?:\/\/[^\s]+$/.test(raw) || !raw.includes('{traceId}')) {
    throw new ConfigError('VROUTER_TRACE_URL_TEMPLATE', 'must be an http(s) URL containing {traceId}.');
  }
  return raw;
}

function publicUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    return raw;
  } catch {
    throw new ConfigError('VROUTER_PUBLIC_URL', 'must be an absolute http(s) URL where tasks reach this router.');
  }
}

/**
 * The longest one store call can take before it fails: every SDK attempt may spend its connection and its request
 * timeout. Ingest and admin calls answer 503 after at most this long while the store is unreachable.
 */
export function storeCallBoundMs(config: Pick<RouterConfig, 'storeTimeoutMs' | 'storeConnectTimeoutMs' | 'storeMaxAttempts'>): number {
  return (config.storeTimeoutMs + config.storeConnectTimeoutMs) * config.storeMaxAttempts;
}

/**
 * The delivery timing rule (README, "Delivery guarantees"): a renewal sent at the heartbeat must land before the
 * lease ends even when the store answers only at its timeout, so a live router never loses a claim it holds:
 *   heartbeat + store call bound < lease.
 * Recovery confirms an expired claim over `heartbeat + store call bound` (a live holder renews within that once the
 * store answers again), so a takeover needs the lease to end plus that confirmation plus up to two sweeps.
 * Throws ConfigError naming the variables when the rule is broken.
 */
export function checkDeliveryTiming(config: RouterConfig): void {
  const store = storeCallBoundMs(config);
  if (config.heartbeatMs + store >= config.leaseMs) {
    throw new ConfigError(
      'VROUTER_LEASE_HEARTBEAT_MS',
      `${config.heartbeatMs} ms plus the store call bound of ${store} ms ((VROUTER_STORE_TIMEOUT_MS + VROUTER_STORE_CONNECT_TIMEOUT_MS) × VROUTER_STORE_MAX_ATTEMPTS) must be below VROUTER_LEASE_MS (${config.leaseMs} ms), so a lease is renewed before it ends.`,
    );
  }
  if (config.safetyNetIntervalMs > 0 && config.safetyNetIntervalMs < config.sweepIntervalMs) {
    throw new ConfigError(
      'VROUTER_SAFETY_NET_INTERVAL_MS',
      `must be 0 or at least VROUTER_SWEEP_INTERVAL_MS (${config.sweepIntervalMs} ms): it is the slow pass beside the sweep.`,
    );
  }
}

/** Comma-separated CIDRs and host names; each entry is checked now, so a typo fails at startup, not at dispatch. */
function httpTargetAllow(raw: string | undefined): string[] {
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  try {
    new AddressPolicy(entries);
  } catch (error) {
    throw new ConfigError('VROUTER_HTTP_TARGET_ALLOW', error instanceof Error ? error.message : String(error));
  }
  return entries;
}

function serverTimeouts(env: Env) {
  const requestTimeoutMs = integer(env, 'VROUTER_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  const headersTimeoutMs = integer(env, 'VROUTER_HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000);
  if (headersTimeoutMs > requestTimeoutMs) throw new ConfigError('VROUTER_HEADERS_TIMEOUT_MS', `must not exceed VROUTER_REQUEST_TIMEOUT_MS (${requestTimeoutMs}).`);
  return {
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: integer(env, 'VROUTER_KEEP_ALIVE_TIMEOUT_MS', 5000, 100, 3_600_000),
    connectionTimeoutMs: integer(env, 'VROUTER_CONNECTION_TIMEOUT_MS', 300_000, 1000, 3_600_000),
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Reads the router's settings; AWS settings (region, credentials, endpoints) stay with the SDK's own chain. */
export function loadConfig(env: Env = process.env): RouterConfig {
  const sweepIntervalMs = integer(env, 'VROUTER_SWEEP_INTERVAL_MS', 5000, 100, 3_600_000);
  const replayPollIntervalMs = integer(env, 'VROUTER_REPLAY_POLL_INTERVAL_MS', 2000, 50, 3_600_000);
  const adminToken = env.VROUTER_ADMIN_TOKEN === '' ? undefined : env.VROUTER_ADMIN_TOKEN;
  if (adminToken !== undefined && adminToken.length < 16) throw new ConfigError('VROUTER_ADMIN_TOKEN', 'must be at least 16 characters.');
  const tableName = env.VROUTER_TABLE || 'vrouter';
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(tableName)) throw new ConfigError('VROUTER_TABLE', 'must be a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -).');
  const logLevel = env.VROUTER_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('VROUTER_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}.`);
  const logFormat = env.VROUTER_LOG_FORMAT || undefined;
  if (logFormat !== undefined && !LOG_FORMATS.includes(logFormat as LogFormat)) throw new ConfigError('VROUTER_LOG_FORMAT', `must be one of ${LOG_FORMATS.join(', ')}.`);
  const leaseMs = integer(env, 'VROUTER_LEASE_MS', 30_000, 1000, 3_600_000);
  const pollIntervalMs = integer(env, 'VROUTER_POLL_INTERVAL_MS', 1000, 50, 60_000);
  const config: RouterConfig = {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65_535),
    tableName,
    adminToken,
    maxBodyBytes: integer(env, 'VROUTER_MAX_BODY_BYTES', 256 * 1024, 1024, 6 * 1024 * 1024),
    pollIntervalMs,
    // An idle router reads its revision every 30 s at most; the first request after that reads it before routing.
    pollIdleIntervalMs: integer(env, 'VROUTER_POLL_IDLE_INTERVAL_MS', Math.max(30_000, pollIntervalMs), pollIntervalMs, 3_600_000),
    pollIdleAfterMs: integer(env, 'VROUTER_POLL_IDLE_AFTER_MS', 10_000, 0, 3_600_000),
    leaseMs,
    maxResponseBytes: integer(env, 'VROUTER_MAX_RESPONSE_BYTES', 4096, 0, 350_000),
    retentionSeconds: integer(env, 'VROUTER_RETENTION_SECONDS', 7 * 24 * 3600, 60, 365 * 24 * 3600),
    logLevel,
    ...(logFormat ? { logFormat: logFormat as LogFormat } : {}),
    dataDir: env.VROUTER_DATA_DIR || '.vrouter',
    maxAttempts: integer(env, 'VROUTER_MAX_ATTEMPTS', 5, 1, 100),
    retryBaseMs: integer(env, 'VROUTER_RETRY_BASE_MS', 200, 1, 600_000),
    retryMaxMs: integer(env, 'VROUTER_RETRY_MAX_MS', 20_000, 1, 3_600_000),
    versionConcurrency: integer(env, 'VROUTER_VERSION_CONCURRENCY', 64, 1, 100_000),
    dispatchTimeoutMs: integer(env, 'VROUTER_DISPATCH_TIMEOUT_MS', 30_000, 100, 900_000),
    sweepIntervalMs,
    // Idle routers back off to 60 intervals (5 min by default): the fleet's idle reads stay near the revision poll's.
    sweepMaxIntervalMs: integer(env, 'VROUTER_SWEEP_MAX_INTERVAL_MS', sweepIntervalMs * 60, sweepIntervalMs, 24 * 3_600_000),
    heartbeatMs: integer(env, 'VROUTER_LEASE_HEARTBEAT_MS', Math.floor(leaseMs / 3), 50, 3_600_000),
    outcomeRetryMs: integer(env, 'VROUTER_OUTCOME_RETRY_MS', 60_000, 0, 3_600_000),
    // By default a minute, and never more often than the sweep it backs up.
    safetyNetIntervalMs: integer(env, 'VROUTER_SAFETY_NET_INTERVAL_MS', Math.max(60_000, sweepIntervalMs), 0, 86_400_000),
    storeTimeoutMs: integer(env, 'VROUTER_STORE_TIMEOUT_MS', 500, 50, 60_000),
    storeConnectTimeoutMs: integer(env, 'VROUTER_STORE_CONNECT_TIMEOUT_MS', 500, 50, 60_000),
    storeMaxAttempts: integer(env, 'VROUTER_STORE_MAX_ATTEMPTS', 2, 1, 10),
    healthFlushMs: integer(env, 'VROUTER_HEALTH_FLUSH_MS', 2000, 100, 60_000),
    rolloutIntervalMs: integer(env, 'VROUTER_ROLLOUT_INTERVAL_MS', 2000, 50, 600_000),
    costMaxDynamodbRequests: integer(env, 'VROUTER_COST_MAX_DYNAMODB_REQUESTS', 5, 0, 1_000_000),
    costMaxDispatchAttempts: integer(env, 'VROUTER_COST_MAX_DISPATCH_ATTEMPTS', 5, 0, 1_000_000),
    webhookUrls: webhookUrls(env.VROUTER_WEBHOOK_URLS),
    deadLetterQueueUrl: env.VROUTER_DEAD_LETTER_QUEUE_URL || undefined,
    publicUrl: publicUrl(env.VROUTER_PUBLIC_URL),
    payloadSecret: env.VROUTER_PAYLOAD_SECRET || undefined,
    replayPollIntervalMs,
    replayPollMaxIntervalMs: integer(env, 'VROUTER_REPLAY_POLL_MAX_INTERVAL_MS', replayPollIntervalMs * 60, replayPollIntervalMs, 24 * 3_600_000),
    replayLeaseMs: integer(env, 'VROUTER_REPLAY_LEASE_MS', 30_000, 500, 3_600_000),
    experimentalPinTtlHours: integer(env, 'VROUTER_EXPERIMENTAL_PIN_TTL_HOURS', 7 * 24, 1, 365 * 24),
    overrideMaxTtlSeconds: integer(env, 'VROUTER_OVERRIDE_MAX_TTL_SECONDS', 7 * 86_400, 1, 365 * 86_400),
    signingKeyGraceSeconds: integer(env, 'VROUTER_SIGNING_KEY_GRACE_SECONDS', 86_400, 0, 365 * 86_400),
    adminRateLimitPerMinute: integer(env, 'VROUTER_ADMIN_RATE_LIMIT', 600, 1, 1_000_000),
    traceUrlTemplate: traceUrlTemplate(env.VROUTER_TRACE_URL_TEMPLATE),
    httpTargetAllow: httpTargetAllow(env.VROUTER_HTTP_TARGET_ALLOW),
    maxBatch: integer(env, 'VROUTER_MAX_BATCH', 500, 1, 10_000),
    ...serverTimeouts(env),
    ...busConfig(env),
  };
  checkDeliveryTiming(config);
  return config;
}
