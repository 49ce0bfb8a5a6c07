import type { ComponentDetails, VrouterClient } from '@vrouter/client';
import { type HealthAnswer, health, type RolloutView, rollout } from '../api.js';
import { html } from '../html.js';
import { Empty, ErrorNote, HealthCell, isFailing, usePoll } from '../widgets.js';

interface Row {
  component: ComponentDetails;
  health: HealthAnswer | undefined;
  rollout: RolloutView | undefined;
}

async function load(client: VrouterClient): Promise<Row[]> {
  const { components } = await client.components.list();
  return Promise.all(components.map(async (component) => ({ component, health: await health(client, component.name), rollout: await rollout(client, component.name) })));
}

export function RolloutSummary({ rollout: r }: { rollout: RolloutView | undefined }) {
  if (!r) return null;
  const gate = r.state === 'aborted' ? 'gate failed' : r.state === 'completed' ? 'completed' : r.state === 'paused' ? 'paused' : 'gate holding';
  return html`<p class=${`rollout ${r.state}`}>
    Rollout of <strong>${r.version}</strong>: ${r.state}, step ${r.step + 1}${r.steps ? ` of ${r.steps.length}` : ''}, ${r.percent}% of unpinned customers · ${gate}
  </p>`;
}

export function Overview({ client }: { client: VrouterClient }) {
  const { value: rows, error } = usePoll(() => load(client), [client]);
  if (!rows) return html`<${ErrorNote} error=${error} />${error ? null : html`<p aria-busy="true">Loading…</p>`}`;
  if (rows.length === 0) {
    return html`<${Empty}>
      <p>No components yet. Register one with the API or the CLI:</p>
      <pre>npx vrouter components put release-coordinator --subscribe 'release.*'</pre>
    </${Empty}>`;
  }
  return html`<section aria-labelledby="overview-title">
    <h1 id="overview-title">Components</h1>
    <${ErrorNote} error=${error} />
    ${rows.map(({ component, health: h, rollout: r }) => {
      const byVersion = new Map((h?.versions ?? []).map((v) => [v.version, v]));
      const failing = component.versions.some((v) => isFailing(byVersion.get(v.name)));
      return html`<article class=${failing ? 'card failing' : 'card'} aria-label=${`component ${component.name}`}>
        <header>
          <h2><a href=${`#/components/${encodeURIComponent(component.name)}`}>${component.name}</a></h2>
          ${failing ? html`<span class="badge bad">a version is failing</span>` : null}
          <span class="channels">
            ${(['stable', 'beta', 'experimental'] as const).map((c) => html`<span class="channel"><span class="muted">${c}</span> ${component.channels[c] ?? '–'}</span>`)}
          </span>
        </header>
        <${RolloutSummary} rollout=${r} />
        <table>
          <caption class="sr-only">Versions of ${component.name} and their health over the last hour</caption>
          <thead><tr><th scope="col">Version</th><th scope="col">Channels</th><th scope="col">Last hour</th></tr></thead>
          <tbody>
            ${component.versions.map((v) => {
              const channels = (['stable', 'beta', 'experimental'] as const).filter((c) => component.channels[c] === v.name);
              return html`<tr class=${isFailing(byVersion.get(v.name)) ? 'failing' : ''}>
                <th scope="row">${v.name}</th>
                <td>${channels.join(', ') || html`<span class="muted">none</span>`}</td>
                <td><${HealthCell} health=${byVersion.get(v.name)} /></td>
              </tr>`;
            })}
          </tbody>
        </table>
      </article>`;
    })}
  </section>`;
}
