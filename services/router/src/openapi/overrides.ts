import { OverrideCreated, OverrideInput, SigningKeyRotated, SigningKeyRotateInput } from '@vrouter/api';
import { operation } from './operation.js';

export const createOverrideSchema = operation({
  operationId: 'createOverride',
  summary: 'Mint a per-event override token',
  description:
    'A signed token that routes an event carrying it (extension attribute `vrouteroverride`, or the header `ce-vrouteroverride` in binary mode) to these versions of these components, above every pin and rollout, until it expires. Each version must be registered; `ttlSeconds` is at most VROUTER_OVERRIDE_MAX_TTL_SECONDS (default 7 days). Audited as `override.create` with the subject and reason, never the token.',
  tag: 'overrides',
  body: OverrideInput,
  responses: { 201: { description: 'The token (send it as `vrouteroverride`).', schema: OverrideCreated } },
});

export const rotateSigningKeySchema = operation({
  operationId: 'rotateSigningKey',
  summary: 'Rotate the key that signs override tokens and chain contexts',
  description:
    'Every router signs with the new key within a poll interval. Tokens and contexts signed with the previous key still verify for VROUTER_SIGNING_KEY_GRACE_SECONDS (default one day), then fail (VR_OVERRIDE_INVALID, VR_CONTEXT_INVALID). Only the previous key is kept. Audited as `signing-key.rotate` with the key ids, never the key.',
  tag: 'overrides',
  body: SigningKeyRotateInput,
  responses: { 200: { description: 'The new key id, and until when the previous key still verifies.', schema: SigningKeyRotated } },
});
