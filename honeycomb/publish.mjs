#!/usr/bin/env node
// Publishes honeycomb/queries/*.json and honeycomb/board.json to a Honeycomb environment:
//   HONEYCOMB_API_KEY=<configuration key: Manage Queries and Columns, Manage Public Boards> node honeycomb/publish.mjs <dataset> <component>
// <dataset> is the router's service.name (OTEL_SERVICE_NAME, default "vrouter"); <component> the component whose
// versions the error-rate and latency queries compare (one board per component). HONEYCOMB_API_URL defaults to
// https://api.honeycomb.io (use https://api.eu1.honeycomb.io for the EU instance).
// Each "@name" in board.json becomes the id of the query created from queries/<name>.json and of its annotation.
import { loadBoard, loadQueries } from './definitions.mjs';

/** What each query panel is called on the board. */
const TITLES = {
  'error-rate-by-version': ['Error rate by version', 'Share of dispatch attempts that failed, per version of the component (the component it was published for).'],
  'error-rate-by-version-customer': ['Error rate by version × customer', 'Is a failing version failing for everyone, or for one customer?'],
  'latency-by-version': ['Dispatch latency by version', 'P50, P99 and heatmap of dispatch attempt duration per version.'],
  'replay-outcomes': ['Replay outcomes', 'Dispatch attempts of each replay, by outcome and error type.'],
  'duplicate-rate-by-source': ['Duplicate rate by source', 'Share of events that were redeliveries of an event already routed, per CloudEvents source.'],
  'event-cost-by-type': ['Event cost by type', 'DynamoDB requests and capacity, and dispatch attempts, per event type.'],
};

const [dataset, component] = process.argv.slice(2);
const key = process.env.HONEYCOMB_API_KEY;
const api = process.env.HONEYCOMB_API_URL ?? 'https://api.honeycomb.io';
if (!dataset || !component || !key) {
  process.stderr.write('usage: HONEYCOMB_API_KEY=<key> node honeycomb/publish.mjs <dataset> <component>\n');
  process.exit(2);
}

async function post(path, body) {
  const response = await fetch(`${api}${path}`, { method: 'POST', headers: { 'x-honeycomb-team': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

const params = { dataset, component };
const board = await loadBoard(params);
const queries = await loadQueries(params);
for (const panel of board.panels) {
  if (panel.type !== 'query') continue;
  const name = panel.query_panel.query_id.replace(/^@/, '');
  const spec = queries.get(name);
  if (!spec) throw new Error(`board.json names @${name}, but honeycomb/queries/${name}.json does not exist`);
  const query = await post(`/1/queries/${encodeURIComponent(dataset)}`, spec);
  const [title, description] = TITLES[name] ?? [name, ''];
  const annotation = await post(`/1/query_annotations/${encodeURIComponent(dataset)}`, { name: title, description, query_id: query.id });
  panel.query_panel.query_id = query.id;
  panel.query_panel.query_annotation_id = annotation.id;
  process.stdout.write(`query ${name}: ${query.id}\n`);
}
const created = await post('/1/boards', board);
process.stdout.write(`board: ${created.id}${created.links?.board_url ? ` ${created.links.board_url}` : ''}\n`);
