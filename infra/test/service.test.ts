import assert from 'node:assert/strict';
import t from 'tap';
import { Match } from 'aws-cdk-lib/assertions';
import { CONTAINER_PORT, SERVE_COMMAND } from '../src/router-service.js';
import { FIXTURE, type Json, only, render, resources, synth } from './support.js';

t.test('no service unless enabled', async (t) => {
  const { json } = synth();
  t.test('creates no ECS, load balancer or VPC resources by default', async () => {
    const types = resources(json).map((resource) => resource.Type);
    assert.deepEqual(
      types.filter((type) => /^AWS::(ECS|ElasticLoadBalancingV2|EC2|S3)::/.test(type)),
      [],
    );
  });
});

t.test('the ECS service over plain HTTP, in a new VPC', async (t) => {
  const { json, annotations } = synth({ region: 'eu-west-1', service: { enabled: true, accessLogs: true, allowedCidrs: ['203.0.113.0/24', '198.51.100.7/32'] } });
  const task = only(json, 'AWS::ECS::TaskDefinition');
  const [container] = task.Properties.ContainerDefinitions as Json[];

  t.test('runs vrouter serve from the configured image, listening on all interfaces', async () => {
    assert.deepEqual(container!.Command, SERVE_COMMAND);
    assert.deepEqual(SERVE_COMMAND, ['node', 'services/router/bin/serve.js']);
    assert.equal(container!.Image, FIXTURE.service.image);
    const environment = Object.fromEntries((container!.Environment as { Name: string; Value: unknown }[]).map((v) => [v.Name, render(v.Value)]));
    assert.equal(environment.HOST, '0.0.0.0');
    assert.equal(environment.PORT, String(CONTAINER_PORT));
    assert.equal(environment.VROUTER_TABLE, `\${${only(json, 'AWS::DynamoDB::Table').id}}`);
  });

  t.test('hands the admin token and OTLP headers to the container as ECS secrets, never as plain values', async () => {
    const secrets = Object.fromEntries((container!.Secrets as { Name: string; ValueFrom: unknown }[]).map((s) => [s.Name, render(s.ValueFrom)]));
    assert.deepEqual(secrets, {
      VROUTER_ADMIN_TOKEN: `arn:\${AWS::Partition}:ssm:eu-west-1:\${AWS::AccountId}:parameter${FIXTURE.adminToken.ssmParameter}`,
      OTEL_EXPORTER_OTLP_HEADERS: FIXTURE.telemetry.otlpHeaders.secretArn,
    });
    const names = (container!.Environment as { Name: string }[]).map((v) => v.Name);
    assert.ok(!names.some((name) => name.startsWith('VROUTER_ADMIN_TOKEN') || name.startsWith('OTEL_EXPORTER_OTLP_HEADERS')));
  });

  t.test('runs in private subnets without public addresses', async () => {
    const service = only(json, 'AWS::ECS::Service').Properties as { NetworkConfiguration: { AwsvpcConfiguration: Json } };
    assert.equal(service.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp, 'DISABLED');
    assert.equal(resources(json, 'AWS::EC2::VPC').length, 1);
    assert.equal(resources(json, 'AWS::EC2::FlowLog').length, 1);
  });

  t.test('puts an HTTP listener on port 80 reachable from the configured CIDRs only', async () => {
    const listener = only(json, 'AWS::ElasticLoadBalancingV2::Listener').Properties;
    assert.equal(listener.Protocol, 'HTTP');
    assert.equal(listener.Port, 80);
    const group = resources(json, 'AWS::EC2::SecurityGroup').find((g) => String(g.Properties.GroupDescription).includes('load balancer'))!;
    assert.deepEqual(
      (group.Properties.SecurityGroupIngress as Json[]).map((rule) => [rule.CidrIp, rule.FromPort, rule.ToPort]),
      [
        ['203.0.113.0/24', 80, 80],
        ['198.51.100.7/32', 80, 80],
      ],
    );
  });

  t.test('warns on every synth that tokens would cross the network in clear', async () => {
    annotations.hasWarning('*', Match.stringLikeRegexp('plain HTTP'));
  });

  t.test('health-checks /healthz and writes access logs to an encrypted, private bucket', async () => {
    const targetGroup = only(json, 'AWS::ElasticLoadBalancingV2::TargetGroup').Properties;
    assert.equal(targetGroup.HealthCheckPath, '/healthz');
    assert.equal(targetGroup.Port, CONTAINER_PORT);
    const attributes = (only(json, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties.LoadBalancerAttributes as { Key: string; Value: unknown }[]).map((a) => [
      a.Key,
      render(a.Value),
    ]);
    assert.ok(attributes.some(([key, value]) => key === 'access_logs.s3.enabled' && value === 'true'));
    const bucket = only(json, 'AWS::S3::Bucket').Properties as Json;
    assert.deepEqual(bucket.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
  });
});

t.test('the ECS service over HTTPS, in an existing VPC', async (t) => {
  const certificateArn = 'arn:aws:acm:eu-west-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100';
  const { json, annotations } = synth({
    service: {
      enabled: true,
      certificateArn,
      internetFacing: false,
      vpc: {
        vpcId: 'vpc-0123456789abcdef0',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        publicSubnetIds: ['subnet-0000000000000000a', 'subnet-0000000000000000b'],
        privateSubnetIds: ['subnet-1111111111111111a', 'subnet-1111111111111111b'],
      },
    },
  });

  t.test('terminates TLS with the configured certificate on 443 and a current TLS policy', async () => {
    const listener = only(json, 'AWS::ElasticLoadBalancingV2::Listener').Properties;
    assert.equal(listener.Protocol, 'HTTPS');
    assert.equal(listener.Port, 443);
    assert.deepEqual(listener.Certificates, [{ CertificateArn: certificateArn }]);
    assert.match(String(listener.SslPolicy), /^ELBSecurityPolicy-TLS13/);
    assert.deepEqual(annotations.findWarning('*', Match.stringLikeRegexp('plain HTTP')), []);
  });

  t.test('creates no VPC and places the internal load balancer and the tasks in the given private subnets', async () => {
    assert.equal(resources(json, 'AWS::EC2::VPC').length, 0);
    const loadBalancer = only(json, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties;
    assert.equal(loadBalancer.Scheme, 'internal');
    assert.deepEqual(loadBalancer.Subnets, ['subnet-1111111111111111a', 'subnet-1111111111111111b']);
    const service = only(json, 'AWS::ECS::Service').Properties as { NetworkConfiguration: { AwsvpcConfiguration: Json } };
    assert.deepEqual(service.NetworkConfiguration.AwsvpcConfiguration.Subnets, ['subnet-1111111111111111a', 'subnet-1111111111111111b']);
  });
});
