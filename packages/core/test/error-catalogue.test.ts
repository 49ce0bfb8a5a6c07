import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOGUE, ERROR_CODES, type ErrorCode, STATUS_BY_CODE, VrouterError } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const codes = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

interface DocumentedCode {
  status: number;
  surface: string;
  meaning: string;
  action: string;
}

/** The rows of the table in docs/errors.md, by code. */
function documented(): Map<string, DocumentedCode> {
  const rows = new Map<string, DocumentedCode>();
  for (const line of readFileSync(join(ROOT, 'docs/errors.md'), 'utf8').split('\n')) {
    const match = /^\| `(VR_[A-Z_]+)` \| (\d{3}) \| (\w+) \| (.+?) \| (.+?) \|$/.exec(line);
    if (match) rows.set(match[1]!, { status: Number(match[2]), surface: match[3]!, meaning: match[4]!, action: match[5]! });
  }
  return rows;
}

/** Every `src/` file of every workspace package, without build output or dependencies. */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path);
    }
  };
  for (const group of ['packages', 'services']) {
    for (const pkg of readdirSync(join(ROOT, group), { withFileTypes: true })) {
      if (!pkg.isDirectory()) continue;
      const src = join(ROOT, group, pkg.name, 'src');
      try {
        walk(src);
      } catch {
        // A workspace without src/ (e.g. infrastructure only) has no codes to check.
      }
    }
  }
  return files;
}

t.test('error catalogue', async (t) => {
  t.test('gives every code a VR_ name, a 4xx or 5xx status, a one-sentence meaning and a surface', async () => {
    for (const [code, definition] of Object.entries(ERROR_CATALOGUE)) {
      assert.match(code, /^VR_[A-Z_]+$/);
      assert.ok(definition.status >= 400 && definition.status < 600, `${code}: status ${definition.status}`);
      assert.ok(definition.meaning.length > 10 && definition.meaning.endsWith('.'), `${code}: meaning is a sentence`);
      assert.ok(['http', 'dispatch', 'client'].includes(definition.surface), `${code}: surface`);
    }
  });

  t.test('derives the meanings and the status mapping from the one table', async () => {
    assert.deepEqual(Object.keys(ERROR_CODES).sort(), [...codes].sort());
    assert.deepEqual(Object.keys(STATUS_BY_CODE).sort(), [...codes].sort());
    for (const code of codes) {
      assert.equal(ERROR_CODES[code], ERROR_CATALOGUE[code].meaning);
      assert.equal(STATUS_BY_CODE[code], ERROR_CATALOGUE[code].status);
    }
  });

  t.test('uses the meaning as the default message', async () => {
    for (const code of codes) assert.equal(new VrouterError(code).message, ERROR_CATALOGUE[code].meaning);
  });

  t.test('documents every code in docs/errors.md with its status, surface, meaning and what to do', async () => {
    const docs = documented();
    const problems: string[] = [];
    for (const code of codes) {
      const row = docs.get(code);
      if (!row) {
        problems.push(`${code} is not documented`);
        continue;
      }
      const definition = ERROR_CATALOGUE[code];
      if (row.status !== definition.status) problems.push(`${code}: documented status ${row.status}, catalogue ${definition.status}`);
      if (row.surface !== definition.surface) problems.push(`${code}: documented surface ${row.surface}, catalogue ${definition.surface}`);
      if (row.meaning !== definition.meaning) problems.push(`${code}: documented meaning differs from the catalogue`);
      if (row.action.trim().length < 10) problems.push(`${code}: no "what to do"`);
    }
    assert.deepEqual(problems, []);
  });

  t.test('documents no code that no longer exists', async () => {
    const stale = [...documented().keys()].filter((code) => !(code in ERROR_CATALOGUE));
    assert.deepEqual(stale, []);
  });

  t.test('knows every VR_ code literal used in the sources', async () => {
    const unknown: string[] = [];
    const files = sourceFiles();
    assert.ok(files.length > 50, `found ${files.length} source files`);
    for (const file of files) {
      for (const [, code] of readFileSync(file, 'utf8').matchAll(/['"`](VR_[A-Z0-9_]+)['"`]/g)) {
        if (!(code! in ERROR_CATALOGUE)) unknown.push(`${file.slice(ROOT.length)}: ${code}`);
      }
    }
    assert.deepEqual(unknown, []);
  });
});
