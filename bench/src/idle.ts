// Reads of an idle router: a router with its default intervals, no traffic, its DynamoDB requests counted on the
// client over a window that starts when it starts (so the sweep's and the replay poll's backoff ramp is inside the
// window: an upper bound on the steady state). The steady state at the caps is printed beside it, from the settings.
import { LEASE_SHARDS } from '@vrouter/store-dynamodb';
import { countingClient } from '../../test/src/counting.js';
import { startStack } from '../../test/src/stack.js';

export async function idleBench(windowMs: number): Promise<{ lines: string[]; readsPerSecond: number; steadyPerSecond: number }> {
  let counter: ReturnType<typeof countingClient> | undefined;
  // The stack's defaults, spelled out so the projection below uses the same numbers.
  const env = { VROUTER_POLL_INTERVAL_MS: '1000', VROUTER_SWEEP_INTERVAL_MS: '5000', VROUTER_SAFETY_NET_INTERVAL_MS: '60000', VROUTER_REPLAY_POLL_INTERVAL_MS: '2000' };
  const stack = await startStack({
    env,
    dynamo: (endpoint) => {
      counter = countingClient(endpoint);
      return counter.client;
    },
  });
  try {
    counter!.counts.clear();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const seconds = (performance.now() - started) / 1000;
    const reads = counter!.reads() / seconds;
    const gets = (counter!.counts.get('GetItemCommand') ?? 0) / seconds;
    const queries = (counter!.counts.get('QueryCommand') ?? 0) / seconds;
    // The safety net backs off to the sweep's cap; both Query every lease shard per pass.
    const sweepCap = Number(env.VROUTER_SWEEP_INTERVAL_MS) * 60;
    const replayCap = Number(env.VROUTER_REPLAY_POLL_INTERVAL_MS) * 60;
    const perPass = (LEASE_SHARDS * 1000) / sweepCap;
    const steady = 1000 / Number(env.VROUTER_POLL_INTERVAL_MS) + 2 * perPass + 1000 / replayCap;
    return {
      readsPerSecond: reads,
      steadyPerSecond: steady,
      lines: [
        `DynamoDB reads/s by an idle router, first ${Math.round(seconds)} s: ${reads.toFixed(2)} (GetItem ${gets.toFixed(2)}: revision poll; Query ${queries.toFixed(2)}: sweep and safety net of ${LEASE_SHARDS} shards each, and replay poll, backing off); goal ≤ 1.0`,
        `  at the caps (sweep and safety net every ${sweepCap / 1000} s, replay poll every ${replayCap / 1000} s): ${steady.toFixed(2)} reads/s (revision poll 1.00, sweep ${perPass.toFixed(2)}, safety net ${perPass.toFixed(2)}, replay ${(1000 / replayCap).toFixed(3)})`,
      ],
    };
  } finally {
    await stack.close();
  }
}
