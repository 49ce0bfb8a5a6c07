// The Honeycomb definitions (queries/*.json and board.json) are templates: "{{component}}" and "{{dataset}}" in any
// string stand for the component a board is about and the dataset it reads. Shared by publish.mjs and the test that
// evaluates the queries against the router's spans, so both see exactly what gets published.
import { readdir, readFile } from 'node:fs/promises';

export const QUERIES_DIR = new URL('./queries/', import.meta.url);
export const BOARD_FILE = new URL('./board.json', import.meta.url);

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** Replaces every placeholder in every string of `value`; an unknown or unset placeholder throws, naming it. */
export function render(value, params) {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (_, name) => {
      const replacement = params[name];
      if (typeof replacement !== 'string' || replacement === '') throw new Error(`Honeycomb definitions: no value for {{${name}}}`);
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((item) => render(item, params));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, render(item, params)]));
  return value;
}

/** The query specifications by name (file name without .json), in name order, rendered for `params`. */
export async function loadQueries(params) {
  const files = (await readdir(QUERIES_DIR)).filter((file) => file.endsWith('.json')).sort();
  const queries = new Map();
  for (const file of files) queries.set(file.replace(/\.json$/, ''), render(JSON.parse(await readFile(new URL(file, QUERIES_DIR), 'utf8')), params));
  return queries;
}

/** The board, rendered for `params`; its query panels name queries as "@<name>". */
export async function loadBoard(params) {
  return render(JSON.parse(await readFile(BOARD_FILE, 'utf8')), params);
}
