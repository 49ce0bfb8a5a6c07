// Writes the router's production package (see src/router-package.ts) to a directory, to build the container image
// from it (docker/router.Dockerfile). Usage: router-package.ts <output directory>
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRouterPackage } from '../src/router-package.js';

const [out] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: node --import tsx infra/bin/router-package.ts <output directory>\n');
  process.exit(2);
}
process.stdout.write(`${buildRouterPackage(fileURLToPath(new URL('../..', import.meta.url)), resolve(out))}\n`);
