import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  HybridConnection,
  ManifestFormat,
  MessageFormat,
  RelayIntegration,
  RelayIntegrationProps,
  RelayNamespace,
  RegistrationMode,
  ServiceEndpointContract,
  StepMode,
  StepStage,
  WcfRelayReference,
} from '../../src';
import { fullSynth, newStack, onlyResource, readAllFiles, resourcesOf, secretLeaks, synthJson, tempDir, validationErrors, warningsOf } from '../helpers';

const steps = [{ table: 'contact', message: 'Update', filteringAttributes: ['emailaddress1'] }];
const EXISTING_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hybrid/providers/Microsoft.Relay/namespaces/relay-shared';
const RG_REF = '${azurerm_resource_group.rg.name}';

/** Extra props, or a function that builds them in the stack (for imported blocks). */
type Extra = Partial<RelayIntegrationProps> | ((stack: TerraformStack) => Partial<RelayIntegrationProps>);

function relay(extra: Extra = {}) {
  const ctx = newStack();
  const more = typeof extra === 'function' ? extra(ctx.stack) : extra;
  const construct = new RelayIntegration(ctx.stack, 'onprem', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps, ...more });
  return { ...ctx, relay: construct };
}

/** The namespace of EXISTING_ID, imported. */
const sharedNamespace = (stack: TerraformStack, relayNamespaceId = EXISTING_ID) => RelayNamespace.fromRelayNamespaceAttributes(stack, 'relay-shared', { relayNamespaceId });

/** A WCF relay reference whose key is a Terraform variable (created in the given stack). */
function wcfRelay(stack: TerraformStack, contract: ServiceEndpointContract, extra: Partial<WcfRelayReference> = {}): WcfRelayReference {
  const key = new TerraformVariable(stack, 'wcf-key', { type: 'string', sensitive: true });
  return {
    contract,
    namespaceAddress: 'https://contoso-wcf.servicebus.windows.net/',
    path: 'dataverse/twoway',
    sasKeyName: 'dataverse-send',
    sasKey: key.stringValue,
    ...extra,
  };
}

function withWcf(contract: ServiceEndpointContract, extra: Partial<WcfRelayReference> = {}, props: Extra = {}) {
  const ctx = newStack();
  const construct = new RelayIntegration(ctx.stack, 'onprem', {
    dataverse: ctx.dataverse,
    resourceGroup: ctx.rg,
    steps,
    existingWcfRelay: wcfRelay(ctx.stack, contract, extra),
    ...(typeof props === 'function' ? props(ctx.stack) : props),
  });
  return { ...ctx, relay: construct };
}

function messages(construct: IConstruct, type: '@cdktf/warn' | '@cdktf/info'): string[] {
  return construct.node.metadata.filter((m) => m.type === type).map((m) => String(m.data));
}

function endpointRecord(manifest: any): any {
  return manifest.records.find((r: any) => r.table === 'serviceendpoint');
}

function rules(synth: any): Record<string, any> {
  const all = Object.values<any>(resourcesOf(synth, 'azurerm_relay_hybrid_connection_authorization_rule'));
  return Object.fromEntries(all.map((r) => [r.name, r]));
}

describe('RelayIntegration: default settings', () => {
  it('creates a Standard Relay namespace with a generated, deterministic name', () => {
    const { stack, relay: r } = relay();
    const ns = onlyResource(synthJson(stack), 'azurerm_relay_namespace');
    expect(ns).toMatchObject({ sku_name: 'Standard', name: r.namespaceName, resource_group_name: RG_REF });
    expect(r.namespaceName).toMatch(/^relay-test-onprem-[0-9a-f]{8}$/);
    expect(r.contract).toBe(ServiceEndpointContract.REST);
  });

  it('creates a hybrid connection that requires client authorization', () => {
    const { stack, relay: r } = relay();
    const hc = onlyResource(synthJson(stack), 'azurerm_relay_hybrid_connection');
    expect(hc).toMatchObject({ requires_client_authorization: true, name: r.hybridConnection!.hybridConnectionName, resource_group_name: RG_REF });
    expect(hc.relay_namespace_name).toMatch(/^\$\{azurerm_relay_namespace\.onprem_namespace_[0-9A-F]+\.name\}$/);
    expect(hc.user_metadata).toBeUndefined();
    expect(r.hybridConnection).toBeInstanceOf(HybridConnection);
    expect(r.relayNamespace).toBeInstanceOf(RelayNamespace);
    expect(r.hybridConnection!.hybridConnectionName).toMatch(/^dataverse-test-onprem-[0-9a-f]{6}$/);
    expect(r.relayPath).toBe(r.hybridConnection!.hybridConnectionName);
  });

  it('gives Dataverse a Send-only rule on the hybrid connection', () => {
    const { stack, relay: r } = relay();
    const synth = synthJson(stack);
    expect(rules(synth)['dataverse-send']).toMatchObject({ send: true, listen: false, manage: false, namespace_name: r.namespaceName, resource_group_name: RG_REF });
    expect(rules(synth)['dataverse-send'].hybrid_connection_name).toMatch(/azurerm_relay_hybrid_connection\.onprem_hybrid-connection_[0-9A-F]+\.name/);
    expect(Object.keys(resourcesOf(synth, 'azurerm_relay_namespace_authorization_rule'))).toHaveLength(0);
  });

  it('gives the listener a Listen-only rule whose key is in a sensitive output, with its connection details as properties', () => {
    const { stack, relay: r } = relay();
    const synth = synthJson(stack);
    expect(rules(synth)['onprem-listen']).toMatchObject({ send: false, listen: true, manage: false });
    expect(r.listenerRuleName).toBe('onprem-listen');
    expect(r.listenerKeyOutputName).toMatch(/^onprem_listener-key_[0-9A-F]+$/);
    const output = synth.output[r.listenerKeyOutputName!];
    expect(output).toMatchObject({ sensitive: true });
    expect(output.value).toMatch(/^\$\{azurerm_relay_hybrid_connection_authorization_rule\.onprem_listener_[0-9A-F]+\.primary_key\}$/);
    expect(messages(r, '@cdktf/info').some((m) => m.includes(`sensitive output ${r.listenerKeyOutputName}`) && m.includes(r.relayPath))).toBe(true);
    expect(r.listenerRule!.ruleName).toBe('onprem-listen');
    expect(r.authorizationRule!.ruleName).toBe('dataverse-send');
  });

  it('registers a REST service endpoint (contract 3, SAS key, JSON; path = hybrid connection, added to the end of the https namespace address)', () => {
    const { stack, dataverse, relay: r } = relay();
    const synth = synthJson(stack);
    const endpoint = endpointRecord(dataverse.toManifest());
    expect(endpoint.columns).toMatchObject({
      contract: 3,
      authtype: 2,
      messageformat: 2,
      userclaim: 1,
      namespaceaddress: `https://${r.namespaceName}.servicebus.windows.net/${r.relayPath}`,
      namespaceformat: 2,
      solutionnamespace: r.namespaceName,
      path: r.relayPath,
      saskeyname: 'dataverse-send',
    });
    expect(r.relayPath).toMatch(/^dataverse-test-onprem-[0-9a-f]{6}$/);
    expect(endpoint.fromOutputs).toEqual([{ column: 'saskey', output: r.secretOutputName, sensitive: true }]);
    expect(synth.output[r.secretOutputName].value).toMatch(/onprem_dataverse-send_[0-9A-F]+\.primary_key/);
  });

  it('registers asynchronous post-operation steps by default, without a warning', () => {
    const { dataverse, relay: r } = relay();
    const step = dataverse.toManifest().records.find((x: any) => x.table === 'sdkmessageprocessingstep')!;
    expect(step.columns).toMatchObject({ stage: 40, mode: 1, rank: 1, asyncautodelete: true, filteringattributes: 'emailaddress1' });
    expect(step.lookups.map((l: any) => l.key)).toEqual([{ message: 'Update' }, { table: 'contact', message: 'Update' }]);
    expect(messages(r, '@cdktf/warn')).toEqual([]);
  });

  it('allows a synchronous step on the REST contract and says at synth what it implies and what is supported', () => {
    const { stack, dataverse, relay: r } = relay({ steps: [{ table: 'contact', message: 'Update', mode: StepMode.SYNCHRONOUS, stage: StepStage.PRE_OPERATION }] });
    expect(validationErrors(stack)).toEqual([]);
    const step = dataverse.toManifest().records.find((x: any) => x.table === 'sdkmessageprocessingstep')!;
    expect(step.columns).toMatchObject({ mode: 0, stage: 20, asyncautodelete: false });
    const warnings = warningsOf(r);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Step Update of contact is synchronous: the user's operation waits for the listener's reply");
    expect(warnings[0]).toContain("Dataverse's 2-minute limit");
  });
});

describe('RelayIntegration: the REST registration in Power Platform provider mode', () => {
  it('the serviceendpoint request body carries the same path and namespace address as the manifest', () => {
    const ctx = newStack({ registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER, environmentId: '11111111-2222-3333-4444-555555555555' });
    const r = new RelayIntegration(ctx.stack, 'onprem', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps });
    const rest = Object.values<any>(resourcesOf(synthJson(ctx.stack), 'powerplatform_rest')).find((x) => x.create.url.includes('/serviceendpoints('));
    const address = `https://${r.namespaceName}.servicebus.windows.net/${r.relayPath}`;
    for (const body of [rest.create.body, rest.update.body]) {
      // The key is interpolated from Terraform; the rest of the body is literal JSON.
      const literal = JSON.parse(body.replace(/\$\{jsonencode\(sensitive\([^)]*\)\)\}/, '"KEY"'));
      expect(literal).toMatchObject({ contract: 3, messageformat: 2, namespaceaddress: address, path: r.relayPath, solutionnamespace: r.namespaceName, saskey: 'KEY' });
    }
    expect(endpointRecord(ctx.dataverse.toManifest()).columns.namespaceaddress).toBe(address);
  });
});

describe('RelayIntegration: existing namespace', () => {
  it('creates no namespace; the hybrid connection and rules go into the given one', () => {
    const { stack, dataverse, relay: r } = relay((s) => ({ existingNamespace: sharedNamespace(s) }));
    const synth = synthJson(stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_relay_namespace'))).toHaveLength(0);
    expect(onlyResource(synth, 'azurerm_relay_hybrid_connection')).toMatchObject({ relay_namespace_name: 'relay-shared', resource_group_name: 'rg-hybrid' });
    expect(rules(synth)['dataverse-send']).toMatchObject({ namespace_name: 'relay-shared', resource_group_name: 'rg-hybrid' });
    expect(r.relayNamespace).toBe(stack.node.findChild('relay-shared'));
    expect(r.relayNamespace!.relayNamespaceId).toBe(EXISTING_ID);
    expect(r.namespaceName).toBe('relay-shared');
    expect(endpointRecord(dataverse.toManifest()).columns.namespaceaddress).toBe(`https://relay-shared.servicebus.windows.net/${r.relayPath}`);
  });

  it('a Terraform reference fits with the name given: the resource group is split out of the id at apply time', () => {
    const { stack, rg, dataverse } = newStack();
    const id = new TerraformVariable(stack, 'relay-id', { type: 'string' });
    const existingNamespace = RelayNamespace.fromRelayNamespaceAttributes(stack, 'ns', { relayNamespaceId: id.stringValue, relayNamespaceName: 'relay-shared' });
    new RelayIntegration(stack, 'onprem', { dataverse, resourceGroup: rg, steps, existingNamespace });
    expect(validationErrors(stack)).toEqual([]);
    expect(onlyResource(synthJson(stack), 'azurerm_relay_hybrid_connection').resource_group_name).toBe('${element(split("/", var.relay-id), 4)}');
  });

  it("0.0.x's { id, name } reference struct is refused, naming the prop and the importer", () => {
    expect(() => relay({ existingNamespace: { id: EXISTING_ID, name: 'relay-shared' } as any })).toThrow(
      "test/onprem: RelayIntegration's existingNamespace has no relayNamespaceId, so it is not a Relay block (0.0.x took { id, name }). Fix: pass RelayNamespace.fromRelayNamespaceAttributes(",
    );
    expect(() => relay({ existingHybridConnection: { name: 'crm-bridge' } as any })).toThrow(
      "RelayIntegration's existingHybridConnection has no hybridConnectionId, so it is not a Relay block. Fix: pass HybridConnection.fromHybridConnectionAttributes(",
    );
  });
});

describe('RelayIntegration: existing hybrid connection', () => {
  const HC_ID = `${EXISTING_ID}/hybridConnections/crm-bridge`;
  const sharedHc = (s: TerraformStack) => HybridConnection.fromHybridConnectionAttributes(s, 'crm-bridge', { relayNamespace: sharedNamespace(s), hybridConnectionId: HC_ID });

  it('creates only the two rules on it, named literally; the endpoint posts to it', () => {
    const { stack, dataverse, relay: r } = relay((s) => ({ existingHybridConnection: sharedHc(s) }));
    expect(validationErrors(stack)).toEqual([]);
    const synth = synthJson(stack);
    expect(Object.keys(synth.resource).sort()).toEqual(['azurerm_relay_hybrid_connection_authorization_rule', 'azurerm_resource_group']);
    expect(rules(synth)['dataverse-send']).toMatchObject({
      hybrid_connection_name: 'crm-bridge',
      namespace_name: 'relay-shared',
      resource_group_name: 'rg-hybrid',
      send: true,
      listen: false,
    });
    expect(rules(synth)['onprem-listen']).toMatchObject({ hybrid_connection_name: 'crm-bridge', send: false, listen: true });
    expect(r.hybridConnection).toBe(stack.node.findChild('crm-bridge'));
    expect(r.relayNamespace!.relayNamespaceName).toBe('relay-shared');
    expect(endpointRecord(dataverse.toManifest()).columns).toMatchObject({
      namespaceaddress: 'https://relay-shared.servicebus.windows.net/crm-bridge',
      path: 'crm-bridge',
      solutionnamespace: 'relay-shared',
    });
  });

  it('not with the options or the namespace of a new one: one aggregated error', () => {
    const { stack } = relay((s) => ({
      existingHybridConnection: sharedHc(s),
      hybridConnection: { name: 'x' },
      namespaceOptions: {},
      existingNamespace: RelayNamespace.fromRelayNamespaceAttributes(s, 'relay-b', { relayNamespaceId: EXISTING_ID.replace('relay-shared', 'relay-b') }),
    }));
    const errors = validationErrors(stack).filter((e) => e.includes('conflicting props'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('existingHybridConnection with namespaceOptions; existingHybridConnection with existingNamespace; existingHybridConnection with hybridConnection');
  });
});

describe('RelayIntegration: grantListen', () => {
  const PRINCIPAL = '00000000-0000-0000-0000-0000000000bb';

  it('adds "Azure Relay Listener" scoped to the hybrid connection; a repeated grant returns the first', () => {
    const { stack, relay: r } = relay();
    const first = r.grantListen(PRINCIPAL);
    expect(r.grantListen(PRINCIPAL)).toBe(first);
    const all = Object.values<any>(resourcesOf(synthJson(stack), 'azurerm_role_assignment'));
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ role_definition_name: 'Azure Relay Listener', principal_id: PRINCIPAL });
    expect(all[0].scope).toMatch(/^\$\{azurerm_relay_hybrid_connection\.onprem_hybrid-connection_[0-9A-F]+\.id\}$/);
  });

  it('on an imported hybrid connection: scoped to its literal id', () => {
    const HC_ID = `${EXISTING_ID}/hybridConnections/crm-bridge`;
    const { stack, relay: r } = relay((s) => ({
      existingHybridConnection: HybridConnection.fromHybridConnectionAttributes(s, 'hc', { relayNamespace: sharedNamespace(s), hybridConnectionId: HC_ID }),
    }));
    r.grantListen(PRINCIPAL, { principalType: 'ServicePrincipal' });
    expect(onlyResource(synthJson(stack), 'azurerm_role_assignment')).toMatchObject({ scope: HC_ID, principal_type: 'ServicePrincipal' });
  });

  it('with a WCF relay there is no hybrid connection to scope it to: a clear error', () => {
    const { relay: r } = withWcf(ServiceEndpointContract.TWO_WAY);
    expect(() => r.grantListen(PRINCIPAL)).toThrow('test/onprem: grantListen needs a hybrid connection, and this integration points at an existing WCF relay (existingWcfRelay)');
  });
});

describe('RelayIntegration: existing WCF relay', () => {
  it('TWO_WAY: creates no Azure resource and points the endpoint at the relay; synchronous steps allowed with a warning', () => {
    const {
      stack,
      dataverse,
      relay: r,
    } = withWcf(
      ServiceEndpointContract.TWO_WAY,
      {},
      {
        steps: [{ table: 'contact', message: 'Update', mode: StepMode.SYNCHRONOUS, stage: StepStage.PRE_VALIDATION }],
      },
    );
    expect(validationErrors(stack)).toEqual([]);
    const synth = synthJson(stack);
    expect(Object.keys(synth.resource).sort()).toEqual(['azurerm_resource_group']);
    const endpoint = endpointRecord(dataverse.toManifest());
    expect(endpoint.columns).toMatchObject({
      contract: 4,
      authtype: 2,
      namespaceaddress: 'https://contoso-wcf.servicebus.windows.net/',
      solutionnamespace: 'contoso-wcf',
      path: 'dataverse/twoway',
      saskeyname: 'dataverse-send',
    });
    expect(synth.output[r.secretOutputName]).toMatchObject({ sensitive: true, value: '${var.wcf-key}' });
    expect(r.contract).toBe(ServiceEndpointContract.TWO_WAY);
    expect(r.hybridConnection).toBeUndefined();
    expect(r.listenerKeyOutputName).toBeUndefined();
    expect(r.namespaceName).toBe('contoso-wcf');
    expect(warningsOf(r)).toEqual([expect.stringContaining("Step Update of contact is synchronous: the user's operation waits for the listener's reply")]);
  });

  it('ONE_WAY: asynchronous steps register; a synchronous one is an error that names the synchronous contracts', () => {
    const ok = withWcf(ServiceEndpointContract.ONE_WAY);
    expect(validationErrors(ok.stack)).toEqual([]);
    expect(endpointRecord(ok.dataverse.toManifest()).columns.contract).toBe(1);
    const bad = withWcf(ServiceEndpointContract.ONE_WAY, {}, { steps: [{ table: 'contact', message: 'Update', mode: StepMode.SYNCHRONOUS, stage: StepStage.PRE_OPERATION }] });
    const errors = validationErrors(bad.stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('mode SYNCHRONOUS is not possible here: a Relay one-way endpoint accepts asynchronous steps only');
    expect(errors[0]).toContain('for a synchronous call use the REST contract (a hybrid connection) or a TWO_WAY relay');
  });

  it('takes the namespace name from namespaceName when the address is a reference', () => {
    const ctx = newStack();
    const address = new TerraformVariable(ctx.stack, 'address', { type: 'string' });
    const r = new RelayIntegration(ctx.stack, 'onprem', {
      dataverse: ctx.dataverse,
      resourceGroup: ctx.rg,
      steps,
      existingWcfRelay: { ...wcfRelay(ctx.stack, ServiceEndpointContract.TWO_WAY), namespaceAddress: address.stringValue, namespaceName: 'contoso-wcf' },
    });
    expect(validationErrors(ctx.stack)).toEqual([]);
    expect(r.namespaceName).toBe('contoso-wcf');
    const endpoint = endpointRecord(ctx.dataverse.toManifest());
    expect(endpoint.fromOutputs.map((o: any) => [o.column, o.sensitive])).toEqual([
      ['namespaceaddress', false],
      ['saskey', true],
    ]);
  });
});

describe('RelayIntegration: validation', () => {
  // [title, props, the expected message, the construct that reports it]
  const cases: Array<[string, Extra, string, string]> = [
    [
      'existing namespace and options',
      (s) => ({ existingNamespace: sharedNamespace(s), namespaceOptions: {} }),
      'conflicting props: existingNamespace with namespaceOptions',
      'test/onprem',
    ],
    [
      'existing id of another type',
      (s) => ({ existingNamespace: sharedNamespace(s, EXISTING_ID.replace('Microsoft.Relay', 'Microsoft.EventHub')) }),
      'is not the resource id of a Microsoft.Relay/namespaces',
      'test/relay-shared',
    ],
    ['namespace name', { namespaceOptions: { name: 'relay_1' } }, "name: Relay namespace name 'relay_1' is not valid", 'test/onprem/namespace'],
    ['hybrid connection name', { hybridConnection: { name: 'a'.repeat(161) } }, 'name: entity name', 'test/onprem/hybrid-connection'],
    ['user metadata', { hybridConnection: { userMetadata: 'x'.repeat(1025) } }, 'userMetadata', 'test/onprem/hybrid-connection'],
    ['dataverse rule name', { authorizationRuleName: 'send!' }, "name: authorization rule name 'send!' is not valid", 'test/onprem/dataverse-send'],
    ['listener rule name', { listenerRuleName: '' }, "name: authorization rule name '' is not valid", 'test/onprem/listener'],
    ['same rule names', { authorizationRuleName: 'relay', listenerRuleName: 'Relay' }, "authorizationRuleName and listenerRuleName are both 'relay'", 'test/onprem'],
    ['no steps', { steps: [] }, 'steps is empty', 'test/onprem'],
  ];
  for (const [title, props, expected, path] of cases) {
    it(`reports: ${title}`, () => {
      const { stack } = relay(props);
      const errors = validationErrors(stack);
      expect(errors.filter((e) => e.includes(expected))).toEqual([expect.stringMatching(new RegExp(`^\\[${path}\\] `))]);
      for (const e of errors) expect(e).toContain('Fix:');
    });
  }

  it('JavaScript callers: missing props name the construct and the props', () => {
    const { stack, rg } = newStack();
    expect(() => new RelayIntegration(stack, 'js', { resourceGroup: rg, steps } as any)).toThrow('test/js: RelayIntegration needs dataverse');
    const ctx = newStack();
    expect(() => new RelayIntegration(ctx.stack, 'js', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps: [null] } as any)).toThrow(
      'test/js: RelayIntegration needs steps as a list',
    );
  });

  const wcfCases: Array<[string, ServiceEndpointContract, Partial<WcfRelayReference>, Extra, string]> = [
    ['REST as a WCF contract', ServiceEndpointContract.REST, {}, {}, 'existingWcfRelay.contract REST (3) is not a WCF relay contract: only ONE_WAY (1) and TWO_WAY (4) are'],
    ['queue as a WCF contract', ServiceEndpointContract.QUEUE, {}, {}, 'existingWcfRelay.contract QUEUE (2) is not a WCF relay contract'],
    ['address with a path', ServiceEndpointContract.TWO_WAY, { namespaceAddress: 'https://contoso-wcf.servicebus.windows.net/dataverse' }, {}, 'is not a namespace address'],
    ['address over http', ServiceEndpointContract.TWO_WAY, { namespaceAddress: 'http://contoso-wcf.servicebus.windows.net/' }, {}, 'is not a namespace address'],
    ['empty path', ServiceEndpointContract.TWO_WAY, { path: '' }, {}, 'existingWcfRelay.path'],
    ['key name', ServiceEndpointContract.TWO_WAY, { sasKeyName: 'a b' }, {}, "existingWcfRelay.sasKeyName: authorization rule name 'a b' is not valid"],
    ['literal key', ServiceEndpointContract.TWO_WAY, { sasKey: 'c2VjcmV0' }, {}, 'serviceendpoint.saskey is a secret but was given as a literal'],
    [
      'WCF relay with created-resource options',
      ServiceEndpointContract.TWO_WAY,
      {},
      (s) => ({ namespaceOptions: {}, existingNamespace: sharedNamespace(s), hybridConnection: {}, authorizationRuleName: 'a', listenerRuleName: 'b' }),
      'existingWcfRelay with namespaceOptions; existingWcfRelay with existingNamespace; existingWcfRelay with hybridConnection; existingWcfRelay with authorizationRuleName; existingWcfRelay with listenerRuleName',
    ],
  ];
  for (const [title, contract, extra, props, expected] of wcfCases) {
    it(`reports: ${title}`, () => {
      const { stack } = withWcf(contract, extra, props);
      const errors = validationErrors(stack);
      expect(errors.filter((e) => e.includes(expected))).toHaveLength(1);
      for (const e of errors) expect(e).toContain('Fix:');
    });
  }

  it('reports a referenced address without namespaceName', () => {
    const ctx = newStack();
    const address = new TerraformVariable(ctx.stack, 'address', { type: 'string' });
    new RelayIntegration(ctx.stack, 'onprem', {
      dataverse: ctx.dataverse,
      resourceGroup: ctx.rg,
      steps,
      existingWcfRelay: { ...wcfRelay(ctx.stack, ServiceEndpointContract.TWO_WAY), namespaceAddress: address.stringValue },
    });
    expect(validationErrors(ctx.stack).filter((e) => e.includes('the namespace name cannot be read from it. Fix: set existingWcfRelay.namespaceName'))).toHaveLength(1);
  });

  it('accepts the defaults, an sb:// address and the documented boundaries', () => {
    expect(validationErrors(relay().stack)).toEqual([]);
    expect(validationErrors(relay({ hybridConnection: { name: 'a'.repeat(160), userMetadata: 'x'.repeat(1024) } }).stack)).toEqual([]);
    expect(validationErrors(withWcf(ServiceEndpointContract.TWO_WAY, { namespaceAddress: 'sb://contoso-wcf.servicebus.windows.net/' }).stack)).toEqual([]);
  });
});

describe('RelayIntegration: output', () => {
  function build(withSibling = false) {
    const ctx = newStack();
    const stack = ctx.stack;
    if (withSibling) new RelayIntegration(stack, 'aaa-sibling', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps });
    const r = new RelayIntegration(stack, 'onprem', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps });
    return { stack, dataverse: ctx.dataverse, relay: r };
  }

  it('is deterministic: two synths are byte-identical, and ids do not move when a sibling is added', () => {
    const a = build();
    const b = build();
    expect(Testing.synth(a.stack, true)).toBe(Testing.synth(b.stack, true));
    expect(JSON.stringify(a.dataverse.toManifest())).toBe(JSON.stringify(b.dataverse.toManifest()));
    const c = build(true);
    expect(c.relay.endpoint.recordId).toBe(a.relay.endpoint.recordId);
    expect(c.relay.steps.map((s) => s.recordId)).toEqual(a.relay.steps.map((s) => s.recordId));
    expect([c.relay.namespaceName, c.relay.relayPath]).toEqual([a.relay.namespaceName, a.relay.relayPath]);
    expect([c.relay.secretOutputName, c.relay.listenerKeyOutputName]).toEqual([a.relay.secretOutputName, a.relay.listenerKeyOutputName]);
  });

  it('two instances in one stack get distinct output names', () => {
    const c = build(true);
    const sibling = c.stack.node.findChild('aaa-sibling') as RelayIntegration;
    expect(sibling.listenerKeyOutputName).not.toBe(c.relay.listenerKeyOutputName);
    expect(Object.keys(synthJson(c.stack).output)).toHaveLength(4);
  });

  it('writes no secret into any synthesized file', () => {
    const ctx = newStack({}, 'relay', tempDir());
    const { app, stack } = ctx;
    const r = new RelayIntegration(stack, 'onprem', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps });
    const files = readAllFiles(fullSynth(app, 'relay'));
    expect(Object.keys(files).sort()).toEqual(['cdk.tf.json', ManifestFormat.FILE_NAME, 'policy-report.json']);
    const tf = JSON.parse(files['cdk.tf.json']);
    const secretRefs = /primary_key|secondary_key|connection_string/;
    for (const [type, resources] of Object.entries<any>(tf.resource)) {
      expect(JSON.stringify(resources), type).not.toMatch(secretRefs);
    }
    const keyOutputs = Object.entries<any>(tf.output).filter(([, o]) => secretRefs.test(JSON.stringify(o.value)));
    expect(keyOutputs.map(([name]) => name).sort()).toEqual([r.listenerKeyOutputName, r.secretOutputName].sort());
    expect(secretLeaks(files)).toEqual([]);
  });

  it('matches the snapshot (resources and manifest)', () => {
    const { stack, dataverse } = build();
    const synth = synthJson(stack);
    expect(Object.keys(synth.resource).sort()).toEqual([
      'azurerm_relay_hybrid_connection',
      'azurerm_relay_hybrid_connection_authorization_rule',
      'azurerm_relay_namespace',
      'azurerm_resource_group',
    ]);
    expect(Object.keys(rules(synth)).sort()).toEqual(['dataverse-send', 'onprem-listen']);
    expect(synth).toMatchSnapshot();
    expect(dataverse.toManifest()).toMatchSnapshot();
  });

  it('honours messageFormat, endpoint name, rule names and user metadata', () => {
    const {
      stack,
      dataverse,
      relay: r,
    } = relay({
      messageFormat: MessageFormat.TEXT_XML,
      endpointName: 'On-premises CRM bridge',
      authorizationRuleName: 'dv',
      listenerRuleName: 'bridge',
      hybridConnection: { name: 'crm-bridge', userMetadata: 'runs on srv-crm-01' },
      namespaceOptions: { name: 'contoso-relay' },
    });
    const synth = synthJson(stack);
    expect(Object.keys(rules(synth)).sort()).toEqual(['bridge', 'dv']);
    expect(onlyResource(synth, 'azurerm_relay_hybrid_connection')).toMatchObject({ name: 'crm-bridge', user_metadata: 'runs on srv-crm-01' });
    expect(endpointRecord(dataverse.toManifest()).columns).toMatchObject({
      messageformat: 3,
      name: 'On-premises CRM bridge',
      saskeyname: 'dv',
      path: 'crm-bridge',
      namespaceaddress: 'https://contoso-relay.servicebus.windows.net/crm-bridge',
    });
    expect(r.listenerRuleName).toBe('bridge');
  });
});
