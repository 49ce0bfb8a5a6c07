import { ApiError, type Override, VrouterClient } from '@vrouter/client';
import { type Command, type CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT, errorLine, exitCodeFor, UsageError } from './errors.js';

export const DEFAULT_URL = 'http://127.0.0.1:3000';
const HELP_GROUP = 'Admin commands (talk to a running router):';

/** Options every admin command takes. The token comes from --token or VROUTER_TOKEN and is never printed. */
export interface GlobalOptions {
  url: string;
  token?: string;
  json?: boolean;
}

/** What a command produced: the raw answer (for --json) and its human rendering. */
export interface Done {
  answer: unknown;
  text: () => string;
  /** Human mode only: a line for stderr, so stdout stays the value a script captures. */
  notice?: string;
}

function parseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('expected an http(s) URL such as http://127.0.0.1:3000.');
}

/** Commander reports usage errors with exit 1 by default; ours are 2 (help itself stays 0). */
function exitOnUsage(error: CommanderError): never {
  process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
}

/** A group of admin commands, e.g. `pins`; its subcommands inherit the usage exit code. */
export function noun(program: Command, name: string, description: string): Command {
  return program.command(name).description(description).helpGroup(HELP_GROUP).exitOverride(exitOnUsage);
}

/** An admin command that talks to the router; registerAdminCommands gives it --url, --token and --json. */
export function leaf(parent: Command, name: string, description: string): Command {
  const command = parent.command(name).description(description).exitOverride(exitOnUsage);
  if (!parent.parent) command.helpGroup(HELP_GROUP);
  return command;
}

/** Adds the connection options to `command` (after its own, so its help lists them last). */
export function addGlobalOptions(command: Command): void {
  command
    .addOption(new Option('--url <url>', 'router base URL').env('VROUTER_URL').default(DEFAULT_URL).argParser(parseUrl).helpGroup('Connection:'))
    .addOption(new Option('--token <token>', 'bearer token').env('VROUTER_TOKEN').helpGroup('Connection:'))
    .addOption(new Option('--json', 'print the raw JSON answer (one document)').helpGroup('Connection:'));
}

/** Adds `--reason`, which the router keeps in the audit log. */
export const withReason = (command: Command): Command => command.option('--reason <text>', 'why, kept in the audit log');

/** Adds `--reason` and `--force` (override the router's safety check; needs a reason). */
export const withOverride = (command: Command): Command => withReason(command).option('--force', 'override a safety check (needs --reason)');

/** The reason and force fields to send, only those given; throws UsageError for --force without --reason. */
export function change(options: Override): Override {
  if (options.force && !options.reason) throw new UsageError('--force needs a --reason, for the audit log.');
  return { ...(options.reason !== undefined ? { reason: options.reason } : {}), ...(options.force ? { force: true } : {}) };
}

/** Parses an option as a positive integer; commander reports a failure as a usage error. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

/**
 * Wraps a command body as a commander action: builds the client from the global options, prints the answer
 * (JSON or human), and turns any failure into one stderr line and an exit code (see EXIT). Never throws.
 */
export function run<O extends object>(body: (client: VrouterClient, args: string[], options: O & GlobalOptions) => Promise<Done>): (...all: unknown[]) => Promise<void> {
  return async (...all) => {
    const command = all.at(-1) as Command;
    const options = command.opts<O & GlobalOptions>();
    let client: VrouterClient | undefined;
    try {
      client = new VrouterClient({ url: options.url, token: options.token });
      const done = await body(client, command.processedArgs as string[], options);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(done.answer ?? {}, null, 2)}\n`);
      } else {
        if (done.notice) process.stderr.write(`${done.notice}\n`);
        const text = done.text();
        if (text) process.stdout.write(`${text}\n`);
      }
      process.exitCode = EXIT.ok;
    } catch (error) {
      const hint = error instanceof ApiError && error.status === 401 && !client?.hasToken ? ' (set VROUTER_TOKEN or pass --token)' : '';
      process.stderr.write(`${errorLine(error)}${hint}\n`);
      process.exitCode = exitCodeFor(error);
    }
  };
}
