import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';
import { applyBatchDefaults, BATCH_DEFAULTS } from '../src/telemetry/batch.js';

/** The OTEL_BSP_* variables as the SDK finds them once register.ts has run in a fresh process with `env`. */
async function afterRegister(env: Record<string, string>): Promise<Record<string, string>> {
  const script =
    "await import('./src/telemetry/register.ts'); process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('OTEL_BSP_'))))); process.exit(0);";
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '', ...env } });
  return JSON.parse(stdout) as Record<string, string>;
}

t.test('batch span processor defaults', async (t) => {
  t.test('fill in only what the environment leaves unset or blank', async () => {
    const env: Record<string, string | undefined> = { OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: ' ' };
    applyBatchDefaults(env);
    assert.deepEqual(env, { OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: BATCH_DEFAULTS.OTEL_BSP_MAX_EXPORT_BATCH_SIZE });
  });

  t.test('keep a batch within the queue', async () => {
    assert.ok(Number(BATCH_DEFAULTS.OTEL_BSP_MAX_EXPORT_BATCH_SIZE) <= Number(BATCH_DEFAULTS.OTEL_BSP_MAX_QUEUE_SIZE));
  });

  t.test('are in place before the SDK starts, and a variable set by the deployment wins', async () => {
    const exporting = { OTEL_TRACES_EXPORTER: 'console', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
    assert.deepEqual(await afterRegister(exporting), BATCH_DEFAULTS);
    assert.deepEqual(await afterRegister({ ...exporting, OTEL_BSP_MAX_QUEUE_SIZE: '4096' }), { ...BATCH_DEFAULTS, OTEL_BSP_MAX_QUEUE_SIZE: '4096' });
  });

  t.test('are not set when nothing is exported (no SDK starts)', async () => {
    assert.deepEqual(await afterRegister({}), {});
  });
});
