import type { ChannelName, Pin, PinScope, VrouterClient } from '@vrouter/client';
import { useState } from 'preact/hooks';
import { health, rollout } from '../api.js';
import { dispatches, relative, targetSummary } from '../format.js';
import { html } from '../html.js';
import { type ActionRequest, Empty, ErrorNote, HealthCell, isFailing, usePoll } from '../widgets.js';
import { RolloutSummary } from './overview.js';

const CHANNELS: ChannelName[] = ['stable', 'beta', 'experimental'];
const SCOPES: PinScope[] = ['project', 'customer', 'plan'];

async function load(client: VrouterClient, name: string) {
  const [component, pins, h, r, audit] = await Promise.all([
    client.components.get(name),
    client.pins.list({ component: name }),
    health(client, name),
    rollout(client, name),
    client.audit.list({ component: name }),
  ]);
  return { component, pins: pins.pins, health: h, rollout: r, audit: audit.entries };
}

function pinTarget(pin: Pin): string {
  return pin.channel ? `channel ${pin.channel}` : `version ${pin.version}`;
}

/** One line per audit entry that a person can scan: what moved from what to what. */
export function auditSummary(entry: { action: string; before: unknown; after: unknown }): string {
  const describe = (v: unknown): string => {
    if (v === null || v === undefined) return '(none)';
    if (typeof v !== 'object') return String(v);
    const o = v as Record<string, unknown>;
    return String(o.version ?? o.channel ?? o.name ?? o.plan ?? o.customer ?? JSON.stringify(o).slice(0, 60));
  };
  return `${describe(entry.before)} → ${describe(entry.after)}`;
}

export function ComponentPage({ client, name, act }: { client: VrouterClient; name: string; act: (a: ActionRequest) => void }) {
  const { value, error, reload } = usePoll(() => load(client, name), [client, name]);
  const [scope, setScope] = useState<string>('');
  const [subject, setSubject] = useState('');
  const [channel, setChannel] = useState<string>('');
  if (!value) return html`<${ErrorNote} error=${error} />${error ? null : html`<p aria-busy="true">Loading…</p>`}`;
  const { component, pins, health: h, rollout: r, audit } = value;
  const byVersion = new Map((h?.versions ?? []).map((v) => [v.version, v]));
  const now = Date.now();
  const shown = pins.filter((p) => (!scope || p.scope === scope) && (!subject || p.subject.includes(subject)) && (!channel || p.channel === channel));
  const rolloutAction = (action: 'pause' | 'resume' | 'promote' | 'abort') =>
    act({ title: `${action[0]!.toUpperCase()}${action.slice(1)} the rollout of ${r?.version} in ${name}`, run: (reason) => client.rollouts.act(name, action, reason) });
  return html`<section aria-labelledby="component-title">
    <h1 id="component-title">${component.name}</h1>
    ${component.description ? html`<p>${component.description}</p>` : null}
    <p class="muted">Subscribed to ${component.subscriptions.join(', ') || 'nothing'}</p>
    <${ErrorNote} error=${error} />

    <h2>Versions</h2>
    <table>
      <thead><tr><th scope="col">Version</th><th scope="col">Target</th><th scope="col">Channels</th><th scope="col">Last hour</th></tr></thead>
      <tbody>
        ${component.versions.map(
          (v) => html`<tr class=${isFailing(byVersion.get(v.name)) ? 'failing' : ''}>
            <th scope="row">${v.name}</th>
            <td><code>${targetSummary(v.target as unknown as Record<string, unknown>)}</code></td>
            <td>${CHANNELS.filter((c) => component.channels[c] === v.name).join(', ') || html`<span class="muted">none</span>`}</td>
            <td><${HealthCell} health=${byVersion.get(v.name)} /></td>
          </tr>`,
        )}
      </tbody>
    </table>

    <h2>Channels</h2>
    <ul class="actions">
      ${CHANNELS.map(
        (c) => html`<li>
          <span class="channel"><span class="muted">${c}</span> ${component.channels[c] ?? '–'}</span>
          ${
            c === 'stable'
              ? html`
                <button onClick=${() => act({ title: `Promote beta (${component.channels.beta ?? 'none'}) to stable in ${name}`, run: (reason, force) => client.channels.promote(name, 'stable', 'beta', { reason, force }) })}>Promote beta → stable</button>
                <button onClick=${() => act({ title: `Promote experimental (${component.channels.experimental ?? 'none'}) to stable in ${name}`, run: (reason, force) => client.channels.promote(name, 'stable', 'experimental', { reason, force }) })}>Promote experimental → stable</button>`
              : null
          }
          <button onClick=${() => act({ title: `Roll ${c} of ${name} back to its previous version`, run: (reason) => client.channels.rollback(name, c, { reason }) })}>Roll back ${c}</button>
        </li>`,
      )}
    </ul>

    <h2>Rollout</h2>
    ${
      r
        ? html`<${RolloutSummary} rollout=${r} />
          <p>Candidate ${dispatches(r.candidate.dispatches)}, ${r.candidate.failed} failed · baseline ${dispatches(r.baseline.dispatches)}, ${r.baseline.failed} failed${r.requiredSuccesses ? ` · needs ${r.requiredSuccesses} successes` : ''}</p>
          <div class="buttons">
            <button disabled=${r.state !== 'running'} onClick=${() => rolloutAction('pause')}>Pause</button>
            <button disabled=${r.state !== 'paused'} onClick=${() => rolloutAction('resume')}>Resume</button>
            <button disabled=${r.state !== 'running' && r.state !== 'paused'} onClick=${() => rolloutAction('promote')}>Promote now</button>
            <button class="danger" disabled=${r.state !== 'running' && r.state !== 'paused'} onClick=${() => rolloutAction('abort')}>Abort</button>
          </div>
          <ol class="decisions">${r.decisions.map((d) => html`<li><time datetime=${d.at}>${relative(d.at)}</time> <strong>${d.action}</strong> ${d.why}</li>`)}</ol>`
        : html`<${Empty}><p>No rollout. Start one with <code>npx vrouter rollout start ${name} &lt;version&gt; --steps 5,25,50,100</code>.</p></${Empty}>`
    }

    <h2>Pins</h2>
    <div class="filters" role="search" aria-label="Filter pins">
      <label>Scope <select value=${scope} onChange=${(e: Event) => setScope((e.target as HTMLSelectElement).value)}>
        <option value="">any</option>${SCOPES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select></label>
      <label>Subject <input value=${subject} onInput=${(e: Event) => setSubject((e.target as HTMLInputElement).value)} /></label>
      <label>Channel <select value=${channel} onChange=${(e: Event) => setChannel((e.target as HTMLSelectElement).value)}>
        <option value="">any</option>${CHANNELS.map((c) => html`<option value=${c}>${c}</option>`)}
      </select></label>
    </div>
    ${
      pins.length === 0
        ? html`<${Empty}><p>No pins yet: everyone gets stable. Pin a customer from <a href="#/customer">What does this customer get?</a> or with <code>npx vrouter pins set customer acme ${name} --channel beta --expires 2h</code>.</p></${Empty}>`
        : html`<table>
          <thead><tr><th scope="col">Scope</th><th scope="col">Subject</th><th scope="col">Goes to</th><th scope="col">Expires</th><th scope="col">Reason</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            ${shown.map((p) => {
              const expired = p.expiresAt !== undefined && Date.parse(p.expiresAt) <= now;
              return html`<tr class=${expired ? 'expired' : ''}>
                <td>${p.scope}</td><td>${p.subject}</td><td>${pinTarget(p)}</td>
                <td>${p.expiresAt ? html`<time datetime=${p.expiresAt}>${expired ? html`<span class="badge">expired</span> ${relative(p.expiresAt, now)}` : relative(p.expiresAt, now)}</time>` : html`<span class="muted">never</span>`}</td>
                <td>${p.reason ?? ''}</td>
                <td><button aria-label=${`Unpin ${p.scope} ${p.subject}`} onClick=${() => act({ title: `Unpin ${p.scope} ${p.subject} from ${name}`, run: () => client.pins.unset(p.scope, p.subject, name) })}>Unpin</button></td>
              </tr>`;
            })}
          </tbody>
        </table>`
    }

    <h2>Audit trail</h2>
    ${
      audit.length === 0
        ? html`<${Empty}><p>No changes recorded yet.</p></${Empty}>`
        : html`<table>
          <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Change</th><th scope="col">Reason</th></tr></thead>
          <tbody>${audit.slice(0, 50).map((e) => html`<tr><td><time datetime=${e.at}>${relative(e.at, now)}</time></td><td>${e.actor}</td><td>${e.action} ${e.subject ?? ''}</td><td>${auditSummary(e)}</td><td>${e.reason ?? ''}</td></tr>`)}</tbody>
        </table>`
    }
    <p><button onClick=${reload}>Refresh now</button></p>
  </section>`;
}
