/** Configuration, parsed once from the environment. Every failure names the variable. */
export interface RouterConfig {
  host: string;
  port: number;
  tableName: string;
  adminToken: string | undefined;
  maxBodyBytes: number;
  pollIntervalMs: number;
  leaseMs: number;
  maxResponseBytes: number;
  retentionSeconds: number;
  logLevel: string;
  dataDir: string;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  versionConcurrency: number;
  dispatchTimeoutMs: number;
  sweepIntervalMs: number;
  experimentalPinTtlHours: number;
  adminRateLimitPerMinute: number;
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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads the router's settings; AWS settings (region, credentials, endpoints) stay with the SDK's own chain. */
export function loadConfig(env: Env = process.env): RouterConfig {
  const adminToken = env.VROUTER_ADMIN_TOKEN === '' ? undefined : env.VROUTER_ADMIN_TOKEN;
  if (adminToken !== undefined && adminToken.length < 16) throw new ConfigError('VROUTER_ADMIN_TOKEN', 'must be at least 16 characters.');
  const tableName = env.VROUTER_TABLE || 'vrouter';
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(tableName)) throw new ConfigError('VROUTER_TABLE', 'must be a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -).');
  const logLevel = env.VROUTER_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('VROUTER_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}.`);
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65_535),
    tableName,
    adminToken,
    maxBodyBytes: integer(env, 'VROUTER_MAX_BODY_BYTES', 256 * 1024, 1024, 6 * 1024 * 1024),
    pollIntervalMs: integer(env, 'VROUTER_POLL_INTERVAL_MS', 1000, 50, 60_000),
    leaseMs: integer(env, 'VROUTER_LEASE_MS', 30_000, 1000, 3_600_000),
    maxResponseBytes: integer(env, 'VROUTER_MAX_RESPONSE_BYTES', 4096, 0, 350_000),
    retentionSeconds: integer(env, 'VROUTER_RETENTION_SECONDS', 7 * 24 * 3600, 60, 365 * 24 * 3600),
    logLevel,
    dataDir: env.VROUTER_DATA_DIR || '.vrouter',
    maxAttempts: integer(env, 'VROUTER_MAX_ATTEMPTS', 5, 1, 100),
    retryBaseMs: integer(env, 'VROUTER_RETRY_BASE_MS', 200, 1, 600_000),
    retryMaxMs: integer(env, 'VROUTER_RETRY_MAX_MS', 20_000, 1, 3_600_000),
    versionConcurrency: integer(env, 'VROUTER_VERSION_CONCURRENCY', 64, 1, 100_000),
    dispatchTimeoutMs: integer(env, 'VROUTER_DISPATCH_TIMEOUT_MS', 30_000, 100, 900_000),
    sweepIntervalMs: integer(env, 'VROUTER_SWEEP_INTERVAL_MS', 5000, 100, 3_600_000),
    experimentalPinTtlHours: integer(env, 'VROUTER_EXPERIMENTAL_PIN_TTL_HOURS', 7 * 24, 1, 365 * 24),
    adminRateLimitPerMinute: integer(env, 'VROUTER_ADMIN_RATE_LIMIT', 600, 1, 1_000_000),
  };
}
