import { assertTimestamp, ValidationError } from '@vrouter/core';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../app-deps.js';
import { compareShadow } from '@vrouter/engine';
import { compareShadowSchema, deleteShadowSchema, putShadowSchema } from '../openapi/routes.js';
import { act, change, tagged } from './change.js';

export async function shadowRoutes(instance: FastifyInstance, deps: AppDependencies): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const versionsWrite = { config: { scope: 'versions:write' as const } };
  app.put('/v1/components/:component/shadow', { ...versionsWrite, schema: putShadowSchema }, async (request, reply) =>
    tagged(reply, await act(request, 'shadow.set', () => deps.admin.putShadow(request.params.component, request.body, change(request)))),
  );
  app.delete('/v1/components/:component/shadow', { ...versionsWrite, schema: deleteShadowSchema }, async (request, reply) => {
    await act(request, 'shadow.delete', () => deps.admin.deleteShadow(request.params.component, change(request, request.query)));
    return reply.code(204).send();
  });
  app.get('/v1/shadow/:component', { config: { scope: 'read' }, schema: compareShadowSchema }, async (request) => {
    const { component } = request.params;
    const routing = await deps.admin.routing(component);
    const to = request.query.to ? assertTimestamp(request.query.to, 'to') : new Date().toISOString();
    const from = request.query.from ? assertTimestamp(request.query.from, 'from') : new Date(Date.parse(to) - 3_600_000).toISOString();
    if (Date.parse(from) > Date.parse(to)) throw new ValidationError('from', `from (${from}) must not be later than to (${to}).`);
    const limit = request.query.limit ?? 100;
    const pairs = await deps.events.listShadowPairs(component, from, to, limit);
    return { component, from, to, shadowVersion: routing.component.shadow?.version ?? null, ...compareShadow(pairs) };
  });
}
