import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type RouterProcess, startRouterProcess } from '../src/child.js';
import { apiClient, eventually } from '../src/stack.js';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The first ```sh block after the heading `heading` in README.md, as written there. */
function block(readme: string, heading: string): string {
  const at = readme.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `README.md has a "${heading}" section`);
  const match = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(match, `"${heading}" has a sh block`);
  return match[1]!;
}

/** The JSON documents curl printed one after another, without separators. */
function jsonDocuments(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

t.test("the README's tour and incident story, as written, against vrouter dev (npm start)", async (t) => {
  let dataDir: string;
  let dev: RouterProcess;
  let token: string;
  let readme: string;
  /** Runs a README block in bash from the repository root, where `npx vrouter` is the workspace's CLI. */
  const bash = async (script: string) => {
    // The only edits: the URL the test's router listens on, and the token it printed, where a reader pastes theirs.
    const pasted = script.replaceAll('http://127.0.0.1:3000', dev.url).replaceAll('<printed token>', token);
    const exported = `set -euo pipefail\nexport VROUTER_URL=${dev.url} VROUTER_TOKEN=${token}\n${pasted}`;
    const { stdout } = await run('bash', ['-c', exported], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' }, maxBuffer: 4 << 20 });
    return stdout;
  };

  t.before(async () => {
    readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    dataDir = await mkdtemp(join(tmpdir(), 'vrouter-readme-'));
    dev = await startRouterProcess(['dev'], { VROUTER_DATA_DIR: dataDir }, 60_000);
    await eventually(async () => (dev.output().includes('Ctrl-C') ? true : undefined), 10_000);
    token = /VROUTER_TOKEN=(\S+)/.exec(dev.output())![1]!;
  });
  t.teardown(async () => {
    await dev?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  t.test('the five-minute tour routes acme and globex differently, and moves acme', async () => {
    const out = await bash(block(readme, '## Five-minute tour'));
    const answers = jsonDocuments(out);
    assert.equal(answers.length, 6, out);
    const [acme, globex, posted, again, lookup, pinned] = answers as [
      { version: string },
      { version: string },
      { results: { dispatches: { version: string; status: string }[] }[] },
      { results: { status: string }[] },
      { dispatches: { status: string }[] },
      { channel: string },
    ];
    assert.equal(acme.version, 'v1');
    assert.equal(globex.version, 'v2');
    assert.deepEqual(
      posted.results[0]!.dispatches.map((d) => [d.version, d.status]),
      [['v2', 'succeeded']],
    );
    assert.equal(again.results[0]!.status, 'duplicate');
    assert.equal(lookup.dispatches[0]!.status, 'succeeded');
    assert.equal(pinned.channel, 'experimental');
  });

  t.test('the incident: v2 fails globex, pin to v4, replay, all green', async () => {
    const out = await bash(block(readme, '### An incident, end to end'));
    const api = apiClient(dev.url, token);
    type Rows = { items: { id: string; version: string; status: string; lastError: unknown; history: { version: string; status: string }[] }[] };
    const since = new Date(Date.now() - 15 * 60_000).toISOString();
    const rows = (await api<Rows>('GET', `/v1/events?from=${since}&component=release-coordinator&customer=globex&limit=100`)).body.items.filter((r) => r.history.length > 1);
    assert.equal(rows.length, 3, out);
    for (const row of rows) {
      assert.deepEqual([row.version, row.status, row.lastError], ['v4', 'succeeded', null]);
      assert.deepEqual(
        row.history.map((h) => [h.version, h.status]),
        [
          ['v2', 'failed'],
          ['v4', 'succeeded'],
        ],
      );
    }
    const failed = await api<Rows>('GET', `/v1/events?from=${since}&component=release-coordinator&customer=globex&status=failed`);
    assert.deepEqual(failed.body.items, []);
    // What the reader sees: the failures first, then the same events on v4 with v2's failure in their history.
    assert.match(out, /dispatched 3, succeeded 3, failed 0, remaining 0/);
    assert.equal((out.match(/ v4 +succeeded .*v2 failed → v4 succeeded\n/g) ?? []).length, 3, out);
    assert.match(out, /no events from \S+ to \S+\s*$/, 'nothing is failed any more');
    // Not on a terminal, dev mode logs JSON: each of v2's failures once, with component, version, event id and error.
    type Line = { level: number; eventId?: string; component?: string; version?: string; error?: { code: string }; msg: string };
    const lines = dev
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => /^dispatch of event .* failed after/.test(l.msg));
    assert.deepEqual(
      lines.map((l) => [l.level, l.component, l.version, l.error?.code]),
      Array.from({ length: 3 }, () => [40, 'release-coordinator', 'v2', 'FunctionError:Error']),
    );
    assert.deepEqual(lines.map((l) => l.eventId).sort(), rows.map((r) => r.id).sort());
  });

  t.test('the replay and shadow sections name versions dev mode has', async () => {
    const replaying = readme.slice(readme.indexOf('## Replaying events onto a fix'), readme.indexOf('## Delivery guarantees'));
    const named = new Set([...replaying.matchAll(/\bv(\d+)\b/g)].map((m) => `v${m[1]}`));
    assert.ok(named.size > 0);
    for (const version of named) assert.ok(['v1', 'v2', 'v3', 'v4'].includes(version), `${version} is not a dev-mode version`);
  });
});
