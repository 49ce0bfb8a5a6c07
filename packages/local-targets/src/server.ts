import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeApiError } from './api-error.js';
import { header, LocalEndpoint, readBody } from './http-server.js';
import { isValidQualifier, parseFunctionReference } from './function-name.js';
import { type ApiErrorSpec, INVOCATION_TYPES, type Invocation, type LocalHandler, type LocalInvocationContext } from './types.js';
import { InFlight } from '@vrouter/core';

/** Lambda's invocation payload quotas: 6 MiB for synchronous requests (and responses), 256 KiB for Event. */
export const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
export const EVENT_PAYLOAD_LIMIT = 256 * 1024;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const LATEST = '$LATEST';

export interface LocalLambdaServerOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; default 0, a free port chosen by the OS. */
  port?: number;
  /** Wait this long before running each handler, to simulate slow functions. */
  delayMs?: number;
  /** Override the payload quotas, e.g. to exercise RequestTooLargeException with small bodies. */
  maxSyncPayloadBytes?: number;
  maxEventPayloadBytes?: number;
}

/** Thrown inside request handling to answer with an Invoke API error instead of running a handler. */
class Rejection extends Error {
  constructor(readonly spec: ApiErrorSpec) {
    super(spec.message ?? spec.errorType);
  }
}

function reject(statusCode: number, errorType: string, message: string): never {
  throw new Rejection({ statusCode, errorType, message });
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return reject(400, 'InvalidRequestContentException', `Could not parse ${what} into json: ${(error as Error).message}`);
  }
}

/** The error document the Node.js runtime returns for an unhandled exception. */
function describeThrown(thrown: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (thrown instanceof Error) {
    return {
      errorType: thrown.name,
      errorMessage: thrown.message,
      trace: (thrown.stack ?? '')
        .split('\n')
        .slice(1)
        .map((line) => line.trim()),
    };
  }
  return { errorType: 'Error', errorMessage: String(thrown), trace: [] };
}

interface RunResult {
  body: string;
  failed: boolean;
  durationMs: number;
}

/**
 * A local endpoint speaking the Lambda Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`),
 * so the real `LambdaClient`, pointed at it with `endpoint` or `AWS_ENDPOINT_URL_LAMBDA`, runs local handlers.
 * Answers like Lambda: RequestResponse → 200 (+ `X-Amz-Function-Error: Unhandled` when the handler throws),
 * Event → 202 then runs the handler, DryRun → 204; API errors carry `x-amzn-ErrorType` so the SDK raises
 * the modelled exception (ResourceNotFoundException, InvalidRequestContentException, RequestTooLargeException, ...).
 */
export class LocalLambdaServer {
  /** Every accepted invocation, in arrival order; rejected requests (404, 400, 413, injected errors) are not recorded. */
  readonly invocations: Invocation[] = [];

  readonly #endpoint: LocalEndpoint;
  readonly #delayMs: number;
  readonly #maxSync: number;
  readonly #maxEvent: number;
  readonly #handlers = new Map<string, LocalHandler>();
  /** Per function: what answers the qualifiers registered without a handler of their own. */
  readonly #anyQualifier = new Map<string, LocalHandler>();
  readonly #injected = new Map<string, ApiErrorSpec[]>();
  readonly #pending = new InFlight();

  constructor(options: LocalLambdaServerOptions = {}) {
    this.#endpoint = new LocalEndpoint('LocalLambdaServer', options.host ?? '127.0.0.1', options.port ?? 0);
    this.#delayMs = options.delayMs ?? 0;
    this.#maxSync = options.maxSyncPayloadBytes ?? SYNC_PAYLOAD_LIMIT;
    this.#maxEvent = options.maxEventPayloadBytes ?? EVENT_PAYLOAD_LIMIT;
  }

  /**
   * Registers `handler` as version or alias `qualifier` (use `$LATEST` for unqualified calls) of `functionName`,
   * replacing any earlier one. Throws when the name or qualifier is one Lambda would not accept.
   */
  register(functionName: string, qualifier: string, handler: LocalHandler): this {
    const reference = parseFunctionReference(functionName);
    if (reference?.name !== functionName || reference.qualifier !== undefined) throw new Error(`Not a plain Lambda function name: ${JSON.stringify(functionName)}.`);
    if (!isValidQualifier(qualifier)) throw new Error(`Not a Lambda version or alias name: ${JSON.stringify(qualifier)}.`);
    this.#handlers.set(key(functionName, qualifier), handler);
    return this;
  }

  /**
   * Registers `handler` for every qualifier of `functionName` (`$LATEST` included) that has no handler of its own,
   * as one code published under any version or alias would answer. Throws for a name Lambda would not accept.
   */
  registerAnyQualifier(functionName: string, handler: LocalHandler): this {
    const reference = parseFunctionReference(functionName);
    if (reference?.name !== functionName || reference.qualifier !== undefined) throw new Error(`Not a plain Lambda function name: ${JSON.stringify(functionName)}.`);
    this.#anyQualifier.set(functionName, handler);
    return this;
  }

  /**
   * Makes the next `times` invocations of the function version fail with the given API error before the handler
   * runs, e.g. `{ statusCode: 429, errorType: 'TooManyRequestsException' }` to simulate throttling.
   */
  injectError(functionName: string, qualifier: string, error: ApiErrorSpec, times = 1): this {
    const queue = this.#injected.get(key(functionName, qualifier)) ?? [];
    for (let i = 0; i < times; i++) queue.push(error);
    this.#injected.set(key(functionName, qualifier), queue);
    return this;
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

  /** Stops listening, closes idle keep-alive connections and waits for running Event handlers. Safe to call twice. */
  async stop(): Promise<void> {
    await this.#endpoint.stop({ drain: () => this.settled() });
  }

  /** Resolves once no Event handler is running; lets tests assert on asynchronous invocations. */
  async settled(): Promise<void> {
    await this.#pending.drain();
  }

  /** The recorded invocations of one function, optionally of one qualifier, in arrival order. */
  invocationsOf(functionName: string, qualifier?: string): Invocation[] {
    return this.invocations.filter((i) => i.functionName === functionName && (qualifier === undefined || i.qualifier === qualifier));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      await this.#invoke(req, res, requestId);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const spec = error instanceof Rejection ? error.spec : { statusCode: 500, errorType: 'ServiceException', message: String(error) };
      writeApiError(res, requestId, spec);
    }
  }

  async #invoke(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const typeHeader = header(req, 'x-amz-invocation-type');
    const invocationType = typeHeader === undefined ? 'RequestResponse' : INVOCATION_TYPES.find((t) => t === typeHeader);
    const limit = invocationType === 'Event' ? this.#maxEvent : this.#maxSync;
    // Read (or drain) the body before any answer: replying early makes Node clients see a reset instead.
    const body = await readBody(req, limit);

    const match = req.method === 'POST' ? INVOKE_PATH.exec(url.pathname) : null;
    if (match === null) reject(404, 'UnknownOperationException', `No Invoke operation at ${req.method} ${url.pathname}.`);
    if (invocationType === undefined) reject(400, 'InvalidParameterValueException', `Unsupported invocation type: ${typeHeader}.`);
    const { functionName, qualifier } = resolveTarget(match[1] ?? '', url.searchParams.get('Qualifier'));
    if (body === null) reject(413, 'RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);

    const handler = this.#handlers.get(key(functionName, qualifier)) ?? this.#anyQualifier.get(functionName);
    if (handler === undefined) reject(404, 'ResourceNotFoundException', `Function not found: ${functionName}:${qualifier}`);
    const injected = this.#injected.get(key(functionName, qualifier))?.shift();
    if (injected !== undefined) throw new Rejection(injected);

    const text = body.toString('utf8');
    const payload = text.trim() === '' ? {} : parseJson(text, 'request body');
    // Lambda hands ClientContext only to synchronous invocations; Event drops it.
    const contextHeader = invocationType === 'Event' ? undefined : header(req, 'x-amz-client-context');
    const clientContext = contextHeader === undefined ? undefined : decodeClientContext(contextHeader);

    const invocation: Invocation = { requestId, functionName, qualifier, invocationType, payload, at: Date.now() };
    if (clientContext !== undefined) invocation.clientContext = clientContext;
    this.invocations.push(invocation);
    const context: LocalInvocationContext = { functionName, qualifier, invocationType, awsRequestId: requestId };
    if (clientContext !== undefined) context.clientContext = clientContext;

    if (invocationType === 'DryRun') {
      res.writeHead(204, { 'x-amzn-requestid': requestId }).end();
      return;
    }
    if (invocationType === 'Event') {
      res.writeHead(202, { 'x-amzn-requestid': requestId, 'content-length': 0 }).end();
      // Start on a later turn so even a synchronous, CPU-bound handler cannot hold up the 202.
      const run = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        await this.#run(handler, payload, context, invocation);
      });
      this.#pending.track(run);
      return;
    }

    const result = await this.#run(handler, payload, context, invocation);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(result.body),
      'x-amzn-requestid': requestId,
      'x-amz-executed-version': qualifier,
    };
    if (result.failed) headers['x-amz-function-error'] = 'Unhandled';
    if (header(req, 'x-amz-log-type') === 'Tail') headers['x-amz-log-result'] = tailLog(requestId, qualifier, result.durationMs);
    res.writeHead(200, headers).end(result.body);
  }

  /** Runs the handler after the configured delay; never rejects: a throw becomes the runtime's error document. */
  async #run(handler: LocalHandler, payload: unknown, context: LocalInvocationContext, invocation: Invocation): Promise<RunResult> {
    if (this.#delayMs > 0) await sleep(this.#delayMs);
    const started = performance.now();
    const durationMs = () => Math.round((performance.now() - started) * 100) / 100;
    let error: { errorType: string; errorMessage: string; trace: string[] };
    try {
      const value = await handler(payload, context);
      // JSON.stringify(undefined) is undefined; the Node.js runtime answers null then.
      const body = JSON.stringify(value) ?? 'null';
      if (Buffer.byteLength(body) <= this.#maxSync) {
        invocation.outcome = 'ok';
        invocation.result = value;
        return { body, failed: false, durationMs: durationMs() };
      }
      error = {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size (${Buffer.byteLength(body)} bytes) exceeded maximum allowed payload size (${this.#maxSync} bytes).`,
        trace: [],
      };
    } catch (thrown) {
      error = describeThrown(thrown);
    }
    invocation.outcome = 'error';
    invocation.error = { errorType: error.errorType, errorMessage: error.errorMessage };
    return { body: JSON.stringify(error), failed: true, durationMs: durationMs() };
  }
}

function key(functionName: string, qualifier: string): string {
  return `${functionName}:${qualifier}`;
}

/** Resolves the function and qualifier from the path segment and `?Qualifier=`; they may not disagree. */
function resolveTarget(encodedName: string, queryQualifier: string | null): { functionName: string; qualifier: string } {
  let raw: string;
  try {
    raw = decodeURIComponent(encodedName);
  } catch {
    return reject(400, 'InvalidParameterValueException', 'FunctionName is not correctly URL-encoded.');
  }
  const reference = parseFunctionReference(raw);
  if (reference === null) reject(400, 'InvalidParameterValueException', `Not a valid function name or ARN: ${raw}`);
  const explicit = queryQualifier === null || queryQualifier === '' ? undefined : queryQualifier;
  if (explicit !== undefined && !isValidQualifier(explicit)) reject(400, 'InvalidParameterValueException', `Not a valid qualifier: ${explicit}`);
  if (explicit !== undefined && reference.qualifier !== undefined && explicit !== reference.qualifier) {
    reject(400, 'InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.');
  }
  return { functionName: reference.name, qualifier: explicit ?? reference.qualifier ?? LATEST };
}

function decodeClientContext(encoded: string): unknown {
  const invalid = () => reject(400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(decoded);
  } catch {
    invalid();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid();
  return value;
}

/** A stand-in for the last 4 KB of the function's log that `LogType: Tail` returns, base64-encoded. */
function tailLog(requestId: string, version: string, durationMs: number): string {
  const lines = [`START RequestId: ${requestId} Version: ${version}`, `END RequestId: ${requestId}`, `REPORT RequestId: ${requestId}\tDuration: ${durationMs} ms`];
  return Buffer.from(`${lines.join('\n')}\n`).toString('base64');
}
