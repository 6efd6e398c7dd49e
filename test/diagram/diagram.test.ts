import * as fs from 'fs';
import * as path from 'path';
import { ApiManagementApiOperation } from '@cdktf/provider-azurerm/lib/api-management-api-operation';
import { Eventhub } from '@cdktf/provider-azurerm/lib/eventhub';
import { EventhubConsumerGroup } from '@cdktf/provider-azurerm/lib/eventhub-consumer-group';
import { EventhubNamespace } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import { LinuxFunctionApp } from '@cdktf/provider-azurerm/lib/linux-function-app';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Password } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  DataverseEnvironment,
  DataverseRecord,
  OutboundQueueIntegration,
  ProcessingStep,
  ServiceBusNamespace,
  ServiceEndpoint,
  ServiceEndpointAuthType,
  ServiceEndpointContract,
  StepImageType,
} from '../../src';
import { run } from '../../src/cli/run';
import { StackArtifacts } from '../../src/core/stack-artifacts';
import { recordingIo } from '../cli/harness';
import { newStack, readAllFiles, synthExampleApp } from '../helpers';

const rg = { resourceGroupName: 'rg-test', location: 'westeurope' };

function files(stack: any): Record<string, string> {
  Testing.synth(stack);
  return StackArtifacts.of(stack).renderAll();
}

/** A record of a table the library does not model here (stands in for a pattern's custom API). */
class CustomApiRecord extends DataverseRecord {
  public readonly tableName = 'customapi';
  public readonly entitySetName = 'customapis';
  public readonly applyOrder = 200;
  constructor(scope: Construct, id: string, environment: DataverseEnvironment, uniqueName: string) {
    super(scope, id, environment);
    this.setColumn('uniquename', uniqueName);
  }
}

describe('diagram', () => {
  it('draws table and message → endpoint → queue → consumer for OutboundQueueIntegration', () => {
    const { stack, rg: group, dataverse } = newStack({ diagram: true });
    const orders = new OutboundQueueIntegration(stack, 'orders', {
      dataverse,
      resourceGroup: group,
      steps: [
        { table: 'salesorder', message: 'Create' },
        { table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'], images: [{ imageType: StepImageType.PRE_IMAGE }] },
      ],
    });
    orders.grantReceive('00000000-0000-0000-0000-000000000001');
    const dot = files(stack)['diagram.dot'];
    const endpoint = `record:${orders.endpoint.recordId}`;
    // One cluster for the integration, labelled with its construct path below the stack.
    expect(dot).toContain('subgraph "cluster_test/orders" {\n    label="orders";');
    expect(dot).toContain('label="stack test\\nDataverse contoso.crm4.dynamics.com"');
    expect(dot).toContain(`"trigger:test/orders:salesorder:Create" -> "${endpoint}" [label="async"];`);
    expect(dot).toContain(`"trigger:test/orders:salesorder:Update" -> "${endpoint}" [label="async, on statuscode, 1 image"];`);
    const queue = dot.match(/"(resource:azurerm_servicebus_queue\.[^"]+)"/)![1];
    expect(dot).toContain(`"${endpoint}" -> "${queue}" [label="sends to"];`);
    // namespace/queue, wrapped after the namespace so that the label fits its box
    expect(dot).toContain(`label="Service Bus queue\\n${orders.serviceBusNamespace.serviceBusNamespaceName}/\\n${orders.entityName}"`);
    expect(dot).toContain(`"${queue}" -> "principal:test/orders:00000000-0000-0000-0000-000000000001" [label="Azure Service Bus Data Receiver"];`);
    expect(dot).not.toContain('authorization_rule');
  });

  it('is deterministic: two synths give byte-identical DOT and SVG', () => {
    const build = () => {
      const { stack, rg: group, dataverse } = newStack({ diagram: true });
      new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: group, steps: [{ table: 'account', message: 'Create' }] });
      return files(stack);
    };
    const a = build();
    const b = build();
    expect(a['diagram.dot']).toBe(b['diagram.dot']);
    expect(a['diagram.svg']).toBe(b['diagram.svg']);
    expect(a['diagram.svg']).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
    expect(a['diagram.svg']).toContain('salesorder'.replace('salesorder', 'account'));
  });

  it('derives an Event Hubs integration generically: hub, consumer groups, role assignment to an identity', () => {
    const { stack, dataverse } = newStack({ diagram: true });
    const ns = new EventhubNamespace(stack, 'ns', { name: 'eh-orders', sku: 'Standard', ...rg });
    const hub = new Eventhub(stack, 'hub', { name: 'orders', namespaceId: ns.id, partitionCount: 2 });
    new EventhubConsumerGroup(stack, 'billing', { name: 'billing', eventhubName: hub.name, namespaceName: ns.name, resourceGroupName: 'rg-test' });
    const identity = new UserAssignedIdentity(stack, 'reader', { name: 'id-reader', ...rg });
    new RoleAssignment(stack, 'read', { scope: hub.id, roleDefinitionName: 'Azure Event Hubs Data Receiver', principalId: identity.principalId });
    const endpoint = new ServiceEndpoint(stack, 'endpoint', {
      environment: dataverse,
      name: 'orders-hub',
      contract: ServiceEndpointContract.EVENT_HUB,
      authType: ServiceEndpointAuthType.SAS_KEY,
      solutionNamespace: 'eh-orders',
      path: 'orders',
      sasKeyName: 'send',
      sasKey: ns.defaultPrimaryKey,
    });
    new ProcessingStep(stack, 'step', { endpoint, table: 'account', message: 'Update' });
    const dot = files(stack)['diagram.dot'];
    expect(dot).toContain('label="Event Hubs endpoint\\norders-hub"');
    expect(dot).toContain(`"record:${endpoint.recordId}" -> "resource:azurerm_eventhub.hub" [label="sends to"];`);
    expect(dot).toContain('"resource:azurerm_eventhub.hub" [label="event hub\\neh-orders/orders"');
    expect(dot).toContain('"resource:azurerm_eventhub.hub" -> "resource:azurerm_eventhub_consumer_group.billing";');
    expect(dot).toContain('"resource:azurerm_eventhub.hub" -> "resource:azurerm_user_assigned_identity.reader" [label="Azure Event Hubs Data Receiver"];');
  });

  it('derives a webhook integration from the URL output: Function App and its backends', () => {
    const { stack, dataverse } = newStack({ diagram: true });
    new RandomProvider(stack, 'random');
    const storage = new StorageAccount(stack, 'storage', { name: 'stwebhook', accountTier: 'Standard', accountReplicationType: 'LRS', ...rg });
    const app = new LinuxFunctionApp(stack, 'app', { name: 'func-orders', servicePlanId: 'plan', siteConfig: {}, storageAccountName: storage.name, ...rg });
    const key = new Password(stack, 'key', { length: 32 });
    const endpoint = new ServiceEndpoint(stack, 'webhook', {
      environment: dataverse,
      name: 'orders-webhook',
      contract: ServiceEndpointContract.WEBHOOK,
      authType: ServiceEndpointAuthType.WEBHOOK_KEY,
      url: `https://${app.defaultHostname}/api/dataverse`,
      authValue: key.result,
    });
    new ProcessingStep(stack, 'step', { endpoint, table: 'account', message: 'Create', mode: 0, stage: 20 });
    const dot = files(stack)['diagram.dot'];
    expect(dot).toContain(`"trigger:account:Create" -> "record:${endpoint.recordId}" [label="sync, stage 20"];`);
    expect(dot).toContain(`"record:${endpoint.recordId}" -> "resource:azurerm_linux_function_app.app" [label="sends to"];`);
    expect(dot).toContain('"resource:azurerm_linux_function_app.app" -> "resource:azurerm_storage_account.storage" [label="uses", style=dashed];');
    expect(dot).not.toContain('random_password');
  });

  it('draws inbound calls: a resource whose configuration names a custom API points at it', () => {
    const { stack, dataverse } = newStack({ diagram: true });
    const api = new CustomApiRecord(stack, 'approve', dataverse, 'contoso_ApproveOrder');
    new ApiManagementApiOperation(stack, 'operation', {
      operationId: 'approve',
      apiName: 'orders',
      apiManagementName: 'apim-orders',
      resourceGroupName: 'rg-test',
      displayName: 'Approve',
      method: 'POST',
      urlTemplate: '/contoso_ApproveOrder',
    });
    const dot = files(stack)['diagram.dot'];
    expect(dot).toContain(`"record:${api.recordId}" [label="custom API\\ncontoso_ApproveOrder"`);
    expect(dot).toContain(`"resource:azurerm_api_management_api_operation.operation" -> "record:${api.recordId}" [label="calls"];`);
  });

  it('finds a queue in an existing namespace, and shows an endpoint whose target is not in the stack as existing', () => {
    const { stack, rg: group, dataverse } = newStack({ diagram: true });
    new OutboundQueueIntegration(stack, 'orders', {
      dataverse,
      resourceGroup: group,
      steps: [{ table: 'account', message: 'Create' }],
      existingNamespace: ServiceBusNamespace.fromServiceBusNamespaceAttributes(stack, 'existing', {
        serviceBusNamespaceId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/sb-existing',
      }),
      queue: { name: 'orders' },
    });
    const elsewhere = new ServiceEndpoint(stack, 'elsewhere', {
      environment: dataverse,
      name: 'elsewhere',
      contract: ServiceEndpointContract.QUEUE,
      authType: ServiceEndpointAuthType.SAS_KEY,
      solutionNamespace: 'sb-other',
      path: 'invoices',
      sasKeyName: 'send',
      sasKey: new Password(stack, 'key', { length: 32 }).result,
    });
    const dot = files(stack)['diagram.dot'];
    expect(dot).toContain('label="Service Bus queue\\nsb-existing/orders"');
    expect(dot).toContain(`"record:${elsewhere.recordId}" -> "external:sb-other/invoices" [label="sends to"];`);
    expect(dot).toContain('"external:sb-other/invoices" [label="existing\\nsb-other/invoices"');
  });

  it('is off the synth path by default; diagram: true writes diagram.dot and diagram.svg next to cdk.tf.json', () => {
    const off = newStack();
    new OutboundQueueIntegration(off.stack, 'orders', { dataverse: off.dataverse, resourceGroup: off.rg, steps: [{ table: 'account', message: 'Create' }] });
    off.app.synth();
    expect(fs.readdirSync(path.join(off.app.outdir, 'stacks', 'test')).sort()).toEqual(['cdk.tf.json', 'dataverse-registrations.json', 'policy-report.json']);

    const on = newStack({ diagram: true });
    new OutboundQueueIntegration(on.stack, 'orders', { dataverse: on.dataverse, resourceGroup: on.rg, steps: [{ table: 'account', message: 'Create' }] });
    on.app.synth();
    const written = readAllFiles(path.join(on.app.outdir, 'stacks', 'test'));
    expect(Object.keys(written).sort()).toEqual(['cdk.tf.json', 'dataverse-registrations.json', 'diagram.dot', 'diagram.svg', 'policy-report.json']);
    expect(written['diagram.svg']).toContain('<svg');
  });

  it('the README shows the example diagram as `cdktf-dataverse diagram` renders it, up to date (regenerate: UPDATE_DIAGRAMS=1 npx vitest run test/diagram/diagram.test.ts)', async () => {
    const outdir = await synthExampleApp();
    expect(fs.existsSync(path.join(outdir, 'stacks', 'orders', 'diagram.svg'))).toBe(false);
    const { io, text } = recordingIo();
    expect(await run(['diagram', 'orders', '--cdktf-out', outdir, '--out', io.cwd], io)).toBe(0);
    const svg = fs.readFileSync(path.join(io.cwd, 'orders', 'diagram.svg'), 'utf8');
    expect(text()).toBe(`Wrote ${path.join('orders', 'diagram.svg')}`);
    const committed = path.resolve(__dirname, '../../docs/diagram-orders.svg');
    if (process.env.UPDATE_DIAGRAMS === '1') fs.writeFileSync(committed, svg);
    expect(fs.readFileSync(committed, 'utf8')).toBe(svg);
    expect(fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8')).toContain('docs/diagram-orders.svg');
  });
});
