/**
 * The deployment's configuration: one JSON file (config.example.json documents every field), optionally overridden
 * by JSON in an environment variable. Parsed once, typed, and every failure names the field it is about.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** Where a secret value lives. The value itself never enters the template, only its name or ARN. */
export type SecretSource =
  /**
   * A Secrets Manager secret by its complete ARN (with the six-character suffix: ECS cannot resolve anything less).
   * `kmsKeyArn`: the customer managed key it is encrypted with, if not the AWS managed one.
   */
  | { readonly kind: 'secretsManager'; readonly arn: string; readonly kmsKeyArn: string | undefined }
  /** A Systems Manager SecureString parameter, by name. */
  | { readonly kind: 'ssmParameter'; readonly name: string; readonly kmsKeyArn: string | undefined };

/** An ECS task definition family the router may start (RunTask), with the roles its tasks use (passed by RunTask). */
export interface EcsTaskFamily {
  readonly family: string;
  readonly taskRoleArn: string | undefined;
  readonly executionRoleArn: string | undefined;
}

export interface VpcImport {
  readonly vpcId: string;
  readonly availabilityZones: readonly string[];
  readonly publicSubnetIds: readonly string[];
  readonly privateSubnetIds: readonly string[];
}

export interface ServiceConfig {
  /** Whether to run `vrouter serve` (the admin API and HTTP ingest) on ECS Fargate behind a load balancer. */
  readonly enabled: boolean;
  /** Image URI holding the built repository (see docker/router.Dockerfile). Required when enabled. */
  readonly image: string | undefined;
  readonly desiredCount: number;
  readonly cpu: number;
  readonly memoryMiB: number;
  /** ACM certificate for an HTTPS listener; without it the listener is plain HTTP. */
  readonly certificateArn: string | undefined;
  /** Who may reach the load balancer. */
  readonly allowedCidrs: readonly string[];
  readonly internetFacing: boolean;
  /** Whether the load balancer writes access logs to a bucket this stack creates. */
  readonly accessLogs: boolean;
  /** An existing VPC; without it the stack creates one (two AZs, one NAT gateway, flow logs). */
  readonly vpc: VpcImport | undefined;
  /** Extra plain (non-secret) environment variables for the container, e.g. VROUTER_LOG_LEVEL. */
  readonly environment: Readonly<Record<string, string>>;
}

export interface InfraConfig {
  readonly stackName: string;
  /**
   * The region to deploy to; without it the stack is environment-agnostic and goes wherever the deploying
   * credentials point. Required for load balancer access logs (the bucket policy names the region's ELB account).
   */
  readonly region: string | undefined;
  /** Physical table name; without it CloudFormation names the table (see the TableName output). */
  readonly tableName: string | undefined;
  /** What the table's indexes carry (RouterTableProps.indexProjection); `all` for a table deployed before `include`. */
  readonly tableIndexProjection: 'include' | 'all' | undefined;
  readonly logRetentionDays: number;
  readonly components: {
    /** Qualified Lambda function ARNs (`...:function:name:alias`, `:version`, or `:*` for every version and alias). */
    readonly lambdaFunctionArns: readonly string[];
    readonly ecsTaskDefinitions: readonly EcsTaskFamily[];
  };
  readonly adminToken: SecretSource;
  readonly telemetry:
    | {
        readonly otlpEndpoint: string;
        readonly otlpHeaders: SecretSource | undefined;
        readonly serviceName: string;
      }
    | undefined;
  readonly lambda: {
    /** Lambda runtime identifier (default DEFAULT_LAMBDA_RUNTIME). */
    readonly runtime: LambdaRuntime;
    readonly memorySize: number;
    readonly timeoutSeconds: number;
    readonly architecture: 'arm64' | 'x86_64';
    readonly reservedConcurrency: number | undefined;
    /** Extra plain (non-secret) environment variables for both functions. */
    readonly environment: Readonly<Record<string, string>>;
  };
  readonly eventBridge: {
    readonly busName: string;
    /** An EventBridge event pattern as written in the console or CloudFormation (`detail-type`, `source`, ...). */
    readonly eventPattern: Readonly<Record<string, unknown>>;
    readonly retryAttempts: number;
    readonly maxEventAgeSeconds: number;
  };
  readonly queue: {
    readonly maxReceiveCount: number;
    readonly batchSize: number;
    readonly maxBatchingWindowSeconds: number;
    readonly maxConcurrency: number | undefined;
  };
  readonly service: ServiceConfig;
  readonly tags: Readonly<Record<string, string>>;
}

export const LAMBDA_RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const;
export type LambdaRuntime = (typeof LAMBDA_RUNTIMES)[number];
/** Node.js 22: maintained, and what AWS SDK releases require; 20 (deprecated on Lambda) and 24 stay selectable. */
export const DEFAULT_LAMBDA_RUNTIME: LambdaRuntime = 'nodejs22.x';

export class InfraConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'InfraConfigError';
  }
}

/** The environment variables that choose and override the configuration. */
export const CONFIG_FILE_VARIABLE = 'VROUTER_INFRA_CONFIG';
export const CONFIG_JSON_VARIABLE = 'VROUTER_INFRA_CONFIG_JSON';

export interface LoadedConfig {
  readonly config: InfraConfig;
  /** The file it came from. */
  readonly file: string;
  /** True when no config.json exists and the example was used: fine for synth, wrong for a deploy. */
  readonly isExample: boolean;
}

/**
 * Reads the configuration: the file named by VROUTER_INFRA_CONFIG (a relative path is taken from the directory npm
 * was run in, INIT_CWD, else the current directory), else
 * `<baseDir>/config.json`, else `<baseDir>/config.example.json`; then deep-merges the JSON object in
 * VROUTER_INFRA_CONFIG_JSON over it (objects merge, everything else replaces). Throws InfraConfigError naming
 * the variable or field that is wrong.
 */
export function loadConfig(baseDir: string, env: Record<string, string | undefined> = process.env): LoadedConfig {
  const named = env[CONFIG_FILE_VARIABLE];
  let file: string;
  if (named) {
    file = isAbsolute(named) ? named : resolve(env.INIT_CWD ?? process.cwd(), named);
    if (!existsSync(file)) throw new InfraConfigError(CONFIG_FILE_VARIABLE, `${file} does not exist.`);
  } else {
    file = resolve(baseDir, 'config.json');
    if (!existsSync(file)) file = resolve(baseDir, 'config.example.json');
  }
  let raw = parseJson(readFileSync(file, 'utf8'), file);
  const override = env[CONFIG_JSON_VARIABLE];
  if (override) raw = deepMerge(raw, parseJson(override, CONFIG_JSON_VARIABLE));
  return { config: parseConfig(raw), file, isExample: !named && file.endsWith('config.example.json') };
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InfraConfigError(where, `is not valid JSON (${(error as Error).message}).`);
  }
}

/** Objects merge key by key; any other value in `override` replaces the base value. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isObject(base) || !isObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value);
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Patterns. Partitions: aws, aws-cn, aws-us-gov, ...
const PARTITION = 'arn:aws[a-z-]*';
const QUALIFIED_FUNCTION_ARN = new RegExp(`^${PARTITION}:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{1,64}:(\\*|\\$LATEST|[A-Za-z0-9_-]{1,128})$`);
const UNQUALIFIED_FUNCTION_ARN = new RegExp(`^${PARTITION}:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{1,64}$`);
const ROLE_ARN = new RegExp(`^${PARTITION}:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$`);
const SECRET_ARN = new RegExp(`^${PARTITION}:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[\\w/+=.@-]+-[A-Za-z0-9]{6}$`);
const KMS_KEY_ARN = new RegExp(`^${PARTITION}:kms:[a-z0-9-]+:\\d{12}:key/[A-Za-z0-9-]+$`);
const CERTIFICATE_ARN = new RegExp(`^${PARTITION}:acm:[a-z0-9-]+:\\d{12}:certificate/[A-Za-z0-9-]+$`);
const FAMILY = /^[A-Za-z0-9_-]{1,255}$/;
const SSM_NAME = /^\/?[A-Za-z0-9_.\-/]{1,2047}$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
/** CloudWatch Logs accepts only these retention periods. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** Top-level fields of an EventBridge event pattern. */
const EVENT_PATTERN_FIELDS = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'];
/** Fargate's valid CPU units and, for each, the memory sizes (MiB) it allows. */
const FARGATE_MEMORY: Record<number, (memory: number) => boolean> = {
  256: (m) => [512, 1024, 2048].includes(m),
  512: (m) => m >= 1024 && m <= 4096 && m % 1024 === 0,
  1024: (m) => m >= 2048 && m <= 8192 && m % 1024 === 0,
  2048: (m) => m >= 4096 && m <= 16_384 && m % 1024 === 0,
  4096: (m) => m >= 8192 && m <= 30_720 && m % 1024 === 0,
};
/** Variables the stack sets itself; the `environment` maps may not replace them (secrets in particular). */
const RESERVED_ENVIRONMENT = /^(VROUTER_ADMIN_TOKEN.*|VROUTER_TABLE|OTEL_EXPORTER_OTLP_HEADERS.*|OTEL_EXPORTER_OTLP_ENDPOINT|OTEL_SERVICE_NAME|HOST|PORT|AWS_.*)$/;

/** A reader over one JSON object that remembers where it is, so errors name the full field path. */
class Fields {
  readonly #seen = new Set<string>();
  constructor(
    readonly path: string,
    readonly value: Record<string, unknown>,
  ) {}

  static of(path: string, value: unknown): Fields {
    if (!isObject(value)) throw new InfraConfigError(path || '(config)', 'must be a JSON object.');
    return new Fields(path, value);
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  raw(key: string): unknown {
    this.#seen.add(key);
    return this.value[key];
  }

  object(key: string, required = false): Fields | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) {
      if (required) throw new InfraConfigError(this.at(key), 'is required.');
      return undefined;
    }
    return Fields.of(this.at(key), value);
  }

  string(key: string, pattern?: RegExp, hint?: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new InfraConfigError(this.at(key), 'must be a string.');
    if (pattern && !pattern.test(value)) throw new InfraConfigError(this.at(key), `${hint ?? `must match ${pattern}`}, got ${JSON.stringify(value)}.`);
    return value;
  }

  requiredString(key: string, pattern?: RegExp, hint?: string): string {
    const value = this.string(key, pattern, hint);
    if (value === undefined) throw new InfraConfigError(this.at(key), 'is required.');
    return value;
  }

  integer(key: string, fallback: number, min: number, max: number): number {
    return this.optionalInteger(key, min, max) ?? fallback;
  }

  optionalInteger(key: string, min: number, max: number): number | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new InfraConfigError(this.at(key), `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}.`);
    }
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') throw new InfraConfigError(this.at(key), 'must be true or false.');
    return value;
  }

  array(key: string): { path: string; value: unknown }[] {
    const value = this.raw(key);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new InfraConfigError(this.at(key), 'must be a JSON array.');
    return value.map((item, index) => ({ path: `${this.at(key)}[${index}]`, value: item }));
  }

  strings(key: string, pattern: RegExp, hint: string): string[] {
    return this.array(key).map(({ path, value }) => {
      if (typeof value !== 'string' || !pattern.test(value)) throw new InfraConfigError(path, `${hint}, got ${JSON.stringify(value)}.`);
      return value;
    });
  }

  environment(key: string): Record<string, string> {
    const fields = this.object(key);
    if (!fields) return {};
    const result: Record<string, string> = {};
    for (const [name, value] of Object.entries(fields.value)) {
      if (!ENV_NAME.test(name)) throw new InfraConfigError(fields.at(name), 'is not a valid environment variable name.');
      if (RESERVED_ENVIRONMENT.test(name)) throw new InfraConfigError(fields.at(name), 'is set by the stack itself (secrets come from adminToken and telemetry.otlpHeaders).');
      if (typeof value !== 'string') throw new InfraConfigError(fields.at(name), 'must be a string.');
      result[name] = value;
    }
    return result;
  }

  /** Refuses keys nobody read: a misspelt field must not be silently ignored. */
  done(): void {
    for (const key of Object.keys(this.value)) {
      if (!this.#seen.has(key) && !key.startsWith('$') && !key.startsWith('//')) throw new InfraConfigError(this.at(key), 'is not a known field.');
    }
  }
}

/** Validates a parsed JSON configuration and fills in defaults. Throws InfraConfigError naming the first bad field. */
export function parseConfig(raw: unknown): InfraConfig {
  const root = Fields.of('', raw);
  const config: InfraConfig = {
    stackName: root.string('stackName', STACK_NAME, 'must be a CloudFormation stack name (a letter, then letters, digits, -)') ?? 'vrouter',
    region: root.string('region', /^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1'),
    ...routerSettings(root),
    tags: tags(root),
  };
  root.done();
  if (config.service.enabled && config.service.accessLogs && !config.region) {
    throw new InfraConfigError(
      'region',
      "is required when the service writes load balancer access logs (the log bucket's policy names the region's load balancing account); set it, or set service.accessLogs to false.",
    );
  }
  return config;
}

/** What one VersionRouter is made of: the configuration without what belongs to its stack (name, region, tags). */
export type RouterSettings = Omit<InfraConfig, 'stackName' | 'region' | 'tags'>;

/**
 * Validates a VersionRouter's props (the configuration file's fields other than stackName, region and tags) and
 * fills in defaults. Throws InfraConfigError naming the first bad field.
 */
export function parseRouterSettings(raw: unknown): RouterSettings {
  const root = Fields.of('', raw);
  const settings = routerSettings(root);
  root.done();
  return settings;
}

function routerSettings(root: Fields): RouterSettings {
  return {
    tableName: root.string('tableName', TABLE_NAME, 'must be a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -)'),
    tableIndexProjection: root.string('tableIndexProjection', /^(include|all)$/, 'must be "include" or "all"') as 'include' | 'all' | undefined,
    logRetentionDays: retention(root),
    components: components(root.object('components', true)!),
    adminToken: secretSource(root.object('adminToken', true)!),
    telemetry: telemetry(root.object('telemetry')),
    lambda: lambda(root.object('lambda')),
    eventBridge: eventBridge(root.object('eventBridge', true)!),
    queue: queue(root.object('queue')),
    service: service(root.object('service')),
  };
}

function retention(root: Fields): number {
  const days = root.integer('logRetentionDays', 30, 1, 3653);
  if (!RETENTION_DAYS.includes(days)) throw new InfraConfigError('logRetentionDays', `must be one of ${RETENTION_DAYS.join(', ')}.`);
  return days;
}

function components(fields: Fields): InfraConfig['components'] {
  const lambdaFunctionArns = fields.array('lambdaFunctionArns').map(({ path, value }) => {
    if (typeof value === 'string' && UNQUALIFIED_FUNCTION_ARN.test(value)) {
      throw new InfraConfigError(
        path,
        `${value} has no qualifier. The router always invokes a version or alias: append ":<alias>", ":<version>" or ":*" (every version and alias).`,
      );
    }
    if (typeof value !== 'string' || !QUALIFIED_FUNCTION_ARN.test(value)) {
      throw new InfraConfigError(
        path,
        `must be a qualified Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>:<qualifier or *>), got ${JSON.stringify(value)}.`,
      );
    }
    return value;
  });
  const ecsTaskDefinitions = fields.array('ecsTaskDefinitions').map(({ path, value }) => {
    const task = Fields.of(path, value);
    const family = task.requiredString('family', FAMILY, 'must be a task definition family name (no revision, no ARN)');
    const roleHint = 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)';
    const parsed: EcsTaskFamily = {
      family,
      taskRoleArn: task.string('taskRoleArn', ROLE_ARN, roleHint),
      executionRoleArn: task.string('executionRoleArn', ROLE_ARN, roleHint),
    };
    task.done();
    return parsed;
  });
  fields.done();
  return { lambdaFunctionArns: unique(lambdaFunctionArns), ecsTaskDefinitions };
}

function secretSource(fields: Fields): SecretSource {
  const secretArn = fields.string(
    'secretArn',
    SECRET_ARN,
    'must be the complete ARN of a Secrets Manager secret, ending in its six-character suffix (aws secretsmanager describe-secret --secret-id <name> --query ARN)',
  );
  const ssmParameter = fields.string('ssmParameter', SSM_NAME, 'must be an SSM parameter name such as /vrouter/admin-token');
  const kmsKeyArn = fields.string('kmsKeyArn', KMS_KEY_ARN, 'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)');
  fields.done();
  if ((secretArn === undefined) === (ssmParameter === undefined)) {
    throw new InfraConfigError(fields.path, 'needs exactly one of "secretArn" (a Secrets Manager secret\'s complete ARN) or "ssmParameter" (a SecureString parameter name).');
  }
  return secretArn !== undefined ? { kind: 'secretsManager', arn: secretArn, kmsKeyArn } : { kind: 'ssmParameter', name: ssmParameter!, kmsKeyArn };
}

function telemetry(fields: Fields | undefined): InfraConfig['telemetry'] {
  if (!fields) return undefined;
  const otlpEndpoint = fields.requiredString('otlpEndpoint', /^https?:\/\/\S+$/, 'must be an http(s) URL such as https://api.honeycomb.io');
  const headers = fields.object('otlpHeaders');
  const result = {
    otlpEndpoint,
    otlpHeaders: headers ? secretSource(headers) : undefined,
    serviceName: fields.string('serviceName', /^\S{1,255}$/, 'must be a service name without spaces') ?? 'vrouter',
  };
  fields.done();
  return result;
}

function lambda(fields: Fields | undefined): InfraConfig['lambda'] {
  const f = fields ?? Fields.of('lambda', {});
  const architecture = f.string('architecture', /^(arm64|x86_64)$/, 'must be "arm64" or "x86_64"') ?? 'x86_64';
  const runtime = f.string('runtime') ?? DEFAULT_LAMBDA_RUNTIME;
  if (!(LAMBDA_RUNTIMES as readonly string[]).includes(runtime)) throw new InfraConfigError(f.at('runtime'), `must be one of ${LAMBDA_RUNTIMES.join(', ')}.`);
  const result = {
    runtime: runtime as LambdaRuntime,
    memorySize: f.integer('memorySize', 1024, 128, 10_240),
    timeoutSeconds: f.integer('timeoutSeconds', 120, 1, 900),
    architecture: architecture as 'arm64' | 'x86_64',
    reservedConcurrency: f.optionalInteger('reservedConcurrency', 1, 100_000),
    environment: f.environment('environment'),
  };
  f.done();
  return result;
}

function eventBridge(fields: Fields): InfraConfig['eventBridge'] {
  const busName = fields.string('busName', /^[\w.\-/:]{1,1600}$/, 'must be an event bus name or ARN') ?? 'default';
  const pattern = fields.object('eventPattern', true)!;
  const keys = Object.keys(pattern.value);
  if (keys.length === 0) throw new InfraConfigError(pattern.path, 'must match something: name at least one field, e.g. {"source": ["com.example.builds"]}.');
  for (const key of keys) {
    if (!EVENT_PATTERN_FIELDS.includes(key)) throw new InfraConfigError(pattern.at(key), `is not an event pattern field (${EVENT_PATTERN_FIELDS.join(', ')}).`);
    const value = pattern.value[key];
    if (key === 'detail' ? !isObject(value) : !Array.isArray(value)) {
      throw new InfraConfigError(pattern.at(key), key === 'detail' ? 'must be an object.' : 'must be an array of values or matchers.');
    }
  }
  const result = {
    busName,
    eventPattern: pattern.value,
    retryAttempts: fields.integer('retryAttempts', 185, 0, 185),
    maxEventAgeSeconds: fields.integer('maxEventAgeSeconds', 86_400, 60, 86_400),
  };
  fields.done();
  return result;
}

function queue(fields: Fields | undefined): InfraConfig['queue'] {
  const f = fields ?? Fields.of('queue', {});
  const result = {
    maxReceiveCount: f.integer('maxReceiveCount', 5, 1, 1000),
    batchSize: f.integer('batchSize', 10, 1, 10_000),
    maxBatchingWindowSeconds: f.integer('maxBatchingWindowSeconds', 0, 0, 300),
    maxConcurrency: f.optionalInteger('maxConcurrency', 2, 1000),
  };
  f.done();
  if (result.batchSize > 10 && result.maxBatchingWindowSeconds === 0) {
    throw new InfraConfigError('queue.batchSize', 'above 10 needs queue.maxBatchingWindowSeconds of at least 1 (an SQS event source rule).');
  }
  return result;
}

function service(fields: Fields | undefined): ServiceConfig {
  const f = fields ?? Fields.of('service', {});
  const enabled = f.boolean('enabled', false);
  const cpu = f.integer('cpu', 512, 256, 4096);
  const memoryMiB = f.integer('memoryMiB', 1024, 512, 30_720);
  const fits = FARGATE_MEMORY[cpu];
  if (!fits) throw new InfraConfigError(f.at('cpu'), `must be one of ${Object.keys(FARGATE_MEMORY).join(', ')} (Fargate CPU units).`);
  if (!fits(memoryMiB)) throw new InfraConfigError(f.at('memoryMiB'), `${memoryMiB} is not a Fargate memory size for ${cpu} CPU units.`);
  const vpcFields = f.object('vpc');
  const result: ServiceConfig = {
    enabled,
    image: f.string('image', /^\S+$/, 'must be an image URI'),
    desiredCount: f.integer('desiredCount', 2, 0, 100),
    cpu,
    memoryMiB,
    certificateArn: f.string('certificateArn', CERTIFICATE_ARN, 'must be an ACM certificate ARN'),
    allowedCidrs: f.raw('allowedCidrs') === undefined ? ['0.0.0.0/0'] : f.strings('allowedCidrs', CIDR, 'must be an IPv4 CIDR such as 203.0.113.0/24').filter(validCidr),
    internetFacing: f.boolean('internetFacing', true),
    accessLogs: f.boolean('accessLogs', true),
    vpc: vpcFields ? vpcImport(vpcFields) : undefined,
    environment: f.environment('environment'),
  };
  f.done();
  if (enabled && !result.image) throw new InfraConfigError(f.at('image'), 'is required when service.enabled is true (the image that runs vrouter serve).');
  if (enabled && result.allowedCidrs.length === 0) throw new InfraConfigError(f.at('allowedCidrs'), 'must name at least one CIDR, or nobody can reach the admin API.');
  return result;
}

function validCidr(cidr: string, index: number): boolean {
  const parts = CIDR.exec(cidr)!.slice(1).map(Number);
  if (parts.slice(0, 4).some((octet) => octet > 255) || parts[4]! > 32) throw new InfraConfigError(`service.allowedCidrs[${index}]`, `${cidr} is not a valid IPv4 CIDR.`);
  return true;
}

function vpcImport(fields: Fields): VpcImport {
  const subnet = /^subnet-[0-9a-f]{8,17}$/;
  const result: VpcImport = {
    vpcId: fields.requiredString('vpcId', /^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id (vpc-...)'),
    availabilityZones: fields.strings('availabilityZones', /^[a-z]{2}-[a-z-]+-\d[a-z]$/, 'must be an availability zone name such as eu-west-1a'),
    publicSubnetIds: fields.strings('publicSubnetIds', subnet, 'must be a subnet id (subnet-...)'),
    privateSubnetIds: fields.strings('privateSubnetIds', subnet, 'must be a subnet id (subnet-...)'),
  };
  fields.done();
  const zones = result.availabilityZones.length;
  if (zones < 2) throw new InfraConfigError(fields.at('availabilityZones'), 'must name at least two zones (a load balancer spans two).');
  for (const key of ['publicSubnetIds', 'privateSubnetIds'] as const) {
    if (result[key].length !== zones) throw new InfraConfigError(fields.at(key), `must list one subnet per availability zone (${zones}), in the same order.`);
  }
  return result;
}

function tags(root: Fields): Record<string, string> {
  const fields = root.object('tags');
  if (!fields) return {};
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields.value)) {
    if (typeof value !== 'string') throw new InfraConfigError(fields.at(key), 'must be a string.');
    result[key] = value;
  }
  return result;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
