import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerCompletion } from './commands/completion.js';
import { registerAdminCommands } from './commands/index.js';
import { addProgramOptions, report } from './commands/run.js';
import { registerServerCommands } from './servers.js';

/** This package's version, from its package.json (dist/cli.js and src/cli.ts both sit one level below it). */
function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
}

/** `--json` before any `--`: failures of the command line itself are then JSON documents too. */
export const wantsJson = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
};

/** Every command in the tree below (and including) `command`. */
export const everyCommand = (command: Command): Command[] => [command, ...command.commands.flatMap(everyCommand)];

export interface ProgramOptions {
  /** With --json, commander's own messages are held back: main reports the failure as one JSON document instead. */
  json?: boolean;
}

/** The `vrouter` command tree. */
export function program(options: ProgramOptions = {}): Command {
  const cli = new Command('vrouter')
    .description('Version Router: route each event to the version its customer, project or plan is pinned to.')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    // Options before a command belong to the program (`vrouter --json pins list`), after it to the command.
    .enablePositionalOptions();
  addProgramOptions(cli);
  registerServerCommands(cli);
  registerAdminCommands(cli);
  registerCompletion(cli);
  for (const command of everyCommand(cli)) {
    // Failures of the command line come back to main as CommanderError (help and --version with exit code 0).
    command.exitOverride();
    if (options.json) command.configureOutput({ outputError: () => {}, writeErr: () => {} });
  }
  return cli;
}

/** Entry point of the `vrouter` binary: sets process.exitCode (the README's table), never throws. */
export async function main(argv: string[]): Promise<void> {
  const json = wantsJson(argv.slice(2));
  try {
    await program({ json }).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) process.exitCode = 0;
    else report(error, json);
  }
}
