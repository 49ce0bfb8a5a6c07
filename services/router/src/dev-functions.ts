import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalHandler } from '@vrouter/local-targets';
import { ConfigError } from './config.js';

/**
 * A user's own function served by dev mode's local Lambda endpoint: `name[:qualifier]=path`. Without a qualifier
 * the module answers every qualifier of the function that has no module of its own (`$LATEST` included), since a
 * version must name a published version or alias.
 */
export interface DevFunction {
  functionName: string;
  qualifier: string | undefined;
  path: string;
}

const SPEC = /^([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9_$-]{1,128}))?=(.+)$/;
const OPTION = '--function';

/**
 * Parses `my-fn=./handler.mjs` (every qualifier) or `my-fn:2=./v2.mjs` (version or alias `2`). Throws ConfigError
 * for anything else, and for a function and qualifier given twice.
 */
export function parseDevFunctions(specs: readonly string[]): DevFunction[] {
  const seen = new Set<string>();
  return specs.map((spec) => {
    const match = SPEC.exec(spec);
    if (!match) throw new ConfigError(OPTION, `expected name[:qualifier]=path, e.g. my-fn=./handler.mjs or my-fn:2=./v2.mjs; got ${JSON.stringify(spec)}.`);
    const fn: DevFunction = { functionName: match[1]!, qualifier: match[2], path: match[3]! };
    const key = `${fn.functionName}:${fn.qualifier ?? '*'}`;
    if (seen.has(key)) throw new ConfigError(OPTION, `${key} is given twice.`);
    seen.add(key);
    return fn;
  });
}

/**
 * Loads a function's module the way Lambda's Node runtime names its entry point: the `handler` export, else the
 * default export. The handler gets the payload and a context, and may return a value or a promise, like a Lambda
 * handler; a throw is the function's error. Throws ConfigError when the file is missing or exports no function.
 */
export async function loadDevFunction(fn: DevFunction, cwd = process.cwd()): Promise<LocalHandler> {
  const file = resolve(cwd, fn.path);
  if (!(await stat(file).catch(() => undefined))?.isFile()) throw new ConfigError(OPTION, `${fn.functionName}: no file at ${file}.`);
  const module = (await import(pathToFileURL(file).href)) as { handler?: unknown; default?: unknown };
  const handler = typeof module.handler === 'function' ? module.handler : module.default;
  if (typeof handler !== 'function') throw new ConfigError(OPTION, `${fn.functionName}: ${file} exports no handler (export a function named handler, or a default one).`);
  return (payload, context) => (handler as (event: unknown, context: unknown) => unknown)(payload, context);
}
