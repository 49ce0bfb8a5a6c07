import { body, json, operation } from './operation.js';
import { subjectId, timestamp, versionName } from './shapes.js';

const reason = { type: 'string', maxLength: 1024, description: 'Why, for the audit log.' };

export const createOverrideSchema = operation({
  operationId: 'createOverride',
  summary: 'Mint a per-event override token',
  description:
    'A signed token that routes an event carrying it (extension attribute `vrouteroverride`, or the header `ce-vrouteroverride` in binary mode) to these versions of these components, above every pin and rollout, until it expires. Each version must be registered; `ttlSeconds` is at most VROUTER_OVERRIDE_MAX_TTL_SECONDS (default 7 days). Audited as `override.create` with the subject and reason, never the token.',
  tag: 'overrides',
  body: body(
    {
      versions: { type: 'object', minProperties: 1, additionalProperties: versionName, description: 'Component → registered version.' },
      ttlSeconds: { type: 'integer', minimum: 1 },
      subject: { ...subjectId, description: 'Who or what the override is for (a preview, a ticket); shown in decisions and spans.' },
      reason,
    },
    ['versions', 'ttlSeconds'],
  ),
  responses: {
    201: json('The token (send it as `vrouteroverride`).', {
      type: 'object',
      additionalProperties: false,
      required: ['token', 'expiresAt'],
      properties: { token: { type: 'string' }, expiresAt: timestamp },
    }),
  },
});

export const rotateSigningKeySchema = operation({
  operationId: 'rotateSigningKey',
  summary: 'Rotate the key that signs override tokens and chain contexts',
  description:
    'Every router signs with the new key within a poll interval. Tokens and contexts signed with the previous key still verify for VROUTER_SIGNING_KEY_GRACE_SECONDS (default one day), then fail (VR_OVERRIDE_INVALID, VR_CONTEXT_INVALID). Only the previous key is kept. Audited as `signing-key.rotate` with the key ids, never the key.',
  tag: 'overrides',
  body: body({ reason }),
  responses: {
    200: json('The new key id and until when the previous key still verifies.', {
      type: 'object',
      additionalProperties: false,
      required: ['keyId', 'previousKeyId', 'previousValidUntil'],
      properties: { keyId: { type: 'string' }, previousKeyId: { type: ['string', 'null'] }, previousValidUntil: { type: ['string', 'null'], format: 'date-time' } },
    }),
  },
});
