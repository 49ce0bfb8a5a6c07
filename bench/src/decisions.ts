// Decisions per second against the flag SDKs a user would pick instead, all given the same targeting:
// 100 listed customers get beta (v2), the rest on plan `pro` get experimental (v3), everyone else stable (v1),
// over 10,000 customers. Every engine is first checked to give the same answer for every customer; then the engines
// are timed in interleaved rounds (the order rotates each round) so that load on this shared machine hits all alike,
// and each engine's rate is divided by LaunchDarkly's in the same round.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GrowthBookClient } from '@growthbook/growthbook';
import { init as launchDarklyInit, integrations } from '@launchdarkly/node-server-sdk';
import { buildSnapshot, type ChainContext, decideVersion, type RoutingContext, resolveVersion } from '@vrouter/core';
import { initialize as unleashInit, type Unleash } from 'unleash-client';
import { type Ratio, ratioOf, rotate } from './rounds.js';

const CUSTOMERS = 10_000;
const LISTED_EVERY = CUSTOMERS / 100;
const at = '2026-01-01T00:00:00Z';

const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({ id: `c${i}`, plan: i % 2 ? 'pro' : 'free' }));
const listed = customers.filter((_, i) => i % LISTED_EVERY === 0).map((c) => c.id);
const expected = (i: number): string => (i % LISTED_EVERY === 0 ? 'v2' : customers[i]!.plan === 'pro' ? 'v3' : 'v1');

interface Engine {
  name: string;
  /** One decision for customer i; the contexts each engine takes are built before timing. */
  decide: (i: number) => string | Promise<string>;
  async: boolean;
  close?: () => Promise<void> | void;
}

function vrouterEngines(): Engine[] {
  const snapshot = buildSnapshot({
    revision: 1,
    components: [{ name: 'svc', subscriptions: ['*'], createdAt: at, updatedAt: at }],
    versions: ['v1', 'v2', 'v3'].map((name) => ({
      component: 'svc',
      name,
      registeredAt: at,
      target: { kind: 'lambda', functionName: 'svc', qualifier: name, invocationType: 'Event' },
    })),
    channels: [
      { component: 'svc', channel: 'stable', version: 'v1' },
      { component: 'svc', channel: 'beta', version: 'v2' },
      { component: 'svc', channel: 'experimental', version: 'v3' },
    ],
    pins: [
      ...listed.map((subject) => ({ scope: 'customer' as const, subject, component: 'svc', channel: 'beta' as const, createdAt: at })),
      { scope: 'plan', subject: 'pro', component: 'svc', channel: 'experimental', createdAt: at },
    ],
    customers,
    projects: [],
  });
  const contexts: RoutingContext[] = customers.map((c) => ({ customer: c.id, plan: c.plan }));
  const now = Date.now();
  const version = (r: ReturnType<typeof resolveVersion>) => (r.resolved ? r.version : 'unresolved');
  const plain = new Map(customers.map((c, i) => [c.id, expected(i)]));
  // An event continuing a chain that decided other components: svc is still resolved by its pins, after the chain.
  const chain: ChainContext = { root: { source: '/bench', id: 'root' }, depth: 0, versions: { billing: 'v7', search: 'v2' } };
  return [
    { name: 'vrouter resolveVersion', async: false, decide: (i) => version(resolveVersion(snapshot, 'svc', contexts[i]!, now)) },
    { name: 'vrouter decideVersion', async: false, decide: (i) => version(decideVersion(snapshot, 'svc', contexts[i]!, now)) },
    { name: 'vrouter decideVersion {chain}', async: false, decide: (i) => version(decideVersion(snapshot, 'svc', contexts[i]!, now, { chain })) },
    { name: 'vrouter resolveVersion {explain}', async: false, decide: (i) => version(resolveVersion(snapshot, 'svc', contexts[i]!, now, { explain: true })) },
    { name: 'a plain Map (customer → answer)', async: false, decide: (i) => plain.get(customers[i]!.id)! },
  ];
}

async function launchDarkly(): Promise<Engine> {
  const td = new integrations.TestData();
  td.update(
    td
      .flag('svc')
      .variations('v1', 'v2', 'v3')
      .fallthroughVariation(0)
      .ifMatch('user', 'key', ...listed)
      .thenReturn(1)
      .ifMatch('user', 'plan', 'pro')
      .thenReturn(2),
  );
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const client = launchDarklyInit('sdk-key-bench', { updateProcessor: td.getFactory(), sendEvents: false, diagnosticOptOut: true, logger: silent });
  await client.waitForInitialization({ timeout: 10 });
  const contexts = customers.map((c) => ({ kind: 'user', key: c.id, plan: c.plan }));
  return { name: 'LaunchDarkly server SDK (TestData)', async: true, decide: (i) => client.variation('svc', contexts[i]!, 'v1'), close: () => client.close() };
}

function growthBook(): Engine {
  const client = new GrowthBookClient().initSync({
    payload: {
      features: {
        svc: {
          defaultValue: 'v1',
          rules: [
            { condition: { id: { $in: listed } }, force: 'v2' },
            { condition: { plan: 'pro' }, force: 'v3' },
          ],
        },
      },
    },
  });
  const contexts = customers.map((c) => ({ attributes: { id: c.id, plan: c.plan } }));
  return { name: 'GrowthBook (GrowthBookClient)', async: false, decide: (i) => client.getFeatureValue('svc', 'v1', contexts[i]!) };
}

/** Unleash reads its toggles over HTTP: a loopback server hands it the same targeting as a real Unleash would. */
async function unleash(): Promise<Engine> {
  const variant = (name: string) => [{ name, weight: 1000, stickiness: 'default', weightType: 'variable', payload: { type: 'string', value: name } }];
  const features = {
    version: 2,
    features: [
      {
        name: 'svc',
        enabled: true,
        strategies: [
          { name: 'default', parameters: {}, constraints: [{ contextName: 'userId', operator: 'IN', values: listed }], variants: variant('v2') },
          { name: 'default', parameters: {}, constraints: [{ contextName: 'plan', operator: 'IN', values: ['pro'] }], variants: variant('v3') },
          { name: 'default', parameters: {}, constraints: [], variants: variant('v1') },
        ],
      },
    ],
  };
  const server: Server = createServer((request, response) => {
    if (request.url?.includes('/client/features')) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(features));
    else response.writeHead(202).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  const client: Unleash = unleashInit({ url, appName: 'vrouter-bench', disableMetrics: true, refreshInterval: 3_600_000, storageProvider: memoryStorage() });
  await new Promise<void>((resolve, reject) => {
    client.once('synchronized', resolve);
    client.once('error', reject);
  });
  const contexts = customers.map((c) => ({ userId: c.id, properties: { plan: c.plan } }));
  return {
    name: 'Unleash client',
    async: false,
    decide: (i) => client.getVariant('svc', contexts[i]!).name,
    close: async () => {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function memoryStorage() {
  const data = new Map<string, unknown>();
  return { set: async (key: string, value: unknown) => void data.set(key, value), get: async (key: string) => data.get(key) as never };
}

/** Decisions per second of one engine over about `ms`, cycling through the customers. */
async function rate(engine: Engine, ms: number): Promise<number> {
  let n = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    if (engine.async) for (let j = 0; j < 500; j++) await engine.decide(n++ % CUSTOMERS);
    else for (let j = 0; j < 2000; j++) engine.decide(n++ % CUSTOMERS);
    elapsed = performance.now() - started;
  }
  return (n / elapsed) * 1000;
}

export interface DecisionsResult {
  /** Each engine's median decisions/s. */
  rates: Record<string, number>;
  /** Each engine's rate over LaunchDarkly's, per round: median and spread. */
  ratios: Record<string, Ratio>;
}

export async function decisionsBench(rounds: number, msPerRun: number): Promise<DecisionsResult> {
  const engines: Engine[] = [...vrouterEngines(), await launchDarkly(), growthBook(), await unleash()];
  const reference = engines.find((e) => e.name.startsWith('LaunchDarkly'))!;
  try {
    for (const engine of engines) {
      for (let i = 0; i < CUSTOMERS; i++) {
        const answer = await engine.decide(i);
        if (answer !== expected(i)) throw new Error(`${engine.name} answers ${answer} for customer c${i}, expected ${expected(i)}: the engines are not configured alike.`);
      }
    }
    const perRound: Record<string, number[]> = Object.fromEntries(engines.map((e) => [e.name, []]));
    for (const engine of engines) await rate(engine, Math.min(msPerRun, 100)); // warm-up: the JIT, not the first round, pays for compiling
    for (let round = 0; round < rounds; round++) {
      for (const engine of rotate(engines, round)) perRound[engine.name]!.push(await rate(engine, msPerRun));
    }
    const ref = perRound[reference.name]!;
    const rates: Record<string, number> = {};
    const ratios: Record<string, Ratio> = {};
    for (const engine of engines) {
      const own = perRound[engine.name]!;
      rates[engine.name] = ratioOf(own.map((r) => r)).median;
      ratios[engine.name] = ratioOf(own.map((r, k) => r / ref[k]!));
    }
    return { rates, ratios };
  } finally {
    for (const engine of engines) await engine.close?.();
  }
}
