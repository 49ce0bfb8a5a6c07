import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import t from 'tap';
import { type DevServer, loadConfig, startDev } from '@vrouter/router';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The machine's network is closed: without these, Chromium keeps dialling Google's services in the background.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WAIT = { timeout: 20_000 };

t.test('the operator page at /ui, in headless Chromium, on the dev stack', async (t) => {
  let dev: DevServer;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  t.before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vrouter-ui-'));
    dev = await startDev(loadConfig({ VROUTER_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', VROUTER_LOG_LEVEL: 'silent', VROUTER_POLL_INTERVAL_MS: '200' }), {
      print: () => {},
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  });
  t.teardown(async () => {
    await browser?.close();
    await dev?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  t.test('signs in with the token, keeps it out of the URL, and shows the seeded component with its versions', async () => {
    const started = Date.now();
    await page.goto(`${dev.url}/ui/`);
    await page.getByLabel('Token').waitFor(WAIT);
    const firstRenderMs = Date.now() - started;
    // Runs in the page: its globals are the browser's, typed loosely here since this file compiles for Node.
    const weight = await page.evaluate(() =>
      (globalThis as unknown as { performance: { getEntriesByType(t: string): { transferSize: number; encodedBodySize: number }[] } }).performance
        .getEntriesByType('resource')
        .reduce((n, e) => n + (e.transferSize || e.encodedBodySize || 0), 0),
    );
    console.log(`# ui: first render ${firstRenderMs} ms, page weight ${weight} bytes transferred`);

    await page.getByLabel('Token').fill('not-the-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'does not accept' }).waitFor(WAIT);

    await page.getByLabel('Token').fill(dev.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const card = page.getByRole('article', { name: 'component release-coordinator' });
    await card.waitFor(WAIT);
    for (const version of ['v1', 'v2', 'v3']) assert.equal(await card.getByRole('rowheader', { name: version, exact: true }).count(), 1, `${version} is listed`);
    assert.ok(!page.url().includes(dev.token), 'the token never appears in the URL');
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('vrouter.token')),
      dev.token,
    );
    const headers = (await page.request.get(`${dev.url}/ui/`)).headers();
    assert.match(headers['content-security-policy'] ?? '', /script-src 'self'/);
    assert.equal(headers['x-frame-options'], 'DENY');
  });

  t.test('pins a customer and shows the decision change, with the reason asked for', async () => {
    await page.getByRole('link', { name: 'What does this customer get?' }).click();
    await page.getByRole('textbox', { name: 'Customer', exact: true }).fill('acme');
    await page.getByRole('button', { name: 'Look up' }).click();
    const decision = page.getByTestId('decision-release-coordinator');
    await decision.filter({ hasText: 'v1' }).waitFor(WAIT);

    const article = page.getByRole('article', { name: 'decision for release-coordinator' });
    await article.getByLabel('Pin this customer to').selectOption('channel:experimental');
    await article.getByRole('button', { name: 'Pin', exact: true }).click();
    await page.getByLabel('Reason (kept in the audit log)').fill('try v3 from the page');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await decision.filter({ hasText: 'v3' }).waitFor(WAIT);
    assert.match((await decision.textContent()) ?? '', /v3.*customer/);
  });

  t.test('shows a refusal in plain words and offers to force it', async () => {
    await page.goto(`${dev.url}/ui/#/components/release-coordinator`);
    await page.getByRole('button', { name: 'Promote beta → stable' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Promote beta → stable' }).click();
    await page.getByLabel('Reason (kept in the audit log)').fill('ship it');
    await page.getByRole('button', { name: 'Confirm' }).click();
    const refusal = page.locator('.refusal');
    await refusal.waitFor(WAIT);
    assert.match((await refusal.textContent()) ?? '', /VR_SAFETY_CHECK/);
    assert.equal(await page.getByLabel(/Force it anyway/).count(), 1);
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  t.test('renders attacker-controlled text from events as text', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const response = await fetch(`${dev.url}/v1/events?wait=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.token}`, 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ specversion: '1.0', id: 'ui-hostile-1', source: '/ui-test', type: 'release.requested', customerid: 'acme', data: { fail: true, message: hostile } }),
    });
    assert.equal(response.status, 202);
    await page.goto(`${dev.url}/ui/#/events`);
    await page.getByRole('button', { name: 'Open event ui-hostile-1' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Open event ui-hostile-1' }).click();
    await page.getByRole('complementary', { name: 'event ui-hostile-1' }).waitFor(WAIT);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
  });

  t.test('replays filtered events: a dry-run preview first, then the replay with live progress until it finishes', async () => {
    for (let i = 0; i < 3; i += 1) {
      await fetch(`${dev.url}/v1/events?wait=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${dev.token}`, 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({ specversion: '1.0', id: `ui-fail-${i}`, source: '/ui-test', type: 'release.requested', customerid: 'ui-replay', data: { fail: true } }),
      });
    }
    await page.goto(`${dev.url}/ui/#/events`);
    // A filter counts once the page lists with it. On a loaded machine the re-render of one filter can land after the
    // next field was typed and clear it, so a field is typed again (a bounded number of times) until the list asks for it.
    const filterBy = async (name: string, value: string) => {
      const box = page.getByRole('textbox', { name, exact: true });
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await box.fill(value);
        const listed = page
          .waitForResponse((r) => r.url().includes('/v1/events?') && new URL(r.url()).searchParams.get(name.toLowerCase()) === value, { timeout: 5000 })
          .then(
            () => true,
            () => false,
          );
        await box.press('Tab');
        if (await listed) return;
      }
      throw new Error(`the page never listed events with ${name} ${value}`);
    };
    await filterBy('Component', 'release-coordinator');
    // A customer of its own: the dev stack's other failures (and other tests') are not in this selection.
    await filterBy('Customer', 'ui-replay');
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Open event ui-fail-0' }).waitFor(WAIT);
    // The list (and so the preview) follows the filters once they apply: acme's failed event leaves it then.
    await page.getByRole('button', { name: 'Open event ui-hostile-1' }).waitFor({ ...WAIT, state: 'detached' });
    await page.getByRole('button', { name: 'Replay these…' }).click();
    const preview = page.getByTestId('replay-preview');
    await preview.waitFor(WAIT);
    assert.match((await preview.textContent()) ?? '', /\b3\b/);
    await page.getByRole('button', { name: 'Replay 3' }).click();
    const progress = page.getByTestId('replay-progress');
    await progress.filter({ hasText: /completed/ }).waitFor({ timeout: 60_000 });
    assert.match((await progress.textContent()) ?? '', /0 remaining/);
  });

  t.test("shows a version's health and a running rollout from the real routes, and aborts it from the page", async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${dev.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${dev.token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    // Unpinned customers on stable (v1), and globex (pinned to beta) with events that fail on v2: both have health.
    for (let i = 0; i < 6; i += 1) {
      const failing = i >= 4;
      const response = await fetch(`${dev.url}/v1/events?wait=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${dev.token}`, 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({
          specversion: '1.0',
          id: `ui-health-${i}`,
          source: '/ui-test',
          type: 'release.requested',
          customerid: failing ? 'globex' : `ui-health-${i}`,
          ...(failing ? { data: { fail: 'v2' } } : {}),
        }),
      });
      assert.equal(response.status, 202);
    }
    // A gate that cannot reach a verdict within the test: the rollout stays running until the page aborts it.
    const started = await admin('PUT', '/v1/components/release-coordinator/rollout', {
      version: 'v3',
      steps: [{ percent: 20, bakeSeconds: 3600 }, { percent: 100 }],
      gate: { maxErrorRate: 0.5, minDispatches: 100_000 },
      reason: 'ui test',
    });
    assert.equal(started.status, 201, await started.clone().text());

    await page.goto(`${dev.url}/ui/#/components/release-coordinator`);
    const summary = page.locator('p.rollout');
    await summary.filter({ hasText: 'running' }).waitFor(WAIT);
    assert.match((await summary.textContent()) ?? '', /Rollout of v3: running, step 1 of 2, 20% of unpinned customers · gate holding/);
    // Health counters are flushed every couple of seconds and the page polls every five: wait for both.
    const v1 = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'v1', exact: true }) });
    await v1.filter({ hasText: /\d+ dispatch(es)? · \d+(\.\d+)?% errors/ }).waitFor({ timeout: 30_000 });
    const v2 = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'v2', exact: true }) });
    await v2.filter({ hasText: /[1-9]\d* dispatch(es)?/ }).waitFor({ timeout: 30_000 });
    const served = (await (await admin('GET', '/v1/health/versions?component=release-coordinator&window=1h')).json()) as {
      versions: { version: string; dispatches: number; failed: number; series: { dispatches: number; failed: number }[] }[];
    };
    const v2Health = served.versions.find((v) => v.version === 'v2');
    assert.ok(v2Health && v2Health.failed > 0, 'the failed events on beta are counted against v2');
    // The sparkline draws the served series: one bar pair per minute of the hour, its summary the same totals.
    assert.equal(v2Health.series.length, 60);
    const spark = v2.getByRole('img', { name: /dispatch(es)?, \d+ failed, over the window/ });
    await spark.waitFor(WAIT);
    assert.equal(await spark.locator('rect.bad').count(), 60);
    const label = (await spark.getAttribute('aria-label')) ?? '';
    const [drawn, drawnFailed] = (label.match(/\d+/g) ?? []).map(Number);
    assert.ok(drawn! >= 1 && drawnFailed! >= 1 && drawnFailed! <= drawn!, label);

    await page.getByRole('button', { name: 'Abort' }).click();
    await page.getByLabel('Reason (kept in the audit log)').fill('aborted from the page');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await summary.filter({ hasText: 'aborted' }).waitFor(WAIT);
    assert.match((await summary.textContent()) ?? '', /gate failed/);
    await page.locator('ol.decisions').filter({ hasText: 'aborted from the page' }).waitFor(WAIT);
    const after = (await (await admin('GET', '/v1/components/release-coordinator/rollout')).json()) as { state: string; percent: number };
    assert.deepEqual([after.state, after.percent], ['aborted', 0]);
  });

  t.test('loads nothing from outside the router, and the overview screenshot is taken', async () => {
    await page.goto(`${dev.url}/ui/#/`);
    await page.getByRole('article', { name: 'component release-coordinator' }).waitFor(WAIT);
    const shot = resolve(process.env.VROUTER_SCREENSHOT_DIR ?? tmpdir(), 'ui-overview.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 1000);
    const foreign = requests.filter((url) => !url.startsWith(dev.url) && !url.startsWith('data:'));
    assert.deepEqual(foreign, []);
    assert.deepEqual(
      consoleErrors.filter((e) => !/404|Failed to load resource/.test(e)),
      [],
    );
  });
});
