import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalEndpoint, readBody } from './http-server.js';
import type { FailNextOptions, LocalHttpHandler, LocalHttpReply, RecordedHttpRequest } from './http-target-types.js';
import { InFlight } from '@vrouter/core';

export interface LocalHttpTargetOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; default 0, a free port chosen by the OS. */
  port?: number;
  /** Wait this long before answering each request; can be changed later through `delayMs`. */
  delayMs?: number;
  /** Bodies larger than this are answered 413 (and recorded without a body); default 10 MiB. */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

const okHandler: LocalHttpHandler = () => ({ status: 200, body: { ok: true } });

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function encodeReply(reply: LocalHttpReply): { status: number; headers: Record<string, string>; body: Uint8Array } {
  const headers: Record<string, string> = {};
  let body: Uint8Array;
  let contentType: string | undefined;
  if (reply.body === undefined) body = new Uint8Array();
  else if (typeof reply.body === 'string') {
    body = Buffer.from(reply.body);
    contentType = 'text/plain; charset=utf-8';
  } else if (reply.body instanceof Uint8Array) {
    body = reply.body;
    contentType = 'application/octet-stream';
  } else {
    body = Buffer.from(JSON.stringify(reply.body));
    contentType = 'application/json';
  }
  if (contentType !== undefined) headers['content-type'] = contentType;
  // The handler's own headers win, so a test can send any content type it needs.
  for (const [name, value] of Object.entries(reply.headers ?? {})) headers[name.toLowerCase()] = value;
  headers['content-length'] = String(body.length);
  return { status: reply.status ?? 200, headers, body };
}

/**
 * A local HTTP endpoint standing in for an HTTP target: records every request it receives (including failed and
 * hung ones), answers with a handler per path (default: 200 `{"ok":true}`), and injects faults: `failNext`
 * (an error status, optionally with Retry-After), `hangNext` (never answers, for client timeouts) and `delayMs`.
 * Faults apply to the next requests in arrival order, whatever their path.
 */
export class LocalHttpTarget {
  /** Every request received, in arrival order. */
  readonly requests: RecordedHttpRequest[] = [];
  /** Wait this long before answering each request (faults included, hung requests excepted). */
  delayMs: number;

  readonly #endpoint: LocalEndpoint;
  readonly #maxBodyBytes: number;
  readonly #routes = new Map<string, LocalHttpHandler>();
  readonly #faults: LocalHttpReply[] = [];
  readonly #pending = new InFlight();
  #hang = 0;

  constructor(options: LocalHttpTargetOptions = {}) {
    this.#endpoint = new LocalEndpoint('LocalHttpTarget', options.host ?? '127.0.0.1', options.port ?? 0);
    this.delayMs = options.delayMs ?? 0;
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  /** Answers requests to exactly `path` (query ignored) with `handler`, replacing an earlier one. */
  route(path: string, handler: LocalHttpHandler): this {
    this.#routes.set(path, handler);
    return this;
  }

  /** Answers the next `times` requests with `status` instead of running their handler. Throws RangeError for a status outside 100–599. */
  failNext(times: number, status: number, options: FailNextOptions = {}): this {
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new RangeError(`Not an HTTP status: ${status}.`);
    const headers: Record<string, string> = {};
    if (options.retryAfter !== undefined) headers['retry-after'] = String(options.retryAfter);
    const body = options.body === undefined ? { error: `injected ${status}` } : options.body;
    for (let i = 0; i < times; i++) this.#faults.push({ status, headers, body });
    return this;
  }

  /** Never answers the next `times` requests (they stay open until the client gives up or `stop()`). */
  hangNext(times: number): this {
    this.#hang += times;
    return this;
  }

  /** The recorded requests to one path, in arrival order. */
  requestsTo(path: string): RecordedHttpRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Starts listening and returns the base URL (e.g. http://127.0.0.1:41234). Throws if already started or the port is taken. */
  start(): Promise<{ url: string }> {
    return this.#endpoint.start((req, res) => {
      this.#pending.track(this.#handle(req, res));
    });
  }

  /** The base URL; throws before start(). */
  get url(): string {
    return this.#endpoint.url;
  }

  /** Resolves once every request received so far has been answered; hung requests do not count. */
  async settled(): Promise<void> {
    await this.#pending.drain();
  }

  /** Waits for requests being answered, then drops hung and keep-alive connections and stops. Safe to call twice. */
  async stop(): Promise<void> {
    // What is still open after the drain is hung or idle: close() alone would wait for the clients to give up.
    await this.#endpoint.stop({ drain: () => this.settled(), closeAll: true });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req, this.#maxBodyBytes).catch(() => null);
    const rawBody = raw === null ? '' : raw.toString('utf8');
    const record: RecordedHttpRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      headers: req.headers,
      body: parseBody(rawBody),
      rawBody,
      at: Date.now(),
    };
    this.requests.push(record);
    if (this.#hang > 0) {
      this.#hang--;
      return;
    }
    let reply: LocalHttpReply;
    if (raw === null) reply = { status: 413, body: { error: `Body larger than ${this.#maxBodyBytes} bytes.` } };
    else reply = this.#faults.shift() ?? (await this.#run(record));
    if (this.delayMs > 0) await sleep(this.delayMs);
    const { status, headers, body } = encodeReply(reply);
    record.status = status;
    // A client that timed out has gone; there is nobody left to answer.
    if (res.destroyed) return;
    res.writeHead(status, headers).end(body);
  }

  async #run(record: RecordedHttpRequest): Promise<LocalHttpReply> {
    const handler = this.#routes.get(record.path) ?? okHandler;
    try {
      return await handler(record);
    } catch (error) {
      return { status: 500, body: error instanceof Error ? error.message : String(error) };
    }
  }
}
