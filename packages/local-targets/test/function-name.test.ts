import assert from 'node:assert/strict';
import t from 'tap';
import { parseFunctionReference } from '../src/function-name.js';

t.test('parseFunctionReference', async (t) => {
  t.test('accepts every FunctionName form of the Invoke API', async () => {
    assert.deepEqual(parseFunctionReference('my-fn'), { name: 'my-fn' });
    assert.deepEqual(parseFunctionReference('my-fn:live'), { name: 'my-fn', qualifier: 'live' });
    assert.deepEqual(parseFunctionReference('123456789012:function:my_fn'), { name: 'my_fn' });
    assert.deepEqual(parseFunctionReference('123456789012:function:my_fn:7'), { name: 'my_fn', qualifier: '7' });
    assert.deepEqual(parseFunctionReference('arn:aws:lambda:eu-west-1:123456789012:function:my-fn'), { name: 'my-fn' });
    assert.deepEqual(parseFunctionReference('arn:aws-cn:lambda:cn-north-1:123456789012:function:my-fn:$LATEST'), { name: 'my-fn', qualifier: '$LATEST' });
  });

  t.test('rejects malformed names and ARNs', async () => {
    for (const raw of ['', 'a b', 'a:b:c', 'arn:aws:s3:::bucket', 'arn:aws:lambda:r:1:layer:x', 'arn:aws:lambda:r:1:function:x:y:z', 'fn:bad qualifier', 'x'.repeat(65)]) {
      assert.equal(parseFunctionReference(raw), null, raw);
    }
  });
});
