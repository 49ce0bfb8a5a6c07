import assert from 'node:assert/strict';
import t from 'tap';
import { Ajv } from 'ajv';
import { ERROR_CATALOGUE } from '@vrouter/core';
import * as api from '../src/index.js';
import { HTTP_ERROR_CODES, Pin, Problem, SCHEMAS, Target, TokenInput, Version, VersionInput } from '../src/index.js';

function compiler(): Ajv {
  const ajv = new Ajv({ discriminator: true, allowUnionTypes: true, strictRequired: false, formats: { 'date-time': true, uri: true } });
  for (const schema of SCHEMAS) ajv.addSchema(schema);
  return ajv;
}

t.test('@vrouter/api schemas', async (t) => {
  t.test('gives every named schema a unique $id and exports it under that name', async () => {
    const ids = SCHEMAS.map((s) => s.$id);
    assert.ok(
      ids.every((id) => typeof id === 'string' && /^[A-Z][A-Za-z]+$/.test(id)),
      ids.join(', '),
    );
    assert.equal(new Set(ids).size, ids.length);
    for (const schema of SCHEMAS) assert.equal((api as Record<string, unknown>)[schema.$id!], schema, `${schema.$id} is exported`);
  });

  t.test('lists every exported schema with an $id, and every reference resolves (strict mode)', async () => {
    const exported = Object.values(api as Record<string, unknown>).filter(
      (value): value is { $id: string } => typeof value === 'object' && value !== null && typeof (value as { $id?: unknown }).$id === 'string',
    );
    assert.deepEqual(exported.map((s) => s.$id).sort(), SCHEMAS.map((s) => s.$id).sort());
    const ajv = compiler();
    for (const schema of SCHEMAS) assert.ok(ajv.getSchema(schema.$id!), `${schema.$id} compiles`);
  });

  t.test('validates targets by their kind, naming the fields of that kind only', async () => {
    const validate = compiler().getSchema(Target.$id!)!;
    assert.ok(validate({ kind: 'lambda', functionName: 'svc', qualifier: '3' }));
    assert.ok(validate({ kind: 'http', url: 'https://example.com/hook', timeoutMs: 500 }));
    assert.equal(validate({ kind: 'ecs', cluster: 'c', containerName: 'app' }), false);
    assert.deepEqual(
      validate.errors?.map((e) => [e.instancePath, e.keyword, (e.params as { missingProperty?: string }).missingProperty]),
      [['', 'required', 'taskDefinition']],
    );
    assert.equal(validate({ kind: 'ftp' }), false);
    assert.equal(validate.errors?.[0]?.keyword, 'discriminator');
  });

  t.test('refuses unknown fields and out-of-set values in inputs', async () => {
    const ajv = compiler();
    assert.equal(ajv.validate(VersionInput.$id!, { target: { kind: 'lambda', functionName: 'f', qualifier: '1' }, colour: 'red' }), false);
    assert.equal(ajv.validate(TokenInput.$id!, { name: 'ok', scopes: ['root'] }), false);
    assert.ok(ajv.validate(TokenInput.$id!, { name: 'ci-bot', scopes: ['read', 'pins:write'] }));
  });

  t.test('describes stored records as the router answers them', async () => {
    const ajv = compiler();
    const version = {
      component: 'svc',
      name: 'v1',
      target: { kind: 'lambda', functionName: 'svc', qualifier: '1', invocationType: 'Event' },
      registeredAt: '2026-01-01T00:00:00.000Z',
      etag: 'e1',
    };
    assert.ok(ajv.validate(Version.$id!, version), ajv.errorsText());
    assert.ok(ajv.validate(Pin.$id!, { scope: 'customer', subject: 'acme', component: 'svc', channel: 'beta', createdAt: '2026-01-01T00:00:00.000Z' }), ajv.errorsText());
  });

  t.test('lets problems carry every HTTP code of the catalogue and no dispatch code', async () => {
    const codes: string[] = (Problem.properties.code as unknown as { enum: string[] }).enum;
    assert.deepEqual([...codes], [...HTTP_ERROR_CODES]);
    for (const [code, definition] of Object.entries(ERROR_CATALOGUE)) assert.equal(codes.includes(code), definition.surface === 'http', code);
  });
});
