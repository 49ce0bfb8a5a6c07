import { isRecord } from '@vrouter/core';
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EcsArns, parseClusterReference, parseTaskDefinitionReference } from './ecs-names.js';
import { ECS_TARGET_PREFIX, EcsApiError, writeEcsError, writeEcsJson } from './ecs-protocol.js';
import type { EcsErrorSpec, EcsFailureSpec, EcsTaskOverride, RunTaskCall, StartedTask } from './ecs-types.js';
import { header, LocalEndpoint, readBody } from './http-server.js';

/** ECS's RunTask limits: 8192 characters of JSON for all overrides, 64 for clientToken, 128 for startedBy, 10 tasks a call. */
export const ECS_OVERRIDES_LIMIT = 8192;
const CLIENT_TOKEN_LIMIT = 64;
const STARTED_BY_LIMIT = 128;
const MAX_COUNT = 10;
const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'];
const MAX_REQUEST_BYTES = 1024 * 1024;

export interface LocalEcsServerOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; default 0, a free port chosen by the OS. */
  port?: number;
  /** Region and account in the ARNs answered; default us-east-1 and 000000000000. */
  region?: string;
  accountId?: string;
  /** Clusters that exist from the start; default `['default']`, the cluster RunTask uses when none is named. */
  clusters?: string[];
}

export interface TaskDefinitionOptions {
  /** Container names of the task definition; when given, an override for another name is refused like ECS does. */
  containers?: string[];
}

type Fault = { kind: 'error'; spec: EcsErrorSpec } | { kind: 'failures'; spec: EcsFailureSpec };

interface TokenUse {
  fingerprint: string;
  tasks: Record<string, unknown>[];
}

/** JSON with object keys sorted, so two requests compare equal whatever order their fields were written in. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isRecord(value)) {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function invalid(message: string): never {
  throw new EcsApiError('InvalidParameterException', message);
}

function optionalString(input: Record<string, unknown>, field: string, max: number): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) invalid(`${field} must be a string of at most ${max} characters.`);
  return value;
}

/**
 * A local endpoint speaking ECS's RunTask over the awsJson1_1 protocol (`POST /`, `X-Amz-Target:
 * AmazonEC2ContainerServiceV20141113.RunTask`), so the real `ECSClient`, pointed at it with `endpoint` or
 * `AWS_ENDPOINT_URL_ECS`, "starts" tasks that are only recorded. Behaves like ECS where the router depends on it:
 * - `clientToken`: the same token with the same input answers the tasks of the first call again, starting nothing;
 *   with a different input it answers ConflictException with the existing task ARNs in `resourceIds`. Only calls
 *   that started tasks bind a token (what ECS does after `failures` is not documented; here the token stays free).
 * - unknown cluster → ClusterNotFoundException; unknown task definition → ClientException "TaskDefinition not found.";
 *   overrides over 8192 characters of JSON → InvalidParameterException, as ECS answers.
 * - injected faults (`failNext`, `failuresNext`) apply to the next calls in order, before any validation.
 */
export class LocalEcsServer {
  /** Every RunTask call (and any other call, as an `error`), in arrival order. */
  readonly calls: RunTaskCall[] = [];
  /** Every task started, in order; a replayed clientToken adds none. */
  readonly starts: StartedTask[] = [];

  readonly #endpoint: LocalEndpoint;
  readonly #arns: EcsArns;
  readonly #clusters = new Set<string>();
  // family → revision → containers (undefined: any container name is accepted)
  readonly #taskDefinitions = new Map<string, Map<number, Set<string> | undefined>>();
  readonly #tokens = new Map<string, TokenUse>();
  readonly #faults: Fault[] = [];

  constructor(options: LocalEcsServerOptions = {}) {
    this.#endpoint = new LocalEndpoint('LocalEcsServer', options.host ?? '127.0.0.1', options.port ?? 0);
    this.#arns = new EcsArns(options.region ?? 'us-east-1', options.accountId ?? '000000000000');
    for (const cluster of options.clusters ?? ['default']) this.registerCluster(cluster);
  }

  /** Makes a cluster exist. Throws for a name ECS would not accept. */
  registerCluster(name: string): this {
    if (parseClusterReference(name) !== name) throw new Error(`Not an ECS cluster name: ${JSON.stringify(name)}.`);
    this.#clusters.add(name);
    return this;
  }

  /** Registers `family:revision` (or its ARN). Throws when the reference names no revision or is malformed. */
  registerTaskDefinition(taskDefinition: string, options: TaskDefinitionOptions = {}): this {
    const reference = parseTaskDefinitionReference(taskDefinition);
    if (reference?.revision === undefined) throw new Error(`Not a task definition family:revision: ${JSON.stringify(taskDefinition)}.`);
    const revisions = this.#taskDefinitions.get(reference.family) ?? new Map<number, Set<string> | undefined>();
    revisions.set(reference.revision, options.containers === undefined ? undefined : new Set(options.containers));
    this.#taskDefinitions.set(reference.family, revisions);
    return this;
  }

  /**
   * Answers the next `times` calls with an API error, e.g. `{ type: 'ServerException' }` (500) or
   * `{ type: 'ThrottlingException', message: 'Rate exceeded' }` (400, as ECS throttles).
   */
  failNext(times: number, spec: EcsErrorSpec): this {
    for (let i = 0; i < times; i++) this.#faults.push({ kind: 'error', spec });
    return this;
  }

  /** Answers the next `times` calls with no task and one `failures` entry, e.g. `RESOURCE:MEMORY`. */
  failuresNext(times: number, reason: string, options: Omit<EcsFailureSpec, 'reason'> = {}): this {
    for (let i = 0; i < times; i++) this.#faults.push({ kind: 'failures', spec: { ...options, reason } });
    return this;
  }

  /** How many tasks were started with `clientToken`: at most one call's worth, however often it was sent. */
  startsFor(clientToken: string): number {
    return this.starts.filter((s) => s.clientToken === clientToken).length;
  }

  /** Starts listening and returns the base URL (e.g. http://127.0.0.1:41234). Throws if already started or the port is taken. */
  start(): Promise<{ url: string }> {
    return this.#endpoint.start((req, res) => {
      void this.#handle(req, res);
    });
  }

  /** The base URL; throws before start(). */
  get url(): string {
    return this.#endpoint.url;
  }

  /** Stops listening and closes idle keep-alive connections. Safe to call twice. */
  async stop(): Promise<void> {
    await this.#endpoint.stop();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const call: RunTaskCall = { requestId, input: null, outcome: 'error', taskArns: [], at: Date.now() };
    this.calls.push(call);
    try {
      const document = await this.#runTask(req, call);
      writeEcsJson(res, requestId, 200, document);
    } catch (error) {
      const apiError = error instanceof EcsApiError ? error : new EcsApiError('ServerException', String(error), 500);
      if (call.outcome !== 'conflict') call.outcome = 'error';
      call.error = apiError.type;
      writeEcsError(res, requestId, apiError);
    }
  }

  async #runTask(req: IncomingMessage, call: RunTaskCall): Promise<Record<string, unknown>> {
    // Read (or drain) the body before any answer: replying early makes Node clients see a reset instead.
    const body = await readBody(req, MAX_REQUEST_BYTES);
    const target = header(req, 'x-amz-target');
    if (req.method !== 'POST' || (req.url ?? '/') !== '/' || target !== `${ECS_TARGET_PREFIX}RunTask`) {
      throw new EcsApiError('UnknownOperationException', `Only RunTask is supported here, got ${req.method} ${req.url} ${target ?? '(no X-Amz-Target)'}.`);
    }
    if (body === null) throw new EcsApiError('SerializationException', `Request larger than ${MAX_REQUEST_BYTES} bytes.`);
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      throw new EcsApiError('SerializationException', 'Request body is not JSON.');
    }
    if (!isRecord(input)) throw new EcsApiError('SerializationException', 'Request body is not a JSON object.');
    call.input = input;

    const fault = this.#faults.shift();
    if (fault?.kind === 'error') {
      const { type, message } = fault.spec;
      throw new EcsApiError(type, message ?? type, fault.spec.status ?? (type === 'ServerException' ? 500 : 400));
    }
    const clusterRef = optionalString(input, 'cluster', 2048) ?? 'default';
    const cluster = parseClusterReference(clusterRef);
    if (cluster === null) invalid(`Invalid cluster: ${clusterRef}.`);
    if (fault?.kind === 'failures') {
      call.outcome = 'failures';
      call.error = fault.spec.reason;
      const failure: Record<string, string> = { arn: fault.spec.arn ?? this.#arns.cluster(cluster), reason: fault.spec.reason };
      if (fault.spec.detail !== undefined) failure.detail = fault.spec.detail;
      return { tasks: [], failures: [failure] };
    }
    return this.#start(input, cluster, call);
  }

  #start(input: Record<string, unknown>, cluster: string, call: RunTaskCall): Record<string, unknown> {
    if (!this.#clusters.has(cluster)) throw new EcsApiError('ClusterNotFoundException', 'Cluster not found.');
    const taskDefinitionRef = optionalString(input, 'taskDefinition', 2048);
    if (taskDefinitionRef === undefined) invalid('taskDefinition is required.');
    const { family, revision, containers } = this.#resolveTaskDefinition(taskDefinitionRef);
    const count = input.count ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_COUNT) invalid(`count must be an integer from 1 to ${MAX_COUNT}.`);
    const clientToken = optionalString(input, 'clientToken', CLIENT_TOKEN_LIMIT);
    const startedBy = optionalString(input, 'startedBy', STARTED_BY_LIMIT);
    const launchType = optionalString(input, 'launchType', 32);
    if (launchType !== undefined && !LAUNCH_TYPES.includes(launchType)) invalid(`Invalid launchType: ${launchType}.`);
    const overrides = this.#overrides(input.overrides, containers);

    // What "the same request" means for a token: everything but the token itself.
    const fingerprint = stableJson({ ...input, clientToken: undefined });
    if (clientToken !== undefined) {
      const used = this.#tokens.get(clientToken);
      if (used !== undefined) {
        const taskArns = used.tasks.map((t) => String(t.taskArn));
        if (used.fingerprint !== fingerprint) {
          call.outcome = 'conflict';
          throw new EcsApiError('ConflictException', 'The specified client token is already in use with a different RunTask request.', 400, {
            resourceIds: taskArns,
          });
        }
        call.outcome = 'replayed';
        call.taskArns = taskArns;
        return { tasks: used.tasks, failures: [] };
      }
    }

    const at = Date.now();
    const clusterArn = this.#arns.cluster(cluster);
    const taskDefinitionArn = this.#arns.taskDefinition(family, revision);
    const tasks: Record<string, unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const taskArn = this.#arns.task(cluster, randomBytes(16).toString('hex'));
      const started: StartedTask = { taskArn, clusterArn, taskDefinitionArn, overrides, input, at };
      if (launchType !== undefined) started.launchType = launchType;
      if (startedBy !== undefined) started.startedBy = startedBy;
      if (clientToken !== undefined) started.clientToken = clientToken;
      this.starts.push(started);
      tasks.push({
        taskArn,
        clusterArn,
        taskDefinitionArn,
        group: `family:${family}`,
        lastStatus: 'PROVISIONING',
        desiredStatus: 'RUNNING',
        // awsJson1_1 timestamps are epoch seconds.
        createdAt: at / 1000,
        version: 1,
        overrides,
        ...(launchType === undefined ? {} : { launchType }),
        ...(startedBy === undefined ? {} : { startedBy }),
      });
    }
    if (clientToken !== undefined) this.#tokens.set(clientToken, { fingerprint, tasks });
    call.outcome = 'started';
    call.taskArns = tasks.map((t) => String(t.taskArn));
    return { tasks, failures: [] };
  }

  #resolveTaskDefinition(raw: string): { family: string; revision: number; containers: Set<string> | undefined } {
    const notFound = () => new EcsApiError('ClientException', 'TaskDefinition not found.');
    const reference = parseTaskDefinitionReference(raw);
    if (reference === null) throw notFound();
    const revisions = this.#taskDefinitions.get(reference.family);
    if (revisions === undefined || revisions.size === 0) throw notFound();
    const revision = reference.revision ?? Math.max(...revisions.keys());
    if (!revisions.has(revision)) throw notFound();
    return { family: reference.family, revision, containers: revisions.get(revision) };
  }

  /** Checks the overrides like ECS: their size, and that each container override names a container of the task definition. */
  #overrides(raw: unknown, containers: Set<string> | undefined): EcsTaskOverride {
    if (raw === undefined || raw === null) return {};
    if (!isRecord(raw)) invalid('overrides must be an object.');
    if (JSON.stringify(raw).length > ECS_OVERRIDES_LIMIT) invalid(`Container Overrides length must be at most ${ECS_OVERRIDES_LIMIT}`);
    const containerOverrides = raw.containerOverrides ?? [];
    if (!Array.isArray(containerOverrides)) invalid('overrides.containerOverrides must be a list.');
    for (const override of containerOverrides) {
      const name = isRecord(override) ? override.name : undefined;
      if (typeof name !== 'string') invalid('Each container override needs a name.');
      if (containers !== undefined && !containers.has(name)) invalid(`Override for container named ${name} is not a container in the TaskDefinition.`);
    }
    return raw as EcsTaskOverride;
  }
}
