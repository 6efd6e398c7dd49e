import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ServicebusQueue } from '@cdktf/provider-azurerm/lib/servicebus-queue';
import { ServicebusQueueAuthorizationRule } from '@cdktf/provider-azurerm/lib/servicebus-queue-authorization-rule';
import { ServicebusTopic } from '@cdktf/provider-azurerm/lib/servicebus-topic';
import { TerraformStack, Testing } from 'cdktf';
import { beforeAll, describe, expect, it } from 'vitest';
import { failureOf, orderStack } from './fixtures';
import { DataverseTesting } from 'cdktf-dataverse';

// The matchers are registered by test/setup.ts (import 'cdktf-dataverse/testing/setup').

let stack: TerraformStack;
let synth: ReturnType<typeof DataverseTesting.synth>;
beforeAll(() => {
  stack = orderStack().stack;
  synth = DataverseTesting.synth(stack);
});

describe('toHaveResource', () => {
  it('matches a resource by type and a partial set of snake_case properties', () => {
    expect(synth).toHaveResource('azurerm_servicebus_queue', { max_delivery_count: 10, requires_session: false });
    expect(synth).toHaveResource(ServicebusQueue, { lock_duration: 'PT1M' });
    expect(synth).toHaveResource('azurerm_servicebus_queue');
    expect(synth).toHaveResource('azurerm_servicebus_namespace', { name: expect.stringMatching(/^sb-test-orders-/) });
  });

  it('takes a stack, a DataverseTesting.synth() result, the parsed JSON or the JSON text', () => {
    const json = Testing.synth(stack, true);
    for (const received of [stack, synth, synth.terraform, json, JSON.parse(json)]) {
      expect(received).toHaveResource('azurerm_servicebus_queue', { max_delivery_count: 10 });
    }
  });

  it('fails with the closest resource and only the values that differ', () => {
    expect(failureOf(() => expect(synth).toHaveResource('azurerm_servicebus_queue', { max_delivery_count: 5, requires_session: false, lock_duration: 'PT5M' }))).toBe(
      [
        "expected a resource azurerm_servicebus_queue with { max_delivery_count: 5, requires_session: false, lock_duration: 'PT5M' }",
        'the only azurerm_servicebus_queue resource, orders_queue_A1AAE4D8, does not match (1 of 3 values match):',
        '  max_delivery_count: expected 5, received 10',
        "  lock_duration: expected 'PT5M', received 'PT1M'",
      ].join('\n'),
    );
  });

  it('names a property the resource does not have', () => {
    expect(failureOf(() => expect(synth).toHaveResource('azurerm_servicebus_queue', { auto_delete_on_idle: 'PT1H' }))).toBe(
      [
        "expected a resource azurerm_servicebus_queue with { auto_delete_on_idle: 'PT1H' }",
        'the only azurerm_servicebus_queue resource, orders_queue_A1AAE4D8, does not match (0 of 1 values match):',
        "  auto_delete_on_idle: expected 'PT1H', received nothing",
      ].join('\n'),
    );
  });

  it('compares nested blocks and asymmetric matchers', () => {
    expect(synth).toHaveProvider('azurerm', { features: [{}] });
    expect(() => expect(synth).toHaveResource('azurerm_servicebus_namespace', { name: expect.stringMatching(/^evh-/) })).toThrowError(
      /  name: expected StringMatching\(\/\^evh-\/\), received 'sb-test-orders-e9bcd196'/,
    );
  });

  it('compares Terraform references as synthesized when it knows the stack', () => {
    const { stack: s, orders } = orderStack();
    const queueId = orders.queue!.queueId;
    expect(s).toHaveResource(ServicebusQueueAuthorizationRule, { queue_id: queueId });
    expect(DataverseTesting.synth(s)).toHaveResource(ServicebusQueueAuthorizationRule, { queue_id: queueId });
    expect(DataverseTesting.synth(s)).toHaveResource(ServicebusQueueAuthorizationRule, { queue_id: '${azurerm_servicebus_queue.orders_queue_A1AAE4D8.id}' });
    // The bare JSON has no stack to resolve them with: the message says so.
    const message = failureOf(() => expect(DataverseTesting.synth(s).terraform).toHaveResource(ServicebusQueueAuthorizationRule, { queue_id: queueId }));
    expect(message.split('\n').slice(-1)[0]).toBe(
      "note: the expectation holds Terraform references (tokens); pass the stack or DataverseTesting.synth(stack) so that they compare as synthesized, or write them as '${type.name.attribute}'",
    );
  });

  it('picks the candidate with most matching values as the closest', () => {
    const s = new TerraformStack(Testing.app(), 'two');
    new AzurermProvider(s, 'azurerm', { features: [{}] });
    new ServicebusTopic(s, 'a', { name: 'alpha', namespaceId: 'ns', maxSizeInMegabytes: 1024, partitioningEnabled: false });
    new ServicebusTopic(s, 'b', { name: 'beta', namespaceId: 'ns', maxSizeInMegabytes: 2048, partitioningEnabled: true });
    expect(failureOf(() => expect(s).toHaveResource(ServicebusTopic, { name: 'gamma', max_size_in_megabytes: 2048, partitioning_enabled: true }))).toBe(
      [
        "expected a resource azurerm_servicebus_topic with { name: 'gamma', max_size_in_megabytes: 2048, partitioning_enabled: true }",
        'none of the 2 azurerm_servicebus_topic resources matches; closest: b (2 of 3 values match):',
        "  name: expected 'gamma', received 'beta'",
      ].join('\n'),
    );
  });

  it('lists the resource types present when there is none of the type', () => {
    expect(failureOf(() => expect(synth).toHaveResource(ServicebusTopic))).toBe(
      [
        'expected a resource azurerm_servicebus_topic',
        'there is no azurerm_servicebus_topic resource; resource types present: azurerm_resource_group, azurerm_servicebus_namespace, azurerm_servicebus_queue, azurerm_servicebus_queue_authorization_rule',
      ].join('\n'),
    );
  });

  it('.not passes when nothing matches and fails naming the match', () => {
    expect(synth).not.toHaveResource('azurerm_servicebus_topic');
    expect(synth).not.toHaveResource('azurerm_servicebus_queue', { requires_session: true });
    expect(failureOf(() => expect(synth).not.toHaveResource('azurerm_servicebus_queue', { requires_session: false }))).toBe(
      'expected no resource azurerm_servicebus_queue with { requires_session: false }\nbut orders_queue_A1AAE4D8 matches',
    );
  });

  it('rejects what it cannot read, with or without .not', () => {
    expect(failureOf(() => expect(42).toHaveResource('azurerm_servicebus_queue'))).toBe(
      'toHaveResource: expected a TerraformStack, the result of DataverseTesting.synth(), or synthesized Terraform JSON; received 42.',
    );
    expect(failureOf(() => expect('not json').not.toHaveResource('azurerm_servicebus_queue'))).toBe('toHaveResource: the received string is not synthesized Terraform JSON.');
    expect(() => expect(synth).toHaveResource('' as any)).toThrowError(/toHaveResource: the type must be a Terraform type name/);
  });
});

describe('toHaveDataSource', () => {
  it('matches a data source', () => {
    expect(synth).toHaveDataSource(DataAzurermClientConfig);
    expect(synth).toHaveDataSource('azurerm_client_config', {});
    expect(synth).not.toHaveDataSource('azurerm_key_vault');
  });

  it('fails with the closest data source', () => {
    expect(failureOf(() => expect(synth).toHaveDataSource('azurerm_client_config', { provider: 'azurerm.secondary' }))).toBe(
      [
        "expected a data source azurerm_client_config with { provider: 'azurerm.secondary' }",
        'the only azurerm_client_config data source, current, does not match (0 of 1 values match):',
        "  provider: expected 'azurerm.secondary', received nothing",
      ].join('\n'),
    );
  });

  it('says when the stack has no data source at all', () => {
    const s = new TerraformStack(Testing.app(), 'empty');
    new AzurermProvider(s, 'azurerm', { features: [{}] });
    expect(failureOf(() => expect(s).toHaveDataSource('azurerm_client_config'))).toBe(
      'expected a data source azurerm_client_config\nthere is no azurerm_client_config data source; the stack has no data sources',
    );
  });

  it('.not fails naming the match', () => {
    expect(failureOf(() => expect(synth).not.toHaveDataSource(DataAzurermClientConfig))).toBe('expected no data source azurerm_client_config\nbut current matches');
  });
});

describe('toHaveProvider', () => {
  it('matches any configuration of the provider, aliased or not', () => {
    expect(synth).toHaveProvider(AzurermProvider);
    expect(synth).toHaveProvider('azurerm', { alias: 'secondary', subscription_id: '00000000-0000-0000-0000-000000000001' });
    expect(synth).not.toHaveProvider('random');
  });

  it('fails with the closest configuration', () => {
    expect(failureOf(() => expect(synth).toHaveProvider('azurerm', { alias: 'secondary', subscription_id: '11111111-1111-1111-1111-111111111111' }))).toBe(
      [
        "expected a provider azurerm with { alias: 'secondary', subscription_id: '11111111-1111-1111-1111-111111111111' }",
        "none of the 2 azurerm provider configurations matches; closest: alias 'secondary' (1 of 2 values match):",
        "  subscription_id: expected '11111111-1111-1111-1111-111111111111', received '00000000-0000-0000-0000-000000000001'",
      ].join('\n'),
    );
  });

  it('fails when the provider is missing, and .not fails when it is there', () => {
    expect(failureOf(() => expect(synth).toHaveProvider('random'))).toBe('expected a provider random\nthere is no random provider; provider types present: azurerm');
    expect(failureOf(() => expect(synth).not.toHaveProvider('azurerm', { features: [{}] }))).toBe(
      'expected no provider azurerm with { features: [{}] }\nbut the default configuration matches',
    );
  });
});
