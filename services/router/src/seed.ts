import type { AdminService } from '@vrouter/engine';

export const EXAMPLE_COMPONENT = 'release-coordinator';
export const EXAMPLE_VERSIONS = ['v1', 'v2', 'v3', 'v4'] as const;

/** Lambda function names and qualifiers of the example versions, served by the local Lambda endpoint in dev mode. */
export const EXAMPLE_FUNCTIONS = [
  { component: EXAMPLE_COMPONENT, version: 'v1', functionName: 'release-coordinator', qualifier: '1' },
  { component: EXAMPLE_COMPONENT, version: 'v2', functionName: 'release-coordinator', qualifier: '2' },
  { component: EXAMPLE_COMPONENT, version: 'v3', functionName: 'release-coordinator', qualifier: '3' },
  // The fix of the README's incident story: registered, on no channel, until someone pins to it.
  { component: EXAMPLE_COMPONENT, version: 'v4', functionName: 'release-coordinator', qualifier: '4' },
  { component: 'builder', version: 'v7', functionName: 'builder', qualifier: '7' },
] as const;

/**
 * Seeds the dev store with an example: release-coordinator v1/v2/v3 on stable/beta/experimental and v4 on no
 * channel (the fix to pin to and replay onto), a builder that
 * takes build events asynchronously, two customers and pins that make them route differently.
 * Idempotent: does nothing when any component exists, so a restart keeps what the user changed.
 */
export async function seedExample(admin: AdminService): Promise<boolean> {
  if ((await admin.config()).components.size > 0) return false;
  const ctx = { actor: 'dev-seed' };
  await admin.putComponent(EXAMPLE_COMPONENT, { description: 'Coordinates releases (example).', subscriptions: ['release.*', 'build.finished'] }, ctx);
  await admin.putComponent('builder', { description: 'Builds projects (example, invoked asynchronously).', subscriptions: ['build.*'] }, ctx);
  for (const f of EXAMPLE_FUNCTIONS) {
    const invocationType = f.component === 'builder' ? 'Event' : 'RequestResponse';
    // The examples' answers say which version handled the event: worth showing on the tour's first lookup.
    await admin.putVersion(f.component, f.version, { target: { kind: 'lambda', functionName: f.functionName, qualifier: f.qualifier, invocationType }, recordResponse: true }, ctx);
  }
  await admin.setChannel(EXAMPLE_COMPONENT, 'stable', { version: 'v1' }, ctx);
  await admin.setChannel(EXAMPLE_COMPONENT, 'beta', { version: 'v2' }, ctx);
  await admin.setChannel(EXAMPLE_COMPONENT, 'experimental', { version: 'v3' }, ctx);
  await admin.setChannel('builder', 'stable', { version: 'v7' }, ctx);
  await admin.putCustomer('acme', { plan: 'enterprise' }, ctx);
  await admin.putCustomer('globex', { plan: 'free' }, ctx);
  await admin.putProject('globex-web', { customer: 'globex' }, ctx);
  await admin.putPin('customer', 'globex', EXAMPLE_COMPONENT, { channel: 'beta', reason: 'globex tries the new release flow' }, ctx);
  await admin.putPin('project', 'globex-web', EXAMPLE_COMPONENT, { channel: 'experimental', reason: 'dogfooding v3 on one project' }, ctx);
  return true;
}
