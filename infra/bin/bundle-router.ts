// Bundles the router's Lambda handlers into infra/lambda (see src/router-bundle.ts): run by `npm run build`, so the
// package ships the asset VersionRouter deploys by default. Usage: bundle-router.ts [output directory]
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assetSize, buildRouterBundle } from '../src/router-bundle.js';

const infraDir = fileURLToPath(new URL('..', import.meta.url));
const out = resolve(process.argv[2] ?? resolve(infraDir, 'lambda'));
const bundle = buildRouterBundle(resolve(infraDir, '..'), out);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const files = Object.entries(bundle.bundles).map(([file, bytes]) => `${file} ${mb(bytes)}`);
process.stdout.write(`${bundle.directory}: ${mb(assetSize(bundle.directory))} (${files.join(', ')}; external: ${bundle.externals.join(' ')})\n`);
