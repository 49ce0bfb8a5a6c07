import { execFile } from 'node:child_process';
import { VROUTER_BIN } from './child.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `vrouter` binary with `args` and a minimal environment plus `env`.
 * Resolves with the exit code and output whatever the code; rejects only when the process could not run or timed out.
 */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [VROUTER_BIN, ...args],
      {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
        timeout: timeoutMs,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`vrouter ${args.join(' ')} did not finish: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** A runner bound to one router: VROUTER_URL and VROUTER_TOKEN set, as a user's shell would have them. */
export function cliFor(url: string, token: string): (...args: string[]) => Promise<CliResult> {
  return (...args) => runCli(args, { VROUTER_URL: url, VROUTER_TOKEN: token });
}
