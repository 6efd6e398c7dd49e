import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  ManifestFormat,
  MessageFormat,
  RelayIntegration,
  RelayIntegrationProps,
  ServiceEndpointContract,
  StepMode,
  StepStage,
  WcfRelayReference,
} from '../../src';
import { fullSynth, newStack, onlyResource, readAllFiles, resourcesOf, secretLeaks, synthJson, tempDir, validationErrors, warningsOf } from '../helpers';

const steps = [{ table: 'contact', message: 'Update', filteringAttributes: ['emailaddress1'] }];
const EXISTING_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hybrid/providers/Microsoft.Relay/namespaces/relay-shared';
const RG_REF = '${azurerm_resource_group.rg.name}';

function relay(extra: Partial<RelayIntegrationProps> = {}) {
  const ctx = newStack();
  const construct = new RelayIntegration(ctx.stack, 'onprem', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps, ...extra });
  return { ...ctx, relay: construct };
}

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

function withWcf(contract: ServiceEndpointContract, extra: Partial<WcfRelayReference> = {}, props: Partial<RelayIntegrationProps> = {}) {
  const ctx = newStack();
  const construct = new RelayIntegration(ctx.stack, 'onprem', {
    dataverse: ctx.dataverse,
    resourceGroup: ctx.rg,
    steps,
    existingWcfRelay: wcfRelay(ctx.stack, contract, extra),
    ...props,
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
    expect(hc).toMatchObject({ requires_client_authorization: true, name: r.hybridConnectionName, resource_group_name: RG_REF });
    expect(hc.relay_namespace_name).toMatch(/^\$\{azurerm_relay_namespace\.onprem_namespace_[0-9A-F]+\.name\}$/);
    expect(hc.user_metadata).toBeUndefined();
    expect(r.hybridConnectionName).toMatch(/^dataverse-test-onprem-[0-9a-f]{6}$/);
    expect(r.relayPath).toBe(r.hybridConnectionName);
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
    expect(messages(r, '@cdktf/info').some((m) => m.includes(`sensitive output ${r.listenerKeyOutputName}`) && m.includes(r.hybridConnectionName!))).toBe(true);
  });

  it('registers a REST service endpoint (contract 3, SAS key, JSON, https address, path = hybrid connection)', () => {
    const { stack, dataverse, relay: r } = relay();
    const synth = synthJson(stack);
    const endpoint = endpointRecord(dataverse.toManifest());
    expect(endpoint.columns).toMatchObject({
      contract: 3,
      authtype: 2,
      messageformat: 2,
      userclaim: 1,
      namespaceaddress: `https://${r.namespaceName}.servicebus.windows.net/`,
      namespaceformat: 2,
      solutionnamespace: r.namespaceName,
      path: r.hybridConnectionName,
      saskeyname: 'dataverse-send',
    });
    expect(endpoint.fromOutputs).toEqual([{ column: 'saskey', output: r.sasKeyOutputName, sensitive: true }]);
    expect(synth.output[r.sasKeyOutputName].value).toMatch(/onprem_dataverse-send_[0-9A-F]+\.primary_key/);
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

describe('RelayIntegration: existing namespace', () => {
  it('creates no namespace; the hybrid connection and rules go into the given one', () => {
    const { stack, dataverse, relay: r } = relay({ existingNamespace: { id: EXISTING_ID, name: 'relay-shared' } });
    const synth = synthJson(stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_relay_namespace'))).toHaveLength(0);
    expect(onlyResource(synth, 'azurerm_relay_hybrid_connection')).toMatchObject({ relay_namespace_name: 'relay-shared', resource_group_name: 'rg-hybrid' });
    expect(rules(synth)['dataverse-send']).toMatchObject({ namespace_name: 'relay-shared', resource_group_name: 'rg-hybrid' });
    expect(r.relayNamespace).toBeUndefined();
    expect(r.namespaceId).toBe(EXISTING_ID);
    expect(endpointRecord(dataverse.toManifest()).columns.namespaceaddress).toBe('https://relay-shared.servicebus.windows.net/');
  });

  it('a Terraform reference fits: the resource group is split out of the id at apply time', () => {
    const { stack, rg, dataverse } = newStack();
    const id = new TerraformVariable(stack, 'relay-id', { type: 'string' });
    new RelayIntegration(stack, 'onprem', { dataverse, resourceGroup: rg, steps, existingNamespace: { id: id.stringValue, name: 'relay-shared' } });
    expect(validationErrors(stack)).toEqual([]);
    expect(onlyResource(synthJson(stack), 'azurerm_relay_hybrid_connection').resource_group_name).toBe('${element(split("/", var.relay-id), 4)}');
  });
});

describe('RelayIntegration: existing WCF relay', () => {
  it('TWO_WAY: creates no Azure resource and points the endpoint at the relay; synchronous steps allowed with a warning', () => {
    const { stack, dataverse, relay: r } = withWcf(ServiceEndpointContract.TWO_WAY, {}, {
      steps: [{ table: 'contact', message: 'Update', mode: StepMode.SYNCHRONOUS, stage: StepStage.PRE_VALIDATION }],
    });
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
    expect(synth.output[r.sasKeyOutputName]).toMatchObject({ sensitive: true, value: '${var.wcf-key}' });
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
  const cases: Array<[string, Partial<RelayIntegrationProps>, string]> = [
    ['existing namespace and options', { existingNamespace: { id: EXISTING_ID, name: 'relay-shared' }, namespaceOptions: {} }, 'conflicting props: existingNamespace with namespaceOptions'],
    ['existing id of another type', { existingNamespace: { id: EXISTING_ID.replace('Microsoft.Relay', 'Microsoft.EventHub'), name: 'x' } }, 'is not the resource id of a Relay namespace'],
    ['namespace name', { namespaceOptions: { name: 'relay_1' } }, "namespaceOptions.name: Relay namespace name 'relay_1' is not valid"],
    ['hybrid connection name', { hybridConnection: { name: 'a'.repeat(161) } }, 'hybridConnection.name: entity name'],
    ['user metadata', { hybridConnection: { userMetadata: 'x'.repeat(1025) } }, 'hybridConnection.userMetadata'],
    ['dataverse rule name', { dataverseRuleName: 'send!' }, "dataverseRuleName: authorization rule name 'send!' is not valid"],
    ['listener rule name', { listenerRuleName: '' }, "listenerRuleName: authorization rule name '' is not valid"],
    ['same rule names', { dataverseRuleName: 'relay', listenerRuleName: 'Relay' }, "dataverseRuleName and listenerRuleName are both 'relay'"],
    ['no steps', { steps: [] }, 'steps is empty'],
  ];
  for (const [title, props, expected] of cases) {
    it(`reports: ${title}`, () => {
      const { stack } = relay(props);
      const errors = validationErrors(stack);
      expect(errors.filter((e) => e.includes(expected))).toHaveLength(1);
      for (const e of errors) {
        expect(e).toMatch(/^\[test\/onprem/);
        expect(e).toContain('Fix:');
      }
    });
  }

  const wcfCases: Array<[string, ServiceEndpointContract, Partial<WcfRelayReference>, Partial<RelayIntegrationProps>, string]> = [
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
      { namespaceOptions: {}, existingNamespace: { id: EXISTING_ID, name: 'relay-shared' }, hybridConnection: {}, dataverseRuleName: 'a', listenerRuleName: 'b' },
      'existingWcfRelay with namespaceOptions; existingWcfRelay with existingNamespace; existingWcfRelay with hybridConnection; existingWcfRelay with dataverseRuleName; existingWcfRelay with listenerRuleName',
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
    expect([c.relay.namespaceName, c.relay.hybridConnectionName]).toEqual([a.relay.namespaceName, a.relay.hybridConnectionName]);
    expect([c.relay.sasKeyOutputName, c.relay.listenerKeyOutputName]).toEqual([a.relay.sasKeyOutputName, a.relay.listenerKeyOutputName]);
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
    expect(Object.keys(files).sort()).toEqual(['cdk.tf.json', ManifestFormat.FILE_NAME, 'diagram.dot', 'diagram.svg', 'policy-report.json']);
    const tf = JSON.parse(files['cdk.tf.json']);
    const secretRefs = /primary_key|secondary_key|connection_string/;
    for (const [type, resources] of Object.entries<any>(tf.resource)) {
      expect(JSON.stringify(resources), type).not.toMatch(secretRefs);
    }
    const keyOutputs = Object.entries<any>(tf.output).filter(([, o]) => secretRefs.test(JSON.stringify(o.value)));
    expect(keyOutputs.map(([name]) => name).sort()).toEqual([r.listenerKeyOutputName, r.sasKeyOutputName].sort());
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
    const { stack, dataverse, relay: r } = relay({
      messageFormat: MessageFormat.TEXT_XML,
      endpointName: 'On-premises CRM bridge',
      dataverseRuleName: 'dv',
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
      namespaceaddress: 'https://contoso-relay.servicebus.windows.net/',
    });
    expect(r.listenerRuleName).toBe('bridge');
  });
});

