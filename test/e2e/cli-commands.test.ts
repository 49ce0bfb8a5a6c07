import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { freePort, VROUTER_BIN } from '../src/child.js';
import { type CliResult, cliFor, runCli } from '../src/cli-run.js';
import { cloudEvent, seedSvc, type Stack, startStack, TOKEN } from '../src/stack.js';

/** The README's exit-code table: exit code by meaning (`usage`, `not found`, ...), and the CLI's own code by exit. */
function readmeTable(): { exit: Map<string, number>; cliCode: Map<number, string> } {
  const text = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = text.slice(text.indexOf('\n### Exit codes\n'));
  const exit = new Map<string, number>();
  const cliCode = new Map<number, string>();
  for (const line of section.split('\n').slice(2)) {
    if (!line.startsWith('|')) {
      if (exit.size > 0) break;
      continue;
    }
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    const code = /^`(\d+)`$/.exec(cells[0]!);
    if (!code) continue;
    exit.set(cells[1]!.split(/[:,(]/)[0]!.trim(), Number(code[1]));
    const own = /`(VR_CLI_\w+)`/.exec(cells[3] ?? '');
    if (own) cliCode.set(Number(code[1]), own[1]!);
  }
  return { exit, cliCode };
}

const table = readmeTable();
const exitFor = (meaning: string): number => {
  const code = table.exit.get(meaning);
  assert.ok(code !== undefined, `the README's table has a row "${meaning}"`);
  return code;
};

function exits(result: CliResult, code: number): CliResult {
  assert.equal(result.code, code, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}
const ok = (result: CliResult) => exits(result, 0);
const json = <T>(result: CliResult): T => JSON.parse(ok(result).stdout) as T;

interface ErrorDocument {
  error: { code: string; status: number | null; message: string; field?: string; exit: number };
}

/** Runs `vrouter <args>` with stdin from `input`. */
function withStdin(args: string[], env: Record<string, string>, input: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VROUTER_BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

t.test('the vrouter CLI against a running router: exit codes and --json errors, as the README says', async (t) => {
  let stack: Stack;
  let vrouter: (...args: string[]) => Promise<CliResult>;

  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
    vrouter = cliFor(stack.url, TOKEN);
  });
  t.teardown(() => stack.close());

  /** Each scenario: the README's meaning, the command line, and the error code --json must name. */
  const scenarios: {
    meaning: string;
    args: string[];
    code: string | ((exit: number) => string);
    status?: number | null;
    field?: string;
    env?: 'wrong-token' | 'nothing-listens';
  }[] = [
    { meaning: 'usage', args: [], code: (exit) => table.cliCode.get(exit)! },
    { meaning: 'usage', args: ['nosuch'], code: (exit) => table.cliCode.get(exit)! },
    { meaning: 'usage', args: ['pins', 'list', '--bogus'], code: (exit) => table.cliCode.get(exit)! },
    { meaning: 'usage', args: ['pins', 'set', 'customer', 'acme'], code: (exit) => table.cliCode.get(exit)! },
    { meaning: 'usage', args: ['events', 'send', '--customer', 'acme'], code: (exit) => table.cliCode.get(exit)! },
    { meaning: 'usage', args: ['events', 'send', '--type', 'build.x', '--data', '{not json'], code: (exit) => table.cliCode.get(exit)! },
    { meaning: 'not found', args: ['versions', 'list', 'nosuch'], code: 'VR_NOT_FOUND', status: 404 },
    { meaning: 'not found', args: ['components', 'get', 'nosuch'], code: 'VR_NOT_FOUND', status: 404 },
    { meaning: 'not found', args: ['components', 'remove', 'nosuch'], code: 'VR_NOT_FOUND', status: 404 },
    { meaning: 'not found', args: ['events', 'get', '/nowhere', 'nothing'], code: 'VR_NOT_FOUND', status: 404 },
    { meaning: 'not found', args: ['pins', 'set', 'customer', 'acme', 'nosuch', '--channel', 'beta'], code: 'VR_COMPONENT_UNKNOWN', status: 422, field: 'component' },
    { meaning: 'not found', args: ['resolve', 'nosuch', '--customer', 'acme'], code: 'VR_COMPONENT_UNKNOWN', status: 422, field: 'component' },
    { meaning: 'not found', args: ['shadow', 'set', 'nosuch', 'v1', '--percent', '5'], code: 'VR_NOT_FOUND', status: 404 },
    { meaning: 'not found', args: ['replay', '--since', '15m', '--component', 'nosuch', '--dry-run'], code: 'VR_COMPONENT_UNKNOWN', status: 422, field: 'filter.component' },
    {
      meaning: 'not found',
      args: ['events', 'send', '--type', 'build.x', '--customer', 'acme', '--component', 'nosuch'],
      code: 'VR_COMPONENT_UNKNOWN',
      status: 422,
      field: 'component',
    },
    { meaning: 'not found', args: ['shadow', 'compare', 'nosuch'], code: 'VR_NOT_FOUND', status: 404 },
    { meaning: 'not found', args: ['shadow', 'unset', 'nosuch'], code: 'VR_NOT_FOUND', status: 404 },
    { meaning: 'not found', args: ['pins', 'unset', 'customer', 'acme', 'nosuch'], code: 'VR_NOT_FOUND', status: 404 },
    { meaning: 'not found', args: ['versions', 'register', 'nosuch', 'v1', '--http', 'https://example.com/hook'], code: 'VR_NOT_FOUND', status: 404 },
    { meaning: 'not found', args: ['channels', 'set', 'nosuch', 'beta', 'v1'], code: 'VR_NOT_FOUND', status: 404 },
    { meaning: 'not found', args: ['replay', 'status', 'rp_nope'], code: 'VR_NOT_FOUND', status: 404 },
    { meaning: 'conflict or precondition failed', args: ['versions', 'remove', 'svc', 'v1'], code: 'VR_CONFLICT', status: 409 },
    { meaning: 'conflict or precondition failed', args: ['components', 'remove', 'svc'], code: 'VR_CONFLICT', status: 409 },
    { meaning: 'not authorised', args: ['pins', 'list'], code: 'VR_UNAUTHORIZED', status: 401, env: 'wrong-token' },
    { meaning: 'invalid input', args: ['pins', 'set', 'customer', 'acme', 'svc', '--version', 'v99'], code: 'VR_PIN_VERSION_UNKNOWN', status: 422, field: 'version' },
    { meaning: 'cannot connect', args: ['components', 'list'], code: (exit) => table.cliCode.get(exit)!, env: 'nothing-listens' },
  ];

  for (const s of scenarios) {
    t.test(`${s.meaning}: vrouter ${s.args.join(' ') || '(nothing)'}; with --json, one JSON error document on stderr`, async () => {
      const url = s.env === 'nothing-listens' ? `http://127.0.0.1:${await freePort()}` : stack.url;
      const token = s.env === 'wrong-token' ? 'wrong-token-0123456789abcdef' : TOKEN;
      const expected = exitFor(s.meaning);
      const plain = exits(await runCli(s.args, { VROUTER_URL: url, VROUTER_TOKEN: token }), expected);
      assert.match(plain.stderr, /vrouter: /);
      const result = exits(await runCli(['--json', ...s.args], { VROUTER_URL: url, VROUTER_TOKEN: token }), expected);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, `one line: ${result.stderr}`);
      const doc = JSON.parse(result.stderr) as ErrorDocument;
      const code = typeof s.code === 'function' ? s.code(expected) : s.code;
      assert.equal(doc.error.code, code);
      assert.equal(doc.error.status, s.status ?? null);
      assert.equal(doc.error.exit, expected);
      assert.equal(doc.error.field, s.field);
      assert.ok(doc.error.message.length > 0);
      assert.doesNotMatch(result.stderr, /wrong-token/);
    });
  }

  t.test('--json after the command gives the same error document', async () => {
    const result = exits(await vrouter('versions', 'list', 'nosuch', '--json'), exitFor('not found'));
    assert.deepEqual(JSON.parse(result.stderr), { error: { code: 'VR_NOT_FOUND', status: 404, message: 'Component nosuch does not exist.', exit: exitFor('not found') } });
  });

  t.test('--version prints the version; --help names the global options', async () => {
    assert.match(ok(await runCli(['--version'])).stdout, /^\d+\.\d+\.\d+\n$/);
    const help = ok(await runCli(['--help'])).stdout;
    assert.match(help, /Global options:/);
    for (const option of ['--url <url>', '--token <token>', '--json']) assert.ok(help.includes(option), `help lists ${option}`);
    assert.match(help, /VROUTER_URL/);
  });

  t.test('global options before the command: vrouter --url ... --token ... --json pins list', async () => {
    const answer = JSON.parse(ok(await runCli(['--url', stack.url, '--token', TOKEN, '--json', 'pins', 'list'])).stdout) as { pins: unknown[] };
    assert.deepEqual(answer.pins, []);
  });
});

t.test('the new vrouter commands against a running router', async (t) => {
  let stack: Stack;
  let vrouter: (...args: string[]) => Promise<CliResult>;
  let dir: string;

  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
    vrouter = cliFor(stack.url, TOKEN);
    dir = mkdtempSync(join(tmpdir(), 'vrouter-cli-'));
  });
  t.teardown(async () => {
    rmSync(dir, { recursive: true, force: true });
    await stack.close();
  });

  t.test('components get shows one component with its channels and versions', async () => {
    const lines = ok(await vrouter('components', 'get', 'svc'))
      .stdout.trimEnd()
      .split('\n');
    assert.equal(lines[0], 'component    svc');
    assert.match(lines[2]!, /^subscribes\s+build\.\*$/);
    assert.match(lines[3]!, /^channels\s+stable v1, beta v2, experimental v3$/);
    assert.match(lines.find((l) => l.startsWith('VERSION'))!, /^VERSION\s+TARGET\s+CHANNELS\s+REGISTERED$/);
    assert.match(lines.find((l) => l.startsWith('v2'))!, /^v2\s+lambda svc:2\s+beta\s+\d{4}-/);
    assert.equal(json<{ name: string }>(await vrouter('components', 'get', 'svc', '--json')).name, 'svc');
  });

  t.test('components remove: refused while versions or pins exist (naming them), then removed and audited', async () => {
    ok(await vrouter('components', 'set', 'scratch', '--subscribe', 'scratch.*'));
    ok(await vrouter('versions', 'register', 'scratch', 'v1', '--http', 'https://example.com/hook'));
    ok(await vrouter('pins', 'set', 'customer', 'acme', 'scratch', '--version', 'v1'));
    const refused = exits(await vrouter('components', 'remove', 'scratch', '--json'), 4);
    const doc = JSON.parse(refused.stderr) as { error: { code: string; details: { versions: string[]; pins: unknown[] } } };
    assert.equal(doc.error.code, 'VR_CONFLICT');
    assert.deepEqual(doc.error.details, { versions: ['v1'], pins: [{ scope: 'customer', subject: 'acme' }] });
    ok(await vrouter('pins', 'unset', 'customer', 'acme', 'scratch'));
    exits(await vrouter('components', 'remove', 'scratch'), 4);
    ok(await vrouter('versions', 'remove', 'scratch', 'v1'));
    assert.equal(ok(await vrouter('components', 'remove', 'scratch', '--reason', 'experiment over')).stdout, 'removed component scratch\n');
    exits(await vrouter('components', 'get', 'scratch'), 3);
    assert.deepEqual(
      json<{ components: { name: string }[] }>(await vrouter('components', 'list', '--json')).components.map((c) => c.name),
      ['svc'],
    );
    const audit = json<{ entries: { action: string; component: string; reason?: string; after: unknown }[] }>(await vrouter('audit', '--component', 'scratch', '--json'));
    const removed = audit.entries.find((e) => e.action === 'component.delete');
    assert.deepEqual([removed?.reason, removed?.after], ['experiment over', null]);
  });

  t.test('customers list and projects list', async () => {
    assert.equal(ok(await vrouter('customers', 'list')).stdout, 'no customers\n');
    assert.equal(ok(await vrouter('projects', 'list')).stdout, 'no projects\n');
    ok(await vrouter('customers', 'set', 'globex', '--plan', 'free'));
    ok(await vrouter('customers', 'set', 'acme', '--plan', 'pro'));
    ok(await vrouter('projects', 'set', 'web', '--customer', 'acme'));
    assert.equal(ok(await vrouter('customers', 'list')).stdout, 'CUSTOMER  PLAN\nacme      pro\nglobex    free\n');
    assert.equal(ok(await vrouter('projects', 'list')).stdout, 'PROJECT  CUSTOMER\nweb      acme\n');
    const customers = json<{ customers: { id: string; plan: string }[] }>(await vrouter('customers', 'list', '--json')).customers;
    assert.deepEqual(
      customers.map(({ id, plan }) => ({ id, plan })),
      [
        { id: 'acme', plan: 'pro' },
        { id: 'globex', plan: 'free' },
      ],
    );
    assert.deepEqual(
      json<{ projects: { id: string; customer: string }[] }>(await vrouter('projects', 'list', '--json')).projects.map(({ id, customer }) => ({ id, customer })),
      [{ id: 'web', customer: 'acme' }],
    );
  });

  t.test('events send from flags with --wait prints the outcome per component; events get shows it', async () => {
    const sent = ok(await vrouter('events', 'send', '--type', 'build.finished', '--source', '/cli-test', '--id', 'e-1', '--customer', 'acme', '--data', '{"n":1}', '--wait'));
    const [header, row, ...rest] = sent.stdout.trimEnd().split('\n');
    assert.match(header!, /^SOURCE\s+ID\s+RESULT\s+COMPONENT\s+VERSION\s+VIA\s+DISPATCH\s+ERROR$/);
    assert.match(row!, /^\/cli-test\s+e-1\s+accepted\s+svc\s+v1\s+stable\s+succeeded\s+-$/);
    assert.deepEqual(rest, []);

    const got = ok(await vrouter('events', 'get', '/cli-test', 'e-1'))
      .stdout.trimEnd()
      .split('\n');
    assert.match(got[0]!, /^event \/cli-test e-1 \(build\.finished\), received \d{4}-/);
    assert.match(got[1]!, /^customer acme, project -, plan \S+; components svc$/);
    assert.match(got.find((l) => l.startsWith('dispatch'))!, /^dispatch\s+svc\s+v1\s+stable\s+succeeded\s+1\s+\d{4}-.*\s+-$/);
    const details = json<{ event: { data: unknown; customerid: string }; dispatches: { status: string }[] }>(await vrouter('events', 'get', '/cli-test', 'e-1', '--json'));
    assert.deepEqual(details.event.data, { n: 1 });
    assert.equal(details.event.customerid, 'acme');

    const again = json<{ results: { status: string }[] }>(
      await vrouter('events', 'send', '--type', 'build.finished', '--source', '/cli-test', '--id', 'e-1', '--customer', 'acme', '--json'),
    );
    assert.equal(again.results[0]!.status, 'duplicate');
  });

  t.test('events send without --id makes a fresh one each time', async () => {
    const first = json<{ results: { id: string }[] }>(await vrouter('events', 'send', '--type', 'build.started', '--customer', 'acme', '--json'));
    const second = json<{ results: { id: string }[] }>(await vrouter('events', 'send', '--type', 'build.started', '--customer', 'acme', '--json'));
    assert.notEqual(first.results[0]!.id, second.results[0]!.id);
  });

  t.test('events send --file sends the event as written; a batch answers per event and exits 6 when one is rejected', async () => {
    const one = join(dir, 'one.json');
    writeFileSync(one, JSON.stringify(cloudEvent({ id: 'f-1', customerid: 'acme' })));
    assert.match(ok(await vrouter('events', 'send', '--file', one)).stdout, /\sf-1\s+accepted\s+svc\s/);

    const batch = join(dir, 'batch.json');
    writeFileSync(batch, JSON.stringify([cloudEvent({ id: 'b-1', customerid: 'acme' }), { specversion: '1.0', id: 'b-2', source: '/x' }]));
    const result = exits(await vrouter('events', 'send', '--file', batch), 6);
    assert.match(result.stdout, /\sb-1\s+accepted\s/);
    assert.match(result.stdout, /^-\s+-\s+rejected\s.*VR_EVENT_INVALID: CloudEvent attribute type/m);
    assert.match(result.stderr, /rejected 1 of 2 events/);

    exits(await vrouter('events', 'send', '--file', one, '--type', 'build.x'), 2);
    exits(await vrouter('events', 'send', '--file', join(dir, 'missing.json')), 2);
    writeFileSync(join(dir, 'bad.json'), '[1, 2]');
    exits(await vrouter('events', 'send', '--file', join(dir, 'bad.json')), 2);
  });

  t.test('events send --file - reads the event from stdin', async () => {
    const result = await withStdin(
      ['events', 'send', '--file', '-', '--json'],
      { VROUTER_URL: stack.url, VROUTER_TOKEN: TOKEN },
      JSON.stringify(cloudEvent({ id: 's-1', customerid: 'acme' })),
    );
    const answer = JSON.parse(ok(result).stdout) as { results: { id: string; status: string }[] };
    assert.deepEqual([answer.results[0]!.id, answer.results[0]!.status], ['s-1', 'accepted']);
  });

  t.test('audit prints one readable row per change: before → after', async () => {
    ok(await vrouter('channels', 'set', 'svc', 'beta', 'v3', '--reason', 'try v3'));
    ok(await vrouter('pins', 'set', 'customer', 'acme', 'svc', '--channel', 'beta'));
    ok(await vrouter('pins', 'unset', 'customer', 'acme', 'svc'));
    ok(await vrouter('versions', 'register', 'svc', 'v4', '--lambda', 'svc:3', '--async'));
    const { stdout } = ok(await vrouter('audit', '--component', 'svc'));
    const [header, ...rows] = stdout.trimEnd().split('\n');
    assert.match(header!, /^TIME\s+ACTOR\s+ACTION\s+COMPONENT\s+CHANGE\s+REASON$/);
    const change = (action: string) => rows.filter((r) => r.includes(` ${action} `)).map((r) => r.replace(/\s{2,}/g, '|'));
    assert.match(change('version.put')[0]!, /\|version v4: \(none\) → lambda svc:3 \(async\)\|-$/);
    assert.match(change('pin.delete')[0]!, /\|pin customer\/acme: channel beta → \(deleted\)\|-$/);
    assert.match(change('pin.set')[0]!, /\|pin customer\/acme: \(none\) → channel beta\|-$/);
    assert.match(change('channel.set')[0]!, /\|channel beta: v2 → v3\|try v3$/);
    assert.ok(change('channel.set').length >= 1 && rows.every((r) => !r.includes('{"')), 'no JSON in the table');
  });
});
