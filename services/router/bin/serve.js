#!/usr/bin/env node
// The router's own launcher for `vrouter serve` where the CLI is not installed (the container image): OpenTelemetry
// first, as the OTEL_* variables configure it (docs/telemetry.md), so fastify and the AWS SDK are instrumented;
// OTEL_SDK_DISABLED=true skips even loading it. Then the router, until SIGTERM. Options: the environment only.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/host.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('router: not built yet. Run `npm install` (it builds) or `npm run build` from the repository root.\n');
  process.exit(1);
}
if (process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true') {
  await import(new URL('../dist/telemetry/register.js', import.meta.url).href);
}
const { runServe } = await import(entry.href);
try {
  await runServe();
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`router: ${error instanceof Error && error.name === 'ConfigError' ? `configuration error: ${message}` : message}\n`);
  process.exit(error instanceof Error && error.name === 'ConfigError' ? 2 : 1);
}
