import { assertTimestamp, type ComponentRouting, resolveVersion, routingContext, ValidationError, VrouterError } from '@vrouter/core';
import { ATTR_ADMIN_ACTOR, ATTR_COMPONENT, ATTR_PIN_SCOPE, ATTR_PIN_SUBJECT, ATTR_VERSION, withAdminSpan } from '@vrouter/telemetry';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeContext, Tagged } from '@vrouter/engine';
import type { AppDependencies } from '../app-deps.js';
import { act, change, tagged, withEtag } from './change.js';
import {
  auditSchema,
  bulkPinsSchema,
  createTokenSchema,
  deleteComponentSchema,
  deletePinSchema,
  deleteVersionSchema,
  getComponentSchema,
  getPinSchema,
  listComponentsSchema,
  listCustomersSchema,
  listPinsSchema,
  listProjectsSchema,
  listTokensSchema,
  promoteChannelSchema,
  putComponentSchema,
  putCustomerSchema,
  putPinSchema,
  putProjectSchema,
  putVersionSchema,
  resolveSchema,
  revokeTokenSchema,
  rollbackChannelSchema,
  setChannelSchema,
} from '../openapi/routes.js';

function describeComponent(routing: ComponentRouting) {
  return {
    ...routing.component,
    channels: routing.channels,
    versions: [...routing.versions.values()].sort((a, b) => a.registeredAt.localeCompare(b.registeredAt) || a.name.localeCompare(b.name)),
  };
}

export async function adminRoutes(instance: FastifyInstance, deps: AppDependencies): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { admin } = deps;
  const read = { config: { scope: 'read' as const } };
  const versionsWrite = { config: { scope: 'versions:write' as const } };
  const pinsWrite = { config: { scope: 'pins:write' as const } };
  const adminOnly = { config: { scope: 'admin' as const } };

  app.get('/v1/components', { ...read, schema: listComponentsSchema }, async () => {
    const snapshot = await admin.config();
    return { components: [...snapshot.components.values()].map(describeComponent) };
  });
  app.get('/v1/components/:component', { ...read, schema: getComponentSchema }, async (request, reply) => {
    const routing = await admin.routing(request.params.component);
    // Health is an extra of the answer: a store hiccup reading it must not fail the component's details.
    const health = deps.health ? (await deps.health.component(routing.component.name).catch(() => undefined))?.versions : undefined;
    return withEtag(reply, { ...describeComponent(routing), ...(health ? { health } : {}) });
  });
  app.put('/v1/components/:component', { ...versionsWrite, schema: putComponentSchema }, async (request, reply) =>
    tagged(reply, await act(request, 'component.put', () => admin.putComponent(request.params.component, request.body, change(request)))),
  );

  app.delete('/v1/components/:component', { ...versionsWrite, schema: deleteComponentSchema }, async (request, reply) => {
    await act(request, 'component.delete', () => admin.deleteComponent(request.params.component, change(request, request.query)));
    return reply.code(204).send();
  });

  app.put('/v1/components/:component/versions/:version', { ...versionsWrite, schema: putVersionSchema }, async (request, reply) =>
    tagged(reply, await act(request, 'version.put', () => admin.putVersion(request.params.component, request.params.version, request.body, change(request)))),
  );
  app.delete('/v1/components/:component/versions/:version', { ...versionsWrite, schema: deleteVersionSchema }, async (request, reply) => {
    await act(request, 'version.delete', () => admin.deleteVersion(request.params.component, request.params.version, change(request, request.query)));
    return reply.code(204).send();
  });

  app.put('/v1/components/:component/channels/:channel', { ...versionsWrite, schema: setChannelSchema }, async (request, reply) =>
    tagged(reply, await act(request, 'channel.set', () => admin.setChannel(request.params.component, request.params.channel, request.body, change(request)))),
  );
  app.post('/v1/components/:component/channels/:channel/promote', { ...versionsWrite, schema: promoteChannelSchema }, async (request, reply) =>
    tagged(reply, await act(request, 'channel.promote', () => admin.promote(request.params.component, request.params.channel, request.body, change(request)))),
  );
  app.post('/v1/components/:component/channels/:channel/rollback', { ...versionsWrite, schema: rollbackChannelSchema }, async (request, reply) =>
    tagged(reply, await act(request, 'channel.rollback', () => admin.rollback(request.params.component, request.params.channel, request.body, change(request)))),
  );

  app.get('/v1/pins', { ...read, schema: listPinsSchema }, async (request) => ({
    pins: await admin.listPins(request.query),
  }));
  app.post('/v1/pins/bulk', { ...pinsWrite, schema: bulkPinsSchema }, async (request, reply) => {
    const result = await act(request, 'pin.bulk', () => admin.bulkPins(request.body, change(request)));
    // 207: some operations were valid but could not be written; the body names each one.
    return reply.code(result.failed.length > 0 ? 207 : 200).send(result);
  });
  app.get('/v1/pins/:scope/:subject/:component', { ...read, schema: getPinSchema }, async (request, reply) =>
    withEtag(reply, await admin.getPin(request.params.scope, request.params.subject, request.params.component)),
  );
  app.put('/v1/pins/:scope/:subject/:component', { ...pinsWrite, schema: putPinSchema }, async (request, reply) =>
    tagged(reply, await act(request, 'pin.set', () => admin.putPin(request.params.scope, request.params.subject, request.params.component, request.body, change(request)))),
  );
  app.delete('/v1/pins/:scope/:subject/:component', { ...pinsWrite, schema: deletePinSchema }, async (request, reply) => {
    await act(request, 'pin.delete', () => admin.deletePin(request.params.scope, request.params.subject, request.params.component, change(request, request.query)));
    return reply.code(204).send();
  });

  app.get('/v1/customers', { ...read, schema: listCustomersSchema }, async () => ({ customers: await admin.listCustomers() }));
  app.get('/v1/projects', { ...read, schema: listProjectsSchema }, async () => ({ projects: await admin.listProjects() }));
  app.put('/v1/customers/:customer', { ...pinsWrite, schema: putCustomerSchema }, async (request, reply) =>
    tagged(reply, await act(request, 'customer.put', () => admin.putCustomer(request.params.customer, request.body, change(request)))),
  );
  app.put('/v1/projects/:project', { ...pinsWrite, schema: putProjectSchema }, async (request, reply) =>
    tagged(reply, await act(request, 'project.put', () => admin.putProject(request.params.project, request.body, change(request)))),
  );

  app.get('/v1/resolve', { ...read, schema: resolveSchema }, async (request) => {
    const { component, customer, project, plan } = request.query;
    // The snapshot this router routes with, so the answer is what an event would get now.
    const snapshot = deps.cache.current();
    if (!snapshot.components.has(component)) throw new VrouterError('VR_COMPONENT_UNKNOWN', `Component ${component} is not registered.`, { field: 'component' });
    const context = routingContext(snapshot, { customer, project, plan });
    return { ...resolveVersion(snapshot, component, context, Date.now(), { explain: true }), context, configRevision: snapshot.revision };
  });

  app.get('/v1/audit', { ...read, schema: auditSchema }, async (request) => {
    const { component, subject, since, until, limit, cursor } = request.query;
    return deps.audit.query({
      ...(component ? { component } : {}),
      ...(subject ? { subject } : {}),
      // Normalised to UTC, as the log stores them.
      ...(since ? { since: assertTimestamp(since, 'since') } : {}),
      ...(until ? { until: assertTimestamp(until, 'until') } : {}),
      ...(limit ? { limit } : {}),
      ...(cursor ? { cursor } : {}),
    });
  });

  app.post('/v1/tokens', { ...adminOnly, schema: createTokenSchema }, async (request, reply) =>
    reply.code(201).send(await act(request, 'token.create', () => admin.createToken(request.body, change(request)))),
  );
  app.get('/v1/tokens', { ...adminOnly, schema: listTokensSchema }, async () => ({ tokens: await admin.listTokens() }));
  app.delete('/v1/tokens/:name', { ...adminOnly, schema: revokeTokenSchema }, async (request, reply) => {
    await act(request, 'token.revoke', () => admin.revokeToken(request.params.name, change(request, request.query)));
    return reply.code(204).send();
  });
}
