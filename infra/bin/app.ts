// The CDK app (cdk.json runs it): reads the configuration, builds the router's Lambda package, synthesizes.
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildApp } from '../src/app.js';
import { InfraConfigError, loadConfig } from '../src/config.js';
import { buildRouterPackage } from '../src/router-package.js';

const infraDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = resolve(infraDir, '..');

try {
  const { config, file, isExample } = loadConfig(infraDir);
  const routerPackage = buildRouterPackage(repoRoot, join(infraDir, '.build', 'router-lambda'));
  const warnings: string[] = [];
  if (isExample) warnings.push(`Synthesized from ${relative(process.cwd(), file)}: copy it to infra/config.json and fill in your ARNs before deploying.`);
  for (const handler of routerPackage.missingHandlers)
    warnings.push(`The router build has no ${handler}: the function using it will fail until the router is rebuilt with its Lambda handlers.`);
  buildApp({ config, routerCode: Code.fromAsset(routerPackage.directory), warnings }).app.synth();
} catch (error) {
  if (!(error instanceof InfraConfigError)) throw error;
  process.stderr.write(`vrouter infra configuration error: ${error.message}\n`);
  process.exit(1);
}
