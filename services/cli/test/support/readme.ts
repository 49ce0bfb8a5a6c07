import { readFileSync } from 'node:fs';

/** One row of the README's exit-code table. */
export interface ExitRow {
  exit: number;
  meaning: string;
  /** HTTP statuses (`404`) and classes (`5xx`) the row claims. */
  statuses: string[];
  /** The router's `VR_*` codes the row claims beyond their status. */
  routerCodes: string[];
  /** The CLI's own code for this exit, when it has one. */
  cliCode: string | undefined;
}

const README = new URL('../../../../README.md', import.meta.url);
const ticks = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** The table under `### Exit codes` in the repository's README, parsed: the CLI's tests hold the CLI to it. */
export function readmeExitCodes(): ExitRow[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('\n### Exit codes\n');
  if (start === -1) throw new Error('README.md has no "### Exit codes" section');
  const lines = text.slice(start).split('\n').slice(2);
  const rows: ExitRow[] = [];
  for (const line of lines.slice(lines.findIndex((l) => l.startsWith('|')))) {
    if (!line.startsWith('|')) break;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    const exit = /^`(\d+)`$/.exec(cells[0] ?? '');
    if (!exit) continue; // the header and its rule
    const answers = ticks(cells[2] ?? '');
    rows.push({
      exit: Number(exit[1]),
      meaning: cells[1]!.split(/[:,(]/)[0]!.trim(),
      statuses: answers.filter((a) => /^\d(?:\d\d|xx)$/.test(a)),
      routerCodes: answers.filter((a) => a.startsWith('VR_')),
      cliCode: ticks(cells[3] ?? '')[0],
    });
  }
  return rows;
}
