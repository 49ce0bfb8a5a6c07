import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { freePort } from '../src/child.js';
import { type CliResult, cliFor, runCli } from '../src/cli-run.js';
import { seedSvc, type Stack, startStack, TOKEN } from '../src/stack.js';

/** Asserts the exit code, showing the output when it differs. */
function exits(result: CliResult, code: number): CliResult {
  assert.equal(result.code, code, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

const ok = (result: CliResult) => exits(result, 0);
const json = <T>(result: CliResult): T => JSON.parse(ok(result).stdout) as T;

t.test('the vrouter admin CLI against a running router', async (t) => {
  let stack: Stack;
  let vrouter: (...args: string[]) => Promise<CliResult>;

  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
    await stack.api('PUT', '/v1/customers/acme', { plan: 'pro' });
    vrouter = cliFor(stack.url, TOKEN);
  });
  t.teardown(() => stack.close());

  t.test('components list: a table and, with --json, the raw answer', async () => {
    const { stdout } = ok(await vrouter('components', 'list'));
    const [header, ...rows] = stdout.trimEnd().split('\n');
    assert.match(header!, /^NAME\s+SUBSCRIPTIONS\s+STABLE\s+BETA\s+EXPERIMENTAL\s+VERSIONS\s+DESCRIPTION$/);
    assert.deepEqual(rows, [`svc   build.*        v1      v2    v3            3         -`]);
    const answer = json<{ components: { name: string; versions: unknown[] }[] }>(await vrouter('components', 'list', '--json'));
    assert.deepEqual(
      answer.components.map((c) => [c.name, c.versions.length]),
      [['svc', 3]],
    );
  });

  t.test('components set registers a component with its subscriptions', async () => {
    ok(await vrouter('components', 'set', 'notifier', '--subscribe', 'deploy.*', '--subscribe', 'build.failed', '--description', 'Sends mail'));
    const { body } = await stack.api<{ subscriptions: string[]; description: string }>('GET', '/v1/components/notifier');
    assert.deepEqual(body.subscriptions, ['deploy.*', 'build.failed']);
    assert.equal(body.description, 'Sends mail');
    assert.match(ok(await vrouter('components', 'list')).stdout, /^notifier\s+deploy\.\*,build\.failed\s+-\s+-\s+-\s+0\s+Sends mail$/m);
  });

  t.test('pins set, list (table and --json) and unset', async () => {
    assert.equal(ok(await vrouter('pins', 'set', 'customer', 'acme', 'svc', '--channel', 'beta', '--reason', 'canary')).stdout, 'pinned customer acme to channel beta of svc\n');

    const { stdout } = ok(await vrouter('pins', 'list'));
    const [header, row, ...rest] = stdout.trimEnd().split('\n');
    assert.equal(header, 'SCOPE     SUBJECT  COMPONENT  TARGET        EXPIRES  REASON');
    assert.equal(row, 'customer  acme     svc        channel beta  -        canary');
    assert.deepEqual(rest, []);

    const listed = json<{ pins: { scope: string; subject: string; component: string; channel: string }[] }>(
      await vrouter('pins', 'list', '--scope', 'customer', '--component', 'svc', '--json'),
    );
    assert.deepEqual(
      listed.pins.map(({ scope, subject, component, channel }) => ({ scope, subject, component, channel })),
      [{ scope: 'customer', subject: 'acme', component: 'svc', channel: 'beta' }],
    );
    assert.deepEqual(json<{ pins: unknown[] }>(await vrouter('pins', 'list', '--subject', 'globex', '--json')).pins, []);

    assert.equal(ok(await vrouter('pins', 'unset', 'customer', 'acme', 'svc')).stdout, 'unpinned customer acme from svc\n');
    assert.equal(ok(await vrouter('pins', 'list')).stdout, 'no pins\n');
    assert.match(exits(await vrouter('pins', 'unset', 'customer', 'acme', 'svc'), 3).stderr, /\[VR_NOT_FOUND\]/);
  });

  t.test('pins set --expires 2h pins until about two hours from now', async () => {
    const started = Date.now();
    try {
      const pin = json<{ version: string; expiresAt: string }>(await vrouter('pins', 'set', 'plan', 'free', 'svc', '--version', 'v2', '--expires', '2h', '--json'));
      const ahead = Date.parse(pin.expiresAt) - started;
      const twoHours = 2 * 3_600_000;
      assert.equal(pin.version, 'v2');
      assert.ok(ahead >= twoHours && ahead < twoHours + 60_000, `expiresAt ${pin.expiresAt} is ${ahead} ms ahead`);
      const row = `plan   free     svc        version v2  ${pin.expiresAt}  -`;
      assert.equal(ok(await vrouter('pins', 'list', '--scope', 'plan')).stdout.split('\n')[1], row);
    } finally {
      await stack.api('DELETE', '/v1/pins/plan/free/svc');
    }
  });

  t.test('versions register (lambda), list and remove; remove is refused while a channel uses the version', async () => {
    assert.equal(ok(await vrouter('versions', 'register', 'svc', 'v4', '--lambda', 'svc:3', '--async')).stdout, 'registered svc v4: lambda svc:3 (async)\n');
    const { body } = await stack.api<{ versions: { name: string; target: unknown }[] }>('GET', '/v1/components/svc');
    assert.deepEqual(body.versions.find((v) => v.name === 'v4')?.target, { kind: 'lambda', functionName: 'svc', qualifier: '3', invocationType: 'Event' });

    const { stdout } = ok(await vrouter('versions', 'list', 'svc'));
    assert.match(stdout, /^VERSION\s+TARGET\s+CHANNELS\s+REGISTERED$/m);
    assert.match(stdout, /^v1\s+lambda svc:1\s+stable\s+\d{4}-\d{2}-\d{2}T/m);
    assert.match(stdout, /^v4\s+lambda svc:3 \(async\)\s+-\s+\d{4}-\d{2}-\d{2}T/m);

    const refused = exits(await vrouter('versions', 'remove', 'svc', 'v1'), 4);
    assert.match(refused.stderr, /^vrouter: Version v1 is in use by 1 channel\(s\) and 0 live pin\(s\)[^\n]*\[VR_CONFLICT\]\n$/);
    assert.equal(refused.stdout, '');

    assert.equal(ok(await vrouter('versions', 'remove', 'svc', 'v4')).stdout, 'removed svc v4\n');
    const after = json<{ versions: { name: string }[] }>(await vrouter('versions', 'list', 'svc', '--json'));
    assert.deepEqual(
      after.versions.map((v) => v.name),
      ['v1', 'v2', 'v3'],
    );
  });

  t.test('channels show, set, promote and rollback', async () => {
    const shown = ok(await vrouter('channels', 'show', 'svc')).stdout;
    assert.equal(
      shown,
      ['CHANNEL       VERSION  TARGET', 'stable        v1       lambda svc:1', 'beta          v2       lambda svc:2', 'experimental  v3       lambda svc:3', ''].join('\n'),
    );
    assert.equal(ok(await vrouter('channels', 'set', 'svc', 'beta', 'v3', '--reason', 'try v3')).stdout, 'svc beta → v3 (was v2)\n');
    assert.equal(ok(await vrouter('channels', 'promote', 'svc', 'experimental', '--from', 'stable')).stdout, 'svc experimental → v1 (was v3)\n');
    const rolledBack = json<{ channel: string; version: string; previousVersion: string }>(await vrouter('channels', 'rollback', 'svc', 'experimental', '--json'));
    assert.deepEqual([rolledBack.channel, rolledBack.version, rolledBack.previousVersion], ['experimental', 'v3', 'v1']);
    assert.deepEqual(json<{ channels: unknown }>(await vrouter('channels', 'show', 'svc', '--json')).channels, { stable: 'v1', beta: 'v3', experimental: 'v3' });
    ok(await vrouter('channels', 'set', 'svc', 'beta', 'v2'));
    exits(await vrouter('channels', 'promote', 'svc', 'stable'), 2); // --from is required
    exits(await vrouter('channels', 'promote', 'svc', 'stable', '--from', 'beta', '--force'), 2); // --force needs --reason
  });

  t.test('resolve prints the decision, naming the winning scope, and every scope considered', async () => {
    ok(await vrouter('projects', 'set', 'web', '--customer', 'acme'));
    ok(await vrouter('customers', 'set', 'globex', '--plan', 'free'));
    ok(await vrouter('pins', 'set', 'plan', 'pro', 'svc', '--channel', 'experimental'));
    ok(await vrouter('pins', 'set', 'customer', 'acme', 'svc', '--channel', 'beta'));
    try {
      const [decision, context, blank, header, ...steps] = ok(await vrouter('resolve', 'svc', '--project', 'web'))
        .stdout.trimEnd()
        .split('\n');
      assert.equal(decision, 'svc → v2 via customer pin acme (channel beta)');
      assert.match(context!, /^context: customer acme, project web, plan pro \(config revision \d+\)$/);
      assert.equal(blank, '');
      assert.match(header!, /^SCOPE\s+SUBJECT\s+OUTCOME\s+DETAIL$/);
      assert.equal(steps.length, 3);
      assert.match(steps[0]!, /^project\s+web\s+no-pin\s+No pin for project web\.$/);
      assert.match(steps[1]!, /^customer\s+acme\s+matched\s+Pinned to channel beta → v2\.$/);
      assert.match(steps[2]!, /^plan\s+pro\s+not-reached\s+A customer pin matched first\.$/);

      assert.match(ok(await vrouter('resolve', 'svc', '--customer', 'globex')).stdout, /^svc → v1 via default \(channel stable\)\n/);
      const answer = json<{ resolved: boolean; version: string; source: string }>(await vrouter('resolve', 'svc', '--customer', 'initech', '--plan', 'pro', '--json'));
      assert.deepEqual([answer.resolved, answer.version, answer.source], [true, 'v3', 'plan']);
    } finally {
      await stack.api('DELETE', '/v1/pins/plan/pro/svc');
      await stack.api('DELETE', '/v1/pins/customer/acme/svc');
    }
  });

  t.test('exit codes', async (t) => {
    t.test('3 when the component does not exist', async () => {
      const result = exits(await vrouter('versions', 'list', 'nosuch'), 3);
      assert.equal(result.stderr, 'vrouter: Component nosuch does not exist. [VR_NOT_FOUND]\n');
      exits(await vrouter('channels', 'show', 'nosuch'), 3);
    });

    t.test('5 for a wrong token, which is never printed', async () => {
      const wrong = 'wrong-token-0123456789abcdef';
      const result = exits(await runCli(['pins', 'list'], { VROUTER_URL: stack.url, VROUTER_TOKEN: wrong }), 5);
      assert.equal(result.stderr, 'vrouter: The bearer token is not valid. [VR_UNAUTHORIZED]\n');
      const help = ok(await runCli(['pins', 'list', '--help'], { VROUTER_URL: stack.url, VROUTER_TOKEN: wrong }));
      assert.doesNotMatch(help.stdout + help.stderr, new RegExp(wrong));
      const none = exits(await runCli(['pins', 'list', '--url', stack.url]), 5);
      assert.match(none.stderr, /\[VR_UNAUTHORIZED\] \(set VROUTER_TOKEN or pass --token\)\n$/);
    });

    t.test('6 for a pin to an unknown version (422), with code and field', async () => {
      const result = exits(await vrouter('pins', 'set', 'customer', 'acme', 'svc', '--version', 'v99'), 6);
      assert.equal(result.stderr, 'vrouter: Version v99 of svc is not registered. [VR_PIN_VERSION_UNKNOWN, field version]\n');
    });

    t.test('7 when nothing listens', async () => {
      const port = await freePort();
      const result = exits(await runCli(['components', 'list'], { VROUTER_URL: `http://127.0.0.1:${port}`, VROUTER_TOKEN: TOKEN }), 7);
      assert.equal(result.stderr, `vrouter: cannot connect to http://127.0.0.1:${port}/v1/components: ECONNREFUSED\n`);
    });

    t.test("2 for usage errors, ours and commander's", async () => {
      const usage: string[][] = [
        ['pins', 'set', 'customer', 'acme', 'svc'], // neither --channel nor --version
        ['pins', 'set', 'customer', 'acme', 'svc', '--channel', 'beta', '--version', 'v1'],
        ['pins', 'set', 'customer', 'acme', 'svc', '--channel', 'beta', '--expires', '2 weeks'],
        ['pins', 'set', 'customer', 'acme'], // missing argument
        ['pins', 'set', 'galaxy', 'acme', 'svc', '--channel', 'beta'], // not a scope
        ['pins', 'list', '--bogus'],
        ['versions', 'register', 'svc', 'v9'], // no target
        ['versions', 'register', 'svc', 'v9', '--http', 'https://example.com', '--timeout-ms', 'soon'],
        ['components', 'list', '--url', 'not-a-url'],
        ['pins'], // a group without its subcommand
      ];
      for (const args of usage) {
        const result = await vrouter(...args);
        assert.equal(result.code, 2, `vrouter ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
        assert.notEqual(result.stderr, '', `vrouter ${args.join(' ')} explains itself`);
      }
      assert.deepEqual(json<{ pins: unknown[] }>(await vrouter('pins', 'list', '--json')).pins, [], 'no usage error reached the server');
    });
  });
});

/**
 * tokens and audit, against a stub that answers as API.md describes (the router does not serve these routes yet):
 * checks what the CLI sends and how it prints the answers.
 */
t.test('the vrouter tokens and audit commands against a stub of the contract', async (t) => {
  let server: Server;
  let vrouter: (...args: string[]) => Promise<CliResult>;
  const seen: { method: string; url: string; authorization: string | undefined; body: string }[] = [];
  const answers: Record<string, { status: number; body?: unknown }> = {
    'POST /v1/tokens': { status: 201, body: { name: 'ci', token: 'vr_secret_once' } },
    'GET /v1/tokens': { status: 200, body: { tokens: [{ name: 'ci', scopes: ['read', 'pins:write'], createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'admin' }] } },
    'DELETE /v1/tokens/ci': { status: 204 },
    'DELETE /v1/tokens/nobody': { status: 404, body: { status: 404, code: 'VR_NOT_FOUND', detail: 'Token nobody does not exist.' } },
    'GET /v1/audit': {
      status: 200,
      body: {
        entries: [
          {
            id: 'a1',
            at: '2026-01-01T00:00:00.000Z',
            actor: 'admin',
            action: 'pin.set',
            component: 'svc',
            subject: 'customer/acme',
            before: null,
            after: { channel: 'beta' },
            reason: 'canary',
          },
        ],
      },
    },
  };

  t.before(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        seen.push({ method: request.method!, url: request.url!, authorization: request.headers.authorization, body });
        const answer = answers[`${request.method} ${request.url!.split('?')[0]}`] ?? { status: 404, body: { code: 'VR_NOT_FOUND', detail: 'No route.' } };
        response.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': answer.status < 300 ? 'application/json' : 'application/problem+json' });
        response.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    vrouter = cliFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, TOKEN);
  });
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));

  t.test('tokens create sends the name and scopes and prints the token alone on stdout', async () => {
    seen.length = 0;
    const result = ok(await vrouter('tokens', 'create', 'ci', '--scopes', 'read, pins:write'));
    assert.equal(result.stdout, 'vr_secret_once\n');
    assert.match(result.stderr, /created token ci \(read, pins:write\); it is shown only this once/);
    assert.deepEqual(JSON.parse(seen[0]!.body), { name: 'ci', scopes: ['read', 'pins:write'] });
    assert.equal(seen[0]!.authorization, `Bearer ${TOKEN}`);
    exits(await vrouter('tokens', 'create', 'ci', '--scopes', ' , '), 2);
    exits(await vrouter('tokens', 'create', 'ci'), 2);
  });

  t.test('tokens list and revoke', async () => {
    assert.equal(ok(await vrouter('tokens', 'list')).stdout, 'NAME  SCOPES           CREATED                   BY\nci    read,pins:write  2026-01-01T00:00:00.000Z  admin\n');
    assert.equal(ok(await vrouter('tokens', 'revoke', 'ci')).stdout, 'revoked token ci\n');
    assert.equal(ok(await vrouter('tokens', 'revoke', 'ci', '--json')).stdout, '{}\n');
    assert.equal(exits(await vrouter('tokens', 'revoke', 'nobody'), 3).stderr, 'vrouter: Token nobody does not exist. [VR_NOT_FOUND]\n');
  });

  t.test('audit sends the filters, --since as an RFC 3339 time, and prints one row per change', async () => {
    seen.length = 0;
    const started = Date.now();
    const { stdout } = ok(await vrouter('audit', '--component', 'svc', '--subject', 'acme', '--since', '15m'));
    const query = new URL(seen[0]!.url, 'http://x').searchParams;
    assert.equal(query.get('component'), 'svc');
    assert.equal(query.get('subject'), 'acme');
    const since = Date.parse(query.get('since')!);
    assert.ok(Math.abs(started - 15 * 60_000 - since) < 10_000, `since ${query.get('since')}`);
    assert.equal(
      stdout,
      [
        'TIME                      ACTOR  ACTION   COMPONENT  CHANGE                                    REASON',
        '2026-01-01T00:00:00.000Z  admin  pin.set  svc        pin customer/acme: (none) → channel beta  canary',
        '',
      ].join('\n'),
    );
    exits(await vrouter('audit', '--since', 'last week'), 2);
  });
});
