import type { ComponentDetails, ResolveAnswer, VrouterClient } from '@vrouter/client';
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { type ActionRequest, ErrorNote } from '../widgets.js';

interface Decision {
  component: ComponentDetails;
  answer: ResolveAnswer;
}

type Considered = { scope: string; subject: string | null; outcome: string; detail: string };

const OUTCOME_WORDS: Record<string, string> = {
  matched: 'applies',
  'no-subject': 'not given',
  'no-pin': 'no pin',
  expired: 'expired',
  'channel-empty': 'channel empty',
  'version-unknown': 'unknown version',
  'not-reached': 'not needed',
};

function Explanation({ considered }: { considered: Considered[] }) {
  return html`<ol class="explain">
    ${considered.map(
      (c) => html`<li class=${c.outcome === 'matched' ? 'matched' : ''}>
        <strong>${c.scope}${c.subject ? ` ${c.subject}` : ''}</strong>: ${OUTCOME_WORDS[c.outcome] ?? c.outcome}. <span class="muted">${c.detail}</span>
      </li>`,
    )}
  </ol>`;
}

export function CustomerPage({ client, act }: { client: VrouterClient; act: (a: ActionRequest) => void }) {
  const [customer, setCustomer] = useState('');
  const [project, setProject] = useState('');
  const [plan, setPlan] = useState('');
  const [decisions, setDecisions] = useState<Decision[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [pinTo, setPinTo] = useState<Record<string, string>>({});

  const lookUp = async (e?: Event) => {
    e?.preventDefault();
    setError(undefined);
    try {
      const { components } = await client.components.list();
      const query = { ...(customer ? { customer } : {}), ...(project ? { project } : {}), ...(plan ? { plan } : {}) };
      setDecisions(await Promise.all(components.map(async (component) => ({ component, answer: await client.resolve({ component: component.name, ...query }) }))));
    } catch (caught) {
      setError(caught);
    }
  };

  const pin = (component: ComponentDetails) => {
    const choice = pinTo[component.name] ?? 'channel:beta';
    const [kind, value] = choice.split(':') as ['channel' | 'version', string];
    act({
      title: `Pin customer ${customer} of ${component.name} to ${kind} ${value}`,
      run: (reason, force) =>
        client.pins
          .set('customer', customer, component.name, kind === 'channel' ? { channel: value as 'beta', reason, force } : { version: value, reason, force })
          .then(() => lookUp()),
    });
  };
  const unpin = (component: ComponentDetails) =>
    act({ title: `Unpin customer ${customer} from ${component.name}`, run: () => client.pins.unset('customer', customer, component.name).then(() => lookUp()) });

  return html`<section aria-labelledby="customer-title">
    <h1 id="customer-title">What does this customer get?</h1>
    <form class="filters" onSubmit=${lookUp} aria-label="Look up a customer">
      <label>Customer <input name="customer" required value=${customer} onInput=${(e: Event) => setCustomer((e.target as HTMLInputElement).value.trim())} /></label>
      <label>Project (optional) <input name="project" value=${project} onInput=${(e: Event) => setProject((e.target as HTMLInputElement).value.trim())} /></label>
      <label>Plan (optional) <input name="plan" value=${plan} onInput=${(e: Event) => setPlan((e.target as HTMLInputElement).value.trim())} /></label>
      <button type="submit" class="primary">Look up</button>
    </form>
    <${ErrorNote} error=${error} />
    ${
      decisions?.map(({ component, answer }) => {
        const a = answer as ResolveAnswer & { resolved: boolean; version?: string; source?: string; reason?: string; considered: Considered[] };
        const customerPinned = a.considered.some((c) => c.scope === 'customer' && c.outcome !== 'no-pin' && c.outcome !== 'no-subject');
        return html`<article class="card decision" aria-label=${`decision for ${component.name}`}>
          <header>
            <h2>${component.name}</h2>
            <span class="verdict" data-testid=${`decision-${component.name}`}>${a.resolved ? html`gets <strong>${a.version}</strong> <span class="muted">(${a.source})</span>` : html`<span class="badge bad">no version</span> ${a.reason}`}</span>
          </header>
          <${Explanation} considered=${a.considered} />
          <div class="buttons">
            <label>Pin this customer to
              <select value=${pinTo[component.name] ?? 'channel:beta'} onChange=${(e: Event) => setPinTo({ ...pinTo, [component.name]: (e.target as HTMLSelectElement).value })}>
                ${(['stable', 'beta', 'experimental'] as const).map((c) => html`<option value=${`channel:${c}`}>channel ${c}</option>`)}
                ${component.versions.map((v) => html`<option value=${`version:${v.name}`}>version ${v.name}</option>`)}
              </select>
            </label>
            <button onClick=${() => pin(component)}>Pin</button>
            ${customerPinned ? html`<button onClick=${() => unpin(component)}>Unpin</button>` : null}
          </div>
        </article>`;
      }) ?? null
    }
  </section>`;
}
