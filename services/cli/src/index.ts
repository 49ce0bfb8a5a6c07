export { main, program } from './cli.js';
export { EXIT, CLI_ERROR_CODES } from './commands/errors.js';
export type { ExitCode, CliErrorCode, ErrorDocument } from './commands/errors.js';
