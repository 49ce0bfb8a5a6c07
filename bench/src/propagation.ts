// Pin propagation: two routers on one store (the embedded dynalite); a pin set through the first, at a random moment
// of the second's revision poll, and the time until the second's snapshot holds it. The second is kept in use (as a
// router taking traffic is), so its poll runs at VROUTER_POLL_INTERVAL_MS and never backs off.
import { resolveVersion } from '@vrouter/core';
import { seedSvc, startStack } from '../../test/src/stack.js';
import { recordRatio } from './results.js';

export async function propagationBench(samples: number): Promise<string[]> {
  const env = { VROUTER_SWEEP_INTERVAL_MS: '600000', VROUTER_REPLAY_POLL_INTERVAL_MS: '600000', VROUTER_POLL_INTERVAL_MS: '1000' };
  const writer = await startStack({ env });
  const reader = await startStack({ env, storeEndpoint: writer.dynamoEndpoint });
  try {
    await seedSvc(writer.api);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      // A random phase of the reader's 1 s poll, so the samples cover the whole cycle.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
      const started = performance.now();
      const answer = await writer.api('PUT', `/v1/pins/customer/propagation-${i}/svc`, { channel: 'beta' });
      if (answer.status >= 300) throw new Error(`propagation bench: pin refused: ${answer.status}`);
      const deadline = started + 10_000;
      const customer = `propagation-${i}`;
      const seen = () => {
        const answer = resolveVersion(reader.runtime.cache.current(), 'svc', { customer }, Date.now());
        return answer.resolved && answer.version === 'v2';
      };
      while (!seen()) {
        if (performance.now() > deadline) throw new Error('propagation bench: the second router never saw the pin');
        reader.runtime.cache.inUse();
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length / 2)]!;
    const max = times[times.length - 1]!;
    recordRatio({
      name: 'pin propagation to a second router, max over samples, over 1 s',
      meaning: 'slowest propagation / 1 s (lower is better)',
      ratio: { median: max / 1000, min: times[0]! / 1000, max: max / 1000, rounds: times.length },
      goal: { atMost: 1 },
    });
    return [`pin propagation to a second router (poll 1 s, ${samples} pins): p50 ${p50.toFixed(0)} ms, max ${max.toFixed(0)} ms; goal p99 ≤ 1000 ms`];
  } finally {
    await reader.close();
    await writer.close();
  }
}
