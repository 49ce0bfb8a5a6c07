import type { EcsTaskOverride } from './ecs-types.js';

/**
 * The environment a container override sets, as a plain object (later entries win, as in ECS); {} when the
 * overrides hold none for `containerName`.
 */
export function containerEnvironment(overrides: EcsTaskOverride, containerName: string): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const override of overrides.containerOverrides ?? []) {
    if (override.name !== containerName) continue;
    for (const { name, value } of override.environment ?? []) if (name !== undefined) environment[name] = value ?? '';
  }
  return environment;
}
