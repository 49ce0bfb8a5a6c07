import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import t from 'tap';
import { isVrouterError } from '@vrouter/core';
import { createDynamoClient } from '../src/client.js';
import { DynamoEventStore } from '../src/event-store.js';

t.test('createDynamoClient against a stalled store', async (t) => {
  // Accepts connections and never answers: what a stopped (SIGSTOP) or wedged DynamoDB endpoint looks like.
  let server: Server;
  const sockets = new Set<Socket>();
  let endpoint: string;
  t.before(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  t.teardown(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  t.test('fails a call with VR_STORE_UNAVAILABLE once the request timeout passes, instead of waiting', { timeout: 30_000 }, async () => {
    const client = createDynamoClient({ endpoint, requestTimeoutMs: 200, connectionTimeoutMs: 200, maxAttempts: 1 });
    const store = new DynamoEventStore({ client, tableName: 'stalled' });
    try {
      await assert.rejects(store.findExpiredClaims(new Date().toISOString(), 1), (error: unknown) => isVrouterError(error) && error.code === 'VR_STORE_UNAVAILABLE');
    } finally {
      client.destroy();
    }
  });
});
