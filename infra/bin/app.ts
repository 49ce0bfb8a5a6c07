// The CDK app (cdk.json runs it): reads the configuration and synthesizes one RouterStack. The Lambda code is the
// bundle `npm run build` writes to infra/lambda (npm run synth builds it first).
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.js';
import { InfraConfigError, loadConfig } from '../src/config.js';

const infraDir = fileURLToPath(new URL('..', import.meta.url));

try {
  const { config, file, isExample } = loadConfig(infraDir);
  const warnings: string[] = [];
  if (isExample) warnings.push(`Synthesized from ${relative(process.cwd(), file)}: copy it to infra/config.json and fill in your ARNs before deploying.`);
  buildApp({ config, warnings }).app.synth();
} catch (error) {
  if (!(error instanceof InfraConfigError)) throw error;
  process.stderr.write(`vrouter infra configuration error: ${error.message}\n`);
  process.exit(1);
}
