/** ECS's own limits: cluster names and task definition families are letters, digits, `-` and `_`, up to 255. */
const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const CLUSTER_ARN = /^arn:[^:]+:ecs:[^:]*:[^:]*:cluster\/(.+)$/;
const TASK_DEFINITION_ARN = /^arn:[^:]+:ecs:[^:]*:[^:]*:task-definition\/(.+)$/;

export interface TaskDefinitionReference {
  family: string;
  /** Unset for a bare family, which ECS resolves to the latest ACTIVE revision. */
  revision?: number;
}

/** The cluster name of `name` or `arn:…:cluster/name`; null when it is neither. */
export function parseClusterReference(raw: string): string | null {
  const name = CLUSTER_ARN.exec(raw)?.[1] ?? raw;
  return NAME.test(name) ? name : null;
}

/** Parses `family`, `family:revision` or `arn:…:task-definition/family:revision`; null for anything else. */
export function parseTaskDefinitionReference(raw: string): TaskDefinitionReference | null {
  const arnMatch = TASK_DEFINITION_ARN.exec(raw);
  const reference = arnMatch?.[1] ?? raw;
  const [family, revision, extra] = reference.split(':');
  if (family === undefined || !NAME.test(family) || extra !== undefined) return null;
  // An ARN always names a revision.
  if (revision === undefined) return arnMatch === null ? { family } : null;
  if (!/^[1-9]\d{0,8}$/.test(revision)) return null;
  return { family, revision: Number(revision) };
}

/** Builds the ARNs of one account and region. */
export class EcsArns {
  readonly #prefix: string;

  constructor(region: string, accountId: string) {
    this.#prefix = `arn:aws:ecs:${region}:${accountId}`;
  }

  cluster(name: string): string {
    return `${this.#prefix}:cluster/${name}`;
  }

  taskDefinition(family: string, revision: number): string {
    return `${this.#prefix}:task-definition/${family}:${revision}`;
  }

  task(cluster: string, id: string): string {
    return `${this.#prefix}:task/${cluster}/${id}`;
  }
}
