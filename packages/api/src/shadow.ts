import { Type } from '@sinclair/typebox';
import { ComponentName, DispatchStatus, nullable, ref, Timestamp, VersionName } from './common.js';

export const ShadowQuery = Type.Object({
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Default: 100.' })),
});

export const ShadowOutcome = Type.Object(
  { version: nullable(VersionName), status: nullable(DispatchStatus), error: nullable(Type.String()) },
  { $id: 'ShadowOutcome', additionalProperties: false },
);

const AGREEMENT = ['bothSucceeded', 'bothFailed', 'shadowOnlyFailed', 'primaryOnlyFailed', 'undecided'] as const;

/** `GET /v1/shadow/{component}`: shadow against primary over the window. */
export const ShadowComparison = Type.Object(
  {
    component: ComponentName,
    from: Timestamp,
    to: Timestamp,
    shadowVersion: nullable(VersionName),
    compared: Type.Integer(),
    primary: Type.Record(Type.String(), Type.Integer(), { description: 'Outcomes of the primary dispatches, by status.' }),
    shadow: Type.Record(Type.String(), Type.Integer(), { description: 'Outcomes of the shadow dispatches, by status.' }),
    agreement: Type.Object(Object.fromEntries(AGREEMENT.map((k) => [k, Type.Integer()])) as Record<(typeof AGREEMENT)[number], ReturnType<typeof Type.Integer>>, {
      additionalProperties: false,
    }),
    responses: Type.Object({ compared: Type.Integer(), matched: Type.Integer(), differed: Type.Integer() }, { additionalProperties: false }),
    differences: Type.Array(
      Type.Object({ source: Type.String(), id: Type.String(), primary: ref(ShadowOutcome), shadow: ref(ShadowOutcome), why: Type.String() }, { additionalProperties: false }),
    ),
  },
  { $id: 'ShadowComparison', additionalProperties: false },
);
