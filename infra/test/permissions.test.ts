import assert from 'node:assert/strict';
import t from 'tap';
import { actionsOf, FIXTURE, only, resources, resourcesOf, roleIdOf, type Statement, statementsOf, synth } from './support.js';

const IMAGE = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/vrouter:1.2.3';

t.test('least-privilege IAM', async (t) => {
  const { json } = synth({ service: { enabled: true, image: IMAGE } });
  const table = only(json, 'AWS::DynamoDB::Table');
  const task = only(json, 'AWS::ECS::TaskDefinition');
  const functionRoles = resources(json, 'AWS::Lambda::Function').map((fn) => roleIdOf(fn, 'Role'));
  const routerRoles = [...functionRoles, roleIdOf(task, 'TaskRoleArn')];
  const executionRole = roleIdOf(task, 'ExecutionRoleArn');
  const allStatements = resources(json, 'AWS::IAM::Policy').flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  const granting = (statements: Statement[], action: string) => statements.filter((statement) => actionsOf(statement).includes(action));

  t.test('has three principals running the router: two functions and the ECS task', async () => {
    assert.equal(new Set(routerRoles).size, 3);
  });

  t.test('invokes exactly the configured qualified function ARNs, never "*"', async () => {
    for (const role of routerRoles) {
      const invoke = granting(statementsOf(json, role), 'lambda:InvokeFunction');
      assert.equal(invoke.length, 1, role);
      assert.deepEqual(resourcesOf(invoke[0]!), FIXTURE.components.lambdaFunctionArns);
      assert.deepEqual(actionsOf(invoke[0]!), ['lambda:InvokeFunction']);
    }
    for (const statement of granting(allStatements, 'lambda:InvokeFunction')) {
      for (const resource of resourcesOf(statement)) assert.doesNotMatch(resource, /^\*$|function:\*|function:[^:]*\*/);
    }
  });

  t.test('runs tasks of the configured families only, any revision', async () => {
    for (const role of routerRoles) {
      const runTask = granting(statementsOf(json, role), 'ecs:RunTask');
      assert.equal(runTask.length, 1, role);
      assert.deepEqual(
        resourcesOf(runTask[0]!),
        FIXTURE.components.ecsTaskDefinitions.map((task) => `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:task-definition/${task.family}:*`),
      );
    }
  });

  t.test('passes exactly the configured task and execution roles, and only to ECS tasks', async () => {
    const configured = FIXTURE.components.ecsTaskDefinitions.flatMap((task) => [task.taskRoleArn, 'executionRoleArn' in task ? task.executionRoleArn : undefined]).filter(Boolean);
    for (const role of routerRoles) {
      const passRole = granting(statementsOf(json, role), 'iam:PassRole');
      assert.equal(passRole.length, 1, role);
      assert.deepEqual(resourcesOf(passRole[0]!), configured);
      assert.deepEqual(passRole[0]!.Condition, { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    }
  });

  t.test('reads and writes items of the table and its indexes only', async () => {
    for (const role of routerRoles) {
      const dynamo = statementsOf(json, role).filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));
      assert.ok(dynamo.length > 0, role);
      for (const statement of dynamo) {
        assert.deepEqual(resourcesOf(statement), [`\${${table.id}.Arn}`, `\${${table.id}.Arn}/index/*`]);
        for (const action of actionsOf(statement)) assert.doesNotMatch(action, /\*|CreateTable|DeleteTable|UpdateTable/);
      }
    }
  });

  t.test('lets only the queue function consume, and only its queue', async () => {
    const queue = resources(json, 'AWS::SQS::Queue').find((q) => q.Properties.RedrivePolicy !== undefined)!;
    const [eventBridgeRole, queueRole] = resources(json, 'AWS::Lambda::Function')
      .sort((a, b) => String(a.Properties.Handler).localeCompare(String(b.Properties.Handler)))
      .map((fn) => roleIdOf(fn, 'Role'));
    const receive = granting(allStatements, 'sqs:ReceiveMessage');
    assert.equal(receive.length, 1);
    assert.deepEqual(resourcesOf(receive[0]!), [`\${${queue.id}.Arn}`]);
    assert.deepEqual(granting(statementsOf(json, queueRole!), 'sqs:ReceiveMessage'), receive);
    assert.deepEqual(granting(statementsOf(json, eventBridgeRole!), 'sqs:ReceiveMessage'), []);
  });

  t.test('reads the named secret and parameter only', async () => {
    const parameter = `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${FIXTURE.adminToken.ssmParameter}`;
    for (const role of [...functionRoles, executionRole]) {
      const statements = statementsOf(json, role);
      assert.deepEqual(resourcesOf(granting(statements, 'ssm:GetParameter')[0]!), [parameter], role);
      assert.deepEqual(resourcesOf(granting(statements, 'secretsmanager:GetSecretValue')[0]!), [FIXTURE.telemetry.otlpHeaders.secretArn], role);
    }
    // The task role gets no secret: ECS hands the values to the container through the execution role.
    assert.deepEqual(granting(statementsOf(json, roleIdOf(task, 'TaskRoleArn')), 'ssm:GetParameter'), []);
    for (const statement of [...granting(allStatements, 'ssm:GetParameter'), ...granting(allStatements, 'secretsmanager:GetSecretValue')]) {
      assert.ok(resourcesOf(statement).every((resource) => resource === parameter || resource === FIXTURE.telemetry.otlpHeaders.secretArn));
    }
  });

  t.test('uses no AWS managed policy, and "*" only where IAM allows nothing narrower', async () => {
    for (const role of resources(json, 'AWS::IAM::Role')) assert.equal(role.Properties.ManagedPolicyArns, undefined, role.id);
    const wildcard = allStatements.filter((statement) => resourcesOf(statement).includes('*'));
    assert.deepEqual(wildcard.flatMap(actionsOf), ['ecr:GetAuthorizationToken']);
    assert.deepEqual(resourcesOf(granting(statementsOf(json, executionRole), 'ecr:BatchGetImage')[0]!), [`arn:\${AWS::Partition}:ecr:eu-west-1:111122223333:repository/vrouter`]);
  });
});

t.test('IAM without ECS components, admin token in Secrets Manager', async (t) => {
  const secretArn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:vrouter/admin-token-Zz9Yx8';
  const { json } = synth({ components: { ecsTaskDefinitions: [] }, adminToken: { ssmParameter: null, secretArn }, telemetry: null });
  const functions = resources(json, 'AWS::Lambda::Function');

  t.test('grants no RunTask or PassRole at all', async () => {
    for (const fn of functions) {
      const actions = statementsOf(json, roleIdOf(fn, 'Role')).flatMap(actionsOf);
      assert.ok(!actions.includes('ecs:RunTask') && !actions.includes('iam:PassRole'));
    }
  });

  t.test('points the router at the secret by its complete ARN and grants reading exactly it', async () => {
    for (const fn of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      assert.equal(variables.VROUTER_ADMIN_TOKEN_SECRET_ARN, secretArn);
      assert.equal(variables.VROUTER_ADMIN_TOKEN_PARAMETER, undefined);
      assert.equal(variables.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
      assert.equal(variables.NODE_OPTIONS, undefined, 'no telemetry configured: no SDK loaded');
      const read = statementsOf(json, roleIdOf(fn, 'Role')).filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));
      assert.deepEqual(read.map(resourcesOf), [[secretArn]]);
    }
  });
});
