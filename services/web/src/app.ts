import type { VrouterClient } from '@vrouter/client';
import { useEffect, useState } from 'preact/hooks';
import { type UiSettings, uiSettings } from './api.js';
import { html } from './html.js';
import { clientFor, describeError, forgetToken, signIn, storedToken } from './session.js';
import { ComponentPage } from './views/component.js';
import { CustomerPage } from './views/customer.js';
import { EventsPage } from './views/events.js';
import { Overview } from './views/overview.js';
import { ActionDialog, type ActionRequest } from './widgets.js';

function useHashRoute(): string {
  const [hash, setHash] = useState(window.location.hash || '#/');
  useEffect(() => {
    const onChange = () => setHash(window.location.hash || '#/');
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function SignIn({ onSignedIn }: { onSignedIn: (client: VrouterClient) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      onSignedIn(await signIn(token.trim()));
    } catch (caught) {
      const { status, message } = describeError(caught);
      setError(status === 401 ? 'The router does not accept this token.' : message);
    }
  };
  return html`<main class="signin">
    <form onSubmit=${submit} aria-labelledby="signin-title">
      <h1 id="signin-title">Version Router</h1>
      <p>Paste an API token. It stays in this tab only and is sent to this router alone.</p>
      <label>Token <input type="password" name="token" autocomplete="off" required value=${token} onInput=${(e: Event) => setToken((e.target as HTMLInputElement).value)} /></label>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      <button type="submit" class="primary">Sign in</button>
    </form>
  </main>`;
}

export function App() {
  const [client, setClient] = useState<VrouterClient | undefined>(() => {
    const token = storedToken();
    return token ? clientFor(token) : undefined;
  });
  const [settings, setSettings] = useState<UiSettings>({});
  const [action, setAction] = useState<ActionRequest | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const route = useHashRoute();
  useEffect(() => {
    uiSettings().then(setSettings, () => undefined);
  }, []);
  if (!client) return html`<${SignIn} onSignedIn=${setClient} />`;
  const signOut = () => {
    forgetToken();
    setClient(undefined);
  };
  const component = /^#\/components\/([^/]+)$/.exec(route)?.[1];
  let page: unknown;
  if (component) page = html`<${ComponentPage} key=${generation} client=${client} name=${decodeURIComponent(component)} act=${setAction} />`;
  else if (route.startsWith('#/customer')) page = html`<${CustomerPage} client=${client} act=${setAction} />`;
  else if (route.startsWith('#/events')) page = html`<${EventsPage} client=${client} traceTemplate=${settings.traceUrlTemplate} />`;
  else page = html`<${Overview} key=${generation} client=${client} />`;
  const link = (href: string, label: string) => html`<a href=${href} aria-current=${route === href || (href !== '#/' && route.startsWith(href)) ? 'page' : undefined}>${label}</a>`;
  return html`<div class="shell">
    <nav aria-label="Main">
      <strong class="brand">vrouter</strong>
      ${link('#/', 'Overview')}
      ${link('#/customer', 'What does this customer get?')}
      ${link('#/events', 'Events')}
      <span class="spacer"></span>
      <span class="muted live" aria-live="polite">live</span>
      <button onClick=${signOut}>Sign out</button>
    </nav>
    <main>${page}</main>
    ${
      action
        ? html`<${ActionDialog}
            action=${action}
            onCancel=${() => setAction(undefined)}
            onDone=${() => {
              setAction(undefined);
              setGeneration((g) => g + 1);
            }}
          />`
        : null
    }
  </div>`;
}
