import { assertComponentName, assertSubject, type ComponentRouting, resolveVersion, routingContext, ValidationError, VrouterError } from '@vrouter/core';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../app.js';

type ComponentParams = { component: string };
type VersionParams = ComponentParams & { version: string };
type ChannelParams = ComponentParams & { channel: string };
type PinParams = { scope: string; subject: string; component: string };

function describeComponent(routing: ComponentRouting) {
  return {
    ...routing.component,
    channels: routing.channels,
    versions: [...routing.versions.values()].sort((a, b) => a.registeredAt.localeCompare(b.registeredAt) || a.name.localeCompare(b.name)),
  };
}

export async function adminRoutes(app: FastifyInstance, deps: AppDependencies): Promise<void> {
  const { admin } = deps;
  const read = { config: { scope: 'read' as const } };
  const versionsWrite = { config: { scope: 'versions:write' as const } };
  const pinsWrite = { config: { scope: 'pins:write' as const } };

  app.get('/v1/components', read, async () => {
    const snapshot = await admin.config();
    return { components: [...snapshot.components.values()].map(describeComponent) };
  });
  app.get<{ Params: ComponentParams }>('/v1/components/:component', read, async (request) => describeComponent(await admin.routing(request.params.component)));
  app.put<{ Params: ComponentParams }>('/v1/components/:component', versionsWrite, async (request) => admin.putComponent(request.params.component, request.body));

  app.put<{ Params: VersionParams }>('/v1/components/:component/versions/:version', versionsWrite, async (request) =>
    admin.putVersion(request.params.component, request.params.version, request.body),
  );
  app.delete<{ Params: VersionParams }>('/v1/components/:component/versions/:version', versionsWrite, async (request, reply) => {
    await admin.deleteVersion(request.params.component, request.params.version);
    return reply.code(204).send();
  });

  app.put<{ Params: ChannelParams }>('/v1/components/:component/channels/:channel', versionsWrite, async (request) =>
    admin.setChannel(request.params.component, request.params.channel, request.body),
  );
  app.post<{ Params: ChannelParams }>('/v1/components/:component/channels/:channel/promote', versionsWrite, async (request) =>
    admin.promote(request.params.component, request.params.channel, request.body),
  );
  app.post<{ Params: ChannelParams }>('/v1/components/:component/channels/:channel/rollback', versionsWrite, async (request) =>
    admin.rollback(request.params.component, request.params.channel),
  );

  app.get<{ Querystring: { scope?: string; subject?: string; component?: string } }>('/v1/pins', read, async (request) => ({ pins: await admin.listPins(request.query) }));
  app.put<{ Params: PinParams }>('/v1/pins/:scope/:subject/:component', pinsWrite, async (request) =>
    admin.putPin(request.params.scope, request.params.subject, request.params.component, request.body),
  );
  app.delete<{ Params: PinParams }>('/v1/pins/:scope/:subject/:component', pinsWrite, async (request, reply) => {
    await admin.deletePin(request.params.scope, request.params.subject, request.params.component);
    return reply.code(204).send();
  });

  app.put<{ Params: { customer: string } }>('/v1/customers/:customer', pinsWrite, async (request) => admin.putCustomer(request.params.customer, request.body));
  app.put<{ Params: { project: string } }>('/v1/projects/:project', pinsWrite, async (request) => admin.putProject(request.params.project, request.body));

  app.get<{ Querystring: { component?: string; customer?: string; project?: string; plan?: string } }>('/v1/resolve', read, async (request) => {
    const { component, customer, project, plan } = request.query;
    if (!component) throw new ValidationError('component', 'Query parameter component is required.');
    const name = assertComponentName(component);
    // The snapshot this router routes with, so the answer is what an event would get now.
    const snapshot = deps.cache.current();
    if (!snapshot.components.has(name)) throw new VrouterError('VR_COMPONENT_UNKNOWN', `Component ${name} is not registered.`, { field: 'component' });
    const given = {
      customer: customer ? assertSubject(customer, 'customer') : undefined,
      project: project ? assertSubject(project, 'project') : undefined,
      plan: plan ? assertSubject(plan, 'plan') : undefined,
    };
    const context = routingContext(snapshot, given);
    return { ...resolveVersion(snapshot, name, context), context, configRevision: snapshot.revision };
  });
}
