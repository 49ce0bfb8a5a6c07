import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { VersionHealth } from './api.js';
import { dispatches, FAILING_RATE, MIN_FOR_VERDICT, percent } from './format.js';
import { html } from './html.js';
import { describeError } from './session.js';

/** Re-reads every `everyMs` while the page is open (live refresh), and once whenever `deps` change. */
export function usePoll<T>(read: () => Promise<T>, deps: unknown[], everyMs = 5000): { value: T | undefined; error: unknown; reload: () => void } {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [tick, setTick] = useState(0);
  const latest = useRef(read);
  latest.current = read;
  useEffect(() => {
    let live = true;
    const run = () =>
      latest.current().then(
        (v) => {
          if (!live) return;
          setValue(v);
          setError(undefined);
        },
        (e: unknown) => live && setError(e),
      );
    run();
    const timer = setInterval(run, everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [...deps, tick]);
  return { value, error, reload: () => setTick((t) => t + 1) };
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const { code, message } = describeError(error);
  return html`<p class="error" role="alert"><strong>${code}</strong> ${message}</p>`;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return html`<div class="empty">${children}</div>`;
}

export function isFailing(health: VersionHealth | undefined): boolean {
  return !!health && health.dispatches >= MIN_FOR_VERDICT && (health.errorRate ?? 0) >= FAILING_RATE;
}

/** Dispatches per step of the window as bars, failed ones in the error colour; an accessible summary for screen readers. */
export function Sparkline({ points }: { points: { dispatches: number; failed: number }[] | undefined }) {
  if (!points || points.length === 0) return null;
  const max = Math.max(1, ...points.map((p) => p.dispatches));
  const width = 2 * points.length;
  const total = points.reduce((n, p) => n + p.dispatches, 0);
  const failed = points.reduce((n, p) => n + p.failed, 0);
  return html`<svg class="spark" viewBox="0 0 ${width} 20" width=${width * 2} height="20" role="img" aria-label=${`${dispatches(total)}, ${failed} failed, over the window`}>
    ${points.map(
      (p, i) => html`<g>
        <rect x=${i * 2} y=${20 - (18 * p.dispatches) / max} width="1.6" height=${(18 * p.dispatches) / max} class="ok" />
        <rect x=${i * 2} y=${20 - (18 * p.failed) / max} width="1.6" height=${(18 * p.failed) / max} class="bad" />
      </g>`,
    )}
  </svg>`;
}

export function HealthCell({ health }: { health: VersionHealth | undefined }) {
  if (!health || health.dispatches === 0) return html`<span class="muted">no traffic</span>`;
  const failing = isFailing(health);
  return html`<span class=${failing ? 'health failing' : 'health'}>
    ${failing ? html`<span class="badge bad">failing</span> ` : null}
    ${dispatches(health.dispatches)} · ${percent(health.errorRate)} errors${health.latencyMs?.p99 != null ? ` · p99 ${Math.round(health.latencyMs.p99)} ms` : ''}
    <${Sparkline} points=${health.series} />
  </span>`;
}

export interface ActionRequest {
  title: string;
  /** Called with the reason (and force); throws the server's refusal, which the dialog shows. */
  run: (reason: string, force: boolean) => Promise<unknown>;
}

/**
 * Every change asks for a reason (it lands in the audit log). A refusal is shown in the server's words; when it is a
 * safety check, the operator may force it, with the same reason.
 */
export function ActionDialog({ action, onDone, onCancel }: { action: ActionRequest; onDone: () => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const [force, setForce] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const refusal = error ? describeError(error) : undefined;
  const canForce = refusal?.code === 'VR_SAFETY_CHECK' || refusal?.code === 'VR_CHANNEL_EMPTY';
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await action.run(reason.trim(), force);
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="overlay" role="presentation">
    <form class="dialog" role="dialog" aria-modal="true" aria-labelledby="action-title" onSubmit=${submit}>
      <h2 id="action-title">${action.title}</h2>
      <label>Reason (kept in the audit log)
        <input name="reason" required autofocus value=${reason} onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} />
      </label>
      ${
        refusal
          ? html`<div class="refusal" role="alert">
              <p><strong>The router refused:</strong> ${refusal.message} <code>${refusal.code}</code></p>
              ${
                canForce
                  ? html`<label class="inline"><input type="checkbox" name="force" checked=${force} onChange=${(e: Event) => setForce((e.target as HTMLInputElement).checked)} /> Force it anyway (audited as forced, with this reason)</label>`
                  : null
              }
            </div>`
          : null
      }
      <div class="buttons">
        <button type="button" onClick=${onCancel}>Cancel</button>
        <button type="submit" class="primary" disabled=${busy || !reason.trim()}>${force ? 'Force' : 'Confirm'}</button>
      </div>
    </form>
  </div>`;
}
