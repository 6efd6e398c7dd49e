import { TerraformVariable } from 'cdktf';
// eslint-disable-next-line import/no-extraneous-dependencies
import { resolve } from 'cdktf/lib/_tokens';
import { describe, expect, it } from 'vitest';
import { HybridConnection, HybridConnectionAccess, HybridConnectionRule, IHybridConnection, RelayNamespace } from '../../src';
import { newStack, onlyResource, resourcesOf, synthJson, validationErrors } from '../helpers';

// Resource id formats from the azurerm 4.55 documentation's import sections
// (azurerm_relay_namespace, azurerm_relay_hybrid_connection); our own subscription and names.
const NS_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hybrid/providers/Microsoft.Relay/namespaces/relay-shared';
const HC_ID = `${NS_ID}/hybridConnections/crm-bridge`;
const PRINCIPAL = '00000000-0000-0000-0000-0000000000aa';

function roles(synth: any): any[] {
  return Object.values(resourcesOf(synth, 'azurerm_role_assignment'));
}

function one(errors: string[], text: string): string {
  const hits = errors.filter((e) => e.includes(text));
  expect(hits, `${text} in ${JSON.stringify(errors)}`).toHaveLength(1);
  expect(hits[0]).toContain('Fix:');
  return hits[0];
}

function created() {
  const ctx = newStack();
  const ns = new RelayNamespace(ctx.stack, 'relay', { resourceGroup: ctx.rg });
  const hc = new HybridConnection(ctx.stack, 'hc', { relayNamespace: ns });
  return { ...ctx, ns, hc };
}

describe('RelayNamespace block: default settings', () => {
  it('Standard tier with a generated, deterministic name; the Terraform address is the block’s', () => {
    const a = created();
    const b = created();
    const synth = synthJson(a.stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_relay_namespace'))).toEqual(['relay']);
    const ns = onlyResource(synth, 'azurerm_relay_namespace');
    expect(ns).toMatchObject({
      sku_name: 'Standard',
      name: a.ns.relayNamespaceName,
      location: '${azurerm_resource_group.rg.location}',
      resource_group_name: '${azurerm_resource_group.rg.name}',
    });
    expect(a.ns.relayNamespaceName).toMatch(/^relay-test-relay-[0-9a-f]{8}$/);
    expect(a.ns.relayNamespaceName).toBe(b.ns.relayNamespaceName);
    expect(a.ns.fullyQualifiedNamespace).toBe(`${a.ns.relayNamespaceName}.servicebus.windows.net`);
    expect(resolve(a.stack, a.ns.resourceGroupName)).toBe('${azurerm_resource_group.rg.name}');
    expect(resolve(a.stack, a.ns.relayNamespaceId)).toBe('${azurerm_relay_namespace.relay.id}');
  });

  it('no namespace-wide authorization rule is created', () => {
    const { stack } = created();
    expect(Object.keys(resourcesOf(synthJson(stack), 'azurerm_relay_namespace_authorization_rule'))).toHaveLength(0);
    expect(Object.keys(resourcesOf(synthJson(stack), 'azurerm_relay_hybrid_connection_authorization_rule'))).toHaveLength(0);
  });

  it('a given name and tags are used as they are', () => {
    const { stack, rg } = newStack();
    const ns = new RelayNamespace(stack, 'relay', { resourceGroup: rg, name: 'contoso-relay', tags: { owner: 'crm' } });
    expect(onlyResource(synthJson(stack), 'azurerm_relay_namespace')).toMatchObject({ name: 'contoso-relay', tags: { owner: 'crm' } });
    expect(ns.relayNamespaceName).toBe('contoso-relay');
  });

  it('reports a name Azure refuses; a JavaScript caller without props gets an error naming the construct', () => {
    const { stack, rg } = newStack();
    new RelayNamespace(stack, 'relay', { resourceGroup: rg, name: 'relay_1' });
    new RelayNamespace(stack, 'mgmt', { resourceGroup: rg, name: 'contoso-mgmt' });
    const errors = validationErrors(stack);
    expect(one(errors, "name: Relay namespace name 'relay_1' is not valid")).toMatch(/^\[test\/relay\]/);
    one(errors, "it must not end with '-sb' or '-mgmt'");
    expect(() => new RelayNamespace(stack, 'bare', undefined as any)).toThrow('test/bare: RelayNamespace needs props');
    expect(() => new RelayNamespace(stack, 'norg', {} as any)).toThrow('test/norg: RelayNamespace needs resourceGroup');
  });
});

describe('HybridConnection block: default settings', () => {
  it('client authorization required, generated name, no user metadata; the namespace is named by reference', () => {
    const { stack, hc, ns } = created();
    const synth = synthJson(stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_relay_hybrid_connection'))).toEqual(['hc']);
    const r = onlyResource(synth, 'azurerm_relay_hybrid_connection');
    expect(r).toMatchObject({
      name: hc.hybridConnectionName,
      requires_client_authorization: true,
      relay_namespace_name: '${azurerm_relay_namespace.relay.name}',
      resource_group_name: '${azurerm_resource_group.rg.name}',
    });
    expect(r.user_metadata).toBeUndefined();
    expect(hc.hybridConnectionName).toMatch(/^hc-test-hc-[0-9a-f]{6}$/);
    expect(hc.relayNamespace).toBe(ns);
  });

  it('no rule and no role until asked for', () => {
    const { stack } = created();
    const synth = synthJson(stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_relay_hybrid_connection_authorization_rule'))).toHaveLength(0);
    expect(roles(synth)).toHaveLength(0);
  });

  it('options: name and user metadata, with the documented limits', () => {
    const { stack, rg } = newStack();
    const ns = new RelayNamespace(stack, 'relay', { resourceGroup: rg });
    new HybridConnection(stack, 'ok', { relayNamespace: ns, name: 'a'.repeat(160), userMetadata: 'x'.repeat(1024) });
    expect(validationErrors(stack)).toEqual([]);
    new HybridConnection(stack, 'long', { relayNamespace: ns, name: 'a'.repeat(161) });
    new HybridConnection(stack, 'meta', { relayNamespace: ns, userMetadata: 'x'.repeat(1025) });
    new HybridConnection(stack, 'chars', { relayNamespace: ns, name: 'crm bridge' });
    const errors = validationErrors(stack);
    expect(one(errors, "name: entity name 'aaaa")).toContain('it is 161 characters long and must be 1 to 160');
    expect(one(errors, 'userMetadata')).toMatch(/^\[test\/meta\]/);
    one(errors, "name: entity name 'crm bridge' is not valid");
    expect(() => new HybridConnection(stack, 'orphan', {} as any)).toThrow('test/orphan: HybridConnection needs relayNamespace');
  });
});

describe('HybridConnection rules', () => {
  it('addSendOnlyRule and addListenOnlyRule: one right each, on the hybrid connection only, placed under the given scope', () => {
    const { stack, hc } = created();
    const send = hc.addSendOnlyRule('dataverse-send', 'dataverse-send', stack);
    const listen = hc.addListenOnlyRule('listener', 'onprem-listen');
    const synth = synthJson(stack);
    const rules = resourcesOf(synth, 'azurerm_relay_hybrid_connection_authorization_rule');
    expect(Object.keys(rules)).toHaveLength(2);
    expect(Object.keys(rules)).toContain('dataverse-send');
    expect(Object.keys(rules).find((k) => k !== 'dataverse-send')).toMatch(/^hc_listener_[0-9A-F]+$/);
    expect(rules['dataverse-send']).toMatchObject({
      name: 'dataverse-send',
      send: true,
      listen: false,
      manage: false,
      namespace_name: hc.relayNamespace.relayNamespaceName,
      resource_group_name: '${azurerm_resource_group.rg.name}',
      hybrid_connection_name: '${azurerm_relay_hybrid_connection.hc.name}',
    });
    const listenRule = Object.values<any>(rules).find((r) => r.name === 'onprem-listen');
    expect(listenRule).toMatchObject({ send: false, listen: true, manage: false });
    expect([send.ruleName, send.access, listen.access]).toEqual(['dataverse-send', HybridConnectionAccess.SEND, HybridConnectionAccess.LISTEN]);
    // The key is a Terraform reference, never a literal.
    expect(synthJson(stack).output).toBeUndefined();
    expect(send.primaryKey).toMatch(/^\$\{TfToken\[/);
  });

  it('reports a rule name Azure refuses, and an access that is not one of the two', () => {
    const { stack, hc } = created();
    hc.addSendOnlyRule('bad', 'send!');
    new HybridConnectionRule(stack, 'js', { hybridConnection: hc, name: 'both', access: 'Manage' as any });
    const errors = validationErrors(stack);
    expect(one(errors, "name: authorization rule name 'send!' is not valid")).toMatch(/^\[test\/hc\/bad\]/);
    one(errors, "access 'Manage' is not a hybrid connection right");
    expect(() => new HybridConnectionRule(stack, 'none', { hybridConnection: hc } as any)).toThrow('test/none: HybridConnectionRule needs name, access');
  });
});

describe('Relay grants', () => {
  it('grantListen / grantSend on the namespace and on the hybrid connection: the role, the scope, a repeated grant returns the first', () => {
    const { stack, ns, hc } = created();
    const listen = hc.grantListen(PRINCIPAL);
    expect(hc.grantListen(PRINCIPAL.toUpperCase())).toBe(listen);
    const send = hc.grantSend(PRINCIPAL, { principalType: 'ServicePrincipal' });
    const nsListen = ns.grantListen(PRINCIPAL);
    ns.grantSend(PRINCIPAL);
    expect(listen.terraformResourceType).toBe('azurerm_role_assignment');
    expect(send).not.toBe(listen);
    expect(nsListen).not.toBe(listen);
    const all = roles(synthJson(stack)).map((r) => [r.role_definition_name, r.scope, r.principal_id]);
    expect(all).toHaveLength(4);
    expect(all).toEqual(
      expect.arrayContaining([
        ['Azure Relay Listener', '${azurerm_relay_hybrid_connection.hc.id}', PRINCIPAL],
        ['Azure Relay Sender', '${azurerm_relay_hybrid_connection.hc.id}', PRINCIPAL],
        ['Azure Relay Listener', '${azurerm_relay_namespace.relay.id}', PRINCIPAL],
        ['Azure Relay Sender', '${azurerm_relay_namespace.relay.id}', PRINCIPAL],
      ]),
    );
    expect(roles(synthJson(stack)).find((r) => r.role_definition_name === 'Azure Relay Sender' && r.principal_type)).toMatchObject({ principal_type: 'ServicePrincipal' });
  });

  it('a grant on an imported hybrid connection is scoped to its literal id; a principal that is not a GUID is reported', () => {
    const { stack } = newStack();
    const ns = RelayNamespace.fromRelayNamespaceAttributes(stack, 'ns', { relayNamespaceId: NS_ID });
    const hc = HybridConnection.fromHybridConnectionAttributes(stack, 'hc', { relayNamespace: ns, hybridConnectionId: HC_ID });
    const listen = hc.grantListen(PRINCIPAL);
    expect(listen.node.scope).toBe(hc);
    expect(roles(synthJson(stack)).map((r) => [r.role_definition_name, r.scope])).toEqual([['Azure Relay Listener', HC_ID]]);
    hc.grantSend('crm-listener');
    one(validationErrors(stack), "principalId 'crm-listener' is not a GUID");
  });
});

describe('Relay importers', () => {
  it('a literal namespace id: name and resource group are read from it; nothing is created', () => {
    const { stack } = newStack();
    const ns = RelayNamespace.fromRelayNamespaceAttributes(stack, 'ns', { relayNamespaceId: NS_ID });
    const hc = HybridConnection.fromHybridConnectionAttributes(stack, 'hc', { relayNamespace: ns, hybridConnectionId: HC_ID });
    expect([ns.relayNamespaceName, ns.resourceGroupName, ns.fullyQualifiedNamespace]).toEqual(['relay-shared', 'rg-hybrid', 'relay-shared.servicebus.windows.net']);
    expect([hc.hybridConnectionName, hc.hybridConnectionId, hc.relayNamespace]).toEqual(['crm-bridge', HC_ID, ns]);
    expect(validationErrors(stack)).toEqual([]);
    expect(Object.keys(synthJson(stack).resource)).toEqual(['azurerm_resource_group']);
  });

  it('rules on an imported hybrid connection name it and its namespace literally', () => {
    const { stack } = newStack();
    const ns = RelayNamespace.fromRelayNamespaceAttributes(stack, 'ns', { relayNamespaceId: NS_ID });
    const hc = HybridConnection.fromHybridConnectionAttributes(stack, 'hc', { relayNamespace: ns, hybridConnectionId: HC_ID });
    hc.addSendOnlyRule('send', 'dataverse-send', stack);
    expect(onlyResource(synthJson(stack), 'azurerm_relay_hybrid_connection_authorization_rule')).toMatchObject({
      namespace_name: 'relay-shared',
      hybrid_connection_name: 'crm-bridge',
      resource_group_name: 'rg-hybrid',
    });
  });

  it('reference ids: the names are required (a clear error naming the prop), the resource group is split at apply time', () => {
    const { stack } = newStack();
    const nsId = new TerraformVariable(stack, 'ns-id', { type: 'string' });
    const hcId = new TerraformVariable(stack, 'hc-id', { type: 'string' });
    const ns = RelayNamespace.fromRelayNamespaceAttributes(stack, 'ns', { relayNamespaceId: nsId.stringValue });
    HybridConnection.fromHybridConnectionAttributes(stack, 'hc', { relayNamespace: ns, hybridConnectionId: hcId.stringValue });
    const errors = validationErrors(stack);
    expect(
      one(errors, 'relayNamespaceId is a Terraform reference, so RelayNamespace.fromRelayNamespaceAttributes cannot read the name from it at synth. Fix: pass relayNamespaceName'),
    ).toMatch(/^\[test\/ns\]/);
    one(
      errors,
      'hybridConnectionId is a Terraform reference, so HybridConnection.fromHybridConnectionAttributes cannot read the name from it at synth. Fix: pass hybridConnectionName',
    );

    const ok = newStack();
    const id = new TerraformVariable(ok.stack, 'ns-id', { type: 'string' });
    const named = RelayNamespace.fromRelayNamespaceAttributes(ok.stack, 'ns', { relayNamespaceId: id.stringValue, relayNamespaceName: 'relay-shared' });
    const hc = HybridConnection.fromHybridConnectionAttributes(ok.stack, 'hc', { relayNamespace: named, hybridConnectionId: id.stringValue, hybridConnectionName: 'crm-bridge' });
    hc.addSendOnlyRule('send', 'dataverse-send', ok.stack);
    expect(validationErrors(ok.stack)).toEqual([]);
    expect(onlyResource(synthJson(ok.stack), 'azurerm_relay_hybrid_connection_authorization_rule').resource_group_name).toBe('${element(split("/", var.ns-id), 4)}');
  });

  it('wrong id types, a name the id contradicts, a hybrid connection outside its namespace', () => {
    const { stack } = newStack();
    const other = NS_ID.replace('relay-shared', 'relay-other');
    RelayNamespace.fromRelayNamespaceAttributes(stack, 'eh', { relayNamespaceId: NS_ID.replace('Microsoft.Relay', 'Microsoft.EventHub') });
    RelayNamespace.fromRelayNamespaceAttributes(stack, 'nested', { relayNamespaceId: HC_ID });
    RelayNamespace.fromRelayNamespaceAttributes(stack, 'renamed', { relayNamespaceId: NS_ID, relayNamespaceName: 'relay-else' });
    const ns = RelayNamespace.fromRelayNamespaceAttributes(stack, 'ns', { relayNamespaceId: NS_ID });
    HybridConnection.fromHybridConnectionAttributes(stack, 'flat', { relayNamespace: ns, hybridConnectionId: NS_ID });
    HybridConnection.fromHybridConnectionAttributes(stack, 'elsewhere', { relayNamespace: ns, hybridConnectionId: `${other}/hybridConnections/crm-bridge` });
    const errors = validationErrors(stack);
    const notNamespace = errors.filter((e) => e.includes('is not the resource id of a Microsoft.Relay/namespaces. Fix:'));
    expect(notNamespace.map((e) => e.slice(0, e.indexOf(']') + 1))).toEqual(['[test/eh]', '[test/nested]']);
    one(errors, "relayNamespaceName 'relay-else' is not the name in relayNamespaceId ('relay-shared')");
    expect(one(errors, 'is not the resource id of a Microsoft.Relay/namespaces/hybridConnections')).toMatch(/^\[test\/flat\]/);
    expect(
      one(
        errors,
        "hybridConnectionId names a resource inside 'relay-other' in resource group 'rg-hybrid', which is not relayNamespace ('relay-shared' in resource group 'rg-hybrid')",
      ),
    ).toMatch(/^\[test\/elsewhere\]/);
  });

  it('JavaScript callers: a missing id or namespace names the importer and the prop', () => {
    const { stack } = newStack();
    expect(() => RelayNamespace.fromRelayNamespaceAttributes(stack, 'a', {} as any)).toThrow('test/a: RelayNamespace.fromRelayNamespaceAttributes needs relayNamespaceId');
    expect(() => HybridConnection.fromHybridConnectionAttributes(stack, 'b', { hybridConnectionId: HC_ID } as any)).toThrow(
      'test/b: HybridConnection.fromHybridConnectionAttributes needs relayNamespace',
    );
  });

  it('an imported hybrid connection satisfies IHybridConnection the same way a created one does', () => {
    const { stack } = newStack();
    const ns = RelayNamespace.fromRelayNamespaceAttributes(stack, 'ns', { relayNamespaceId: NS_ID });
    const hc: IHybridConnection = HybridConnection.fromHybridConnectionAttributes(stack, 'hc', {
      relayNamespace: ns,
      hybridConnectionId: HC_ID,
      hybridConnectionName: 'crm-bridge',
    });
    expect(typeof hc.addListenOnlyRule).toBe('function');
    expect(validationErrors(stack)).toEqual([]);
  });
});
