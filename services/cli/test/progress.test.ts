import assert from 'node:assert/strict';
import t from 'tap';
import { ApiError, ConnectionError, type Replay, type VrouterClient } from '@vrouter/client';
import { EXIT, UsageError } from '../src/commands/errors.js';
import { type ProgressView, percentDone, plainLine, progressBar, ReplayProgress, ttyLine } from '../src/commands/progress.js';
import { exitCodeForReplay, followReplay, replayInput } from '../src/commands/replay.js';

/** A stream that records what was written, as a terminal (isTTY) or a pipe. */
function sink(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns, write: (chunk: string) => chunks.push(chunk) }, text: () => chunks.join('') };
}

const job = (counts: Partial<ProgressView['counts']>, state: ProgressView['state'] = 'running', counted = true): ProgressView => {
  const all = { matched: 0, dispatched: 0, succeeded: 0, failed: 0, skipped: 0, ...counts };
  return { id: 'rp_1', state, counts: all, counted, remaining: Math.max(0, all.matched - all.dispatched - all.skipped) };
};

/** What a terminal shows after the chunks: each \r goes back to the start of the line and overwrites it. */
function screen(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    let line = '';
    for (const part of raw.split('\r')) line = part + line.slice(part.length);
    lines.push(line);
  }
  return lines;
}

t.test('progress lines', async (t) => {
  t.test('plain: state and counts, skipped only when any were', async () => {
    assert.equal(plainLine(job({ matched: 3, dispatched: 1, succeeded: 1 })), 'replay rp_1 running: matched 3, dispatched 1, succeeded 1, failed 0, remaining 2');
    assert.equal(
      plainLine(job({ matched: 4, dispatched: 3, succeeded: 2, failed: 1, skipped: 1 }, 'completed')),
      'replay rp_1 completed: matched 4, dispatched 3, succeeded 2, failed 1, skipped 1, remaining 0',
    );
    assert.equal(plainLine(job({}, 'running', false)), 'replay rp_1 running: counting matches');
  });

  t.test('bar and percentage: dispatched and skipped count as done; 100% once ended', async () => {
    assert.equal(progressBar(job({ matched: 4, dispatched: 1, skipped: 1 }), 10), '[#####.....]');
    assert.equal(percentDone(job({ matched: 3, dispatched: 1 })), 33);
    assert.equal(percentDone(job({ matched: 0 })), 0);
    assert.equal(percentDone(job({ matched: 0 }, 'completed')), 100);
    assert.equal(progressBar(job({ matched: 9 }, 'running', false), 4), '[....]');
    assert.equal(progressBar(job({ matched: 2, dispatched: 2 }, 'completed'), 4), '[####]');
  });

  t.test('terminal: one line with the bar, the counts and the id, cut to the width so it never wraps', async () => {
    const line = ttyLine(job({ matched: 3, dispatched: 1, succeeded: 1 }), undefined, 10);
    assert.equal(line, '[###.......]  33%  matched 3  dispatched 1  succeeded 1  failed 0  remaining 2  (rp_1 running)');
    assert.equal(ttyLine(job({ matched: 3, dispatched: 1, succeeded: 1 }), 30, 10), line.slice(0, 29));
  });

  t.test('strips control characters from server data', async () => {
    const line = plainLine({ ...job({ matched: 1 }), id: 'rp_\u001b[2J\nx' });
    assert.doesNotMatch(line, /\p{Cc}/u);
  });
});

t.test('ReplayProgress on a terminal', async (t) => {
  t.test('redraws one line in place with \\r, padding over a longer line, and ends it on finish', async () => {
    const out = sink(true);
    const progress = new ReplayProgress(out.stream, { barWidth: 10 });
    assert.equal(progress.tty, true);
    progress.update(job({ matched: 3 }, 'running', false));
    progress.update(job({ matched: 3 }));
    progress.update(job({ matched: 3 })); // unchanged: nothing drawn
    progress.update(job({ matched: 3, dispatched: 1, succeeded: 1 }));
    progress.finish(job({ matched: 3, dispatched: 3, succeeded: 3 }, 'completed'));
    assert.equal(out.chunks.length, 5, JSON.stringify(out.chunks));
    assert.ok(out.chunks.slice(0, 4).every((c) => c.startsWith('\r') && !c.includes('\n')));
    assert.equal(out.chunks.at(-1), '\n');
    assert.ok(!out.text().slice(0, -1).includes('\n'), 'a single line until the end');
    assert.deepEqual(screen(out.text()), ['[##########] 100%  matched 3  dispatched 3  succeeded 3  failed 0  remaining 0  (rp_1 completed)', '']);
  });

  t.test('blanks out what a longer line left behind', async () => {
    const out = sink(true);
    const progress = new ReplayProgress(out.stream, { barWidth: 4 });
    progress.update(job({ matched: 100, dispatched: 10, succeeded: 10 }));
    progress.update(job({ matched: 1 }, 'running', false));
    const [visible] = screen(out.text());
    assert.equal(visible!.trimEnd(), '[....]   0%  counting matches  (rp_1 running)');
  });

  t.test('keeps within the terminal width', async () => {
    const out = sink(true, 40);
    const progress = new ReplayProgress(out.stream);
    progress.update(job({ matched: 3, dispatched: 1, succeeded: 1 }));
    progress.update(job({ matched: 3, dispatched: 2, succeeded: 2 }));
    for (const chunk of out.chunks) assert.ok(chunk.length - 1 <= 39, `${JSON.stringify(chunk)} is wider than 39`);
  });

  t.test('interrupt ends the line so the next message starts on its own; it does nothing before anything was drawn', async () => {
    const out = sink(true);
    const progress = new ReplayProgress(out.stream);
    progress.interrupt();
    assert.deepEqual(out.chunks, []);
    progress.update(job({ matched: 3 }));
    progress.interrupt();
    progress.interrupt();
    assert.equal(out.chunks.at(-1), '\n');
    assert.equal(out.chunks.filter((c) => c === '\n').length, 1);
  });
});

t.test('ReplayProgress elsewhere (pipe, file, CI log)', async (t) => {
  t.test('prints a line per change, at most one a second, and the final line always', async () => {
    let now = 0;
    const out = sink(false);
    const progress = new ReplayProgress(out.stream, { now: () => now });
    assert.equal(progress.tty, false);
    progress.update(job({ matched: 3 })); // printed: the first
    now = 400;
    progress.update(job({ matched: 3, dispatched: 1, succeeded: 1 })); // too soon
    now = 1000;
    progress.update(job({ matched: 3, dispatched: 1, succeeded: 1 })); // a second later: printed
    now = 2500;
    progress.update(job({ matched: 3, dispatched: 1, succeeded: 1 })); // no change: nothing
    now = 2600;
    progress.finish(job({ matched: 3, dispatched: 3, succeeded: 2, failed: 1 }, 'completed')); // final: always
    assert.equal(
      out.text(),
      [
        'replay rp_1 running: matched 3, dispatched 0, succeeded 0, failed 0, remaining 3',
        'replay rp_1 running: matched 3, dispatched 1, succeeded 1, failed 0, remaining 2',
        'replay rp_1 completed: matched 3, dispatched 3, succeeded 2, failed 1, remaining 0',
        '',
      ].join('\n'),
    );
    assert.doesNotMatch(out.text(), /\r/);
  });

  t.test('does not repeat the final line, and interrupt prints nothing', async () => {
    const out = sink(false);
    const progress = new ReplayProgress(out.stream, { now: () => 0 });
    progress.finish(job({ matched: 1, dispatched: 1, succeeded: 1 }, 'completed'));
    progress.finish(job({ matched: 1, dispatched: 1, succeeded: 1 }, 'completed'));
    progress.interrupt();
    assert.equal(out.text(), 'replay rp_1 completed: matched 1, dispatched 1, succeeded 1, failed 0, remaining 0\n');
  });

  t.test('follows the stream: a terminal redraws, anything else prints lines', async () => {
    assert.equal(new ReplayProgress(sink(true).stream).tty, true);
    assert.equal(new ReplayProgress(sink(false).stream).tty, false);
    assert.equal(new ReplayProgress({ write: () => true }).tty, false);
    assert.equal(new ReplayProgress(sink(true).stream, { tty: false }).tty, false);
  });
});

t.test('a followed replay', async (t) => {
  t.test('exits 0 when completed without failures, 8 with failures, 4 when cancelled, 1 when the job failed', async () => {
    assert.equal(exitCodeForReplay(job({ matched: 2, dispatched: 2, succeeded: 2 }, 'completed')), EXIT.ok);
    assert.equal(exitCodeForReplay(job({ matched: 2, dispatched: 2, succeeded: 1, failed: 1 }, 'completed')), 8);
    assert.equal(exitCodeForReplay(job({ matched: 2, dispatched: 1 }, 'cancelled')), 4);
    assert.equal(exitCodeForReplay(job({}, 'failed')), EXIT.unexpected);
  });

  const full = (state: Replay['state'], dispatched: number): Replay => ({
    ...job({ matched: 3, dispatched, succeeded: dispatched }, state),
    request: { from: 'a', to: 'b', filter: { status: 'failed' }, target: 'current', dryRun: false, ratePerSecond: 50, concurrency: 4 },
    createdAt: 'a',
    createdBy: 'admin',
    updatedAt: 'b',
  });
  const clientOf = (answers: (Replay | Error)[]) => {
    let calls = 0;
    const get = async (): Promise<Replay> => {
      const next = answers[Math.min(calls++, answers.length - 1)]!;
      if (next instanceof Error) throw next;
      return next;
    };
    return { client: { replays: { get } } as unknown as VrouterClient, calls: () => calls };
  };

  t.test('polls until the job ends, reporting each running state', async () => {
    const { client } = clientOf([full('running', 0), full('running', 1), full('completed', 3)]);
    const seen: number[] = [];
    const result = await followReplay(client, 'rp_1', { signal: new AbortController().signal, intervalMs: 1, onUpdate: (j) => seen.push(j.counts.dispatched) });
    assert.equal(result.interrupted, false);
    assert.equal(result.job?.state, 'completed');
    assert.deepEqual(seen, [0, 1]);
  });

  t.test('rides out a few failed polls (cannot connect, 429, 5xx) but not others', async () => {
    const refused = new ConnectionError('http://127.0.0.1:9/v1/replays/rp_1', new Error('ECONNREFUSED'));
    const limited = new ApiError(429, { code: 'VR_RATE_LIMITED', detail: 'slow down' }, 'x');
    const { client } = clientOf([refused, limited, full('completed', 3)]);
    assert.equal((await followReplay(client, 'rp_1', { signal: new AbortController().signal, intervalMs: 1 })).job?.state, 'completed');

    const missing = new ApiError(404, { code: 'VR_NOT_FOUND', detail: 'Replay rp_1 does not exist.' }, 'x');
    await assert.rejects(followReplay(clientOf([missing]).client, 'rp_1', { signal: new AbortController().signal, intervalMs: 1 }), ApiError);
    await assert.rejects(followReplay(clientOf([refused]).client, 'rp_1', { signal: new AbortController().signal, intervalMs: 1 }), ConnectionError);
  });

  t.test('stops at once when interrupted, returning the last job seen', async () => {
    const controller = new AbortController();
    const { client } = clientOf([full('running', 1)]);
    const following = followReplay(client, 'rp_1', { signal: controller.signal, intervalMs: 60_000, onUpdate: () => controller.abort() });
    const result = await following;
    assert.equal(result.interrupted, true);
    assert.equal(result.job?.counts.dispatched, 1);
  });
});

t.test('replayInput', async (t) => {
  const now = new Date('2026-01-31T12:00:00.000Z');

  t.test('builds the request: the window, the filters given, failed by default, the current version by default', async () => {
    assert.deepEqual(replayInput({ since: '15m', component: 'svc', customer: 'acme' }, now), {
      from: '2026-01-31T11:45:00.000Z',
      filter: { component: 'svc', customer: 'acme', status: 'failed' },
      target: 'current',
    });
    assert.deepEqual(
      replayInput(
        {
          from: '2026-01-31T10:00:00Z',
          to: '2026-01-31T11:00:00Z',
          component: 'svc',
          plan: 'free',
          version: 'v1',
          status: 'all',
          toVersion: 'v24',
          rate: 5,
          concurrency: 2,
          dryRun: true,
        },
        now,
      ),
      {
        from: '2026-01-31T10:00:00.000Z',
        to: '2026-01-31T11:00:00.000Z',
        filter: { component: 'svc', plan: 'free', version: 'v1', status: 'all' },
        target: { version: 'v24' },
        dryRun: true,
        ratePerSecond: 5,
        concurrency: 2,
      },
    );
  });

  t.test('refuses, before sending anything: no start, both starts, a start after the end, --to-version without --component', async () => {
    assert.throws(() => replayInput({}, now), UsageError);
    assert.throws(() => replayInput({ since: '15m', from: '2026-01-31T10:00:00Z' }, now), UsageError);
    assert.throws(() => replayInput({ from: '2026-01-31T11:00:00Z', to: '2026-01-31T10:00:00Z' }, now), UsageError);
    assert.throws(() => replayInput({ since: '15m', toVersion: 'v24' }, now), UsageError);
    assert.throws(() => replayInput({ since: 'yesterday' }, now), UsageError);
  });
});
