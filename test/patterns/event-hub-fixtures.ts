// Shared by the Event Hubs block and EventHubFanout tests. Resource ids follow the formats of the
// "Import" sections of the azurerm 4.55 documentation (website/docs/r/eventhub_namespace,
// eventhub, eventhub_consumer_group, storage_account .html.markdown), with our own names.
import { IConstruct } from 'constructs';
import { EventHubFanout, EventHubFanoutProps } from '../../src';
import { newStack, validationErrors } from '../helpers';

export const SUBSCRIPTION = '/subscriptions/00000000-0000-0000-0000-000000000000';
export const NAMESPACE_ID = `${SUBSCRIPTION}/resourceGroups/rg-shared/providers/Microsoft.EventHub/namespaces/evhns-shared`;
export const HUB_ID = `${NAMESPACE_ID}/eventhubs/dataverse-changes`;
export const OTHER_NAMESPACE_ID = `${SUBSCRIPTION}/resourceGroups/rg-other/providers/Microsoft.EventHub/namespaces/evhns-other`;
export const STORAGE_ID = `${SUBSCRIPTION}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stlake`;
export const RG_REF = '${azurerm_resource_group.rg.name}';
export const PRINCIPAL = '00000000-0000-0000-0000-000000000002';
export const OTHER_PRINCIPAL = '00000000-0000-0000-0000-000000000003';

/** What capture writes by default (the EventHub block's documented defaults), as synthesized. */
export const DEFAULT_CAPTURE = {
  enabled: true,
  encoding: 'Avro',
  interval_in_seconds: 300,
  size_limit_in_bytes: 314572800,
  skip_empty_archives: true,
  destination: {
    name: 'EventHubArchive.AzureBlockBlob',
    archive_name_format: '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}',
  },
};

export const steps = [
  { table: 'account', message: 'Create' },
  { table: 'account', message: 'Update', filteringAttributes: ['name', 'telephone1'] },
];

export type Ctx = ReturnType<typeof newStack>;
/** Extra props, or a function of the stack that builds them (for imported blocks). */
export type Extra = Partial<EventHubFanoutProps> | ((ctx: Ctx) => Partial<EventHubFanoutProps>);

/** A stack with an EventHubFanout 'changes'. */
export function fanout(extra: Extra = {}) {
  const ctx = newStack();
  const more = typeof extra === 'function' ? extra(ctx) : extra;
  const construct = new EventHubFanout(ctx.stack, 'changes', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps, ...more });
  return { ...ctx, fanout: construct };
}

/** Errors of a stack built with these props (and optional extra calls). */
export function errorsOf(extra: Extra, more: (f: EventHubFanout) => void = () => undefined): string[] {
  const { stack, fanout: f } = fanout(extra);
  more(f);
  return validationErrors(stack);
}

export function messages(construct: IConstruct, type: '@cdktf/warn' | '@cdktf/info'): string[] {
  return construct.node.metadata.filter((m) => m.type === type).map((m) => String(m.data));
}

export function endpointRecord(manifest: any): any {
  return manifest.records.find((r: any) => r.table === 'serviceendpoint');
}
