import * as path from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import Ajv from 'ajv';
import { App, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  DataverseEnvironment,
  DataverseEnvironmentProps,
  DataverseRecord,
  ManifestFormat,
  ManifestLookup,
  OutboundQueueIntegration,
  PowerPlatformProvider,
  ProcessingStep,
  RegistrationMode,
  ServiceEndpoint,
  ServiceEndpointAuthType,
  ServiceEndpointContract,
  StepDefinition,
  StepImageType,
} from '../../src';
import { renderPowerPlatformRegistration } from '../../src/dataverse/terraform-registration';
import { newStack, readAllFiles, resourcesOf, synthJson, tempDir, validationErrors } from '../helpers';

const ENV_ID = '11111111-2222-3333-4444-555555555555';
const ENV_URL = 'https://contoso.crm4.dynamics.com';
const PROVIDER_MODE: Partial<DataverseEnvironmentProps> = {
  registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER,
  environmentId: ENV_ID,
};
const STEPS: StepDefinition[] = [
  { table: 'salesorder', message: 'Create', images: [{ imageType: StepImageType.POST_IMAGE, attributes: ['name'] }] },
  { table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'] },
  { table: 'account', message: 'Create' },
];

/** The orders integration in one stack, in the given mode. */
function ordersStack(envProps: Partial<DataverseEnvironmentProps> = PROVIDER_MODE, steps: StepDefinition[] = STEPS) {
  const ctx = newStack(envProps);
  const orders = new OutboundQueueIntegration(ctx.stack, 'orders', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps });
  return { ...ctx, orders };
}

/** The rest resource whose create URL addresses `<entitySet>(<id>)`. */
function restFor(synth: any, entitySet: string, id: string): any {
  const found = Object.values(resourcesOf(synth, 'powerplatform_rest')).filter((r: any) => r.create?.url === `${ENV_URL}/api/data/v9.2/${entitySet}(${id})`);
  expect(found).toHaveLength(1);
  return found[0];
}

/**
 * Parses a request body template: `${...}` interpolations become the string `TF(...)`, so that the
 * literal JSON around them can be compared with the manifest.
 */
function parseBody(template: string): any {
  const standalone = template.replace(/:\$\{([^{}]*(?:\([^{}]*\))?)\}/g, (_m, expr: string) => `:${JSON.stringify(`TF(${expr})`)}`);
  const inline = standalone.replace(/\$\{([^{}]*)\}/g, (_m, expr: string) => `TF(${expr.replace(/"/g, '\\"')})`);
  return JSON.parse(inline);
}

/** A table with a lookup, an association and a column that names another row (not a built-in record kind). */
class TestAppUser extends DataverseRecord {
  public readonly tableName = 'systemuser';
  public readonly entitySetName = 'systemusers';
  public readonly applyOrder = 500;
  constructor(scope: Construct, id: string, environment: DataverseEnvironment, roles: string[]) {
    super(scope, id, environment);
    this.setColumn('applicationid', '22222222-0000-0000-0000-000000000001');
    this.addLookup(businessUnit());
    for (const role of roles) this.addAssociation('systemuserroles_association', roleLookup(role));
  }
}

/** A Custom API stand-in: a record whose column names the sdkmessage that Dataverse creates for it. */
class TestCustomApi extends DataverseRecord {
  public readonly tableName = 'customapi';
  public readonly entitySetName = 'customapis';
  public readonly applyOrder = 200;
  constructor(scope: Construct, id: string, environment: DataverseEnvironment, uniqueName: string) {
    super(scope, id, environment);
    this.setColumn('uniquename', uniqueName);
    // Names the table too: a lookup must not wait for a record only because a column names its table.
    this.setColumn('boundentitylogicalname', 'salesorder');
  }
}

function businessUnit(): ManifestLookup {
  return {
    column: 'businessunitid',
    navigation: 'businessunitid',
    table: 'businessunit',
    entitySet: 'businessunits',
    idColumn: 'businessunitid',
    filter: '_parentbusinessunitid_value eq null',
    key: { businessUnit: 'root' },
  };
}

function roleLookup(name: string): ManifestLookup {
  return {
    column: 'roleid',
    navigation: 'roleid',
    table: 'role',
    entitySet: 'roles',
    idColumn: 'roleid',
    filter: `name eq '${name}'`,
    key: { role: name },
  };
}

describe('Power Platform provider mode', () => {
  it('is off by default: the manifest mode adds no Power Platform resource or provider', () => {
    const { stack, dataverse } = ordersStack({});
    const synth = synthJson(stack);
    expect(dataverse.registrationMode).toBe(RegistrationMode.MANIFEST);
    expect(synth.resource.powerplatform_rest).toBeUndefined();
    expect(synth.data).toBeUndefined();
    expect(synth.provider.powerplatform).toBeUndefined();
    expect(dataverse.toManifest().environment.registrationMode).toBeUndefined();
  });

  it('renders the same records as the manifest: ids, columns and order', () => {
    const manifestMode = ordersStack({});
    const providerMode = ordersStack();
    const fromManifestMode = manifestMode.dataverse.toManifest();
    const fromProviderMode = providerMode.dataverse.toManifest();
    // The manifest is still written, with the same records.
    expect(fromProviderMode.records).toEqual(fromManifestMode.records);
    expect(fromProviderMode.environment.registrationMode).toBe('power-platform-provider');
    expect(fromProviderMode.records.map((r) => r.table)).toEqual([
      'serviceendpoint',
      'sdkmessageprocessingstep',
      'sdkmessageprocessingstep',
      'sdkmessageprocessingstep',
      'sdkmessageprocessingstepimage',
    ]);

    const synth = synthJson(providerMode.stack);
    const rendered = renderPowerPlatformRegistration(providerMode.dataverse);
    expect(rendered.records.map((r) => r.manifest.id)).toEqual(fromProviderMode.records.map((r) => r.id));
    expect(Object.keys(resourcesOf(synth, 'powerplatform_rest'))).toHaveLength(fromProviderMode.records.length);

    for (const record of fromProviderMode.records) {
      const rest = restFor(synth, record.entitySet, record.id);
      const body = parseBody(rest.create.body);
      const expected: Record<string, unknown> = { ...record.columns };
      for (const o of record.fromOutputs) expect(body[o.column]).toMatch(/^TF\(jsonencode\(/);
      for (const ref of record.references) expected[`${ref.navigation}@odata.bind`] = `/${ref.entitySet}(${ref.id})`;
      for (const lookup of record.lookups) {
        expect(body[`${lookup.navigation}@odata.bind`]).toMatch(
          new RegExp(`^/${lookup.entitySet}\\(TF\\(data\\.powerplatform_data_records\\.[^.]+\\.rows\\[0\\]\\.${lookup.idColumn}\\)\\)$`),
        );
      }
      const literalPart = Object.fromEntries(
        Object.entries(body).filter(([k]) => !record.fromOutputs.some((o) => o.column === k) && !record.lookups.some((l) => `${l.navigation}@odata.bind` === k)),
      );
      expect(literalPart).toEqual(expected);
      // Column order as in the model, then the bindings.
      expect(Object.keys(body)).toEqual([
        ...Object.keys(providerMode.dataverse.records.find((r) => r.recordId === record.id)!.columnValues()),
        ...record.references.map((r) => `${r.navigation}@odata.bind`),
        ...record.lookups.map((l) => `${l.navigation}@odata.bind`),
      ]);
    }
  });

  it('writes a manifest that still follows the schema, marked as registered by Terraform', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(ManifestFormat.schema());
    const manifest = JSON.parse(JSON.stringify(ordersStack().dataverse.toManifest()));
    expect(validate(manifest)).toBe(true);
    expect(validate({ ...manifest, environment: { ...manifest.environment, registrationMode: 'cli' } })).toBe(false);
  });

  it('creates and updates by PATCH of the deterministic id with the solution header, destroys by DELETE, scope <environment>/.default', () => {
    const { stack, orders } = ordersStack();
    const rest = restFor(synthJson(stack), 'serviceendpoints', orders.endpoint.recordId);
    const url = `${ENV_URL}/api/data/v9.2/serviceendpoints(${orders.endpoint.recordId})`;
    const header = [{ name: 'MSCRM.SolutionUniqueName', value: 'ContosoIntegration' }];
    expect(rest.create).toMatchObject({ method: 'PATCH', url, scope: `${ENV_URL}/.default`, headers: header, expected_http_status: [204] });
    expect(rest.update).toEqual(rest.create);
    expect(rest.destroy).toEqual({ method: 'DELETE', url, scope: `${ENV_URL}/.default`, expected_http_status: [204, 404] });
    expect(rest.destroy.body).toBeUndefined();
  });

  it('sends no solution header without solutionUniqueName', () => {
    const { stack, orders } = ordersStack({ ...PROVIDER_MODE, solutionUniqueName: undefined });
    const rest = restFor(synthJson(stack), 'serviceendpoints', orders.endpoint.recordId);
    expect(rest.create.headers).toBeUndefined();
    expect(rest.update.headers).toBeUndefined();
  });

  it('reads back only the written, readable columns and the lookup values (a stable read)', () => {
    const { stack, orders } = ordersStack();
    const synth = synthJson(stack);
    const endpoint = restFor(synth, 'serviceendpoints', orders.endpoint.recordId);
    const base = `${ENV_URL}/api/data/v9.2/serviceendpoints(${orders.endpoint.recordId})`;
    expect(endpoint.read).toEqual({
      method: 'GET',
      scope: `${ENV_URL}/.default`,
      url: `${base}?$select=name,description,contract,connectionmode,authtype,messageformat,userclaim,namespaceaddress,namespaceformat,solutionnamespace,path,saskeyname`,
      expected_http_status: [200, 404],
    });
    const step = restFor(synth, 'sdkmessageprocessingsteps', orders.steps[0].recordId);
    expect(step.read.url).toBe(
      `${ENV_URL}/api/data/v9.2/sdkmessageprocessingsteps(${orders.steps[0].recordId})?$select=name,description,stage,mode,rank,supporteddeployment,asyncautodelete,_eventhandler_value,_sdkmessageid_value,_sdkmessagefilterid_value`,
    );
    for (const rest of Object.values(resourcesOf(synth, 'powerplatform_rest')) as any[]) {
      const select = new URL(rest.read.url).searchParams.get('$select')!.split(',');
      // Never a secret (Dataverse does not return them), never a column that changes by itself.
      for (const column of ['saskey', 'sastoken', 'authvalue', 'modifiedon', 'versionnumber', 'modifiedby', '*']) {
        expect(select).not.toContain(column);
      }
      expect(rest.read.body).toBeUndefined();
      expect(rest.read.headers).toBeUndefined();
    }
  });

  it('turns lookups into one data-source query per distinct lookup, read at plan time', () => {
    const { stack, dataverse, orders } = ordersStack();
    const synth = synthJson(stack);
    const queries = synth.data.powerplatform_data_records;
    // sdkmessage Create and Update; sdkmessagefilter for salesorder/Create, salesorder/Update, account/Create.
    expect(
      Object.values(queries)
        .map((q: any) => `${q.entity_collection}: ${q.filter}`)
        .sort(),
    ).toEqual([
      "sdkmessagefilters: primaryobjecttypecode eq 'account' and sdkmessageid/name eq 'Create'",
      "sdkmessagefilters: primaryobjecttypecode eq 'salesorder' and sdkmessageid/name eq 'Create'",
      "sdkmessagefilters: primaryobjecttypecode eq 'salesorder' and sdkmessageid/name eq 'Update'",
      "sdkmessages: name eq 'Create'",
      "sdkmessages: name eq 'Update'",
    ]);
    for (const q of Object.values(queries) as any[]) {
      expect(q.environment_id).toBe(ENV_ID);
      expect(q.top).toBe(2);
      expect(q.select).toEqual([q.entity_collection === 'sdkmessages' ? 'sdkmessageid' : 'sdkmessagefilterid']);
      // No depends_on: nothing in the stack creates these rows, so Terraform reads them while planning.
      expect(q.depends_on).toBeUndefined();
      expect(q.lifecycle.postcondition).toEqual([{ condition: '${length(self.rows) == 1}', error_message: expect.stringContaining('must find exactly one row') }]);
    }
    // Both Create steps bind the same sdkmessage query.
    const createId = Object.entries(queries).find(([, q]: any) => q.filter === "name eq 'Create'")![0];
    for (const step of [orders.steps[0], orders.steps[2]]) {
      const body = parseBody(restFor(synth, 'sdkmessageprocessingsteps', step.recordId).create.body);
      expect(body['sdkmessageid@odata.bind']).toBe(`/sdkmessages(TF(data.powerplatform_data_records.${createId}.rows[0].sdkmessageid))`);
    }
    expect(renderPowerPlatformRegistration(dataverse).lookups).toHaveLength(5);
  });

  it('makes dependencies explicit: step after endpoint after the Azure rule; image after step', () => {
    const { stack, orders } = ordersStack();
    const synth = synthJson(stack);
    const ruleId = Object.keys(resourcesOf(synth, 'azurerm_servicebus_queue_authorization_rule'))[0];
    const endpoint = restFor(synth, 'serviceendpoints', orders.endpoint.recordId);
    const endpointId = Object.entries(resourcesOf(synth, 'powerplatform_rest')).find(([, r]) => r === endpoint)![0];
    // The key is a reference to the rule: Terraform creates the rule first and passes the key on.
    expect(endpoint.create.body).toContain(`"saskey":\${jsonencode(sensitive(azurerm_servicebus_queue_authorization_rule.${ruleId}.primary_key))}`);
    expect(endpoint.depends_on).toBeUndefined();
    for (const step of orders.steps) {
      expect(restFor(synth, 'sdkmessageprocessingsteps', step.recordId).depends_on).toEqual([`powerplatform_rest.${endpointId}`]);
    }
    const step = orders.steps[0];
    const stepId = Object.entries(resourcesOf(synth, 'powerplatform_rest')).find(([, r]) => r === restFor(synth, 'sdkmessageprocessingsteps', step.recordId))![0];
    expect(restFor(synth, 'sdkmessageprocessingstepimages', step.images[0].recordId).depends_on).toEqual([`powerplatform_rest.${stepId}`]);
  });

  it('keeps secrets out of every synthesized file: the body references the key, marked sensitive', () => {
    const outdir = tempDir();
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'secrets');
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    const rg = new ResourceGroup(stack, 'rg', { name: 'rg', location: 'westeurope' });
    const dataverse = new DataverseEnvironment(stack, 'dataverse', { url: ENV_URL, ...PROVIDER_MODE });
    const key = new TerraformVariable(stack, 'webhook-key', { type: 'string', sensitive: true });
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps: STEPS });
    new ServiceEndpoint(stack, 'hook', {
      environment: dataverse,
      name: 'hook',
      contract: ServiceEndpointContract.WEBHOOK,
      authType: ServiceEndpointAuthType.HTTP_HEADER,
      url: 'https://example.org/api/hook',
      authValue: `<settings><setting name="x-key" value="${key.stringValue}" /></settings>`,
    });
    app.synth();
    const files = readAllFiles(path.join(outdir, 'stacks', 'secrets'));
    expect(Object.keys(files).sort()).toEqual(['cdk.tf.json', 'dataverse-registrations.json', 'policy-report.json']);
    const tf = JSON.parse(files['cdk.tf.json']);
    const bodies = (Object.values(tf.resource.powerplatform_rest) as any[]).map((r) => r.create.body as string);
    const endpointBody = bodies.find((b) => b.includes('"saskey"'))!;
    expect(endpointBody).toMatch(/"saskey":\$\{jsonencode\(sensitive\(azurerm_servicebus_queue_authorization_rule\.[^)]+\.primary_key\)\)\}/);
    const hookBody = bodies.find((b) => b.includes('"authvalue"'))!;
    expect(hookBody).toContain('"authvalue":${jsonencode(sensitive(join("", ["<settings><setting name=\\"x-key\\" value=\\"", var.webhook-key, "\\" /></settings>"])))}');
    // No secret column is ever a literal in any file.
    for (const text of Object.values(files)) {
      expect(text).not.toMatch(/\\?"(saskey|sastoken|authvalue)\\?":\\?"/);
    }
    const manifest = JSON.parse(files['dataverse-registrations.json']);
    for (const record of manifest.records) {
      for (const secret of record.writeOnly) expect(record.columns[secret]).toBeUndefined();
    }
  });

  it('still refuses a literal secret (it would land in cdk.tf.json)', () => {
    const { stack, dataverse } = newStack(PROVIDER_MODE);
    new ServiceEndpoint(stack, 'hook', {
      environment: dataverse,
      name: 'hook',
      contract: ServiceEndpointContract.WEBHOOK,
      authType: ServiceEndpointAuthType.WEBHOOK_KEY,
      url: 'https://example.org/api/hook',
      authValue: 'literal-key',
    });
    expect(validationErrors(stack).some((e) => e.includes('serviceendpoint.authvalue is a secret but was given as a literal'))).toBe(true);
  });

  it('renders the literal text of any column exactly (quotes, backslashes, ${ and %{ stay text)', () => {
    const { stack, dataverse } = newStack(PROVIDER_MODE);
    const v = new TerraformVariable(stack, 'v', { type: 'string' });
    const n = new TerraformVariable(stack, 'n', { type: 'number' });
    class Odd extends DataverseRecord {
      public readonly tableName = 'contoso_thing';
      public readonly entitySetName = 'contoso_things';
      public readonly applyOrder = 100;
      constructor(scope: Construct, id: string) {
        super(scope, id, dataverse);
        this.setColumn('lit', 'a "quoted" \\ back ${notref} %{ dir } \n nl');
        this.setColumn('mixed', `<s v="${v.stringValue}" /> \\ ${'$'}{x}`, { secret: true });
        this.setColumn('num', n.numberValue);
        this.setColumn('plain', v.stringValue);
      }
    }
    const odd = new Odd(stack, 'odd');
    const rest = restFor(synthJson(stack), 'contoso_things', odd.recordId);
    // Checked with `terraform console`: this template evaluates to the JSON of the values.
    expect(rest.create.body).toBe(
      '{"lit":"a \\"quoted\\" \\\\ back $${notref} %%{ dir } \\n nl",' +
        '"mixed":${jsonencode(sensitive(join("", ["<s v=\\"", var.v, "\\" /> \\\\ $${x}"])))},' +
        '"num":${jsonencode(var.n)},' +
        '"plain":${jsonencode(var.v)}}',
    );
    expect(rest.read.url).toMatch(/\?\$select=lit,num,plain$/);
  });

  it('associations: one resource each, POST $ref on create, DELETE $ref on destroy, after the record', () => {
    const { stack, dataverse } = newStack(PROVIDER_MODE);
    const user = new TestAppUser(stack, 'app-user', dataverse, ['Basic User', 'Sales Manager']);
    const synth = synthJson(stack);
    const all = resourcesOf(synth, 'powerplatform_rest');
    const userId = Object.entries(all).find(([, r]: any) => r.create?.method === 'PATCH')![0];
    const disableId = Object.entries(all).find(([, r]: any) => r.create === undefined && r.destroy.method === 'PATCH')![0];
    const associations = Object.values(all).filter((r: any) => r.create?.method === 'POST') as any[];
    expect(associations).toHaveLength(2);
    const queries = synth.data.powerplatform_data_records;
    const row = `${ENV_URL}/api/data/v9.2/systemusers(${user.recordId})`;
    for (const role of ['Basic User', 'Sales Manager']) {
      const queryId = Object.entries(queries).find(([, q]: any) => q.filter.startsWith(`name eq '${role}'`))![0];
      const roleId = `\${data.powerplatform_data_records.${queryId}.rows[0].roleid}`;
      const a = associations.find((r) => r.create.body.includes(queryId))!;
      expect(a.create).toEqual({
        scope: `${ENV_URL}/.default`,
        method: 'POST',
        url: `${row}/systemuserroles_association/$ref`,
        body: `{"@odata.id":"${ENV_URL}/api/data/v9.2/roles(${roleId})"}`,
        expected_http_status: [204],
      });
      expect(a.destroy).toEqual({
        scope: `${ENV_URL}/.default`,
        method: 'DELETE',
        url: `${row}/systemuserroles_association(${roleId})/$ref`,
        expected_http_status: [204, 404],
      });
      // No read (a relationship's rows change independently) and no update: nothing to drift.
      expect(a.read).toBeUndefined();
      expect(a.update).toBeUndefined();
      expect(a.depends_on).toEqual([`powerplatform_rest.${userId}`, `powerplatform_rest.${disableId}`]);
    }
    // The record's own lookup (business unit) and the role lookups: three queries.
    expect(Object.keys(queries)).toHaveLength(3);
  });

  it('a lookup of a row the stack itself creates waits for it (a step on a Custom API message)', () => {
    const { stack, dataverse, orders } = ordersStack(PROVIDER_MODE, [{ table: 'salesorder', message: 'Create' }]);
    const api = new TestCustomApi(stack, 'api', dataverse, 'contoso_Approve');
    new ProcessingStep(stack, 'on-approve', { endpoint: orders.endpoint, table: 'salesorder', message: 'contoso_Approve' });
    const synth = synthJson(stack);
    const apiId = Object.entries(resourcesOf(synth, 'powerplatform_rest')).find(([, r]: any) => r.create.url.includes(api.recordId))![0];
    const queries = Object.values(synth.data.powerplatform_data_records) as any[];
    const waiting = queries.filter((q) => q.filter.includes('contoso_Approve'));
    expect(waiting).toHaveLength(2);
    for (const q of waiting) expect(q.depends_on).toEqual([`powerplatform_rest.${apiId}`]);
    for (const q of queries.filter((x) => !x.filter.includes('contoso_Approve'))) expect(q.depends_on).toBeUndefined();
  });

  it('adds one powerplatform provider without settings when the stack has none', () => {
    const { stack, dataverse } = ordersStack();
    const synth = synthJson(stack);
    expect(synth.provider.powerplatform).toEqual([{}]);
    expect(synth.terraform.required_providers.powerplatform).toEqual({ source: 'microsoft/power-platform', version: '>= 3.9.0, < 5.0.0' });
    expect(renderPowerPlatformRegistration(dataverse).provider.node.path).toBe('test/dataverse/power-platform-provider');
    expect((Object.values(resourcesOf(synth, 'powerplatform_rest'))[0] as any).provider).toBeUndefined();
  });

  it("uses the stack's own powerplatform provider", () => {
    const { stack, rg, dataverse } = newStack(PROVIDER_MODE);
    const own = new PowerPlatformProvider(stack, 'pp', { useCli: true });
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps: STEPS });
    const synth = synthJson(stack);
    expect(synth.provider.powerplatform).toEqual([{ use_cli: true }]);
    expect(renderPowerPlatformRegistration(dataverse).provider).toBe(own);
  });

  it('uses the given powerPlatformProvider for every resource and query (an aliased one works)', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'aliased');
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    const rg = new ResourceGroup(stack, 'rg', { name: 'rg', location: 'westeurope' });
    const aliased = new PowerPlatformProvider(stack, 'pp-dev', { alias: 'dev', useCli: true });
    const dataverse = new DataverseEnvironment(stack, 'dataverse', { url: ENV_URL, ...PROVIDER_MODE, powerPlatformProvider: aliased });
    new OutboundQueueIntegration(stack, 'orders', { dataverse, resourceGroup: rg, steps: STEPS });
    const synth = synthJson(stack);
    expect(synth.provider.powerplatform).toEqual([{ alias: 'dev', use_cli: true }]);
    for (const r of Object.values(resourcesOf(synth, 'powerplatform_rest')) as any[]) expect(r.provider).toBe('powerplatform.dev');
    for (const q of Object.values(synth.data.powerplatform_data_records) as any[]) expect(q.provider).toBe('powerplatform.dev');
  });
});

describe('Power Platform provider mode: determinism', () => {
  it('synthesizes byte-identical output twice, and renders each record once', () => {
    const { stack } = ordersStack();
    const first = Testing.synth(stack, true);
    const second = Testing.synth(stack, true);
    expect(second).toBe(first);
    const a = ordersStack();
    expect(Testing.synth(a.stack, true)).toBe(first);
  });

  it('keeps resource and query names when a sibling is added', () => {
    const before = synthJson(ordersStack().stack);
    const ctx = ordersStack();
    new OutboundQueueIntegration(ctx.stack, 'invoices', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, steps: [{ table: 'invoice', message: 'Create' }] });
    const after = synthJson(ctx.stack);
    for (const [id, rest] of Object.entries(resourcesOf(before, 'powerplatform_rest'))) {
      expect(resourcesOf(after, 'powerplatform_rest')[id]).toEqual(rest);
    }
    for (const [id, query] of Object.entries(before.data.powerplatform_data_records)) {
      expect(after.data.powerplatform_data_records[id]).toEqual(query);
    }
  });

  it('renders records added after a synth on the next synth', () => {
    const ctx = ordersStack();
    const count = () => Object.keys(resourcesOf(synthJson(ctx.stack), 'powerplatform_rest')).length;
    expect(count()).toBe(5);
    new ProcessingStep(ctx.stack, 'late', { endpoint: ctx.orders.endpoint, table: 'contact', message: 'Delete' });
    expect(count()).toBe(6);
  });
});

describe('Power Platform provider mode: validation', () => {
  it('needs environmentId', () => {
    const { stack } = ordersStack({ registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER });
    expect(validationErrors(stack)).toContainEqual(expect.stringContaining('registrationMode POWER_PLATFORM_PROVIDER needs environmentId'));
  });

  it('needs environmentId to be a GUID', () => {
    const { stack } = ordersStack({ ...PROVIDER_MODE, environmentId: 'contoso-prod' });
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("environmentId 'contoso-prod' is not a GUID. Fix:");
  });

  it('accepts a Terraform reference as environmentId', () => {
    const ctx = newStack();
    const stack = new TerraformStack(ctx.app, 'ref');
    const envId = new TerraformVariable(stack, 'environment-id', { type: 'string' });
    new DataverseEnvironment(stack, 'dataverse', { url: ENV_URL, registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER, environmentId: envId.stringValue });
    expect(validationErrors(stack)).toEqual([]);
  });

  it('refuses powerPlatformProvider in the manifest mode', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'manifest');
    const pp = new PowerPlatformProvider(stack, 'pp');
    new DataverseEnvironment(stack, 'dataverse', { url: ENV_URL, powerPlatformProvider: pp });
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("powerPlatformProvider 'manifest/pp' is set, but registrationMode is 'manifest': nothing would use it. Fix:");
  });

  it('refuses an unknown registration mode', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'odd');
    new DataverseEnvironment(stack, 'dataverse', { url: ENV_URL, registrationMode: 'terraform' as RegistrationMode });
    expect(validationErrors(stack)).toContainEqual(expect.stringContaining("registrationMode 'terraform' is not a registration mode. Fix:"));
  });

  it('accepts environmentId in the manifest mode (nothing uses it yet) and validates it there too', () => {
    expect(validationErrors(ordersStack({ environmentId: ENV_ID }).stack)).toEqual([]);
    expect(validationErrors(ordersStack({ environmentId: 'x' }).stack)).toContainEqual(expect.stringContaining("environmentId 'x' is not a GUID"));
  });
});
