import assert from 'node:assert/strict';
import t from 'tap';
import { ApiError, ConnectionError } from '@vrouter/client';
import { CommanderError } from 'commander';
import { CLI_ERROR_CODES, EXIT, errorDocument, exitCodeFor, UsageError } from '../src/commands/errors.js';
import { readmeExitCodes } from './support/readme.js';

const rows = readmeExitCodes();
const apiError = (status: number, code = 'VR_X', field?: string) => new ApiError(status, { code, detail: `status ${status}`, ...(field ? { field } : {}) }, 'fallback');

/** One status of a class such as `5xx` or `2xx`, and a few more. */
const expand = (status: string): number[] => (status.endsWith('xx') ? [0, 1, 2, 3].map((n) => Number(status[0]) * 100 + n) : [Number(status)]);

/** A failure the CLI raises itself, for each of its own codes. */
const CLI_FAILURES: Record<string, unknown> = {
  VR_CLI_USAGE: new UsageError('Give exactly one of --channel or --version.'),
  VR_CLI_CANNOT_CONNECT: new ConnectionError('http://127.0.0.1:9/v1/pins', new Error('boom')),
  VR_CLI_UNEXPECTED: new Error('boom'),
};

t.test("the README's exit-code table", async (t) => {
  t.test('lists exactly the exit codes the CLI uses, each once', async () => {
    assert.deepEqual(
      rows.map((r) => r.exit),
      [...new Set(Object.values(EXIT))].sort((a, b) => a - b),
    );
  });

  t.test('names every CLI error code, and only those', async () => {
    assert.deepEqual(rows.flatMap((r) => (r.cliCode ? [r.cliCode] : [])).sort(), Object.keys(CLI_ERROR_CODES).sort());
  });

  for (const row of rows) {
    for (const status of row.statuses.filter((s) => !s.startsWith('2'))) {
      for (const n of expand(status)) {
        t.test(`HTTP ${n} exits ${row.exit} (${row.meaning}), also as --json`, async () => {
          assert.equal(exitCodeFor(apiError(n)), row.exit);
          const doc = errorDocument(apiError(n, 'VR_SOMETHING', 'version'));
          assert.deepEqual(doc, { error: { code: 'VR_SOMETHING', status: n, message: `status ${n}`, field: 'version', exit: row.exit } });
        });
      }
    }
    for (const code of row.routerCodes) {
      t.test(`${code} exits ${row.exit} (${row.meaning}) whatever its status`, async () => {
        assert.equal(exitCodeFor(apiError(422, code)), row.exit);
        assert.equal(exitCodeFor(apiError(404, code)), row.exit);
      });
    }
    if (row.cliCode) {
      t.test(`${row.cliCode} exits ${row.exit} (${row.meaning}), with status null`, async () => {
        const failure = CLI_FAILURES[row.cliCode!];
        assert.ok(failure, `a failure for ${row.cliCode}`);
        assert.equal(exitCodeFor(failure), row.exit);
        assert.deepEqual({ ...errorDocument(failure).error, message: '' }, { code: row.cliCode, status: null, message: '', exit: row.exit });
      });
    }
  }

  t.test("commander's usage errors exit as usage; help and --version exit 0", async () => {
    const usage = rows.find((r) => r.cliCode === 'VR_CLI_USAGE')!;
    assert.equal(exitCodeFor(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--bogus'")), usage.exit);
    assert.equal(errorDocument(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--bogus'")).error.message, "unknown option '--bogus'");
    assert.equal(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)')), 0);
  });

  t.test('a refused configuration (dev, serve) exits as usage, saying so', async () => {
    const error = Object.assign(new Error('PORT must be an integer'), { name: 'ConfigError' });
    assert.equal(exitCodeFor(error), rows.find((r) => r.cliCode === 'VR_CLI_USAGE')!.exit);
    assert.equal(errorDocument(error).error.message, 'configuration error: PORT must be an integer');
  });

  t.test("--json carries a problem's other members as details", async () => {
    const problem = { type: 'urn:x', title: 't', status: 409, code: 'VR_CONFLICT', detail: 'in use', requestId: 'r1', channels: ['stable'], pins: [] };
    const error = new ApiError(409, problem, 'x');
    assert.deepEqual(errorDocument(error), { error: { code: 'VR_CONFLICT', status: 409, message: 'in use', details: { channels: ['stable'], pins: [] }, exit: EXIT.conflict } });
  });
});
