// Reads of an idle router, its DynamoDB requests counted on the client, twice:
// - with its default intervals, over a window that starts when it starts: the first sweeps after a start (which must
//   look for a dead predecessor's claims) and every poll's backoff ramp are inside it;
// - the steady state, measured: every interval at a tenth of its default, counted once every poll has backed off to
//   its cap, and scaled back (the schedule is the same at any scale, so a tenth of the time shows the same reads;
//   --quick uses a twentieth).
import { LEASE_SHARDS } from '@vrouter/store-dynamodb';
import { countingClient } from '../../test/src/counting.js';
import { startStack } from '../../test/src/stack.js';

const DEFAULTS = {
  VROUTER_POLL_INTERVAL_MS: 1000,
  VROUTER_POLL_IDLE_AFTER_MS: 10_000,
  VROUTER_POLL_IDLE_INTERVAL_MS: 30_000,
  VROUTER_SWEEP_INTERVAL_MS: 5000,
  VROUTER_SWEEP_MAX_INTERVAL_MS: 300_000,
  VROUTER_SAFETY_NET_INTERVAL_MS: 60_000,
  VROUTER_REPLAY_POLL_INTERVAL_MS: 2000,
  VROUTER_REPLAY_POLL_MAX_INTERVAL_MS: 120_000,
};

interface Count {
  seconds: number;
  gets: number;
  queries: number;
  reads: number;
}

/** A router at `scale` × the default intervals, idle; its reads counted over `windowMs` after `settleMs`. */
async function countIdle(scale: number, settleMs: number, windowMs: number): Promise<Count> {
  let counter: ReturnType<typeof countingClient> | undefined;
  const env = Object.fromEntries(Object.entries(DEFAULTS).map(([name, ms]) => [name, String(Math.round(ms * scale))]));
  const stack = await startStack({
    env,
    dynamo: (endpoint) => {
      counter = countingClient(endpoint);
      return counter.client;
    },
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    counter!.counts.clear();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const seconds = (performance.now() - started) / 1000;
    return { seconds, gets: counter!.counts.get('GetItemCommand') ?? 0, queries: counter!.counts.get('QueryCommand') ?? 0, reads: counter!.reads() };
  } finally {
    await stack.close();
  }
}

export async function idleBench(windowMs: number, scale = 0.1): Promise<{ lines: string[]; readsPerSecond: number; steadyPerSecond: number }> {
  const first = await countIdle(1, 0, windowMs);
  // At a tenth of the defaults every poll reaches its cap within about 32 s (the sweep's 5 → 300 s ramp, scaled).
  const steady = await countIdle(scale, Math.ceil(400_000 * scale), windowMs);
  const perSecond = (n: number, c: Count) => n / c.seconds;
  const steadyReads = perSecond(steady.reads, steady) * scale;
  return {
    readsPerSecond: perSecond(first.reads, first),
    steadyPerSecond: steadyReads,
    lines: [
      `DynamoDB reads/s by an idle router, first ${Math.round(first.seconds)} s after its start: ${perSecond(first.reads, first).toFixed(2)} (GetItem ${perSecond(first.gets, first).toFixed(2)}: revision poll; Query ${perSecond(first.queries, first).toFixed(2)}: the first sweeps and safety net of ${LEASE_SHARDS} shards each, and the replay poll, backing off)`,
      `  idle, steady state (measured at ${scale} × every interval once all had backed off, scaled back): ${steadyReads.toFixed(2)} reads/s (GetItem ${(perSecond(steady.gets, steady) * scale).toFixed(3)}: revision poll; Query ${(perSecond(steady.queries, steady) * scale).toFixed(3)}: sweep, safety net, replay poll); goal ≤ 1.0`,
    ],
  };
}
