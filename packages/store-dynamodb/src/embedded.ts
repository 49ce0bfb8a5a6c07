import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from './client.js';

export interface EmbeddedDynamoOptions {
  /** Directory for LevelDB; data survives restarts on the same path. In memory when absent. */
  path?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1, so nothing is exposed beyond this machine. */
  host?: string;
}

export interface EmbeddedDynamo {
  /** http://host:port, for createDynamoClient({ endpoint }). */
  endpoint: string;
  /** Stops the server and closes the database; later calls return the same promise. */
  close(): Promise<void>;
}

/** A wildcard listen address is not one to connect to; loopback reaches it. */
function connectHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}

/** Directories an embedded server of this process holds, so a second start on one is refused at once. */
const directoriesInUse = new Set<string>();

function cannotOpen(path: string, locked: boolean, cause?: unknown): Error {
  return new Error(`Cannot open the dynalite directory ${path}${locked ? ': another server is using it' : ''}.`, { cause });
}

/**
 * Takes `path` for one server of this process, or rejects when it is not usable; returns what gives it back.
 * dynalite opens LevelDB in the background and, when that fails (typically because another server holds the
 * directory's lock), throws from its request handler on the first request, which kills the process. Opening the
 * directory once up front turns that into a rejection here. Uses the `level` that dynalite itself depends on, so
 * both agree on the format.
 */
async function claimDirectory(path: string): Promise<() => void> {
  const directory = resolvePath(path);
  if (directoriesInUse.has(directory)) throw cannotOpen(path, true);
  directoriesInUse.add(directory);
  const release = () => {
    directoriesInUse.delete(directory);
  };
  const requireFromDynalite = createRequire(import.meta.resolve('dynalite'));
  const { Level } = requireFromDynalite('level') as { Level: new (location: string) => LevelDatabase };
  const db = new Level(path);
  try {
    await db.open();
  } catch (error) {
    release();
    throw cannotOpen(path, (error as { cause?: { code?: unknown } }).cause?.code === 'LEVEL_LOCKED', error);
  }
  await db.close();
  return release;
}

/**
 * dynalite opens LevelDB in the background, so its server listens before it holds the directory's lock.
 * A first request waits for that open; once it answers, the lock is held and another process's
 * `claimDirectory` sees it.
 */
async function waitUntilOpen(endpoint: string): Promise<void> {
  const client = createDynamoClient({ endpoint, maxAttempts: 1, requestTimeoutMs: 30_000 });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
  } finally {
    client.destroy();
  }
}

/**
 * Starts dynalite, a DynamoDB implementation on LevelDB, inside this process: for local development and
 * tests, never production. Tables become ACTIVE at once. Rejects when `path` cannot be opened (for
 * example while another server, in this process or another, uses it) and when the port cannot be bound.
 */
export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> {
  // Loaded on demand so that production code importing this package does not load dynalite and LevelDB.
  const { default: dynalite } = await import('dynalite');
  const release = options.path === undefined ? () => undefined : await claimDirectory(options.path);
  try {
    const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      // dynalite's close stops the server, then closes LevelDB once pending operations finish.
      closing ??= new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))).finally(release);
      return closing;
    };
    const address = server.address() as AddressInfo;
    const endpoint = `http://${connectHost(address)}:${address.port}`;
    await waitUntilOpen(endpoint).catch(async (error: unknown) => {
      await close().catch(() => undefined);
      throw error;
    });
    return { endpoint, close };
  } catch (error) {
    // A server that never listened has nothing to close (dynalite's close refuses it); the directory is free again.
    release();
    throw error;
  }
}
