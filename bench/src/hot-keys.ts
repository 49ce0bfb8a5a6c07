// Hot partition keys (docs/scale.md): where a burst's writes land in the table and in every index.
//   For a burst of N events for one component from many customers, sent through the router, and for a burst of
//   N events that all fail at one version, the table is scanned afterwards and each line gives, per index, the
//   hottest partition key's share of the items written, the same share had the index not been sharded (the keys
//   folded back onto the previous layout), and the writes/s that key would take at 10,000 events/s.
// Run alone: npm run bench:hot-keys (BENCH_HOT_EVENTS=2000 BENCH_HOT_CUSTOMERS=500 to change the burst).
import { type KeyShare, measureKeyShares } from '@vrouter/store-dynamodb';
import { cloudEvent, seedSvc, startStack, TABLE } from '../../test/src/stack.js';

const RATE = 10_000;
const BATCH = 100;

async function burst(events: number, customers: number, fail: boolean): Promise<{ after: KeyShare[]; before: KeyShare[] }> {
  const stack = await startStack({
    env: { VROUTER_POLL_INTERVAL_MS: '60000', VROUTER_SWEEP_INTERVAL_MS: '600000', VROUTER_REPLAY_POLL_INTERVAL_MS: '600000', VROUTER_MAX_ATTEMPTS: '1' },
  });
  try {
    await seedSvc(stack.api);
    const batch = Array.from({ length: events }, (_, i) => cloudEvent({ customerid: `c${i % customers}`, ...(fail ? { data: { fail: true } } : {}) }));
    for (let i = 0; i < batch.length; i += BATCH) {
      const response = await stack.api('POST', '/v1/events?wait=true', batch.slice(i, i + BATCH), { contentType: 'application/cloudevents-batch+json' });
      if (response.status >= 300) throw new Error(`burst: ${response.status} ${JSON.stringify(response.body)}`);
    }
    await stack.runtime.router.drain();
    return { after: await measureKeyShares(stack.dynamo, TABLE), before: await measureKeyShares(stack.dynamo, TABLE, { unsharded: true, leaseShards: 16 }) };
  } finally {
    await stack.close();
  }
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(6);
const perSecond = (writes: number, events: number) => `${Math.round((writes / events) * RATE).toLocaleString('en-US')}/s`.padStart(9);

export async function hotKeysBench(events: number, customers: number): Promise<string[]> {
  const lines = [
    `hot keys: hottest partition key per index after a burst of ${events} events, 1 component; writes/s on that key at ${RATE.toLocaleString('en-US')} events/s (limit ~1,000)`,
    `${'burst'.padEnd(28)} ${'index'.padEnd(12)} ${'items'.padStart(6)} ${'keys'.padStart(5)} ${'hottest'.padStart(7)} ${'writes'.padStart(9)}   ${'unsharded'.padStart(9)} ${'writes'.padStart(9)}`,
  ];
  for (const [name, fail] of [[`${customers} customers`, false] as const, ['failures of one version', true] as const]) {
    const { after, before } = await burst(events, customers, fail);
    const old = new Map(before.map((s) => [s.index, s]));
    for (const s of after) {
      const o = old.get(s.index);
      lines.push(
        `${name.padEnd(28)} ${s.index.padEnd(12)} ${String(s.items).padStart(6)} ${String(s.keys).padStart(5)} ${pct(s.share)}  ${perSecond(s.hottestWrites, events)}   ${o ? pct(o.share).padStart(9) : ''.padStart(9)} ${o ? perSecond(o.hottestWrites, events) : ''}`,
      );
    }
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await hotKeysBench(Number(process.env.BENCH_HOT_EVENTS ?? 2000), Number(process.env.BENCH_HOT_CUSTOMERS ?? 500))) console.log(line);
}
