import { Type } from '@sinclair/typebox';
import { AUDIT_ACTIONS, TOKEN_NAME } from '@vrouter/core';
import { ComponentName, closed, nullable, PinScope, Reason, ref, SubjectId, Timestamp, TokenScope } from './common.js';

export const TokenInput = Type.Object(
  { name: Type.String({ pattern: TOKEN_NAME.source }), scopes: Type.Array(TokenScope, { minItems: 1 }), reason: Type.Optional(nullable(Reason)) },
  { $id: 'TokenInput', additionalProperties: false },
);

/** `POST /v1/tokens` answer; the token is shown this once. */
export const CreatedToken = Type.Object(
  { name: Type.String(), token: Type.String({ description: 'Shown once; only its SHA-256 is stored.' }), scopes: Type.Array(TokenScope) },
  { $id: 'CreatedToken', additionalProperties: false },
);

/** A token as listed: never its value. */
export const TokenInfo = Type.Object(
  { name: Type.String(), scopes: Type.Array(TokenScope), createdAt: Timestamp, createdBy: Type.String() },
  { $id: 'TokenInfo', additionalProperties: false },
);

export const TokenList = Type.Object({ tokens: Type.Array(ref(TokenInfo)) }, { $id: 'TokenList', additionalProperties: false });

export const TokenParams = Type.Object({ name: Type.String() });

export const AuditAction = closed(AUDIT_ACTIONS, { $id: 'AuditAction' });

/** One change: who made it, when, and the record before and after (null when created or deleted). Never holds token values. */
export const AuditEntry = Type.Object(
  {
    id: Type.String(),
    at: Timestamp,
    actor: Type.String({ description: 'The name of the token that made the change.' }),
    requestId: Type.Optional(Type.String()),
    action: ref(AuditAction),
    component: Type.Optional(ComponentName),
    subject: Type.Optional(Type.String({ description: 'What the change is about: the pin subject, customer, project, version, channel or token name.' })),
    scope: Type.Optional(PinScope),
    before: Type.Unknown({ description: 'The record before the change, or null.' }),
    after: Type.Unknown({ description: 'The record after the change, or null.' }),
    reason: Type.Optional(Type.String()),
    forced: Type.Optional(Type.Boolean()),
    bulkId: Type.Optional(Type.String()),
  },
  { $id: 'AuditEntry', additionalProperties: false },
);

export const AuditList = Type.Object(
  { entries: Type.Array(ref(AuditEntry)), cursor: Type.Optional(Type.String({ description: 'Present when there is another page.' })) },
  { $id: 'AuditList', additionalProperties: false, description: 'Newest first.' },
);

export const AuditQuery = Type.Object(
  {
    component: Type.Optional(ComponentName),
    subject: Type.Optional(SubjectId),
    since: Type.Optional(Timestamp),
    until: Type.Optional(Timestamp),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    cursor: Type.Optional(Type.String({ description: 'From the previous page.' })),
  },
  { $id: 'AuditQuery' },
);

export const Health = Type.Object({ status: Type.Literal('ok') }, { $id: 'Health', additionalProperties: false });
export const Readiness = Type.Object(
  { status: Type.Literal('ready'), configRevision: Type.Integer({ description: 'The configuration revision this router routes with.' }) },
  { $id: 'Readiness', additionalProperties: false },
);
