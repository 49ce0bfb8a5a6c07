/**
 * The router's Lambda deployment package, made without Docker, a bundler or the network: the router's build
 * (`services/router/dist`) plus a copy of exactly its production dependency closure out of the installed
 * node_modules, laid out so that Node resolves every import as it does in the repository.
 *
 * Why not `services/router/dist` alone: it imports `@vrouter/core`, fastify, the OpenTelemetry SDK and so on, which
 * live in node_modules. Why not a bundle: OpenTelemetry instruments the AWS SDK and fastify by hooking module loads,
 * which a bundle bypasses, and some dependencies read files next to their code.
 *
 * Layout of the package (the repository's, minus everything the router does not import):
 *   services/router/{package.json,dist/...}       the router; handlers at services/router/dist/lambda/*.js
 *   node_modules/@vrouter/<name>/{package.json,dist}  workspace packages, as real directories instead of links
 *   node_modules/<name>/...                       third-party packages, nested node_modules kept where npm put them
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

/** Lambda handler strings, relative to the package root. The router's build must export `handler` from these files. */
export const ROUTER_HANDLERS = {
  eventBridge: 'services/router/dist/lambda/eventbridge.handler',
  sqs: 'services/router/dist/lambda/sqs.handler',
} as const;

/** One directory of the package: copy `source` (absolute) to `target` (relative to the package root). */
export interface PackageEntry {
  readonly name: string;
  readonly source: string;
  readonly target: string;
  /** Workspace packages are copied by their `files` list; third-party packages whole, minus type declarations. */
  readonly workspace: boolean;
}

interface PackageJson {
  name?: string;
  files?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function readPackageJson(directory: string): PackageJson {
  return JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as PackageJson;
}

/** Node's lookup: `<dir>/node_modules/<name>`, then the same in every parent directory. */
function locate(fromDirectory: string, name: string): string | undefined {
  for (let directory = fromDirectory; ; directory = dirname(directory)) {
    if (basename(directory) !== 'node_modules') {
      const candidate = join(directory, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (dirname(directory) === directory) return undefined;
  }
}

const isInside = (parent: string, child: string) => child === parent || child.startsWith(parent + sep);

/**
 * Lists what goes into the package: the package at `packageDir` (inside the repository at `repoRoot`) and every
 * package it needs at run time (dependencies and optional dependencies, recursively; peer dependencies that are
 * installed). Development dependencies are left out. Pure apart from reading package.json files.
 * Throws an Error naming the missing package when a required dependency is not installed.
 */
export function planPackage(repoRoot: string, packageDir: string): PackageEntry[] {
  const root = realpathSync(repoRoot);
  const rootModules = join(root, 'node_modules');
  const start = realpathSync(packageDir);
  const entries: PackageEntry[] = [];
  const targets = new Map<string, string>(); // real directory → its place in the package
  // A workspace package is reached through a symlink in node_modules; in the package it is a real directory there.
  const place = (real: string, linkedAs: string): string => {
    if (isInside(rootModules, real)) return relative(root, real);
    for (const [directory, target] of targets) {
      if (isInside(join(directory, 'node_modules'), real)) return join(target, relative(directory, real));
    }
    if (isInside(rootModules, linkedAs) && !isInside(rootModules, real)) return relative(root, linkedAs);
    throw new Error(`Cannot place ${real} in the Lambda package: it is neither under node_modules nor a linked workspace package.`);
  };
  const queue: { real: string; target: string }[] = [{ real: start, target: relative(root, start) }];
  targets.set(start, relative(root, start));
  for (let item = queue.shift(); item; item = queue.shift()) {
    const pkg = readPackageJson(item.real);
    entries.push({ name: pkg.name ?? item.target, source: item.real, target: item.target, workspace: !isInside(rootModules, item.real) });
    const wanted = [
      ...Object.keys(pkg.dependencies ?? {}).map((name) => ({ name, required: true })),
      ...Object.keys(pkg.optionalDependencies ?? {}).map((name) => ({ name, required: false })),
      ...Object.keys(pkg.peerDependencies ?? {}).map((name) => ({ name, required: false })),
    ];
    for (const { name, required } of wanted) {
      const found = locate(item.real, name);
      if (!found) {
        if (required) throw new Error(`${name}, a dependency of ${pkg.name ?? item.real}, is not installed. Run npm install from the repository root.`);
        continue;
      }
      const real = realpathSync(found);
      if (targets.has(real)) continue;
      const target = place(real, found);
      targets.set(real, target);
      queue.push({ real, target });
    }
  }
  return entries;
}

const TYPE_DECLARATION = /\.d\.[cm]?ts(\.map)?$/;

interface PackageFile {
  readonly from: string;
  /** Relative to the package root. */
  readonly to: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Files under `directory` (following symlinks), minus the directories in `skip` and files `keep` refuses. */
function walk(directory: string, to: string, skip: readonly string[], keep: (path: string) => boolean, files: PackageFile[]): void {
  for (const name of readdirSync(directory)) {
    const from = join(directory, name);
    const stat = statSync(from, { throwIfNoEntry: false });
    if (!stat) continue; // a dangling symlink: nothing to ship
    if (stat.isDirectory()) {
      if (!skip.includes(from)) walk(from, join(to, name), skip, keep, files);
    } else if (stat.isFile() && keep(from)) {
      files.push({ from, to: join(to, name), size: stat.size, mtimeMs: stat.mtimeMs });
    }
  }
}

/** What each entry contributes: workspace packages their `files` list (npm's rule), third-party packages everything. */
function filesOf(entries: readonly PackageEntry[]): PackageFile[] {
  const files: PackageFile[] = [];
  const keep = (path: string) => !TYPE_DECLARATION.test(path);
  for (const entry of entries) {
    // Nested node_modules are entries of their own (only the ones needed); declarations are never run.
    const skip = [join(entry.source, 'node_modules')];
    if (entry.workspace) {
      const stat = statSync(join(entry.source, 'package.json'));
      files.push({ from: join(entry.source, 'package.json'), to: join(entry.target, 'package.json'), size: stat.size, mtimeMs: stat.mtimeMs });
      skip.push(join(entry.source, 'src'));
      for (const file of readPackageJson(entry.source).files ?? ['.']) {
        const from = join(entry.source, file);
        if (!existsSync(from)) continue;
        const stat = statSync(from);
        if (stat.isDirectory()) walk(from, join(entry.target, file), skip, keep, files);
        else if (keep(from) && file !== 'package.json') files.push({ from, to: join(entry.target, file), size: stat.size, mtimeMs: stat.mtimeMs });
      }
    } else {
      walk(entry.source, entry.target, skip, keep, files);
    }
  }
  return files;
}

/**
 * Makes `outDir` hold exactly the planned entries. Skips the copy when nothing changed since the last call (same
 * files, sizes and modification times, recorded next to `outDir`), since the package is large and synth frequent.
 * Throws the file system's error if a copy fails.
 */
export function writePackage(entries: readonly PackageEntry[], outDir: string): void {
  const files = filesOf(entries);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(files.map((file) => [file.from, file.to, file.size, file.mtimeMs])))
    .digest('hex');
  const marker = `${outDir}.fingerprint`;
  if (existsSync(outDir) && existsSync(marker) && readFileSync(marker, 'utf8') === fingerprint) return;
  rmSync(marker, { force: true });
  rmSync(outDir, { recursive: true, force: true });
  for (const file of files) {
    mkdirSync(dirname(join(outDir, file.to)), { recursive: true });
    copyFileSync(file.from, join(outDir, file.to));
  }
  writeFileSync(marker, fingerprint);
}

export interface RouterPackage {
  /** The package directory, ready for `lambda.Code.fromAsset`. */
  readonly directory: string;
  /** Handler files (relative to the package) that the router's build does not contain. */
  readonly missingHandlers: readonly string[];
}

/**
 * Builds the router's Lambda package in `outDir` from the repository at `repoRoot` (which must have been installed
 * and built). Throws an Error saying what to run when the router is not built or a dependency is not installed.
 */
export function buildRouterPackage(repoRoot: string, outDir: string): RouterPackage {
  const routerDir = join(repoRoot, 'services', 'router');
  if (!existsSync(join(routerDir, 'dist'))) {
    throw new Error(`${join(routerDir, 'dist')} does not exist: build the router first (npm install, or npm run build, from the repository root).`);
  }
  writePackage(planPackage(repoRoot, routerDir), outDir);
  const missingHandlers = Object.values(ROUTER_HANDLERS)
    .map((handler) => `${handler.slice(0, handler.lastIndexOf('.'))}.js`)
    .filter((file) => !existsSync(join(outDir, file)));
  return { directory: outDir, missingHandlers };
}
