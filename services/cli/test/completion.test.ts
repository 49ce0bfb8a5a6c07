import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { program } from '../src/cli.js';
import { completionScript, SHELLS } from '../src/commands/completion.js';

const cli = program();
const topLevel = cli.commands.map((c) => c.name());
let dir: string;
let bashFile: string;

t.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'vrouter-completion-'));
  bashFile = join(dir, 'vrouter.bash');
  writeFileSync(bashFile, completionScript(cli, 'bash'));
});
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** What bash offers for the words typed so far (the last one is the word being completed), by running the script. */
function complete(...words: string[]): string[] {
  const line = ['vrouter', ...words];
  const script = `source ${JSON.stringify(bashFile)}
COMP_WORDS=(${line.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ')})
COMP_CWORD=${line.length - 1}
_vrouter
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter(Boolean).sort();
}

t.test('vrouter completion', async (t) => {
  t.test('bash: the script is valid bash (bash -n)', async () => {
    const result = spawnSync('bash', ['-n', bashFile], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });

  for (const shell of SHELLS) {
    t.test(`${shell}: names every top-level command and every subcommand`, async () => {
      const script = completionScript(cli, shell);
      for (const name of topLevel) assert.match(script, new RegExp(`\\b${name}\\b`), `${shell} script names ${name}`);
      for (const sub of ['create', 'list', 'set', 'unset', 'promote', 'rollback', 'register', 'remove', 'get', 'send', 'status', 'cancel', 'compare', 'revoke']) {
        assert.match(script, new RegExp(`\\b${sub}\\b`), `${shell} script names ${sub}`);
      }
    });
  }

  t.test('bash: completes the top-level commands and global options', async () => {
    assert.deepEqual(complete(''), [...topLevel, 'help'].sort());
    assert.deepEqual(complete('pi'), ['pins']);
    assert.deepEqual(complete('--j'), ['--json']);
  });

  t.test("bash: completes a group's subcommands, a command's options and their closed values", async () => {
    assert.deepEqual(complete('pins', ''), ['help', 'list', 'set', 'unset']);
    assert.deepEqual(complete('events', 's'), ['send']);
    assert.ok(complete('pins', 'list', '--').includes('--scope'));
    assert.ok(complete('pins', 'list', '--').includes('--url'));
    assert.deepEqual(complete('pins', 'list', '--scope', ''), ['customer', 'plan', 'project']);
    assert.deepEqual(complete('events', 'list', '--status', 'f'), ['failed']);
    assert.deepEqual(complete('completion', ''), ['bash', 'fish', 'zsh']);
  });

  t.test('bash: completes positional arguments with closed values, skipping option values on the way', async () => {
    assert.deepEqual(complete('pins', 'set', ''), ['customer', 'plan', 'project']);
    assert.deepEqual(complete('--url', 'http://127.0.0.1:3000', 'pins', 'set', 'c'), ['customer']);
    assert.deepEqual(complete('channels', 'set', 'svc', ''), ['beta', 'experimental', 'stable']);
    assert.deepEqual(complete('pins', 'set', 'customer', ''), []);
  });

  t.test('zsh and fish: register the completion for vrouter', async () => {
    assert.match(completionScript(cli, 'zsh'), /^#compdef vrouter\n/);
    assert.match(completionScript(cli, 'zsh'), /compdef _vrouter vrouter/);
    const fish = completionScript(cli, 'fish');
    assert.match(fish, /^complete -c vrouter -n '__vrouter_at \\'pins\\' 0' -a 'list'/m);
    assert.match(fish, /^complete -c vrouter -n '__vrouter_at \\'pins list\\'' -l 'scope' -r -f -a 'project customer plan'/m);
  });
});
