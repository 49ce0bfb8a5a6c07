/** Timing helpers: every figure is printed next to a baseline measured in the same process, as a ratio. */
import { recordRow } from './results.js';

export interface Sample {
  count: number;
  totalMs: number;
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `op` `count` times, `concurrency` at a time, and reports latency percentiles and throughput. */
export async function measure(count: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<Sample> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const totalMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { count, totalMs, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), perSecond: (count / totalMs) * 1000 };
}

/** Synchronous micro-benchmark: operations per second of `op` over about `ms` milliseconds. */
export function opsPerSecond(op: (i: number) => unknown, ms = 500): number {
  let i = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let j = 0; j < 1000; j++) op(i++);
    elapsed = performance.now() - started;
  }
  return (i / elapsed) * 1000;
}

/** A printed line of vrouter against its baseline; also kept for bench/results/<date>.json. */
export function row(name: string, value: string, baseline: string, ratio: number): string {
  recordRow({ name, value, baseline, ratio });
  return `${name.padEnd(48)} ${value.padStart(16)} ${baseline.padStart(16)} ${`${ratio.toFixed(2)}x`.padStart(8)}`;
}

export const fmt = {
  ms: (n: number) => `${n.toFixed(2)} ms`,
  rate: (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`,
};
