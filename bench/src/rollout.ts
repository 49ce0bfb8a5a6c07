// Version health and rollouts on a real router (embedded store, local Lambda):
//   health writes: health-counter requests per 1,000 events, at the default flush interval
//   time to abort: from the first failed dispatch's recorded outcome to the rollout's abort decision, over 20 runs
// Run: npm run bench:rollout -w @vrouter/bench (BENCH_EVENTS=1000 BENCH_RUNS=20 to change).
import { exampleHandler, FailOnDemand } from '@vrouter/local-targets';
import { cloudEvent, seedSvc, startStack } from '../../test/src/stack.js';
import { fmt, measure, row } from './measure.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);

async function main(): Promise<void> {
  const failures = new FailOnDemand();
  // Router defaults for polling, flushing and evaluation: the figures are what a deployment gets.
  const stack = await startStack({ env: { VROUTER_POLL_INTERVAL_MS: '1000' } });
  stack.lambda.register('svc', '2', exampleHandler('svc', 'v2', { failures }));
  const lines: string[] = [];
  try {
    await seedSvc(stack.api);
    const { health } = stack.runtime;
    await health.flush();
    const before = { writes: health.writes, recorded: health.recorded };
    const started = performance.now();
    await measure(EVENTS, 16, (i) => stack.api('POST', '/v1/events', cloudEvent({ customerid: `load-${i}` })));
    await stack.runtime.router.drain();
    await health.flush();
    const seconds = (performance.now() - started) / 1000;
    const writes = health.writes - before.writes;
    const recorded = health.recorded - before.recorded;
    lines.push(
      row(
        `health-counter writes per 1,000 events (${recorded} outcomes in ${seconds.toFixed(1)} s)`,
        ((writes * 1000) / recorded).toFixed(1),
        '1000 (one per event)',
        writes / recorded,
      ),
    );

    const delays: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const component = `abort-${run}`;
      await stack.api('PUT', `/v1/components/${component}`, { subscriptions: [`run${run}.*`] });
      for (const q of ['1', '2']) await stack.api('PUT', `/v1/components/${component}/versions/v${q}`, { target: { kind: 'lambda', functionName: 'svc', qualifier: q } });
      await stack.api('PUT', `/v1/components/${component}/channels/stable`, { version: 'v1' });
      const start = await stack.api('PUT', `/v1/components/${component}/rollout`, {
        version: 'v2',
        steps: [{ percent: 50, bakeSeconds: 3600 }],
        gate: { abortOnFirstError: true },
      });
      if (start.status !== 201) throw new Error(`rollout: ${start.status} ${JSON.stringify(start.body)}`);
      failures.set('v2', 1);
      let failedAt: number | undefined;
      for (let i = 0; i < 200 && failedAt === undefined; i++) {
        const event = cloudEvent({ type: `run${run}.x`, customerid: `r${run}-${i}` });
        const answer = await stack.api<{ results: { dispatches: { version: string; status: string }[] }[] }>('POST', '/v1/events?wait=true', event);
        if (answer.body.results[0]?.dispatches[0]?.status !== 'failed') continue;
        const detail = await stack.api<{ dispatches: { updatedAt: string }[] }>(
          'GET',
          `/v1/events/${encodeURIComponent(String(event.source))}/${encodeURIComponent(String(event.id))}`,
        );
        failedAt = Date.parse(detail.body.dispatches[0]!.updatedAt);
      }
      if (failedAt === undefined) throw new Error('no event reached the candidate');
      let abortedAt: number | undefined;
      for (const deadline = Date.now() + 30_000; abortedAt === undefined && Date.now() < deadline; ) {
        const view = await stack.api<{ state: string; decisions: { action: string; at: string }[] }>('GET', `/v1/components/${component}/rollout`);
        const abort = view.body.decisions.find((d) => d.action === 'abort');
        if (abort) abortedAt = Date.parse(abort.at);
        else await new Promise((resolve) => setTimeout(resolve, 20));
      }
      if (abortedAt === undefined) throw new Error(`run ${run}: not aborted within 30 s`);
      delays.push(abortedAt - failedAt);
      failures.set('v2', 0);
    }
    delays.sort((a, b) => a - b);
    const p50 = delays[Math.floor(delays.length / 2)]!;
    const max = delays.at(-1)!;
    lines.push(row(`first failed dispatch to abort, p50 over ${RUNS} runs`, fmt.ms(p50), fmt.ms(2000), p50 / 2000));
    lines.push(row(`first failed dispatch to abort, max over ${RUNS} runs`, fmt.ms(max), fmt.ms(2000), max / 2000));
  } finally {
    await stack.close();
  }
  for (const line of lines) process.stdout.write(`${line}\n`);
}

await main();
