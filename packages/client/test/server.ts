import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Reply {
  status: number;
  type?: string;
  body?: string;
}

/** A real HTTP server that records each request and answers with whatever `next` holds. */
export async function startServer(): Promise<{ server: Server; url: string; seen: Seen[]; reply: (r: Reply) => void }> {
  const seen: Seen[] = [];
  let next: Reply = { status: 200, type: 'application/json', body: '{}' };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      response.statusCode = next.status;
      if (next.type) response.setHeader('content-type', next.type);
      response.end(next.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, seen, reply: (r) => (next = r) };
}
