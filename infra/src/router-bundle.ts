/**
 * The router's Lambda asset, bundled with esbuild: one ESM file per handler and one for the OpenTelemetry bootstrap,
 * plus, in node_modules, only what must stay a real package.
 *
 * What stays external, and why:
 * - the AWS SDK (`@aws-sdk/*`, `@smithy/*`): OpenTelemetry's AWS SDK instrumentation patches the SDK's modules as
 *   Node loads them (require hooks); bundled, the SDK would never be loaded as a module and its spans would vanish;
 * - `@opentelemetry/api`: the bootstrap and the handlers must share it (one global tracer provider).
 * Everything else (core, engine, dispatchers, store, fastify, pino...) is inside the bundles. The development
 * packages (dynalite, LevelDB, the local targets) are not reachable from the handlers and must never be: the build
 * fails if any input comes from one of them.
 *
 * Layout of the asset (the Lambda code root, /var/task):
 *   eventbridge.mjs, sqs.mjs   handlers (`eventbridge.handler`, `sqs.handler`)
 *   telemetry.mjs              the OpenTelemetry bootstrap, loaded with NODE_OPTIONS=--import=/var/task/telemetry.mjs
 *   node_modules/...           the external packages and their dependency closure
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { buildSync } from 'esbuild';
import { planDependencies, writePackage } from './router-package.js';

export { LAMBDA_TELEMETRY_REGISTER, ROUTER_HANDLERS } from './lambda-asset.js';

/** Output name → the router build's file it bundles. */
const ENTRIES = {
  eventbridge: 'dist/lambda/eventbridge.js',
  sqs: 'dist/lambda/sqs.js',
  telemetry: 'dist/telemetry/register.js',
} as const;

export const BUNDLE_EXTERNALS = ['@aws-sdk/*', '@smithy/*', '@opentelemetry/api'] as const;

/** Packages that exist for dev mode and tests only; no bundle input may come from them. */
export const DEV_ONLY_PACKAGES = ['dynalite', '@vrouter/local-targets', 'level', 'classic-level', 'abstract-level'] as const;

/**
 * Bundled CommonJS code calls `require` and reads `__dirname`; an ES module has neither. Give each bundle real ones,
 * so that a require of a Node built-in or an external package goes through Node's loader (and OpenTelemetry's hooks).
 */
const BANNER = [
  "import { createRequire as __vrouterCreateRequire } from 'node:module';",
  "import { fileURLToPath as __vrouterFileURLToPath } from 'node:url';",
  "import { dirname as __vrouterDirname } from 'node:path';",
  'const require = __vrouterCreateRequire(import.meta.url);',
  'const __filename = __vrouterFileURLToPath(import.meta.url);',
  'const __dirname = __vrouterDirname(__filename);',
].join('\n');

export interface RouterBundle {
  /** The asset directory, ready for `lambda.Code.fromAsset`. */
  readonly directory: string;
  /** Bytes of each bundle file, by output name (`eventbridge.mjs`...). */
  readonly bundles: Readonly<Record<string, number>>;
  /** The external packages the bundles import, copied with their dependencies into node_modules. */
  readonly externals: readonly string[];
  /** Every source file esbuild put into a bundle, relative to the repository root. */
  readonly inputs: readonly string[];
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

const isBareExternal = (path: string) => BUNDLE_EXTERNALS.some((pattern) => (pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) : packageName(path) === pattern));

/** Which package a bundle input (a path relative to the repository root) comes from, by its node_modules path. */
function inputPackage(input: string): string | undefined {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input.includes('packages/local-targets/') ? '@vrouter/local-targets' : undefined;
  return packageName(input.slice(at + 'node_modules/'.length));
}

function sizeOf(directory: string): number {
  let total = 0;
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    const stat = statSync(path);
    total += stat.isDirectory() ? sizeOf(path) : stat.size;
  }
  return total;
}

/** Total bytes of the files under `directory`. */
export function assetSize(directory: string): number {
  return sizeOf(directory);
}

/**
 * Bundles the router's Lambda handlers and telemetry bootstrap from the installed and built repository at
 * `repoRoot` into `outDir` (replaced). Synchronous, so that a CDK app can call it while constructing.
 * Throws an Error saying what to run when the router is not built, and when a development-only package reached a
 * bundle.
 */
export function buildRouterBundle(repoRoot: string, outDir: string): RouterBundle {
  const routerDir = join(repoRoot, 'services', 'router');
  for (const entry of Object.values(ENTRIES)) {
    if (!existsSync(join(routerDir, entry)))
      throw new Error(`${join(routerDir, entry)} does not exist: build the router first (npm install, or npm run build, from the repository root).`);
  }
  const { version } = JSON.parse(readFileSync(join(routerDir, 'package.json'), 'utf8')) as { version: string };
  const result = buildSync({
    absWorkingDir: repoRoot,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(routerDir, file)])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [...BUNDLE_EXTERNALS],
    banner: { js: BANNER },
    // The router reads its version from its package.json, which is not in the asset: give it at build time.
    define: { __VROUTER_VERSION__: JSON.stringify(version) },
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs).map((input) => relative(repoRoot, join(repoRoot, input)));
  const leaked = [...new Set(inputs.map(inputPackage).filter((name) => name !== undefined && (DEV_ONLY_PACKAGES as readonly string[]).includes(name)))];
  if (leaked.length > 0) throw new Error(`The router's Lambda bundle would contain development-only packages: ${leaked.join(', ')}. Load them lazily from dev-mode code only.`);

  const externals = new Set<string>();
  const bundles: Record<string, number> = {};
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    bundles[relative(outDir, join(repoRoot, file))] = output.bytes;
    for (const imported of output.imports) if (imported.external && isBareExternal(imported.path)) externals.add(packageName(imported.path));
  }
  const names = [...externals].sort();
  // Replaces outDir with the external packages (planned paths start with node_modules/), then adds the bundles.
  writePackage(planDependencies(repoRoot, routerDir, names), outDir, { reuse: false });
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.contents);
  }
  // The bundles are ES modules by their extension; this keeps any .js file in the asset's root CommonJS.
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ name: 'vrouter-lambda', private: true }, null, 2)}\n`);
  return { directory: outDir, bundles, externals: names, inputs };
}
