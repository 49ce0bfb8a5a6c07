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
// starts before the router loads, so fastify and the AWS SDK are instrumented. OTEL_SDK_DISABLED=true skips even
// loading it. Every other command talks HTTP only and loads none of it.
const command = process.argv[2];
if ((command === 'dev' || command === 'serve') && process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true') {
  try {
    await import('@vrouter/router/telemetry/register');
  } catch (error) {
    // Without the router installed, the command itself explains what is missing.
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  }
}
const { main } = await import(entry.href);
await main(process.argv);
