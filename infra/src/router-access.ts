import { ArnFormat, CfnResource, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { InfraConfig } from './config.js';

export interface RouterAccessProps {
  readonly table: ITable;
  readonly components: InfraConfig['components'];
}

/** `arn:<partition>:ecs:<region>:<account>:task-definition/<family>:*`: every revision of one family, in the stack's account and region. */
export function taskDefinitionFamilyArn(scope: IConstruct, family: string): string {
  return Stack.of(scope).formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${family}:*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}

/** The finding cdk-nag reports for `<table ARN>/index/*`, naming this table's logical ID wherever the table sits. */
function tableIndexesResource(table: ITable): string | { regex: string } {
  const cfn = table.node.defaultChild;
  if (!(cfn instanceof CfnResource)) return { regex: '/^Resource::<[A-Za-z0-9]+\\.Arn>\\/index\\/\\*$/g' };
  const stack = Stack.of(cfn);
  return `Resource::<${stack.resolve(stack.getLogicalId(cfn)) as string}.Arn>/index/*`;
}

/**
 * Grants `grantee` what the router needs at run time, and nothing wider:
 * - read and write items of the table and query its indexes (no table management);
 * - lambda:InvokeFunction on exactly the configured qualified function ARNs;
 * - ecs:RunTask on the configured task definition families (any revision), and iam:PassRole on exactly the
 *   configured task and execution roles, only towards ECS tasks.
 * Adds the cdk-nag suppressions, each with its reason, for the wildcards this implies (index/*, family:*, and
 * function ARNs configured with `:*`); `suppressOn` is the construct holding the grantee's policy.
 */
export function grantRouterAccess(grantee: IGrantable, suppressOn: IConstruct, props: RouterAccessProps): void {
  const { table, components } = props;
  table.grantReadWriteData(grantee);
  const reasons: { id: string; reason: string; appliesTo: (string | { regex: string })[] }[] = [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        "The router queries the table's global secondary indexes (events by hour, dispatches by component, failed dispatches, leases); index/* covers only this table's indexes.",
      appliesTo: [tableIndexesResource(table)],
    },
  ];
  if (components.lambdaFunctionArns.length > 0) {
    Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [...components.lambdaFunctionArns] });
    const everyVersion = components.lambdaFunctionArns.filter((arn) => arn.endsWith(':*'));
    if (everyVersion.length > 0) {
      reasons.push({
        id: 'AwsSolutions-IAM5',
        reason:
          'These component functions are configured with ":*" so that every published version and alias of each named function can be pinned and invoked; the function name itself is never a wildcard.',
        appliesTo: everyVersion.map((arn) => `Resource::${arn}`),
      });
    }
  }
  if (components.ecsTaskDefinitions.length > 0) {
    const families = components.ecsTaskDefinitions.map((task) => task.family);
    Grant.addToPrincipal({ grantee, actions: ['ecs:RunTask'], resourceArns: families.map((family) => taskDefinitionFamilyArn(suppressOn, family)) });
    const roles = [...new Set(components.ecsTaskDefinitions.flatMap((task) => [task.taskRoleArn, task.executionRoleArn]).filter((arn) => arn !== undefined))];
    if (roles.length > 0) {
      Grant.addToPrincipal({
        grantee,
        actions: ['iam:PassRole'],
        resourceArns: roles,
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      });
    }
    reasons.push({
      id: 'AwsSolutions-IAM5',
      reason: 'Each registered ECS version names its own task definition revision (family:revision); family:* allows any revision of the configured families only.',
      // Region is a literal when the configuration names one, else a token like the others; families are [A-Za-z0-9_-].
      appliesTo: [
        {
          regex: `/^Resource::arn:<AWS::Partition>:ecs:(<AWS::Region>|[a-z0-9-]+):<AWS::AccountId>:task-definition\\/(${families.join('|')}):\\*$/g`,
        },
      ],
    });
  }
  NagSuppressions.addResourceSuppressions(suppressOn, reasons, true);
}
