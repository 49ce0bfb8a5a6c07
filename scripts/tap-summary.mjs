#!/usr/bin/env node
// Runs build, typecheck, lint and every workspace's tap suite through turbo with --continue (one failing package
// does not hide the others' results), then counts the tests from the TAP that tap saved per test file
// (<workspace>/.tap/test-results/**/*.tap) and ends with one line: "N passed, N failed, N skipped".
// A test is a leaf t.test (one that has no subtests of its own), the same unit node:test counted as an it().
// A test file that crashed or timed out outside any test counts as one failed test. Exits non-zero when anything
// failed, including a build, typecheck or lint task.
//
//   node scripts/tap-summary.mjs [extra turbo args]     (npm test runs it)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { workspaces = [] } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Workspace folders: the entries of package.json `workspaces`, with a trailing /* expanded one level. */
function workspaceDirs() {
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [path.join(root, pattern)];
    const parent = path.join(root, pattern.slice(0, -2));
    return existsSync(parent) ? readdirSync(parent).map((name) => path.join(parent, name)) : [];
  });
}

const resultDirs = workspaceDirs().map((dir) => path.join(dir, '.tap', 'test-results'));
// Stale results from an earlier run would be counted again.
for (const dir of resultDirs) rmSync(dir, { recursive: true, force: true });

const turbo = spawnSync('npx', ['turbo', 'run', 'build', 'typecheck', 'lint', 'test', '--continue', '--output-logs=full', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
const turboStatus = turbo.status ?? 1;

function tapFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? tapFiles(full) : name.endsWith('.tap') ? [full] : [];
  });
}

const RESULT = /^(\s*)(not ok|ok)\b(?:\s+\d+)?(?:\s+-\s+)?(.*)$/;
const SUBTEST = /^(\s*)# Subtest(?::\s*(.*))?$/;

/** Counts the leaf subtests of one file's TAP; a file whose own result is a failure without a failed leaf adds one. */
function count(text) {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const lines = text.split('\n');
  // Stack of open subtests by indent: each remembers whether it saw a child subtest.
  const open = [];
  let fileFailed = false;
  let sawPlan = false;
  for (const line of lines) {
    const sub = SUBTEST.exec(line);
    if (sub) {
      const indent = sub[1].length;
      if (open.length > 0) open[open.length - 1].hasChild = true;
      open.push({ indent, hasChild: false });
      continue;
    }
    if (/^1\.\.\d+/.test(line)) sawPlan = true;
    const result = RESULT.exec(line);
    if (!result) continue;
    const indent = result[1].length;
    const ok = result[2] === 'ok';
    const top = open[open.length - 1];
    if (top && top.indent === indent) {
      open.pop();
      if (!top.hasChild) {
        if (/#\s*(SKIP|TODO)\b/i.test(result[3])) totals.skipped += 1;
        else if (ok) totals.passed += 1;
        else totals.failed += 1;
      }
    }
    if (indent === 0 && !ok) fileFailed = true;
  }
  // Subtests still open: the file ended inside them (crash or timeout).
  if (open.length > 0 || !sawPlan) fileFailed = true;
  if (fileFailed && totals.failed === 0) totals.failed = 1;
  return totals;
}

const sum = { passed: 0, failed: 0, skipped: 0 };
let files = 0;
for (const dir of resultDirs) {
  for (const file of tapFiles(dir)) {
    files += 1;
    const c = count(readFileSync(file, 'utf8'));
    sum.passed += c.passed;
    sum.failed += c.failed;
    sum.skipped += c.skipped;
  }
}

if (turboStatus !== 0 && sum.failed === 0) {
  console.error('a build, typecheck or lint task failed (or a test runner did not start): see above');
  sum.failed = 1;
}
if (files === 0 && sum.failed === 0) {
  console.error('no test results were written: no test ran');
  sum.failed = 1;
}
console.log(`${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`);
process.exit(turboStatus !== 0 || sum.failed > 0 ? 1 : 0);
