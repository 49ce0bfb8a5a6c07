import type { Replay } from '@vrouter/client';

/** What the progress display needs of a replay job. */
export type ProgressView = Pick<Replay, 'id' | 'state' | 'counts' | 'remaining'> & { counted?: boolean | undefined };

/** Where progress goes: a terminal (isTTY, columns) or a pipe or file. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface ProgressOptions {
  /** Redraw one line in place (a terminal) or print a line per change (anything else); default: the stream's isTTY. */
  tty?: boolean;
  /** Plain mode prints at most one line per this many milliseconds (default 1000); the final line always prints. */
  minIntervalMs?: number;
  /** Milliseconds now (tests pass a fake clock). */
  now?: () => number;
  /** Characters inside the bar's brackets (default 20). */
  barWidth?: number;
}

/** Server data must not move the cursor or break the line. */
const CONTROL = /\p{Cc}/gu;
const clean = (text: string): string => text.replace(CONTROL, ' ');

/** Still counting what the job matches: `matched` is not the full count yet. */
const counting = (job: ProgressView): boolean => job.state === 'running' && job.counted !== true;

/** Dispatches dealt with (dispatched or skipped), out of those matched. */
function done(job: ProgressView): number {
  return Math.max(0, job.counts.matched - job.remaining);
}

/** Whole percent done: 100 once the job ended, 0 while nothing is matched yet. */
export function percentDone(job: ProgressView): number {
  if (job.state !== 'running') return 100;
  if (job.counts.matched === 0) return 0;
  return Math.min(100, Math.floor((done(job) * 100) / job.counts.matched));
}

/** `matched 3, dispatched 1, succeeded 1, failed 0, remaining 2` (`skipped n` too when any were skipped). */
export function describeCounts(job: ProgressView, separator = ', '): string {
  const { matched, dispatched, succeeded, failed, skipped } = job.counts;
  const parts = [`matched ${matched}`, `dispatched ${dispatched}`, `succeeded ${succeeded}`, `failed ${failed}`];
  if (skipped > 0) parts.push(`skipped ${skipped}`);
  parts.push(`remaining ${job.remaining}`);
  return parts.join(separator);
}

/** One line for a log: `replay rp_1 running: matched 3, dispatched 1, succeeded 1, failed 0, remaining 2`. */
export function plainLine(job: ProgressView): string {
  const head = `replay ${clean(job.id)} ${clean(job.state)}`;
  return counting(job) ? `${head}: counting matches` : `${head}: ${describeCounts(job)}`;
}

/** `[######..............]`: the share of matched dispatches dealt with. */
export function progressBar(job: ProgressView, width = 20): string {
  const filled = counting(job) ? 0 : Math.round((percentDone(job) * width) / 100);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/**
 * The terminal line: `[#######.............]  33%  matched 3  dispatched 1  succeeded 1  failed 0  remaining 2  (rp_1 running)`,
 * cut to `columns - 1` characters so it never wraps (a wrapped line cannot be redrawn with \r).
 */
export function ttyLine(job: ProgressView, columns?: number, barWidth = 20): string {
  const status = counting(job) ? 'counting matches' : describeCounts(job, '  ');
  const line = `${progressBar(job, barWidth)} ${String(percentDone(job)).padStart(3)}%  ${status}  (${clean(job.id)} ${clean(job.state)})`;
  return columns !== undefined && columns > 1 && line.length > columns - 1 ? line.slice(0, columns - 1) : line;
}

/**
 * Shows a replay's progress. On a terminal: one line, redrawn in place with \r (padded over what it replaces), ended by
 * `finish` or `interrupt`. Elsewhere (a pipe, a file, CI logs): a line per change, at most one per `minIntervalMs`,
 * and the final line always.
 */
export class ReplayProgress {
  readonly #stream: ProgressStream;
  readonly #tty: boolean;
  readonly #minIntervalMs: number;
  readonly #now: () => number;
  readonly #barWidth: number;
  /** Terminal: the line on screen, while one is open. */
  #drawn: string | undefined;
  /** Plain: the last line printed, and when. */
  #printed: string | undefined;
  #printedAt = Number.NEGATIVE_INFINITY;

  constructor(stream: ProgressStream, options: ProgressOptions = {}) {
    this.#stream = stream;
    this.#tty = options.tty ?? stream.isTTY === true;
    this.#minIntervalMs = options.minIntervalMs ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#barWidth = options.barWidth ?? 20;
  }

  get tty(): boolean {
    return this.#tty;
  }

  /** Shows the job as it is now. */
  update(job: ProgressView): void {
    if (this.#tty) {
      this.#draw(job);
      return;
    }
    const line = plainLine(job);
    if (line === this.#printed || this.#now() - this.#printedAt < this.#minIntervalMs) return;
    this.#print(line);
  }

  /** Shows the job's final state and ends the line. */
  finish(job: ProgressView): void {
    if (this.#tty) {
      this.#draw(job);
      this.#endLine();
      return;
    }
    const line = plainLine(job);
    if (line !== this.#printed) this.#print(line);
  }

  /** Ends the terminal line (if one is open) so whatever is printed next starts on a line of its own. */
  interrupt(): void {
    if (this.#tty) this.#endLine();
  }

  #draw(job: ProgressView): void {
    const columns = this.#stream.columns;
    const line = ttyLine(job, columns, this.#barWidth);
    if (line === this.#drawn) return;
    // Blank out the rest of a longer line drawn before, without running past the terminal's width.
    const room = columns !== undefined && columns > 1 ? columns - 1 - line.length : Number.POSITIVE_INFINITY;
    const pad = this.#drawn === undefined ? 0 : Math.max(0, Math.min(this.#drawn.length - line.length, room));
    this.#stream.write(`\r${line}${' '.repeat(pad)}`);
    this.#drawn = line;
  }

  #endLine(): void {
    if (this.#drawn === undefined) return;
    this.#stream.write('\n');
    this.#drawn = undefined;
  }

  #print(line: string): void {
    this.#stream.write(`${line}\n`);
    this.#printed = line;
    this.#printedAt = this.#now();
  }
}
