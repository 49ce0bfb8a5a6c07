import type { EventDetails, EventListQuery, EventRow, Replay, ReplayCreated, ReplayInput, VrouterClient } from '@vrouter/client';
import { useEffect, useState } from 'preact/hooks';
import { isoMinutesAgo, relative, traceIdOf, traceLink } from '../format.js';
import { html } from '../html.js';
import { Empty, ErrorNote, usePoll } from '../widgets.js';

const WINDOWS = [
  ['15m', 15],
  ['1h', 60],
  ['6h', 360],
  ['24h', 1440],
] as const;
const STATUSES = ['pending', 'dispatched', 'succeeded', 'failed'] as const;

interface Filters {
  component: string;
  customer: string;
  status: string;
  version: string;
  window: string;
}

function query(filters: Filters): EventListQuery {
  const minutes = WINDOWS.find(([w]) => w === filters.window)?.[1] ?? 60;
  return {
    from: isoMinutesAgo(minutes),
    limit: 100,
    ...(filters.component ? { component: filters.component } : {}),
    ...(filters.customer ? { customer: filters.customer } : {}),
    ...(filters.status ? { status: filters.status as EventRow['status'] } : {}),
    ...(filters.version ? { version: filters.version } : {}),
  };
}

function Details({ client, row, traceTemplate, onClose }: { client: VrouterClient; row: EventRow; traceTemplate: string | undefined; onClose: () => void }) {
  const [details, setDetails] = useState<EventDetails | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    client.events.get(row.source, row.id).then(setDetails, setError);
  }, [client, row.source, row.id]);
  const traceId = traceIdOf(details?.event.traceparent) ?? (details as { traceId?: string } | undefined)?.traceId;
  const link = traceLink(traceTemplate, traceId);
  return html`<aside class="details" aria-label=${`event ${row.id}`}>
    <header><h2>Event ${row.id}</h2><button onClick=${onClose} aria-label="Close event details">Close</button></header>
    <${ErrorNote} error=${error} />
    ${
      details
        ? html`<dl>
            <dt>Source</dt><dd>${details.source}</dd>
            <dt>Type</dt><dd>${details.type}</dd>
            <dt>Received</dt><dd><time datetime=${details.receivedAt}>${relative(details.receivedAt)}</time></dd>
            <dt>Customer</dt><dd>${details.customer ?? '–'} ${details.project ? `· project ${details.project}` : ''} ${details.plan ? `· plan ${details.plan}` : ''}</dd>
            <dt>Trace</dt><dd>${link ? html`<a href=${link} target="_blank" rel="noopener noreferrer">${traceId}</a>` : (traceId ?? html`<span class="muted">none recorded</span>`)}</dd>
          </dl>
          <h3>Decisions and outcomes</h3>
          <table>
            <thead><tr><th scope="col">Component</th><th scope="col">Version</th><th scope="col">Why</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last error</th></tr></thead>
            <tbody>${details.dispatches.map(
              (d) => html`<tr class=${d.status === 'failed' ? 'failing' : ''}>
                <td>${d.component}</td><td>${d.version ?? '–'}</td>
                <td>${d.pin ? `${d.pin.scope} ${d.pin.subject} pin` : (d.pinSource ?? 'stable')}${d.channel ? ` → ${d.channel}` : ''}</td>
                <td>${d.status}</td><td>${d.attempts}</td>
                <td>${d.lastError ? html`<code>${d.lastError.code}</code> ${d.lastError.message}` : ''}</td>
              </tr>`,
            )}</tbody>
          </table>
          ${
            ((details as { replays?: { replayId: string; version: string | null; status: string; updatedAt: string }[] }).replays ?? []).length > 0
              ? html`<h3>Replays</h3><ul>${(details as unknown as { replays: { replayId: string; version: string | null; status: string; updatedAt: string }[] }).replays.map(
                  (r) => html`<li>${r.replayId}: ${r.version ?? '–'} ${r.status} <time datetime=${r.updatedAt}>${relative(r.updatedAt)}</time></li>`,
                )}</ul>`
              : null
          }`
        : null
    }
  </aside>`;
}

function ReplayPanel({ client, filters, onClose }: { client: VrouterClient; filters: Filters; onClose: () => void }) {
  const [preview, setPreview] = useState<(ReplayCreated & { goesTo: string[] }) | undefined>(undefined);
  const [job, setJob] = useState<Replay | undefined>(undefined);
  const [jobId, setJobId] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const minutes = WINDOWS.find(([w]) => w === filters.window)?.[1] ?? 60;
  const input: ReplayInput = {
    from: isoMinutesAgo(minutes),
    filter: {
      ...(filters.component ? { component: filters.component } : {}),
      ...(filters.customer ? { customer: filters.customer } : {}),
      ...(filters.version ? { version: filters.version } : {}),
      status: filters.status === 'failed' ? 'failed' : 'all',
    },
    target: 'current',
  };
  useEffect(() => {
    (async () => {
      const dry = await client.replays.create({ ...input, dryRun: true });
      // What each sampled event would get now: the same resolution the replay will do.
      const goesTo = await Promise.all(
        (dry.sample ?? []).map((s) =>
          client
            .resolve({ component: s.component, ...(s.customer ? { customer: s.customer } : {}) })
            .then((a) => ((a as { resolved: boolean; version?: string }).resolved ? ((a as { version: string }).version ?? '–') : 'no version')),
        ),
      );
      setPreview({ ...dry, goesTo });
    })().catch(setError);
  }, []);
  useEffect(() => {
    if (!jobId) return;
    let live = true;
    const tick = () =>
      client.replays.get(jobId).then(
        (j) => {
          if (!live) return;
          setJob(j);
          if (j.state === 'running') setTimeout(tick, 500);
        },
        (e: unknown) => live && setError(e),
      );
    tick();
    return () => {
      live = false;
    };
  }, [jobId]);
  const start = () => client.replays.create({ ...input, dryRun: false }).then((created) => setJobId(created.id), setError);
  const cancel = () => jobId && client.replays.cancel(jobId).then(setJob, setError);
  const done = job && job.state !== 'running';
  return html`<aside class="details" aria-label="Replay">
    <header><h2>Replay these events</h2><button onClick=${onClose} aria-label="Close replay">Close</button></header>
    <${ErrorNote} error=${error} />
    ${!preview && !error ? html`<p aria-busy="true">Counting…</p>` : null}
    ${
      preview && !jobId
        ? html`<p data-testid="replay-preview"><strong>${preview.matched ?? 0}</strong> dispatches would be replayed to the version each would get now.</p>
          <ul>${(preview.sample ?? []).map((s, i) => html`<li>${s.id} (${s.component}, ${s.customer ?? '–'}): ${s.version ?? '–'} → <strong>${preview.goesTo[i]}</strong></li>`)}</ul>
          <div class="buttons"><button class="primary" disabled=${!preview.matched} onClick=${start}>Replay ${preview.matched ?? 0}</button></div>`
        : null
    }
    ${
      job
        ? html`<p role="status" data-testid="replay-progress">Replay ${job.id}: <strong>${job.state}</strong> · ${job.counts.dispatched ?? 0} dispatched, ${job.counts.succeeded ?? 0} succeeded, ${job.counts.failed ?? 0} failed, ${job.remaining} remaining</p>
          <progress max=${Math.max(1, job.counts.matched ?? 0)} value=${(job.counts.matched ?? 0) - job.remaining}></progress>
          ${done ? null : html`<div class="buttons"><button class="danger" onClick=${cancel}>Cancel replay</button></div>`}`
        : null
    }
  </aside>`;
}

export function EventsPage({ client, traceTemplate }: { client: VrouterClient; traceTemplate: string | undefined }) {
  const [filters, setFilters] = useState<Filters>({ component: '', customer: '', status: '', version: '', window: '1h' });
  const [open, setOpen] = useState<EventRow | undefined>(undefined);
  const [replaying, setReplaying] = useState(false);
  const { value, error } = usePoll(() => client.events.list(query(filters)), [client, JSON.stringify(filters)]);
  // From the latest filters, not this render's: two changes in quick succession (a field, then the status) keep both.
  const set = (field: keyof Filters) => (e: Event) => {
    const value = (e.target as HTMLInputElement).value.trim();
    setFilters((current) => ({ ...current, [field]: value }));
  };
  return html`<section aria-labelledby="events-title">
    <h1 id="events-title">Events</h1>
    <form class="filters" role="search" aria-label="Filter events" onSubmit=${(e: Event) => e.preventDefault()}>
      <label>Component <input name="component" value=${filters.component} onChange=${set('component')} /></label>
      <label>Customer <input name="customer" value=${filters.customer} onChange=${set('customer')} /></label>
      <label>Status <select name="status" value=${filters.status} onChange=${set('status')}><option value="">any</option>${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}</select></label>
      <label>Version <input name="version" value=${filters.version} onChange=${set('version')} /></label>
      <label>Window <select name="window" value=${filters.window} onChange=${set('window')}>${WINDOWS.map(([w]) => html`<option value=${w}>last ${w}</option>`)}</select></label>
      <button type="button" disabled=${!filters.component} title=${filters.component ? '' : 'Filter by a component to replay'} onClick=${() => setReplaying(true)}>Replay these…</button>
    </form>
    <${ErrorNote} error=${error} />
    ${
      value && value.items.length === 0
        ? html`<${Empty}><p>No events in this window. Send one: <code>npx vrouter events send --type release.requested --customer acme</code></p></${Empty}>`
        : null
    }
    ${
      value && value.items.length > 0
        ? html`<table>
          <thead><tr><th scope="col">Received</th><th scope="col">Event</th><th scope="col">Component</th><th scope="col">Customer</th><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Attempts</th></tr></thead>
          <tbody>${value.items.map(
            (row) => html`<tr class=${row.status === 'failed' ? 'failing' : ''}>
              <td><time datetime=${row.receivedAt}>${relative(row.receivedAt)}</time></td>
              <td><button class="link" onClick=${() => setOpen(row)} aria-label=${`Open event ${row.id}`}>${row.id}</button></td>
              <td>${row.component}</td><td>${row.customer ?? '–'}</td><td>${row.version ?? '–'}</td><td>${row.status}</td><td>${row.attempts}</td>
            </tr>`,
          )}</tbody>
        </table>`
        : null
    }
    ${open ? html`<${Details} client=${client} row=${open} traceTemplate=${traceTemplate} onClose=${() => setOpen(undefined)} />` : null}
    ${replaying ? html`<${ReplayPanel} client=${client} filters=${filters} onClose=${() => setReplaying(false)} />` : null}
  </section>`;
}
