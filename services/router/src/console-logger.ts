import { traceLogFields } from '@vrouter/telemetry';
import type { BusLogger } from './bus/messages.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
/** pino's numbers, so these lines read like the HTTP host's. */
const NUMBERS: Record<(typeof LEVELS)[number], number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

function serialise(object: object): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...object };
  const err = fields.err;
  if (err instanceof Error) fields.err = { type: err.name, message: err.message, stack: err.stack };
  return fields;
}

/**
 * A JSON-lines logger on stdout for hosts without fastify (the Lambda handlers): pino's line format (level, time,
 * msg, trace_id/span_id of the active span), nothing below `level`, nothing at all for `silent`.
 */
export function consoleLogger(level: string, write: (line: string) => void = (line) => process.stdout.write(line)): BusLogger {
  const min = level === 'silent' ? Number.POSITIVE_INFINITY : (NUMBERS[level as keyof typeof NUMBERS] ?? NUMBERS.info);
  const log = (at: number) => (object: object, msg: string) => {
    if (at < min) return;
    write(`${JSON.stringify({ level: at, time: Date.now(), ...traceLogFields(), ...serialise(object), msg })}\n`);
  };
  return { info: log(NUMBERS.info), warn: log(NUMBERS.warn), error: log(NUMBERS.error) };
}
