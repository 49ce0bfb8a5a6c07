import type { Command } from 'commander';
import { registerAudit } from './audit.js';
import { registerChannels } from './channels.js';
import { registerComponents } from './components.js';
import { registerCustomers } from './customers.js';
import { registerEvents } from './events.js';
import { registerPins } from './pins.js';
import { registerOverride } from './override.js';
import { registerProjects } from './projects.js';
import { registerReplay } from './replay.js';
import { registerResolve } from './resolve.js';
import { registerShadow } from './shadow.js';
import { addGlobalOptions } from './run.js';
import { registerTokens } from './tokens.js';
import { registerVersions } from './versions.js';

export { EXIT } from './errors.js';

/**
 * Adds the admin commands (components, versions, channels, pins, customers, projects, resolve, audit, tokens, events, replay, shadow, override)
 * to `program`. They talk to a running router over HTTP (--url / VROUTER_URL, --token / VROUTER_TOKEN), print
 * aligned tables or, with --json, the raw answer, and exit with the codes documented on EXIT.
 */
export function registerAdminCommands(program: Command): void {
  const before = new Set(program.commands);
  for (const register of [
    registerComponents,
    registerVersions,
    registerChannels,
    registerPins,
    registerCustomers,
    registerProjects,
    registerResolve,
    registerAudit,
    registerTokens,
    registerEvents,
    registerReplay,
    registerShadow,
    registerOverride,
  ]) {
    register(program);
  }
  const leaves = (command: Command): Command[] => (command.commands.length === 0 ? [command] : command.commands.flatMap(leaves));
  for (const command of program.commands.filter((c) => !before.has(c)).flatMap(leaves)) addGlobalOptions(command);
}
