// Writes the router's deployment package (what the Lambda functions run: see src/router-package.ts) to a directory,
// e.g. to build a container image from it (docker/router.Dockerfile). Usage: router-package.ts <output directory>
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRouterPackage } from '../src/router-package.js';

const [out] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: node --import tsx infra/bin/router-package.ts <output directory>\n');
  process.exit(2);
}
const result = buildRouterPackage(fileURLToPath(new URL('../..', import.meta.url)), resolve(out));
for (const handler of result.missingHandlers) process.stderr.write(`warning: the router build has no ${handler}\n`);
process.stdout.write(`${result.directory}\n`);
