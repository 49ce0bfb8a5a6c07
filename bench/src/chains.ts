// Chain contexts: how big the signed `vrouter.context` is for 1, 5 and 20 components (and its W3C baggage header,
// limited to 8,192 bytes in all), what encoding and verifying one costs, and what verifying it adds to ingest:
// POST /v1/events carrying a context vs the same events without one, in the same run, alternating rounds.
// Run: npm run bench:chains (BENCH_EVENTS=2000 BENCH_CONCURRENCY=16 to change the load).
import { type ChainContext, decodeContext, encodeContext, newSigningKey } from '@vrouter/core';
import { cloudEvent, seedSvc, startStack } from '../../test/src/stack.js';
import { fmt, measure, opsPerSecond, row } from './measure.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = 6;

/** A realistic chain: a UUID root id, a URL-ish source, routing facts, an override, `n` components with versions. */
function chainOf(n: number, override: boolean): ChainContext {
  const versions = Object.fromEntries(Array.from({ length: n }, (_, i) => [`release-coordinator-${String(i).padStart(2, '0')}`, `v${100 + i}`]));
  return {
    root: { source: '/github.com/acme/web/deployments', id: '3f0c8a52-6d1e-4b7a-9a43-2f5e0d9c1b77' },
    depth: 3,
    customer: 'acme-industries',
    project: 'acme-web',
    plan: 'enterprise',
    ...(override ? { override: { versions: { 'release-coordinator-00': 'v3' }, expiresAt: Date.now() + 3_600_000, subject: 'pr-1234' } } : {}),
    versions,
  };
}

function sizes(): string[] {
  const key = newSigningKey(new Date());
  const lines = ['context size (bytes: the string; baggage: the whole `baggage` header value, limit 8192)'];
  for (const n of [1, 5, 20]) {
    for (const override of [false, true]) {
      const context = encodeContext(chainOf(n, override), key);
      const json = JSON.stringify(chainOf(n, override)).length;
      lines.push(
        `  ${String(n).padStart(2)} components${override ? ' + override' : '           '}: ${String(context.length).padStart(5)} bytes (JSON ${json}), baggage ${`vroutercontext=${context}`.length}`,
      );
    }
  }
  const twenty = encodeContext(chainOf(20, true), key);
  const encode = opsPerSecond(() => encodeContext(chainOf(20, true), key));
  const verify = opsPerSecond(() => decodeContext(twenty, [key]));
  lines.push(row('verify a 20-component context vs encode one', fmt.rate(verify), fmt.rate(encode), encode / verify));
  return lines;
}

async function ingest(): Promise<string[]> {
  const stack = await startStack({ env: { VROUTER_POLL_INTERVAL_MS: '60000', VROUTER_SWEEP_INTERVAL_MS: '600000', VROUTER_REPLAY_POLL_INTERVAL_MS: '600000' } });
  try {
    await seedSvc(stack.api);
    await stack.api('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'acme' }));
    await stack.runtime.cache.reload();
    const key = stack.runtime.cache.current().signingKeys!.current;
    const context = encodeContext({ root: { source: '/bench', id: 'root' }, depth: 0, customer: 'acme', versions: { svc: 'v2' } }, key);
    const post = (extra: Record<string, unknown>) =>
      fetch(`${stack.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer e2e-admin-token-0123456789' },
        body: JSON.stringify(cloudEvent({ type: 'build.finished', ...extra })),
      }).then(async (r) => {
        if (r.status !== 202) throw new Error(`ingest answered ${r.status}: ${await r.text()}`);
      });
    // Warm both paths, then alternate short rounds so that a load change on the machine hits both sides alike.
    await measure(Math.min(100, EVENTS), CONCURRENCY, () => post({ customerid: 'acme' }));
    await measure(Math.min(100, EVENTS), CONCURRENCY, () => post({ vroutercontext: context }));
    await stack.runtime.router.drain();
    let plainMs = 0;
    let chainedMs = 0;
    const perRound = Math.max(1, Math.floor(EVENTS / ROUNDS));
    for (let round = 0; round < ROUNDS; round++) {
      plainMs += (await measure(perRound, CONCURRENCY, () => post({ customerid: 'acme' }))).totalMs;
      await stack.runtime.router.drain();
      chainedMs += (await measure(perRound, CONCURRENCY, () => post({ vroutercontext: context }))).totalMs;
      await stack.runtime.router.drain();
    }
    const rate = (ms: number) => (perRound * ROUNDS * 1000) / ms;
    return [row(`ingest with a context vs without (${CONCURRENCY} concurrent)`, fmt.rate(rate(chainedMs)), fmt.rate(rate(plainMs)), chainedMs / plainMs)];
  } finally {
    await stack.close();
  }
}

console.log(`node ${process.version}, ${EVENTS} events per side in ${ROUNDS} alternating rounds, concurrency ${CONCURRENCY}; ratio = cost / baseline cost\n`);
for (const line of sizes()) console.log(line);
for (const line of await ingest()) console.log(line);
