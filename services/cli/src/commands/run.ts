import { ApiError, type Override, VrouterClient } from '@vrouter/client';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { EXIT, type ExitCode, errorDocument, errorLine, exitCodeFor, UsageError } from './errors.js';

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
  /** The exit code for an answer that is printed but is not a success (default EXIT.ok). */
  exit?: ExitCode;
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

/** A group of admin commands, e.g. `pins`. */
export function noun(program: Command, name: string, description: string): Command {
  return program.command(name).description(description).helpGroup(HELP_GROUP);
}

/** An admin command that talks to the router; registerAdminCommands gives it --url, --token and --json. */
export function leaf(parent: Command, name: string, description: string): Command {
  const command = parent.command(name).description(description);
  if (!parent.parent) command.helpGroup(HELP_GROUP);
  return command;
}

const urlOption = () => new Option('--url <url>', 'router base URL').env('VROUTER_URL').default(DEFAULT_URL).argParser(parseUrl);
const tokenOption = () => new Option('--token <token>', 'bearer token (never printed)').env('VROUTER_TOKEN');
const jsonOption = () => new Option('--json', 'print the answer as one JSON document, and errors as JSON on stderr');

/** Adds the connection options to `command` (after its own, so its help lists them last). */
export function addGlobalOptions(command: Command): void {
  for (const option of [urlOption(), tokenOption(), jsonOption()]) command.addOption(option.helpGroup('Connection:'));
}

/** The same options on the program, before any command (`vrouter --json pins list`); its help lists them. */
export function addProgramOptions(program: Command): void {
  for (const option of [urlOption(), tokenOption(), jsonOption()]) program.addOption(option.helpGroup('Global options:'));
}

const CONNECTION = ['url', 'token', 'json'] as const;

/**
 * The connection options in force for `command`: given on its command line or before it (`vrouter --url ... pins
 * list`), nearest first; else from the environment; else the defaults.
 */
export function connection(command: Command): GlobalOptions {
  const chain: Command[] = [];
  for (let c: Command | null = command; c; c = c.parent) chain.push(c);
  const pick = (name: (typeof CONNECTION)[number]): unknown => {
    for (const source of ['cli', 'env'] as const) {
      const from = chain.find((c) => c.getOptionValueSource(name) === source);
      if (from) return from.getOptionValue(name);
    }
    return command.getOptionValue(name);
  };
  const url = pick('url');
  const token = pick('token');
  return { url: typeof url === 'string' ? url : DEFAULT_URL, ...(typeof token === 'string' ? { token } : {}), ...(pick('json') === true ? { json: true } : {}) };
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

/** Prints a failure (one line, or with --json one document on stderr) and sets the exit code; never throws. */
export function report(error: unknown, json: boolean | undefined, hint = ''): void {
  if (json) process.stderr.write(`${JSON.stringify(errorDocument(error))}\n`);
  else process.stderr.write(`${errorLine(error)}${hint}\n`);
  process.exitCode = exitCodeFor(error);
}

/**
 * Wraps a command body as a commander action: builds the client from the connection options, prints the answer
 * (JSON or human), and turns any failure into one stderr line (a JSON document with --json) and an exit code (see
 * EXIT). Never throws.
 */
export function run<O extends object>(body: (client: VrouterClient, args: string[], options: O & GlobalOptions) => Promise<Done>): (...all: unknown[]) => Promise<void> {
  return async (...all) => {
    const command = all.at(-1) as Command;
    const global = connection(command);
    const options = { ...command.opts<O>(), ...global };
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
      process.exitCode = done.exit ?? EXIT.ok;
    } catch (error) {
      const hint = error instanceof ApiError && error.status === 401 && !client?.hasToken ? ' (set VROUTER_TOKEN or pass --token)' : '';
      report(error, options.json, hint);
    }
  };
}
