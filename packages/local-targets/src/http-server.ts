import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Reads the body; past `limit` it keeps draining (so the client sees our answer, not a reset) but returns null. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? null : Buffer.concat(chunks);
}

/** The first value of a request header; Node lower-cases the names. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Listens on `host:port` (0: a free port) and returns the base URL, e.g. http://127.0.0.1:41234. Rejects if the port is taken. */
export async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, () => {
      server.off('error', rejectListen);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/**
 * The lifecycle every local endpoint shares: start on a host and port (0: any free one), report the URL, stop.
 * Stopping refuses new connections first, then lets `drain` finish what must finish, then drops idle keep-alive
 * connections (SDK clients keep them; close() alone would wait for them to time out), or all with `closeAll`.
 */
export class LocalEndpoint {
  #server: Server | undefined;
  #url: string | undefined;

  constructor(
    private readonly name: string,
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Throws if already started or the port is taken. */
  async start(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string }> {
    if (this.#server !== undefined) throw new Error(`${this.name} is already started.`);
    const server = createServer(handler);
    const url = await listen(server, this.host, this.port);
    this.#server = server;
    this.#url = url;
    return { url };
  }

  /** The base URL; throws before start(). */
  get url(): string {
    if (this.#url === undefined) throw new Error(`${this.name} is not started.`);
    return this.#url;
  }

  /** Safe to call twice. */
  async stop(options: { drain?: () => Promise<void>; closeAll?: boolean } = {}): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await options.drain?.();
    if (options.closeAll) server.closeAllConnections();
    else server.closeIdleConnections();
    await closed;
    this.#url = undefined;
  }
}
