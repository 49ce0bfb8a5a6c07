import { Type } from '@sinclair/typebox';
import { ComponentName, nullable, Reason, SubjectId, Timestamp, VersionName } from './common.js';

/** `POST /v1/overrides`: these components go to these registered versions, for `ttlSeconds`. */
export const OverrideInput = Type.Object(
  {
    versions: Type.Record(ComponentName, VersionName, { minProperties: 1, description: 'Component → registered version; at least one, at most 32.' }),
    ttlSeconds: Type.Integer({ minimum: 1, description: 'At most VROUTER_OVERRIDE_MAX_TTL_SECONDS (default 7 days).' }),
    subject: Type.Optional(SubjectId),
    reason: Type.Optional(nullable(Reason)),
  },
  { $id: 'OverrideInput', additionalProperties: false },
);

export const OverrideCreated = Type.Object(
  {
    token: Type.String({ description: 'Send it as the extension attribute `vrouteroverride` (binary mode: `ce-vrouteroverride`).' }),
    expiresAt: Timestamp,
  },
  { $id: 'OverrideCreated', additionalProperties: false },
);

export const SigningKeyRotateInput = Type.Object({ reason: Type.Optional(nullable(Reason)) }, { $id: 'SigningKeyRotateInput', additionalProperties: false });

export const SigningKeyRotated = Type.Object(
  {
    keyId: Type.String(),
    previousKeyId: nullable(Type.String()),
    previousValidUntil: nullable(Timestamp, { description: 'Until when tokens and contexts signed with the previous key still verify.' }),
  },
  { $id: 'SigningKeyRotated', additionalProperties: false },
);
