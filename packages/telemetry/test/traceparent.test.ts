import assert from 'node:assert/strict';
import t from 'tap';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { contextFromTraceparent, formatTraceparent, parseTraceparent, traceparentOf } from '../src/index.js';

t.test('traceparent', async (t) => {
  t.test('parses a valid version-00 header, marked remote', async () => {
    assert.deepEqual(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
  });

  const invalid: [string, unknown][] = [
    ['not a string', 42],
    ['version ff', 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
    ['all-zero trace id', '00-00000000000000000000000000000000-b7ad6b7169203331-01'],
    ['all-zero span id', '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01'],
    ['upper case', '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01'],
    ['short trace id', '00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01'],
    ['extra field on version 00', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra'],
    ['garbage', 'hello'],
  ];
  for (const [what, value] of invalid) {
    t.test(`refuses ${what}`, async () => assert.equal(parseTraceparent(value), undefined));
  }

  t.test('accepts a later version with more fields (forward compatible)', async () => {
    assert.equal(parseTraceparent('01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what-ever')?.spanId, 'b7ad6b7169203331');
  });

  t.test('formats what it parses, keeping only the sampled flag', async () => {
    const value = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    assert.equal(formatTraceparent(parseTraceparent(value)), value);
    assert.equal(formatTraceparent(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03')), '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    assert.equal(formatTraceparent(undefined), undefined);
  });

  t.test('builds a parent context, or leaves the base alone when invalid', async () => {
    const parent = contextFromTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    assert.equal(trace.getSpanContext(parent)?.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(traceparentOf(parent), '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    assert.equal(contextFromTraceparent('junk'), ROOT_CONTEXT);
    assert.equal(traceparentOf(ROOT_CONTEXT), undefined);
  });
});
