import type { LogStream } from './app-deps.js';
import type { LogFormat } from './config.js';

/**
 * Where log lines go: JSON lines on stdout (undefined: the default, what log pipelines parse), or one human line per
 * entry (time, level, message, then the remaining fields on the same line) for a person at a terminal. Pretty output
 * is written synchronously, in this thread: its volume is small, and a crash must not lose its last lines. Loaded
 * only when asked for, so the Lambda bundles (which never are) do not carry the formatter.
 */
export async function logDestination(format: LogFormat | undefined, stream: NodeJS.WriteStream = process.stdout): Promise<LogStream | undefined> {
  if (format !== 'pretty') return undefined;
  const { default: pinoPretty } = await import('pino-pretty');
  return pinoPretty({
    destination: stream,
    sync: true,
    colorize: Boolean(stream.isTTY),
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // Trace ids stay in JSON lines, for the trace backend; at a terminal they only push the message off screen.
    ignore: 'pid,hostname,trace_id,span_id,trace_flags,reqId',
  });
}

/** The format dev mode logs in without VROUTER_LOG_FORMAT: pretty when a person is watching. */
export function devLogFormat(format: LogFormat | undefined, stream: NodeJS.WriteStream = process.stdout): LogFormat {
  return format ?? (stream.isTTY ? 'pretty' : 'json');
}
