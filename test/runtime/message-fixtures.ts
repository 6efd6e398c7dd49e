import * as fs from 'fs';
import * as path from 'path';
import { DataverseMessageProperties } from '../../src';

/** The text of a message fixture (see message-fixtures/README.md for the sources). */
export function messageFixture(name: string): string {
  return fs.readFileSync(path.join(__dirname, 'message-fixtures', name), 'utf8');
}

/**
 * Dataverse's application properties of a Service Bus message (names: Microsoft.Xrm.Sdk.ClaimTypes,
 * listed in "Write a listener application for an Azure solution" > Filter messages).
 */
export function dataverseProperties(table = 'account', request = 'Update', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    [DataverseMessageProperties.ORGANIZATION]: 'northwind.crm4.dynamics.com',
    [DataverseMessageProperties.USER]: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d01',
    [DataverseMessageProperties.INITIATING_USER]: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d01',
    [DataverseMessageProperties.ENTITY_LOGICAL_NAME]: table,
    [DataverseMessageProperties.REQUEST_NAME]: request,
    ...extra,
  };
}

/**
 * What the @azure/functions v4 Node library makes of properties: it turns every key's first
 * letter to lower case, nested keys included (toCamelCaseValue in fromRpcTriggerMetadata), so
 * `MessageMaxSizeExceeded` arrives as `messageMaxSizeExceeded`.
 */
export function camelCasedKeys(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]));
}
