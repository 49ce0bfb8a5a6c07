import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createDynamoClient, createTable } from '@vrouter/store-dynamodb';
import { withAdminSpan } from '@vrouter/telemetry';
import type { RouterConfig } from './config.js';
import { loadDevDependencies } from './dev-dependencies.js';
import { devLogFormat, logDestination } from './log-format.js';
import { storeClientOptions } from './ingest-runtime.js';
import { createRuntime } from './runtime.js';
import { EXAMPLE_FUNCTIONS, seedExample } from './seed.js';
import { type DevFunction, loadDevFunction } from './dev-functions.js';
import { tour } from './tour.js';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
/** What dev mode adds to VROUTER_HTTP_TARGET_ALLOW: targets on this machine. */
export const DEV_HTTP_TARGET_ALLOW = ['127.0.0.0/8', '::1/128', 'localhost'];

async function adminToken(config: RouterConfig, dataDir: string): Promise<string> {
  if (config.adminToken) return config.adminToken;
  const file = join(dataDir, 'admin-token');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const token = `vr_dev_${randomBytes(24).toString('base64url')}`;
    await writeFile(file, `${token}\n`, { mode: 0o600 });
    return token;
  }
}

export interface DevServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

export interface DevOptions {
  print?: (line: string) => void;
  dynamoPort?: number;
  lambdaPort?: number;
  /** The user's own functions, served beside the examples on the local Lambda endpoint. */
  functions?: readonly DevFunction[];
}

/**
 * Dev mode: an embedded DynamoDB-compatible store persisted under the data dir, a local Lambda endpoint serving the
 * example versions and the user's own functions, the example configuration (first run only), and the router.
 * Needs no AWS account. Throws ConfigError for a function that cannot be loaded, before anything starts.
 */
export async function startDev(config: RouterConfig, options: DevOptions = {}): Promise<DevServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const functions = options.functions ?? [];
  const handlers = await Promise.all(functions.map(async (f) => ({ ...f, handler: await loadDevFunction(f) })));
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const { startEmbeddedDynamo, LocalLambdaServer, exampleHandler } = await loadDevDependencies();
  const store = await startEmbeddedDynamo({ path: join(dataDir, 'dynamodb'), port: options.dynamoPort ?? 0 }).catch((error: unknown) => {
    throw new Error(`Could not open the embedded store in ${dataDir} (is another vrouter dev running?): ${error instanceof Error ? error.message : error}`);
  });
  const lambda = new LocalLambdaServer({ port: options.lambdaPort ?? 0 });
  // The example emits follow-up events through this router once it listens (release.requested with data.followUp).
  let emit: ((event: Record<string, unknown>) => Promise<unknown>) | undefined;
  const emitter = { emit: (event: Record<string, unknown>) => (emit ? emit(event) : Promise.resolve()) };
  for (const f of EXAMPLE_FUNCTIONS) lambda.register(f.functionName, f.qualifier, exampleHandler(f.component, f.version, emitter));
  for (const f of handlers) {
    if (f.qualifier === undefined) lambda.registerAnyQualifier(f.functionName, f.handler);
    else lambda.register(f.functionName, f.qualifier, f.handler);
  }
  const closers: (() => Promise<void>)[] = [() => store.close()];
  try {
    const { url: lambdaUrl } = await lambda.start();
    closers.unshift(() => lambda.stop());
    const dynamo = createDynamoClient({ endpoint: store.endpoint, ...storeClientOptions(config) });
    await createTable(dynamo, config.tableName);
    const token = await adminToken(config, dataDir);
    const runtime = await createRuntime({
      // Dev mode's targets run on this machine: loopback is allowed on top of whatever the configuration allows.
      config: { ...config, adminToken: token, httpTargetAllow: [...DEV_HTTP_TARGET_ALLOW, ...config.httpTargetAllow] },
      logStream: await logDestination(devLogFormat(config.logFormat)),
      dynamo,
      lambda: { endpoint: lambdaUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS },
    });
    closers.unshift(() => runtime.close());
    const seeded = await withAdminSpan('seed', {}, () => seedExample(runtime.admin));
    const address = await runtime.app.listen({ host: config.host, port: config.port });
    const url = address.replace('[::1]', 'localhost');
    emit = (event) =>
      fetch(`${url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(event) });
    for (const line of tour({ url, token, seeded, dataDir, dynamoEndpoint: store.endpoint, lambdaEndpoint: lambdaUrl, functions })) print(line);
    return {
      url,
      token,
      async close() {
        for (const close of closers) await close();
      },
    };
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined);
    throw error;
  }
}
