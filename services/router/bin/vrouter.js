#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in ../dist (built by `npm install` or `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('vrouter: not built yet. Run `npm install` (it builds) or `npm run build` from the repository root.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
