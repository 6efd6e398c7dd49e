// Shared set-up of the ChangeTrackingExport tests: a stack, a stand-in function app folder (the
// real one is built by npm run compile into lib/; the pattern only zips the folder), and sinks,
// created with the blocks or imported by id.
import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { ChangeTrackingExport, ChangeTrackingExportProps, EventHub, EventHubNamespace, ServiceBusNamespace, ServiceBusQueue, ServiceBusTopic, StorageAccount } from '../../src';
import { newStack, tempDir } from '../helpers';

export const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers';

/** A folder that looks like a built function app (host.json, package.json, index.js). */
export function functionFolder(): string {
  const dir = tempDir('ct-function-');
  fs.writeFileSync(path.join(dir, 'host.json'), '{"version":"2.0"}');
  fs.writeFileSync(path.join(dir, 'package.json'), '{"main":"index.js"}');
  fs.writeFileSync(path.join(dir, 'index.js'), '// stand-in\n');
  return dir;
}

const CODE = functionFolder();

export type SinkKind = 'queue' | 'topic' | 'eventHub' | 'storage';

/** The sink props of one kind, created in the stack with the blocks. */
export function createdSink(scope: Construct, rg: any, kind: SinkKind): Partial<ChangeTrackingExportProps> {
  if (kind === 'queue' || kind === 'topic') {
    const ns = new ServiceBusNamespace(scope, 'sb', { resourceGroup: rg, name: 'sb-contoso-changes' });
    return kind === 'queue'
      ? { serviceBusQueue: new ServiceBusQueue(scope, 'queue', { serviceBusNamespace: ns, name: 'dataverse-changes' }) }
      : { serviceBusTopic: new ServiceBusTopic(scope, 'topic', { serviceBusNamespace: ns, name: 'dataverse-changes' }) };
  }
  if (kind === 'eventHub') {
    const ns = new EventHubNamespace(scope, 'eh', { resourceGroup: rg, name: 'eh-contoso-changes' });
    return { eventHub: new EventHub(scope, 'hub', { eventHubNamespace: ns, name: 'dataverse-changes' }) };
  }
  const account = new StorageAccount(scope, 'lake', { resourceGroup: rg, name: 'stcontosolake' });
  return { storageContainer: { storageAccount: account, containerName: 'dataverse-changes' } };
}

/** An export of account (two columns) and contact (the default columns) to the given sink. */
export function build(sink: SinkKind | ((scope: Construct, rg: any) => Partial<ChangeTrackingExportProps>) = 'queue', extra: Partial<ChangeTrackingExportProps> = {}) {
  const env = newStack();
  const sinkProps = typeof sink === 'function' ? sink(env.stack, env.rg) : createdSink(env.stack, env.rg, sink);
  const exp = new ChangeTrackingExport(env.stack, 'export', {
    dataverse: env.dataverse,
    resourceGroup: env.rg,
    tables: [{ logicalName: 'account', columns: ['name', 'accountnumber', '_parentaccountid_value'] }, { logicalName: 'contact' }],
    securityRoleName: 'Change tracking export',
    functionCode: CODE,
    ...sinkProps,
    ...extra,
  });
  return { ...env, exp };
}

/** The role assignments of a synth, as "role @ scope" lines (principal kept apart). */
export function roles(synth: any): Array<{ role: string; scope: string; principal: string }> {
  return Object.values(synth.resource?.azurerm_role_assignment ?? {}).map((r: any) => ({ role: r.role_definition_name, scope: r.scope, principal: r.principal_id }));
}
