/**
 * The router's production package, made without Docker or the network: the router's build (`services/router/dist`,
 * `bin`) plus a copy of exactly its production dependency closure out of the installed node_modules, laid out so
 * that Node resolves every import as it does in the repository. The container image (`vrouter serve`, the CLI) is
 * this package; the Lambda functions run a bundle instead (router-bundle.ts), whose external packages are copied
 * by the same planning (planDependencies). Development dependencies and optional peers (dev mode's dynalite and
 * local targets) are left out.
 *
 * Layout of the package (the repository's, minus everything the router does not import):
 *   services/router/{package.json,bin,dist/...}   the router
 *   node_modules/@vrouter/<name>/{package.json,dist}  workspace packages, as real directories instead of links
 *   node_modules/<name>/...                       third-party packages, nested node_modules kept where npm put them
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

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
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
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
  const start = realpathSync(packageDir);
  return planClosure(repoRoot, [{ real: start, linkedAs: start }]);
}

/**
 * Lists the packages `names` as Node resolves them from `fromDirectory`, and everything they need at run time (as
 * planPackage does), without the package at `fromDirectory` itself. Throws an Error naming a package that is not
 * installed.
 */
export function planDependencies(repoRoot: string, fromDirectory: string, names: readonly string[]): PackageEntry[] {
  const starts = names.map((name) => {
    const found = locate(realpathSync(fromDirectory), name);
    if (!found) throw new Error(`${name} is not installed where ${fromDirectory} resolves it. Run npm install from the repository root.`);
    return { real: realpathSync(found), linkedAs: found };
  });
  return planClosure(repoRoot, starts);
}

function planClosure(repoRoot: string, starts: readonly { real: string; linkedAs: string }[]): PackageEntry[] {
  const root = realpathSync(repoRoot);
  const rootModules = join(root, 'node_modules');
  const entries: PackageEntry[] = [];
  const targets = new Map<string, string>(); // real directory → its place in the package
  // A workspace package is reached through a symlink in node_modules; in the package it is a real directory there.
  const place = (real: string, linkedAs: string): string => {
    if (isInside(rootModules, real)) return relative(root, real);
    for (const [directory, target] of targets) {
      if (isInside(join(directory, 'node_modules'), real)) return join(target, relative(directory, real));
    }
    if (isInside(rootModules, linkedAs) && !isInside(rootModules, real)) return relative(root, linkedAs);
    if (isInside(root, real)) return relative(root, real);
    throw new Error(`Cannot place ${real} in the Lambda package: it is neither under node_modules nor a linked workspace package.`);
  };
  const queue: { real: string; target: string }[] = [];
  for (const { real, linkedAs } of starts) {
    if (targets.has(real)) continue;
    const target = place(real, linkedAs);
    targets.set(real, target);
    queue.push({ real, target });
  }
  for (let item = queue.shift(); item; item = queue.shift()) {
    const pkg = readPackageJson(item.real);
    entries.push({ name: pkg.name ?? item.target, source: item.real, target: item.target, workspace: !isInside(rootModules, item.real) });
    // Optional peers are what a package can use when its user installs them (dev mode's dynalite): not run-time needs.
    const optionalPeer = (name: string) => pkg.peerDependenciesMeta?.[name]?.optional === true;
    const wanted = [
      ...Object.keys(pkg.dependencies ?? {}).map((name) => ({ name, required: true })),
      ...Object.keys(pkg.optionalDependencies ?? {}).map((name) => ({ name, required: false })),
      ...Object.keys(pkg.peerDependencies ?? {})
        .filter((name) => !optionalPeer(name))
        .map((name) => ({ name, required: false })),
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
 * With `reuse: false` it always rewrites and leaves no record (for a directory that gets more files afterwards).
 * Throws the file system's error if a copy fails.
 */
export function writePackage(entries: readonly PackageEntry[], outDir: string, options: { reuse?: boolean } = {}): void {
  const files = filesOf(entries);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(files.map((file) => [file.from, file.to, file.size, file.mtimeMs])))
    .digest('hex');
  const marker = `${outDir}.fingerprint`;
  const reuse = options.reuse ?? true;
  if (reuse && existsSync(outDir) && existsSync(marker) && readFileSync(marker, 'utf8') === fingerprint) return;
  rmSync(marker, { force: true });
  rmSync(outDir, { recursive: true, force: true });
  for (const file of files) {
    mkdirSync(dirname(join(outDir, file.to)), { recursive: true });
    copyFileSync(file.from, join(outDir, file.to));
  }
  if (reuse) writeFileSync(marker, fingerprint);
}

/**
 * Builds the router's production package in `outDir` from the repository at `repoRoot` (which must have been
 * installed and built) and returns `outDir`. Throws an Error saying what to run when the router is not built or a
 * dependency is not installed.
 */
export function buildRouterPackage(repoRoot: string, outDir: string): string {
  const routerDir = join(repoRoot, 'services', 'router');
  if (!existsSync(join(routerDir, 'dist'))) {
    throw new Error(`${join(routerDir, 'dist')} does not exist: build the router first (npm install, or npm run build, from the repository root).`);
  }
  writePackage(planPackage(repoRoot, routerDir), outDir);
  return outDir;
}
