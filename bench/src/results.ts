// What a bench run leaves behind: bench/results/<date>.json with the machine's facts and every printed line, and an
// SVG chart of the ratios beside it, so runs on different days (or machines) can be compared.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Ratio } from './rounds.js';

export interface RatioLine {
  name: string;
  /** What the ratio is: e.g. "× LaunchDarkly decisions/s (higher is better)". */
  meaning: string;
  ratio: Ratio;
  /** The goal, in the ratio's own terms, when there is one. */
  goal?: { atLeast?: number; atMost?: number };
}

export interface RowLine {
  name: string;
  value: string;
  baseline: string;
  /** vrouter cost over the baseline's (lower is better). */
  ratio: number;
}

const ratios: RatioLine[] = [];
const rows: RowLine[] = [];
const notes: string[] = [];

export const recordRatio = (line: RatioLine): void => void ratios.push(line);
export const recordRow = (line: RowLine): void => void rows.push(line);
export const recordNote = (line: string): void => void notes.push(line);

export function machineFacts() {
  const cpu = cpus();
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpuModel: cpu[0]?.model ?? 'unknown',
    cpus: cpu.length,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    freeMemoryGiB: +(freemem() / 2 ** 30).toFixed(1),
    loadAverage: loadavg().map((n) => +n.toFixed(2)),
  };
}

export function writeResults(options: { quick: boolean; startedAt: Date; settings: Record<string, number> }): { json: string; svg: string } {
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const stamp = options.startedAt.toISOString().replace(/[:.]/g, '-');
  const json = `${dir}${stamp}${options.quick ? '-quick' : ''}.json`;
  const svg = json.replace(/\.json$/, '.svg');
  const doc = {
    startedAt: options.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quick: options.quick,
    settings: options.settings,
    machine: machineFacts(),
    ratios,
    rows,
    notes,
  };
  writeFileSync(json, `${JSON.stringify(doc, null, 2)}\n`);
  writeFileSync(svg, chart(ratios, `vrouter bench ${doc.startedAt}${options.quick ? ' (quick)' : ''}`));
  return { json, svg };
}

const xmlText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Horizontal bars on a log scale (ratios span 0.1× to 100×): median bar, min–max whisker, goal tick. */
function chart(lines: RatioLine[], title: string): string {
  const labelWidth = 330;
  const plotWidth = 460;
  const rowHeight = 26;
  const top = 44;
  const height = top + lines.length * rowHeight + 40;
  const lo = Math.log10(0.1);
  const hi = Math.log10(100);
  const x = (v: number) => labelWidth + ((Math.log10(Math.min(100, Math.max(0.1, v))) - lo) / (hi - lo)) * plotWidth;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 120}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${xmlText(title)}</text>`,
  ];
  for (const tick of [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]) {
    parts.push(`<line x1="${x(tick)}" x2="${x(tick)}" y1="${top - 6}" y2="${height - 30}" stroke="${tick === 1 ? '#333' : '#ddd'}"/>`);
    parts.push(`<text x="${x(tick)}" y="${height - 14}" text-anchor="middle" fill="#555">${tick}×</text>`);
  }
  lines.forEach((line, i) => {
    const y = top + i * rowHeight;
    const met = line.goal
      ? (line.goal.atLeast === undefined || line.ratio.median >= line.goal.atLeast) && (line.goal.atMost === undefined || line.ratio.median <= line.goal.atMost)
      : true;
    parts.push(`<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${xmlText(line.name)}</text>`);
    parts.push(`<rect x="${x(0.1)}" y="${y + 4}" width="${x(line.ratio.median) - x(0.1)}" height="14" fill="${met ? '#4a90d9' : '#d9534f'}"/>`);
    parts.push(`<line x1="${x(line.ratio.min)}" x2="${x(line.ratio.max)}" y1="${y + 11}" y2="${y + 11}" stroke="#222" stroke-width="2"/>`);
    const goal = line.goal?.atLeast ?? line.goal?.atMost;
    if (goal !== undefined) parts.push(`<line x1="${x(goal)}" x2="${x(goal)}" y1="${y + 1}" y2="${y + 21}" stroke="#e69500" stroke-width="3"/>`);
    parts.push(`<text x="${labelWidth + plotWidth + 8}" y="${y + 15}">${line.ratio.median.toFixed(2)}×</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
