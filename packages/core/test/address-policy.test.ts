import assert from 'node:assert/strict';
import t from 'tap';
import { AddressPolicy, parseIpAddress, parseTarget, ValidationError } from '../src/index.js';

function refused(url: string, policy?: AddressPolicy): void {
  assert.throws(
    () => parseTarget({ kind: 'http', url }, policy),
    (error: unknown) => error instanceof ValidationError && error.code === 'VR_TARGET_FORBIDDEN' && error.field === 'target.url',
    url,
  );
}

t.test('HTTP targets and the address policy', async (t) => {
  t.test('refuses loopback, private, link-local, metadata, CGNAT, unspecified and broadcast addresses', async () => {
    for (const url of [
      'https://127.0.0.1/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00:ec2::254]/latest/meta-data/',
      'https://100.100.100.200/latest/meta-data/',
      'https://10.1.2.3/',
      'https://172.16.0.1/',
      'https://172.31.255.255/',
      'https://192.168.1.1/',
      'https://100.64.0.1/',
      'https://0.0.0.0/',
      'https://255.255.255.255/',
      'https://[::1]/',
      'https://[::]/',
      'https://[fe80::1]/',
      'https://[fc00::1]/',
      'https://localhost/',
      'https://api.localhost/',
      'https://metadata.google.internal/',
    ]) {
      refused(url);
    }
  });

  t.test('refuses odd spellings of loopback and metadata addresses', async () => {
    for (const url of [
      'https://0x7f.1/',
      'https://2130706433/',
      'https://127.1/',
      'https://0177.0.0.1/',
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:a9fe:a9fe]/',
      'https://[64:ff9b::a9fe:a9fe]/',
      'https://0xa9fea9fe/',
      'https://[0:0:0:0:0:0:0:1]/',
    ]) {
      refused(url);
    }
  });

  t.test('refuses plain http to a public host, accepts https to one', async () => {
    refused('http://svc.example/hook');
    refused('http://8.8.8.8/hook');
    assert.equal(parseTarget({ kind: 'http', url: 'https://svc.example/hook' }).kind, 'http');
    assert.equal(parseTarget({ kind: 'http', url: 'https://8.8.8.8/hook' }).kind, 'http');
    assert.equal(parseTarget({ kind: 'http', url: 'https://[2606:4700::1111]/hook' }).kind, 'http');
  });

  t.test('accepts what the allow list names, by range or by host name, over http too', async () => {
    const policy = new AddressPolicy(['10.0.0.0/8', 'internal.svc', '::1']);
    assert.equal(parseTarget({ kind: 'http', url: 'http://10.20.30.40:8080/hook' }, policy).kind, 'http');
    assert.equal(parseTarget({ kind: 'http', url: 'http://internal.svc/hook' }, policy).kind, 'http');
    assert.equal(parseTarget({ kind: 'http', url: 'http://[::1]:9000/hook' }, policy).kind, 'http');
    refused('https://192.168.0.1/', policy);
    refused('http://other.svc/', policy);
  });

  t.test("refuses the router's own port on this host, even when loopback is allowed", async () => {
    const policy = new AddressPolicy(['127.0.0.0/8', 'localhost'], () => [3000]);
    refused('http://127.0.0.1:3000/v1/events', policy);
    refused('http://localhost:3000/v1/events', policy);
    refused('http://0x7f.1:3000/v1/events', policy);
    assert.equal(parseTarget({ kind: 'http', url: 'http://127.0.0.1:3001/hook' }, policy).kind, 'http');
  });

  t.test('checks resolved addresses the same way', async () => {
    const policy = new AddressPolicy(['trusted.example']);
    assert.equal(policy.addressAllowed('169.254.169.254', 'evil.example'), 'forbidden-address');
    assert.equal(policy.addressAllowed('::ffff:10.0.0.1', 'evil.example'), 'forbidden-address');
    assert.equal(policy.addressAllowed('93.184.216.34', 'evil.example'), undefined);
    assert.equal(policy.addressAllowed('10.0.0.1', 'trusted.example'), undefined);
    assert.equal(policy.addressAllowed('not-an-address', 'evil.example'), 'unparsable');
  });

  t.test('parses IPv4 and IPv6 literals', async () => {
    assert.deepEqual(parseIpAddress('1.2.3.4'), [1, 2, 3, 4]);
    assert.deepEqual(parseIpAddress('[::ffff:1.2.3.4]'), [1, 2, 3, 4]);
    assert.equal(parseIpAddress('fd00:ec2::254')?.length, 16);
    for (const bad of ['1.2.3', '1.2.3.256', '::1::', '1:2:3:4:5:6:7:8:9', 'example.com', 'fg::1']) assert.equal(parseIpAddress(bad), undefined, bad);
  });

  t.test('refuses an allow-list entry that is neither a CIDR nor a host name', async () => {
    assert.throws(() => new AddressPolicy(['10.0.0.0/33']), RangeError);
    assert.throws(() => new AddressPolicy(['http://x']), RangeError);
  });
});
