// Azure's tag rules (src/azure/tags.ts), from Microsoft Learn "Use tags to organize your Azure
// resources and management hierarchy", Limitations: 50 tags per resource; names up to 512
// characters (storage accounts 128), values up to 256; no < > % & \ ? / in names; names are
// case-insensitive. Each message is asserted, then the wiring into every block that takes tags.
import { TerraformVariable } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { queueProps } from './logic-app-fixtures';
import {
  ActionGroup,
  ApiManagement,
  ApplicationInsights,
  EventHubNamespace,
  FlexConsumptionPlan,
  FunctionApp,
  KeyVault,
  LogAnalyticsWorkspace,
  LogicAppConsumer,
  MetricAggregation,
  MetricAlert,
  MetricOperator,
  OutboundQueueIntegration,
  RelayNamespace,
  ServiceBusNamespace,
  StorageAccount,
  UserAssignedIdentity,
} from '../../src';
import { checkTags, TAG_LIMITS } from '../../src/azure/tags';
import { Problems } from '../../src/core/problems';
import { newStack, synthJson, validationErrors } from '../helpers';

function problemsOf(tags: unknown, limits = TAG_LIMITS.resource): string[] {
  const problems = new Problems();
  checkTags(problems, 'tags', tags, limits);
  return problems.list;
}

const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`tag${i}`, 'v']));

describe('checkTags', () => {
  it('accepts what Azure accepts: 50 tags, a 512-character name, a 256-character value, spaces, unicode, = : @ + - _ .', () => {
    expect(problemsOf(undefined)).toEqual([]);
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf(many(50))).toEqual([]);
    expect(problemsOf({ ['n'.repeat(512)]: 'v'.repeat(256) })).toEqual([]);
    expect(problemsOf({ 'Cost Center': 'Finance-1222', 'owner@team': 'a=b:c+d', Größe: 'é'.repeat(256), 'x_y.z': '' })).toEqual([]);
  });

  it('each forbidden character in a name, with a replacement', () => {
    for (const c of ['<', '>', '%', '&', '\\', '?', '/']) {
      expect(problemsOf({ [`cost${c}center`]: 'x' })).toEqual([
        `tags: the tag name 'cost${c}center' contains '${c}'; Azure does not allow < > % & \\ ? / in tag names. Fix: replace them, e.g. 'cost-center'.`,
      ]);
    }
    expect(problemsOf({ 'a/b?c': 'x' })).toEqual([
      `tags: the tag name 'a/b?c' contains '?', '/'; Azure does not allow < > % & \\ ? / in tag names. Fix: replace them, e.g. 'a-b-c'.`,
    ]);
  });

  it('name and value lengths, counted in characters; the storage account name limit is 128', () => {
    expect(problemsOf({ ['n'.repeat(513)]: 'v' })).toEqual([
      `tags: the tag name '${'n'.repeat(77)}...' is 513 characters long; Azure allows at most 512 in a tag name. Fix: shorten it.`,
    ]);
    expect(problemsOf({ ['n'.repeat(129)]: 'v' }, TAG_LIMITS.storageAccount)).toEqual([
      `tags: the tag name '${'n'.repeat(77)}...' is 129 characters long; Azure allows at most 128 in a storage account's tag name. Fix: shorten it.`,
    ]);
    expect(problemsOf({ ['n'.repeat(128)]: 'v' }, TAG_LIMITS.storageAccount)).toEqual([]);
    expect(problemsOf({ owner: 'v'.repeat(257) })).toEqual([
      `tags: the value of 'owner' is 257 characters long; Azure allows at most 256 in a tag value. Fix: shorten it, or split it across several tags.`,
    ]);
    // 256 emoji are 512 UTF-16 units but 256 characters.
    expect(problemsOf({ mood: '🙂'.repeat(256) })).toEqual([]);
  });

  it('more than 50 tags', () => {
    expect(problemsOf(many(51))).toEqual(['tags has 51 tags; Azure allows at most 50 per resource. Fix: remove 1, or combine values into one tag as a JSON string.']);
  });

  it('names that differ only in case', () => {
    expect(problemsOf({ Env: 'prod', env: 'dev' })).toEqual([
      "tags: the tag names 'Env' and 'env' differ only in case; Azure treats tag names without regard to case, so one would overwrite the other. Fix: keep one of them.",
    ]);
  });

  it('JavaScript callers: not an object, or a value that is not a string', () => {
    expect(problemsOf(null)).toEqual(["tags is null: it must be an object of tag names to string values. Fix: pass e.g. { environment: 'production' }."]);
    expect(problemsOf(['a'])).toEqual(["tags is an array: it must be an object of tag names to string values. Fix: pass e.g. { environment: 'production' }."]);
    expect(problemsOf('env=prod')).toEqual(["tags is a string: it must be an object of tag names to string values. Fix: pass e.g. { environment: 'production' }."]);
    expect(problemsOf({ count: 3, gone: null, missing: undefined })).toEqual([
      "tags: the value of 'count' is a number; tag values are strings. Fix: write it as a string, e.g. '3'.",
      "tags: the value of 'gone' is null; tag values are strings. Fix: write it as a string, e.g. ''.",
      "tags: the value of 'missing' is undefined; tag values are strings. Fix: write it as a string, e.g. ''.",
    ]);
  });

  it('every problem at once', () => {
    expect(problemsOf({ 'a/b': 'v'.repeat(300), A: 'x', a: 'y' })).toHaveLength(3);
  });

  it('unresolved tokens are skipped: the whole map, a name, a value', () => {
    const { stack } = newStack();
    const map = new TerraformVariable(stack, 'tags', { type: 'map(string)' });
    const text = new TerraformVariable(stack, 'text', { type: 'string' });
    expect(problemsOf(map.value)).toEqual([]);
    expect(problemsOf({ [text.stringValue]: 'x', owner: text.stringValue })).toEqual([]);
  });
});

describe('tags are checked on every block that takes them', () => {
  const BAD = { 'cost/center': 'x' };
  const message = (path: string) =>
    `[${path}] tags: the tag name 'cost/center' contains '/'; Azure does not allow < > % & \\ ? / in tag names. Fix: replace them, e.g. 'cost-center'.`;

  it('StorageAccount (with the 128-character name limit)', () => {
    const { stack, rg } = newStack();
    new StorageAccount(stack, 'st', { resourceGroup: rg, tags: BAD });
    new StorageAccount(stack, 'long', { resourceGroup: rg, tags: { ['n'.repeat(200)]: 'v' } });
    expect(validationErrors(stack)).toEqual([
      message('test/st'),
      expect.stringMatching(/^\[test\/long\] tags: the tag name '.*' is 200 characters long; Azure allows at most 128 in a storage account's tag name/),
    ]);
  });

  it('KeyVault, LogAnalyticsWorkspace, ApplicationInsights, ApiManagement', () => {
    const { stack, rg } = newStack();
    new KeyVault(stack, 'kv', { resourceGroup: rg, tenantId: '00000000-0000-0000-0000-0000000000bb', tags: BAD });
    const log = new LogAnalyticsWorkspace(stack, 'log', { resourceGroup: rg, tags: BAD });
    new ApplicationInsights(stack, 'appi', { resourceGroup: rg, workspace: log, tags: BAD });
    new ApiManagement(stack, 'apim', { resourceGroup: rg, publisherName: 'C', publisherEmail: 'a@contoso.com', tags: BAD });
    expect(validationErrors(stack).sort()).toEqual([message('test/apim'), message('test/appi'), message('test/kv'), message('test/log')]);
  });

  it('FunctionApp: once, by the plan it creates; by the app itself when the plan is given; FlexConsumptionPlan on its own', () => {
    const { stack, rg } = newStack();
    const storage = new StorageAccount(stack, 'st', { resourceGroup: rg });
    new FunctionApp(stack, 'fn', { resourceGroup: rg, storageAccount: storage, deploymentContainerName: 'pkg', tags: BAD });
    const plan = new FlexConsumptionPlan(stack, 'plan', { resourceGroup: rg, tags: BAD });
    new FunctionApp(stack, 'shared', { resourceGroup: rg, storageAccount: storage, deploymentContainerName: 'pkg', servicePlanId: plan.servicePlanId, tags: BAD });
    expect(validationErrors(stack).sort()).toEqual([message('test/fn/plan'), message('test/plan'), message('test/shared')]);
  });

  it('valid tags synthesize on the resources as given', () => {
    const { stack, rg } = newStack();
    new StorageAccount(stack, 'st', { resourceGroup: rg, tags: { 'Cost Center': 'Finance' } });
    expect(synthJson(stack).resource.azurerm_storage_account.st.tags).toEqual({ 'Cost Center': 'Finance' });
  });
});

describe('tags are checked on the messaging, identity, alert and Logic App blocks', () => {
  const BAD = { 'cost/center': 'x' };
  const message = (path: string) =>
    `[${path}] tags: the tag name 'cost/center' contains '/'; Azure does not allow < > % & \\ ? / in tag names. Fix: replace them, e.g. 'cost-center'.`;

  it('ServiceBusNamespace, EventHubNamespace, RelayNamespace, UserAssignedIdentity, ActionGroup, MetricAlert, LogicAppConsumer', () => {
    const { stack, rg } = newStack();
    new ServiceBusNamespace(stack, 'sb', { resourceGroup: rg, tags: BAD });
    new EventHubNamespace(stack, 'eh', { resourceGroup: rg, tags: BAD });
    new RelayNamespace(stack, 'relay', { resourceGroup: rg, tags: BAD });
    new UserAssignedIdentity(stack, 'id', { resourceGroup: rg, tags: BAD });
    const group = new ActionGroup(stack, 'ag', { resourceGroup: rg, emailReceivers: ['ops@contoso.com'], tags: BAD });
    new MetricAlert(stack, 'alert', {
      resourceGroup: rg,
      actionGroup: group,
      criteria: {
        resourceId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-sb/providers/Microsoft.ServiceBus/namespaces/sb-orders',
        metricNamespace: 'Microsoft.ServiceBus/namespaces',
        metricName: 'DeadletteredMessages',
        aggregation: MetricAggregation.AVERAGE,
        comparisonOperator: MetricOperator.GREATER_THAN,
        threshold: 0,
      },
      tags: BAD,
    });
    new LogicAppConsumer(stack, 'logic', { resourceGroup: rg, ...queueProps(), tags: BAD });
    expect(
      validationErrors(stack)
        .filter((e) => e.includes('tags:'))
        .sort(),
    ).toEqual(['test/ag', 'test/alert', 'test/eh', 'test/id', 'test/logic', 'test/relay', 'test/sb'].map(message));
  });

  it('a pattern passes its tags to its blocks: OutboundQueueIntegration reports them at its namespace', () => {
    const { stack, rg, dataverse } = newStack();
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps: [{ table: 'salesorder', message: 'Create' }], tags: BAD });
    expect(validationErrors(stack).filter((e) => e.includes('tags:'))).toEqual([message('test/orders/namespace')]);
  });
});
