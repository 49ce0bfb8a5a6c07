import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import { UsageError } from '../src/commands/errors.js';
import { describeResults, eventFromOptions, readEventFile } from '../src/commands/send.js';

let dir: string;
t.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'vrouter-send-'));
});
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('eventFromOptions', async (t) => {
  t.test('builds a structured-mode CloudEvent with the routing extensions and JSON data', async () => {
    assert.deepEqual(
      eventFromOptions({ type: 'build.finished', customer: 'acme', project: 'web', plan: 'pro', component: 'svc', data: '{"n":1}' }, () => 'id-1'),
      {
        specversion: '1.0',
        id: 'id-1',
        source: '/vrouter-cli',
        type: 'build.finished',
        customerid: 'acme',
        projectid: 'web',
        plan: 'pro',
        component: 'svc',
        datacontenttype: 'application/json',
        data: { n: 1 },
      },
    );
    assert.deepEqual(eventFromOptions({ type: 't', source: '/s', id: 'e' }), { specversion: '1.0', id: 'e', source: '/s', type: 't' });
  });

  t.test('refuses a missing --type and data that is not JSON', async () => {
    assert.throws(() => eventFromOptions({ customer: 'acme' }), UsageError);
    assert.throws(() => eventFromOptions({ type: 't', data: '{nope' }), /--data is not JSON/);
  });
});

t.test('readEventFile', async (t) => {
  t.test('reads one event or a batch from a file, or from stdin with -', async () => {
    const one = join(dir, 'one.json');
    writeFileSync(one, '{"id":"1"}');
    assert.deepEqual(await readEventFile({ file: one }), { id: '1' });
    assert.deepEqual(await readEventFile({ file: '-' }, Readable.from([Buffer.from('[{"id":"1"},'), Buffer.from('{"id":"2"}]')])), [{ id: '1' }, { id: '2' }]);
  });

  t.test('refuses flags beside --file, unreadable files, other JSON and input over the limit', async () => {
    const one = join(dir, 'one.json');
    writeFileSync(one, '{"id":"1"}');
    await assert.rejects(readEventFile({ file: one, type: 't' }), /drop --type/);
    await assert.rejects(readEventFile({ file: join(dir, 'missing.json') }), /Cannot read .*ENOENT/);
    for (const text of ['nope', '42', '[]', '[1]', 'null']) await assert.rejects(readEventFile({ file: '-' }, Readable.from([text])), UsageError, text);
    await assert.rejects(readEventFile({ file: '-' }, Readable.from(['{"a":"', 'x'.repeat(100), '"}']), 50), /larger than 50 bytes/);
  });
});

t.test('describeResults', async (t) => {
  t.test('prints a row per dispatch, and one for an event without dispatches', async () => {
    const text = describeResults({
      results: [
        {
          source: '/s',
          id: '1',
          status: 'accepted',
          dispatches: [{ component: 'svc', version: 'v2', channel: 'beta', pin: { scope: 'customer', subject: 'acme' }, status: 'succeeded' }],
        },
        { source: '/s', id: '2', status: 'accepted', dispatches: [] },
        { status: 'rejected', dispatches: [], error: { type: 'about:blank', title: 'Bad Request', status: 400, code: 'VR_EVENT_INVALID', detail: 'type is required' } },
      ],
    });
    assert.equal(
      text,
      [
        'SOURCE  ID  RESULT    COMPONENT  VERSION  VIA   DISPATCH   ERROR',
        '/s      1   accepted  svc        v2       beta  succeeded  -',
        '/s      2   accepted  -          -        -     -          no component subscribes',
        '-       -   rejected  -          -        -     -          VR_EVENT_INVALID: type is required',
      ].join('\n'),
    );
  });
});
