#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in ../dist (built by `npm install` or `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('vrouter: not built yet. Run `npm install` (it builds) or `npm run build` from the repository root.\n');
  process.exit(1);
}
// The router (dev, serve) runs with OpenTelemetry as the OTEL_* variables configure it (docs/telemetry.md): the SDK
// starts before the CLI loads, so fastify and the AWS SDK are instrumented. OTEL_SDK_DISABLED=true skips even loading it.
const command = process.argv[2];
if ((command === 'dev' || command === 'serve') && process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true') {
  await import(new URL('../dist/telemetry/register.js', import.meta.url).href);
}
const { main } = await import(entry.href);
await main(process.argv);
