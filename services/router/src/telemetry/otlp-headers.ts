import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

type Env = Record<string, string | undefined>;

/**
 * Sets OTEL_EXPORTER_OTLP_HEADERS from Secrets Manager or SSM when the deployment keeps it there (Lambda cannot inject
 * secrets into the environment; infra/ sets OTEL_EXPORTER_OTLP_HEADERS_SECRET_ARN or ..._PARAMETER instead). Reads it
 * in a child process, before the SDK starts. Failing to read it never stops the router: telemetry then goes out
 * without the headers, and the reason (never the value) is written to stderr.
 */
export function resolveOtlpHeaders(env: Env = process.env): void {
  if (env.OTEL_EXPORTER_OTLP_HEADERS) return;
  const source = env.OTEL_EXPORTER_OTLP_HEADERS_SECRET_ARN
    ? 'OTEL_EXPORTER_OTLP_HEADERS_SECRET_ARN'
    : env.OTEL_EXPORTER_OTLP_HEADERS_PARAMETER
      ? 'OTEL_EXPORTER_OTLP_HEADERS_PARAMETER'
      : undefined;
  if (!source) return;
  // Running from source (tests), the reader is TypeScript too; the parent's loader flags make the child read it.
  const fromSource = import.meta.url.endsWith('.ts');
  const reader = fileURLToPath(new URL(fromSource ? './read-secret.ts' : './read-secret.js', import.meta.url));
  try {
    const value = execFileSync(process.execPath, [...(fromSource ? loaderFlags() : []), reader], {
      env: { ...process.env, ...env },
      timeout: 15_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    env.OTEL_EXPORTER_OTLP_HEADERS = value.toString('utf8');
  } catch {
    process.stderr.write(`vrouter: could not read the OTLP headers named by ${source}; exporting telemetry without them.\n`);
  }
}

/** The parent's module-loader flags (e.g. `--import tsx`), without test-runner or inspector flags. */
function loaderFlags(): string[] {
  const flags: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--import' || flag === '--loader' || flag === '--require') flags.push(flag, argv[++i] ?? '');
    else if (/^--(import|loader|require)=/.test(flag)) flags.push(flag);
  }
  return flags;
}
