import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  ApiManagementTier,
  ApiManagementVirtualNetworkType,
  CustomApiBindingType,
  CustomApiDefinition,
  CustomApiFieldType,
  CustomApiGateway,
  CustomApiGatewayProps,
  FunctionApp,
  ApiManagement,
  WebhookFunction,
  ManifestFormat,
  UserAssignedIdentity,
  UserAssignedIdentityAttributes,
} from '../../src';
import { newStack, onlyResource, readAllFiles, resourcesOf, synthJson, tempDir, validationErrors } from '../helpers';

const FUNCTION_APP_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-func/providers/Microsoft.Web/sites/func-orders';

const approveOrder: CustomApiDefinition = {
  uniqueName: 'contoso_ApproveOrder',
  displayName: 'Approve order',
  bindingType: CustomApiBindingType.ENTITY,
  boundEntityLogicalName: 'salesorder',
  requestParameters: [{ uniqueName: 'Comment', fieldType: CustomApiFieldType.STRING, isOptional: true }],
  responseProperties: [{ uniqueName: 'ApprovedOn', fieldType: CustomApiFieldType.DATE_TIME }],
};
const creditScore: CustomApiDefinition = {
  uniqueName: 'contoso_GetCreditScore',
  displayName: 'Credit score',
  isFunction: true,
  requestParameters: [{ uniqueName: 'AccountNumber', fieldType: CustomApiFieldType.STRING }],
  responseProperties: [{ uniqueName: 'Score', fieldType: CustomApiFieldType.INTEGER }],
};

/** Extra props, or a function that builds them in the stack (for imported blocks). */
type Extra = Partial<CustomApiGatewayProps> | ((stack: Construct) => Partial<CustomApiGatewayProps>);

/** The snippet, with optional extra props. */
function gatewayStack(extra: Extra = {}, env = {}) {
  const ctx = newStack(env);
  scopeForImports = ctx.stack;
  const gateway = new CustomApiGateway(ctx.stack, 'partners', {
    dataverse: ctx.dataverse,
    resourceGroup: ctx.rg,
    publisherName: 'Contoso',
    publisherEmail: 'integration@contoso.com',
    ...(typeof extra === 'function' ? extra(ctx.stack) : extra),
  });
  return { ...ctx, gateway };
}

function withExample(extra: Extra = {}) {
  const ctx = gatewayStack(extra);
  ctx.gateway.addCustomApi(approveOrder);
  ctx.gateway.addCustomApi(creditScore);
  return ctx;
}

function policyOf(synth: any, uniqueName: string): string {
  const all = Object.entries(resourcesOf(synth, 'azurerm_api_management_api_operation_policy')) as Array<[string, any]>;
  const found = all.find(([id]) => id.startsWith(`partners_${uniqueName}_policy`));
  if (!found) throw new Error(`no policy for ${uniqueName}`);
  return found[1].xml_content;
}

function apiPolicyOf(synth: any): string {
  const all = Object.entries(resourcesOf(synth, 'azurerm_api_management_api_policy')) as Array<[string, any]>;
  return all.find(([id]) => id.startsWith('partners_api-policy'))![1].xml_content;
}

let imported = 0;
/** A function app that exists, imported into its own stack-level scope. */
function importedApp(functionAppId: string, defaultHostName: string) {
  return FunctionApp.fromFunctionAppAttributes(new Construct(scopeForImports!, `imported-${++imported}`), 'app', { functionAppId, defaultHostName });
}
let scopeForImports: Construct | undefined;

function one(errors: string[], text: string): string {
  const hits = errors.filter((e) => e.includes(text));
  expect(hits, errors.join('\n')).toHaveLength(1);
  expect(hits[0]).toContain('Fix:');
  return hits[0];
}

describe('CustomApiGateway: default settings', () => {
  it('the issue snippet synthesizes without errors', () => {
    const { stack } = withExample();
    expect(validationErrors(stack)).toEqual([]);
  });

  it('a Consumption service with a generated, deterministic name', () => {
    const { stack, gateway } = withExample();
    const apim = onlyResource(synthJson(stack), 'azurerm_api_management');
    expect(apim.sku_name).toBe('Consumption_0');
    // Everything in the service names it by reference, so it is created after the service.
    expect(onlyResource(synthJson(stack), 'azurerm_api_management_api').api_management_name).toBe('${azurerm_api_management.partners_service_BCEB1F6B.name}');
    expect(apim.name).toMatch(/^apim-test-partners-[0-9a-f]{8}$/);
    expect(withExample().gateway.gatewayUrl).toBe(gateway.gatewayUrl);
    expect(gateway.gatewayUrl).toBe(`https://${apim.name}.azure-api.net`);
    expect(apim).toMatchObject({ publisher_name: 'Contoso', publisher_email: 'integration@contoso.com', public_network_access_enabled: true });
  });

  it('tier and capacity are switchable', () => {
    const { stack } = withExample({ apiManagement: { tier: ApiManagementTier.STANDARD, capacity: 2, name: 'apim-contoso' } });
    const apim = onlyResource(synthJson(stack), 'azurerm_api_management');
    expect(apim.sku_name).toBe('Standard_2');
    expect(apim.name).toBe('apim-contoso');
    expect(onlyResource(synthJson(withExample({ apiManagement: { tier: ApiManagementTier.DEVELOPER } }).stack), 'azurerm_api_management').sku_name).toBe('Developer_1');
  });

  it('SSL 3.0, TLS 1.0/1.1, 3DES and the CBC ciphers are off on front and back end', () => {
    const apim = onlyResource(synthJson(withExample().stack), 'azurerm_api_management');
    expect(apim.security).toEqual({
      frontend_ssl30_enabled: false,
      frontend_tls10_enabled: false,
      frontend_tls11_enabled: false,
      backend_ssl30_enabled: false,
      backend_tls10_enabled: false,
      backend_tls11_enabled: false,
      triple_des_ciphers_enabled: false,
      tls_ecdhe_ecdsa_with_aes128_cbc_sha_ciphers_enabled: false,
      tls_ecdhe_ecdsa_with_aes256_cbc_sha_ciphers_enabled: false,
      tls_ecdhe_rsa_with_aes128_cbc_sha_ciphers_enabled: false,
      tls_ecdhe_rsa_with_aes256_cbc_sha_ciphers_enabled: false,
      tls_rsa_with_aes128_cbc_sha_ciphers_enabled: false,
      tls_rsa_with_aes256_cbc_sha_ciphers_enabled: false,
      tls_rsa_with_aes128_cbc_sha256_ciphers_enabled: false,
      tls_rsa_with_aes256_cbc_sha256_ciphers_enabled: false,
    });
  });

  it('APIs accept HTTPS only and call Dataverse over HTTPS', () => {
    const { stack, gateway } = withExample();
    gateway.addFunctionBackend(importedApp(FUNCTION_APP_ID, 'func-orders.azurewebsites.net'), { routePrefix: 'orders' });
    const synth = synthJson(stack);
    for (const api of Object.values(resourcesOf(synth, 'azurerm_api_management_api')) as any[]) {
      expect(api.protocols).toEqual(['https']);
    }
    const main = (Object.values(resourcesOf(synth, 'azurerm_api_management_api')) as any[]).find((a) => a.path === 'dataverse');
    expect(main.service_url).toBe('https://contoso.crm4.dynamics.com/api/data/v9.2');
    const backend = onlyResource(synth, 'azurerm_api_management_backend');
    expect(backend.url).toBe('https://func-orders.azurewebsites.net/api');
    expect(backend.tls).toEqual({ validate_certificate_chain: true, validate_certificate_name: true });
  });

  it('subscription keys required by default, switchable', () => {
    const main = (s: any) => (Object.values(resourcesOf(s, 'azurerm_api_management_api')) as any[])[0];
    const on = withExample();
    expect(main(synthJson(on.stack)).subscription_required).toBe(true);
    expect(on.gateway.openApiDocument().security).toEqual([{ apiKeyHeader: [] }]);
    const off = withExample({ subscriptionRequired: false });
    expect(main(synthJson(off.stack)).subscription_required).toBe(false);
    expect(off.gateway.openApiDocument()).not.toHaveProperty('security');
  });

  it('100 calls per 60 seconds per subscription, no quota, no CORS; all switchable', () => {
    const xml = apiPolicyOf(synthJson(withExample().stack));
    expect(xml).toContain('<rate-limit calls="100" renewal-period="60" />');
    expect(xml).not.toContain('<quota');
    expect(xml).not.toContain('<cors');

    const tuned = apiPolicyOf(
      synthJson(
        withExample({
          rateLimit: { calls: 10, renewalPeriodSeconds: 30 },
          quota: { calls: 5000 },
          cors: { allowedOrigins: ['https://portal.contoso.com'] },
        }).stack,
      ),
    );
    expect(tuned).toContain('<rate-limit calls="10" renewal-period="30" />');
    expect(tuned).toContain('<quota calls="5000" renewal-period="86400" />');
    expect(tuned).toContain('<cors allow-credentials="false">');
    expect(tuned).toContain('<origin>https://portal.contoso.com</origin>');
    expect(tuned).toContain('<method>GET</method><method>POST</method>');
    expect(tuned.indexOf('<cors')).toBeLessThan(tuned.indexOf('<rate-limit'));

    const noLimit = apiPolicyOf(synthJson(withExample({ rateLimitEnabled: false }).stack));
    expect(noLimit).not.toContain('<rate-limit');
  });

  it('a user-assigned identity, attached to the service, gets the Dataverse token', () => {
    const { stack, gateway } = withExample();
    const synth = synthJson(stack);
    const identity = onlyResource(synth, 'azurerm_user_assigned_identity');
    const apim = onlyResource(synth, 'azurerm_api_management');
    expect(apim.identity).toEqual({ type: 'UserAssigned', identity_ids: ['${azurerm_user_assigned_identity.partners_identity_9BE13419.id}'] });
    expect(identity.name).toMatch(/^id-test-partners-[0-9a-f]{6}$/);
    const named = onlyResource(synth, 'azurerm_api_management_named_value');
    expect(named).toMatchObject({ secret: false, value: '${azurerm_user_assigned_identity.partners_identity_9BE13419.client_id}' });
    const xml = apiPolicyOf(synth);
    expect(xml).toContain(`<authentication-managed-identity resource="https://contoso.crm4.dynamics.com" client-id="{{${named.name}}}" />`);
    expect(xml).toContain('<set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />');
    expect(gateway.identity).toBeInstanceOf(UserAssignedIdentity);
    expect(Object.keys(resourcesOf(synth, 'azurerm_user_assigned_identity'))).toEqual(['partners_identity_9BE13419']);
    expect(Object.values(resourcesOf(synth, 'azurerm_api_management_api_policy'))[0]).toMatchObject({
      depends_on: ['azurerm_api_management_named_value.partners_client-id_AEB91159'],
    });
  });

  it('the manifest holds the application user with Basic User; the role is switchable', () => {
    const { dataverse } = withExample();
    const user = dataverse.toManifest().records.find((r) => r.table === 'systemuser')!;
    expect(user.fromOutputs[0]).toMatchObject({ column: 'applicationid', sensitive: false });
    expect(user.associations[0]).toMatchObject({ relationship: 'systemuserroles_association', target: { key: { role: 'Basic User' } } });
    const other = withExample({ securityRoleName: 'Partner API' })
      .dataverse.toManifest()
      .records.find((r) => r.table === 'systemuser')!;
    expect(other.associations[0].target.key).toEqual({ role: 'Partner API' });
  });

  it('manifest: records in apply order with deterministic ids, valid against the JSON schema', () => {
    const { dataverse } = withExample();
    const manifest = dataverse.toManifest();
    expect(manifest.records.map((r) => `${r.table}:${r.path}`)).toEqual([
      'customapi:test/partners/contoso_ApproveOrder/customapi',
      'customapi:test/partners/contoso_GetCreditScore/customapi',
      'customapirequestparameter:test/partners/contoso_ApproveOrder/customapi/request-Comment',
      'customapirequestparameter:test/partners/contoso_GetCreditScore/customapi/request-AccountNumber',
      'customapiresponseproperty:test/partners/contoso_ApproveOrder/customapi/response-ApprovedOn',
      'customapiresponseproperty:test/partners/contoso_GetCreditScore/customapi/response-Score',
      'systemuser:test/partners/application-user',
    ]);
    expect(
      withExample()
        .dataverse.toManifest()
        .records.map((r) => r.id),
    ).toEqual(manifest.records.map((r) => r.id));
    // Adding a sibling Custom API moves no id.
    const alone = gatewayStack();
    alone.gateway.addCustomApi(approveOrder);
    const ids = new Map(manifest.records.map((r) => [r.path, r.id]));
    for (const r of alone.dataverse.toManifest().records) expect(r.id).toBe(ids.get(r.path));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(ManifestFormat.schema());
    expect(validate(JSON.parse(JSON.stringify(manifest))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('request bodies are validated up to 100 KB; the limit is switchable', () => {
    expect(policyOf(synthJson(withExample().stack), 'contoso_ApproveOrder')).toContain('max-size="102400"');
    expect(policyOf(synthJson(withExample({ maxRequestBodyBytes: 4096 }).stack), 'contoso_ApproveOrder')).toContain('max-size="4096"');
  });

  it('the OpenAPI document is imported into the API and written next to the manifest', () => {
    const outdir = tempDir();
    const { app, stack, rg, dataverse } = newStack({ solutionUniqueName: undefined }, 'gw', outdir);
    scopeForImports = stack;
    const gateway = new CustomApiGateway(stack, 'partners', { dataverse, resourceGroup: rg, publisherName: 'Contoso', publisherEmail: 'a@contoso.com' });
    gateway.addCustomApi(approveOrder);
    app.synth();
    const dir = path.join(outdir, 'stacks', 'gw');
    const written = fs.readFileSync(path.join(dir, gateway.openApiFileName), 'utf8');
    const tf = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
    const api = onlyResource(tf, 'azurerm_api_management_api');
    expect(api.import.content_format).toBe('openapi+json');
    expect(JSON.parse(api.import.content_value)).toEqual(JSON.parse(written));
    expect(JSON.parse(written).paths).toHaveProperty(['/salesorders/{id}/contoso_ApproveOrder']);
    expect(fs.existsSync(path.join(dir, ManifestFormat.FILE_NAME))).toBe(true);
  });
});

describe('CustomApiGateway: operations', () => {
  it('entity-bound action: POST /<set>/{id}/<name> → /<set>({id})/Microsoft.Dynamics.CRM.<name>, body validated', () => {
    const xml = policyOf(synthJson(withExample().stack), 'contoso_ApproveOrder');
    expect(xml).toMatchSnapshot();
    expect(xml).toContain('<rewrite-uri template="/salesorders({id})/Microsoft.Dynamics.CRM.contoso_ApproveOrder" copy-unmatched-params="false" />');
    expect(xml).toContain('<validate-content unspecified-content-type-action="prevent" max-size="102400" size-exceeded-action="prevent"');
    expect(xml).toContain('<content type="application/json" validate-as="json" action="prevent" allow-additional-properties="false" />');
    expect(xml).toContain('<validate-parameters specified-parameter-action="prevent"');
    expect(xml.indexOf('<validate-content')).toBeLessThan(xml.indexOf('<rewrite-uri'));
  });

  it('unbound action: POST /<name> → /<name>', () => {
    const { stack, gateway } = gatewayStack();
    gateway.addCustomApi({ uniqueName: 'contoso_Submit', displayName: 'Submit', requestParameters: [{ uniqueName: 'Count', fieldType: CustomApiFieldType.INTEGER }] });
    const xml = policyOf(synthJson(stack), 'contoso_Submit');
    expect(xml).toContain('<rewrite-uri template="/contoso_Submit" copy-unmatched-params="false" />');
    expect(xml).toContain('<validate-content');
    expect(xml).not.toContain('<validate-parameters');
    const doc = gateway.openApiDocument();
    expect(Object.keys(doc.paths['/contoso_Submit'])).toEqual(['post']);
    expect(doc.components.schemas.contoso_SubmitRequest).toEqual({
      type: 'object',
      properties: { Count: { type: 'integer', format: 'int32' } },
      required: ['Count'],
      additionalProperties: false,
    });
  });

  it('an action without parameters sends an empty JSON body and validates nothing', () => {
    const { stack, gateway } = gatewayStack();
    gateway.addCustomApi({ uniqueName: 'contoso_Recalculate', displayName: 'Recalculate' });
    const xml = policyOf(synthJson(stack), 'contoso_Recalculate');
    expect(xml).toContain('<set-body>{}</set-body>');
    expect(xml).not.toContain('<validate-content');
    expect(gateway.openApiDocument().paths['/contoso_Recalculate'].post.responses).toHaveProperty('204');
  });

  it('entity collection-bound action: POST /<set>/<name> → /<set>/Microsoft.Dynamics.CRM.<name>', () => {
    const { stack, gateway } = gatewayStack();
    gateway.addCustomApi({
      uniqueName: 'contoso_CloseAll',
      displayName: 'Close all',
      bindingType: CustomApiBindingType.ENTITY_COLLECTION,
      boundEntityLogicalName: 'opportunity',
      boundEntitySetName: 'opportunities',
    });
    const xml = policyOf(synthJson(stack), 'contoso_CloseAll');
    expect(xml).toContain('<rewrite-uri template="/opportunities/Microsoft.Dynamics.CRM.contoso_CloseAll" copy-unmatched-params="false" />');
    expect(gateway.openApiDocument().paths).toHaveProperty(['/opportunities/contoso_CloseAll', 'post']);
  });

  it('unbound function: GET with parameter aliases, strings quoted as OData literals', () => {
    const { stack, gateway } = gatewayStack();
    gateway.addCustomApi({
      ...creditScore,
      requestParameters: [
        { uniqueName: 'AccountNumber', fieldType: CustomApiFieldType.STRING },
        { uniqueName: 'Year', fieldType: CustomApiFieldType.INTEGER, isOptional: true },
      ],
    });
    const xml = policyOf(synthJson(stack), 'contoso_GetCreditScore');
    expect(xml).toMatchSnapshot();
    expect(xml).not.toContain('<validate-content');
    expect(xml).toContain('<validate-parameters');
    expect(xml).toContain('copy-unmatched-params="false"');
    // XML-escaped C#: strings are quoted with doubled single quotes, numbers are passed as they are.
    expect(xml).toContain(
      "args.Add(&quot;AccountNumber=@p1&quot;); aliases.Add(&quot;@p1=&quot; + Uri.EscapeDataString(&quot;'&quot; + v.Replace(&quot;'&quot;, &quot;''&quot;) + &quot;'&quot;))",
    );
    expect(xml).toContain('args.Add(&quot;Year=@p2&quot;); aliases.Add(&quot;@p2=&quot; + Uri.EscapeDataString(v))');
    expect(xml).toContain('return &quot;/contoso_GetCreditScore&quot; + &quot;(&quot;');
    const op = gateway.openApiDocument().paths['/contoso_GetCreditScore'].get;
    expect(op.parameters).toEqual([
      { name: 'AccountNumber', in: 'query', required: true, schema: { type: 'string' } },
      { name: 'Year', in: 'query', required: false, schema: { type: 'integer', format: 'int32' } },
    ]);
    expect(op).not.toHaveProperty('requestBody');
  });

  it('entity-bound function: GET /<set>/{id}/<name> with the id from the route', () => {
    const { stack, gateway } = gatewayStack();
    gateway.addCustomApi({
      uniqueName: 'contoso_GetBalance',
      displayName: 'Balance',
      isFunction: true,
      bindingType: CustomApiBindingType.ENTITY,
      boundEntityLogicalName: 'account',
      responseProperties: [{ uniqueName: 'Balance', fieldType: CustomApiFieldType.MONEY }],
    });
    const xml = policyOf(synthJson(stack), 'contoso_GetBalance');
    expect(xml).toContain('return &quot;/accounts(&quot; + context.Request.MatchedParameters[&quot;id&quot;] + &quot;)/Microsoft.Dynamics.CRM.contoso_GetBalance&quot;');
    const op = gateway.openApiDocument().paths['/accounts/{id}/contoso_GetBalance'].get;
    expect(op.parameters[0]).toEqual({ name: 'id', in: 'path', required: true, description: 'Id of the account row.', schema: { type: 'string', format: 'uuid' } });
  });

  it('function vs action: GET vs POST, query parameters vs a body', () => {
    const doc = withExample().gateway.openApiDocument();
    expect(Object.keys(doc.paths['/contoso_GetCreditScore'])).toEqual(['get']);
    expect(Object.keys(doc.paths['/salesorders/{id}/contoso_ApproveOrder'])).toEqual(['post']);
    expect(doc.paths['/salesorders/{id}/contoso_ApproveOrder'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/contoso_ApproveOrderRequest',
    });
    expect(doc.paths['/contoso_GetCreditScore'].get.operationId).toBe('contoso-getcreditscore');
  });

  it('operation policies target the operation ids of the imported document', () => {
    const { stack, gateway } = withExample();
    const synth = synthJson(stack);
    const policies = Object.values(resourcesOf(synth, 'azurerm_api_management_api_operation_policy')) as any[];
    const ids = Object.values(gateway.openApiDocument().paths).flatMap((p: any) => Object.values(p).map((o: any) => o.operationId));
    expect(policies.map((p) => p.operation_id).sort()).toEqual(ids.sort());
    for (const p of policies) expect(p.api_name).toBe('${azurerm_api_management_api.partners_api_3C6DA6C5.name}');
  });

  it('JSON schemas follow the parameter types', () => {
    const { gateway } = gatewayStack();
    const types = Object.keys(CustomApiFieldType).filter((k) => isNaN(Number(k)));
    gateway.addCustomApi({
      uniqueName: 'contoso_AllTypes',
      displayName: 'All types',
      requestParameters: types.map((t) => ({
        uniqueName: t,
        fieldType: (CustomApiFieldType as any)[t],
        ...(t === 'ENTITY_REFERENCE' ? { logicalEntityName: 'account' } : {}),
      })),
    });
    const props = gateway.openApiDocument().components.schemas.contoso_AllTypesRequest.properties;
    expect(props.BOOLEAN).toEqual({ type: 'boolean' });
    expect(props.DATE_TIME).toEqual({ type: 'string', format: 'date-time' });
    expect(props.DECIMAL).toEqual({ type: 'number', format: 'decimal' });
    expect(props.FLOAT).toEqual({ type: 'number', format: 'double' });
    expect(props.MONEY).toEqual({ type: 'number', format: 'decimal' });
    expect(props.INTEGER).toEqual({ type: 'integer', format: 'int32' });
    expect(props.PICKLIST).toEqual({ type: 'integer', format: 'int32' });
    expect(props.STRING).toEqual({ type: 'string' });
    expect(props.STRING_ARRAY).toEqual({ type: 'array', items: { type: 'string' } });
    expect(props.GUID).toEqual({ type: 'string', format: 'uuid' });
    expect(props.ENTITY_REFERENCE).toEqual({ type: 'object', properties: { '@odata.type': { type: 'string', enum: ['Microsoft.Dynamics.CRM.account'] } } });
    expect(props.ENTITY.required).toEqual(['@odata.type']);
    expect(props.ENTITY_COLLECTION.type).toBe('array');
  });
});

describe('CustomApiGateway: OpenAPI document', () => {
  it('structure: OpenAPI 3.0, the gateway server, paths, schemas and the key scheme', () => {
    const { gateway } = withExample();
    const doc = gateway.openApiDocument();
    expect(doc.openapi).toBe('3.0.1');
    expect(doc.info).toMatchObject({ title: 'Dataverse Custom APIs (test/partners)', version: '1.0' });
    expect(doc.servers).toEqual([{ url: `${gateway.gatewayUrl}/dataverse` }]);
    expect(Object.keys(doc.paths)).toEqual(['/contoso_GetCreditScore', '/salesorders/{id}/contoso_ApproveOrder']);
    expect(Object.keys(doc.components.schemas)).toEqual(['contoso_ApproveOrderRequest', 'contoso_ApproveOrderResponse', 'contoso_GetCreditScoreResponse']);
    expect(doc.components.securitySchemes).toEqual({ apiKeyHeader: { type: 'apiKey', name: 'Ocp-Apim-Subscription-Key', in: 'header' } });
  });

  it('deterministic: the order of addCustomApi does not matter, two synths are byte-identical', () => {
    const a = withExample();
    const b = gatewayStack();
    b.gateway.addCustomApi(creditScore);
    b.gateway.addCustomApi(approveOrder);
    expect(JSON.stringify(b.gateway.openApiDocument())).toBe(JSON.stringify(a.gateway.openApiDocument()));
    expect(Testing.synth(withExample().stack)).toBe(Testing.synth(a.stack));
  });

  it('lists the function route prefixes', () => {
    const { gateway } = withExample();
    gateway.addFunctionBackend(importedApp(FUNCTION_APP_ID, 'func-orders.azurewebsites.net'), { routePrefix: 'orders' });
    expect(gateway.openApiDocument()['x-function-routes']).toEqual([{ prefix: 'orders', url: `${gateway.gatewayUrl}/orders` }]);
  });
});

describe('CustomApiGateway: function backends', () => {
  it('a route prefix served by a function app, its key a secret named value read at deploy time', () => {
    const { stack, gateway } = withExample();
    const result = gateway.addFunctionBackend(importedApp(FUNCTION_APP_ID, 'func-orders.azurewebsites.net'), { routePrefix: 'orders' });
    const synth = synthJson(stack);
    const keys = Object.values(synth.data.azurerm_function_app_host_keys) as any[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ name: 'func-orders', resource_group_name: 'rg-func' });
    const named = (Object.values(resourcesOf(synth, 'azurerm_api_management_named_value')) as any[]).find((n) => n.secret === true);
    expect(named.value).toMatch(/^\$\{data\.azurerm_function_app_host_keys\.[A-Za-z0-9_-]+\.default_function_key\}$/);
    const backend = onlyResource(synth, 'azurerm_api_management_backend');
    expect(backend).toMatchObject({
      protocol: 'http',
      url: 'https://func-orders.azurewebsites.net/api',
      resource_id: `https://management.azure.com${FUNCTION_APP_ID}`,
      // The reference to the named value's name also orders the backend after it.
      credentials: { header: { 'x-functions-key': '{{${azurerm_api_management_named_value.partners_function-orders_key_A7C15563.name}}}' } },
    });
    const api = (Object.values(resourcesOf(synth, 'azurerm_api_management_api')) as any[]).find((a) => a.path === 'orders');
    expect(api).toMatchObject({ protocols: ['https'], subscription_required: true });
    expect(api).not.toHaveProperty('import');
    const ops = Object.values(resourcesOf(synth, 'azurerm_api_management_api_operation')) as any[];
    expect(ops.map((o) => o.method).sort()).toEqual(['DELETE', 'GET', 'PATCH', 'POST', 'PUT']);
    expect(new Set(ops.map((o) => o.url_template))).toEqual(new Set(['/*']));
    const policy = (Object.entries(resourcesOf(synth, 'azurerm_api_management_api_policy')) as Array<[string, any]>).find(([id]) => id.includes('function-orders'))![1];
    expect(policy.xml_content).toContain(`<set-backend-service backend-id="${backend.name}" />`);
    expect(policy.depends_on).toEqual([expect.stringMatching(/^azurerm_api_management_backend\.partners_function-orders_backend_/)]);
    expect(policy.xml_content).toContain('<rate-limit calls="100" renewal-period="60" />');
    expect(policy.xml_content).not.toContain('authentication-managed-identity');
    expect(result.operations).toHaveLength(5);
  });

  it("a WebhookFunction's app: host keys read by the app's name and resource group; or a key reference of your own", () => {
    const { stack, rg, dataverse, gateway } = withExample();
    const code = path.join(__dirname, '..', '..', 'examples', 'functions', 'validate-account');
    const webhook = new WebhookFunction(stack, 'validate', { dataverse, resourceGroup: rg, code, steps: [{ table: 'account', message: 'Create' }] });
    gateway.addFunctionBackend(webhook.functionApp, { routePrefix: 'hooks' });
    gateway.addFunctionBackend(webhook.functionApp, { routePrefix: 'other', functionKey: webhook.secret.resource.value });
    expect(validationErrors(stack)).toEqual([]);
    const synth = synthJson(stack);
    const keys = Object.values(synth.data.azurerm_function_app_host_keys) as any[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({ name: '${azurerm_function_app_flex_consumption.validate_app_806D0FCE.name}', resource_group_name: '${azurerm_resource_group.rg.name}' });
    const backends = Object.values(resourcesOf(synth, 'azurerm_api_management_backend')) as any[];
    for (const b of backends) {
      expect(b.url).toBe('https://${azurerm_function_app_flex_consumption.validate_app_806D0FCE.default_hostname}/api');
      expect(b.resource_id).toBe('https://management.azure.com${azurerm_function_app_flex_consumption.validate_app_806D0FCE.id}');
    }
  });

  it('JavaScript callers: missing props are errors naming the construct and the props', () => {
    const { gateway, stack, dataverse } = gatewayStack();
    expect(() => gateway.addCustomApi(undefined as any)).toThrow('test/partners: CustomApiGateway.addCustomApi needs props.');
    expect(() => gateway.addFunctionBackend(undefined as any, { routePrefix: 'x' })).toThrow('test/partners: CustomApiGateway.addFunctionBackend needs functionApp.');
    expect(() => new CustomApiGateway(stack, 'other', { dataverse } as any)).toThrow('test/other: CustomApiGateway needs resourceGroup.');
  });

  it('an imported app: name and resource group from its id; a reference id is split at apply time', () => {
    const { stack, gateway } = withExample();
    const appId = new TerraformVariable(stack, 'app_id', { type: 'string' });
    const app = FunctionApp.fromFunctionAppAttributes(stack, 'func', { functionAppId: appId.stringValue });
    gateway.addFunctionBackend(app, { routePrefix: 'hooks' });
    const synth = synthJson(stack);
    const keys = Object.values(synth.data.azurerm_function_app_host_keys) as any[];
    expect(keys[0].name).toBe('${element(split("/", var.app_id), 8)}');
    expect(keys[0].resource_group_name).toBe('${element(split("/", var.app_id), 4)}');
    expect(onlyResource(synth, 'azurerm_api_management_backend').url).toBe('https://${element(split("/", var.app_id), 8)}.azurewebsites.net/api');
  });

  it('no secret in any synthesized file; a literal key is refused before anything is written', () => {
    const outdir = tempDir();
    const { app, stack, rg, dataverse } = newStack({ solutionUniqueName: undefined }, 'gw', outdir);
    scopeForImports = stack;
    const gateway = new CustomApiGateway(stack, 'partners', { dataverse, resourceGroup: rg, publisherName: 'Contoso', publisherEmail: 'a@contoso.com' });
    gateway.addCustomApi(approveOrder);
    gateway.addFunctionBackend(importedApp(FUNCTION_APP_ID, 'func-orders.azurewebsites.net'), { routePrefix: 'orders' });
    app.synth();
    const files = readAllFiles(outdir);
    const tfName = Object.keys(files).find((f) => f.endsWith('cdk.tf.json'))!;
    const tf = JSON.parse(files[tfName]);
    const named = (Object.values(tf.resource.azurerm_api_management_named_value) as any[]).find((n) => n.secret);
    // The key exists only as a Terraform reference, resolved by Terraform into its (sensitive) state.
    expect(named.value).toMatch(/^\$\{data\.azurerm_function_app_host_keys\./);
    for (const [name, text] of Object.entries(files)) {
      if (name === tfName) continue;
      expect(text, name).not.toContain('default_function_key');
      expect(text, name).not.toContain('function_app_host_keys');
    }

    const literalDir = tempDir();
    const { app: app2, stack: stack2, dataverse: dv2 } = newStack({ solutionUniqueName: undefined }, 'gw', literalDir);
    scopeForImports = stack2;
    const gw2 = new CustomApiGateway(stack2, 'partners', {
      dataverse: dv2,
      resourceGroup: { name: 'rg', location: 'westeurope' },
      publisherName: 'C',
      publisherEmail: 'a@contoso.com',
    });
    gw2.addFunctionBackend(importedApp(FUNCTION_APP_ID, 'func.azurewebsites.net'), { routePrefix: 'orders', functionKey: 'sup3r-s3cret-key' });
    expect(() => app2.synth()).toThrow(/functionKey is a literal/);
    expect(Object.values(readAllFiles(literalDir)).some((t) => t.includes('sup3r-s3cret-key'))).toBe(false);
  });

  it('validation: repeated prefix, prefix equal to apiPath, bad id, host name with a scheme, bad base path, bad prefix', () => {
    const { stack, gateway } = gatewayStack();
    gateway.addFunctionBackend(importedApp(FUNCTION_APP_ID, 'func.azurewebsites.net'), { routePrefix: 'orders' });
    gateway.addFunctionBackend(importedApp(FUNCTION_APP_ID, 'func.azurewebsites.net'), { routePrefix: 'orders' });
    gateway.addFunctionBackend(importedApp(FUNCTION_APP_ID, 'func.azurewebsites.net'), { routePrefix: 'dataverse' });
    gateway.addFunctionBackend(importedApp('func-orders', 'func.azurewebsites.net'), { routePrefix: 'a' });
    gateway.addFunctionBackend(importedApp(FUNCTION_APP_ID, 'https://func.azurewebsites.net'), { routePrefix: 'b' });
    gateway.addFunctionBackend(importedApp(FUNCTION_APP_ID, 'func.azurewebsites.net'), { routePrefix: 'c', basePath: 'api?x' });
    gateway.addFunctionBackend(importedApp(FUNCTION_APP_ID, 'func.azurewebsites.net'), { routePrefix: '/d/' });
    gateway.addFunctionBackend(importedApp(FUNCTION_APP_ID, 'func.azurewebsites.net'), { routePrefix: 'e'.repeat(60) });
    const errors = validationErrors(stack);
    one(errors, "longer than API Management's 80 characters");
    one(errors, "route prefix 'orders' is added twice");
    one(errors, "routePrefix 'dataverse' is the path of the Custom API routes");
    one(errors, "functionAppId 'func-orders' is not the resource id of a Microsoft.Web/sites");
    one(errors, "defaultHostName 'https://func.azurewebsites.net' is not a host name");
    one(errors, "basePath 'api?x' is not a URL path");
    one(errors, "routePrefix '/d/' is not a path");
  });
});

describe('CustomApiGateway: existing resources', () => {
  const APIM_ID = '/subscriptions/x/resourceGroups/rg-shared/providers/Microsoft.ApiManagement/service/apim-shared';
  let n = 0;
  const shared = (scope: Construct, gatewayUrl = 'https://apim-shared.azure-api.net/') =>
    ApiManagement.fromApiManagementAttributes(scope, `apim-${++n}`, { apiManagementId: APIM_ID, gatewayUrl });
  const IDENTITY = {
    userAssignedIdentityId: '/subscriptions/x/resourceGroups/rg-shared/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-apim',
    principalId: '66666666-7777-4888-9999-aaaaaaaaaaaa',
    clientId: '11111111-2222-3333-4444-555555555555',
  };
  const identity = (scope: Construct, attrs: Partial<UserAssignedIdentityAttributes> = {}) =>
    UserAssignedIdentity.fromUserAssignedIdentityAttributes(scope, `identity-${++n}`, { ...IDENTITY, ...attrs });

  it('uses an existing service and identity: nothing of them is created', () => {
    const ctx = newStack();
    const existingApiManagement = shared(ctx.stack);
    const existingIdentity = identity(ctx.stack);
    const gateway = new CustomApiGateway(ctx.stack, 'partners', { dataverse: ctx.dataverse, resourceGroup: ctx.rg, existingApiManagement, existingIdentity });
    expect(gateway.apiManagement).toBe(existingApiManagement);
    expect(gateway.identity).toBe(existingIdentity);
    gateway.addCustomApi(approveOrder);
    expect(validationErrors(ctx.stack)).toEqual([]);
    const synth = synthJson(ctx.stack);
    expect(Object.keys(resourcesOf(synth, 'azurerm_api_management'))).toHaveLength(0);
    expect(Object.keys(resourcesOf(synth, 'azurerm_user_assigned_identity'))).toHaveLength(0);
    const api = onlyResource(synth, 'azurerm_api_management_api');
    expect(api).toMatchObject({ api_management_name: 'apim-shared', resource_group_name: 'rg-shared' });
    expect(onlyResource(synth, 'azurerm_api_management_named_value').value).toBe(IDENTITY.clientId);
    expect(gateway.gatewayUrl).toBe('https://apim-shared.azure-api.net');
    expect(gateway.openApiDocument().servers).toEqual([{ url: 'https://apim-shared.azure-api.net/dataverse' }]);
    const user = ctx.dataverse.toManifest().records.find((r) => r.table === 'systemuser')!;
    expect(user.columns.applicationid).toBe(IDENTITY.clientId);
  });

  it('an existing identity with a created service is attached to it', () => {
    const { stack } = withExample((s) => ({ existingIdentity: identity(s) }));
    const synth = synthJson(stack);
    expect(onlyResource(synth, 'azurerm_api_management').identity.identity_ids).toEqual([IDENTITY.userAssignedIdentityId]);
    expect(Object.keys(resourcesOf(synth, 'azurerm_user_assigned_identity'))).toHaveLength(0);
  });

  it('existing and creation options together: one aggregated error', () => {
    const ctx = newStack();
    const gateway = new CustomApiGateway(ctx.stack, 'partners', {
      dataverse: ctx.dataverse,
      resourceGroup: ctx.rg,
      publisherName: 'Contoso',
      publisherEmail: 'integration@contoso.com',
      existingApiManagement: shared(ctx.stack),
      existingIdentity: identity(ctx.stack),
      apiManagement: { tier: ApiManagementTier.PREMIUM },
    });
    const stack = ctx.stack;
    expect(gateway).toBeDefined();
    const e = one(validationErrors(stack), 'conflicting props');
    expect(e).toContain('existingApiManagement with apiManagement');
    expect(e).toContain('existingApiManagement with publisherName');
    expect(e).toContain('existingApiManagement with publisherEmail');
  });

  it('an existing service needs an existing identity and an https gateway URL', () => {
    const ctx = newStack();
    new CustomApiGateway(ctx.stack, 'partners', {
      dataverse: ctx.dataverse,
      resourceGroup: ctx.rg,
      existingApiManagement: shared(ctx.stack, 'http://apim-shared.azure-api.net'),
    });
    const errors = validationErrors(ctx.stack);
    one(errors, 'existingApiManagement needs existingIdentity');
    one(errors, "gatewayUrl 'http://apim-shared.azure-api.net' is not an https URL");
  });

  it("the imported identity's client id must be a GUID (checked by the importer)", () => {
    const e = one(validationErrors(withExample((s) => ({ existingIdentity: identity(s, { clientId: 'id-apim' }) })).stack), "clientId 'id-apim' is not a GUID");
    expect(e).toMatch(/^\[test\/identity-\d+\]/);
  });

  it("0.0.x's { id, clientId } struct (or any object without userAssignedIdentityId) is refused, naming the prop and the importer", () => {
    const old = { id: IDENTITY.userAssignedIdentityId, clientId: IDENTITY.clientId } as any;
    expect(() => withExample({ existingIdentity: old })).toThrow(
      "test/partners: CustomApiGateway's existingIdentity has no userAssignedIdentityId, so it is not a managed identity block (0.0.x took { id, clientId }). Fix: pass UserAssignedIdentity.fromUserAssignedIdentityAttributes(",
    );
  });
});

describe('CustomApiGateway: validation', () => {
  const errorsWith = (extra: Partial<CustomApiGatewayProps>) => validationErrors(withExample(extra).stack);

  it('publisherName and publisherEmail are required to create a service; the e-mail must be one', () => {
    const ctx = newStack();
    new CustomApiGateway(ctx.stack, 'partners', { dataverse: ctx.dataverse, resourceGroup: ctx.rg });
    one(validationErrors(ctx.stack), 'publisherName and publisherEmail are required');
    one(errorsWith({ publisherEmail: 'integration' }), "publisherEmail 'integration' is not an e-mail address");
    one(errorsWith({ publisherName: 'x'.repeat(101) }), 'publisherName');
  });

  it('virtual network only on Developer and Premium, with a subnet', () => {
    const subnetId = '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/apim';
    one(errorsWith({ apiManagement: { virtualNetworkType: ApiManagementVirtualNetworkType.EXTERNAL, subnetId } }), 'needs the Developer or Premium tier, not Consumption');
    one(errorsWith({ apiManagement: { tier: ApiManagementTier.STANDARD, virtualNetworkType: ApiManagementVirtualNetworkType.INTERNAL, subnetId } }), 'not Standard');
    one(errorsWith({ apiManagement: { tier: ApiManagementTier.PREMIUM, virtualNetworkType: ApiManagementVirtualNetworkType.INTERNAL } }), 'needs subnetId');
    one(errorsWith({ apiManagement: { tier: ApiManagementTier.PREMIUM, subnetId } }), 'subnetId is set but virtualNetworkType is NONE');
    const ok = withExample({ apiManagement: { tier: ApiManagementTier.DEVELOPER, virtualNetworkType: ApiManagementVirtualNetworkType.EXTERNAL, subnetId } });
    expect(validationErrors(ok.stack)).toEqual([]);
    expect(onlyResource(synthJson(ok.stack), 'azurerm_api_management')).toMatchObject({ virtual_network_type: 'External', virtual_network_configuration: { subnet_id: subnetId } });
  });

  it('zones only on Premium, valid zones, capacity spread evenly', () => {
    one(errorsWith({ apiManagement: { tier: ApiManagementTier.STANDARD, zones: ['1', '2'] } }), 'need the Premium tier, not Standard');
    one(errorsWith({ apiManagement: { tier: ApiManagementTier.PREMIUM, capacity: 2, zones: ['1', '4'] } }), "'4' is not an availability zone");
    one(errorsWith({ apiManagement: { tier: ApiManagementTier.PREMIUM, capacity: 2, zones: ['1', '2', '3'] } }), 'cannot be spread evenly over 3 zones');
    expect(errorsWith({ apiManagement: { tier: ApiManagementTier.PREMIUM, capacity: 3, zones: ['1', '2', '3'] } })).toEqual([]);
  });

  it('client certificates only on Consumption', () => {
    one(errorsWith({ apiManagement: { tier: ApiManagementTier.DEVELOPER, clientCertificateEnabled: true } }), 'clientCertificateEnabled applies to the Consumption tier only');
    expect(errorsWith({ apiManagement: { clientCertificateEnabled: true } })).toEqual([]);
  });

  it('capacity rules per tier', () => {
    one(errorsWith({ apiManagement: { capacity: 1 } }), 'capacity 1 is not possible on the Consumption tier: it must be 0');
    one(errorsWith({ apiManagement: { tier: ApiManagementTier.DEVELOPER, capacity: 2 } }), 'on the Developer tier: it must be 1');
    one(errorsWith({ apiManagement: { tier: ApiManagementTier.BASIC, capacity: 3 } }), 'on the Basic tier: it must be 1 to 2');
    one(errorsWith({ apiManagement: { tier: ApiManagementTier.STANDARD, capacity: 5 } }), 'on the Standard tier: it must be 1 to 4');
    one(errorsWith({ apiManagement: { tier: ApiManagementTier.PREMIUM, capacity: 0 } }), 'on the Premium tier: it must be 1 to 99');
    one(errorsWith({ apiManagement: { tier: 'Isolated' as ApiManagementTier } }), "tier 'Isolated' is not supported");
  });

  it('the Developer tier carries a warning (no SLA)', () => {
    const { stack } = withExample({ apiManagement: { tier: ApiManagementTier.DEVELOPER } });
    const annotations = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .map((m) => String(m.data));
    expect(annotations.some((a) => a.includes('Developer has no SLA'))).toBe(true);
  });

  it('names and paths', () => {
    one(errorsWith({ apiManagement: { name: '1apim' } }), "[test/partners/service] name: API Management service name '1apim' is not valid");
    one(errorsWith({ apiName: 'my api' }), "apiName: API Management API name 'my api' is not valid");
    one(errorsWith({ apiPath: '/dataverse' }), "apiPath '/dataverse' is not a path");
    const custom = withExample({ apiPath: 'partners/v1', apiName: 'partners-v1' });
    expect(validationErrors(custom.stack)).toEqual([]);
    expect(onlyResource(synthJson(custom.stack), 'azurerm_api_management_api')).toMatchObject({ name: 'partners-v1', path: 'partners/v1' });
    expect(custom.gateway.openApiFileName).toBe('partners-v1.openapi.json');
  });

  it('rate limit, quota and body size ranges', () => {
    one(errorsWith({ rateLimit: { calls: 0 } }), 'rateLimit.calls 0 is out of range');
    one(errorsWith({ rateLimit: { calls: 10, renewalPeriodSeconds: 301 } }), 'rateLimit.renewalPeriodSeconds 301 is out of range');
    one(errorsWith({ rateLimit: { calls: 10 }, rateLimitEnabled: false }), 'rateLimit is set but rateLimitEnabled is false');
    one(errorsWith({ quota: { calls: 0 } }), 'quota.calls 0 is out of range');
    one(errorsWith({ quota: { calls: 10, renewalPeriodSeconds: 0 } }), 'quota.renewalPeriodSeconds 0 is out of range');
    one(errorsWith({ maxRequestBodyBytes: 102401 }), 'maxRequestBodyBytes 102401 is out of range');
  });

  it('CORS: origins present and well formed, no credentials with *, methods known', () => {
    one(errorsWith({ cors: { allowedOrigins: [] } }), 'cors.allowedOrigins is empty');
    one(errorsWith({ cors: { allowedOrigins: ['https://portal.contoso.com/app'] } }), 'is not an origin');
    one(errorsWith({ cors: { allowedOrigins: ['*'], allowCredentials: true } }), "allowCredentials cannot be combined with the '*' origin");
    one(errorsWith({ cors: { allowedOrigins: ['*'], allowedMethods: ['FETCH'] } }), "'FETCH' is not an HTTP method");
    expect(errorsWith({ cors: { allowedOrigins: ['*'] } })).toEqual([]);
  });

  it('the same Custom API twice is reported', () => {
    const { stack, gateway } = withExample();
    gateway.addCustomApi({ ...creditScore, uniqueName: 'contoso_getcreditscore' });
    one(validationErrors(stack), "the Custom API 'contoso_getcreditscore' is added twice");
  });

  it('Custom API rules are reported through the gateway (prefix without a publisherPrefix)', () => {
    const { stack, gateway } = gatewayStack();
    gateway.addCustomApi({ uniqueName: 'GetCreditScore', displayName: 'Credit score', isFunction: true });
    const errors = validationErrors(stack);
    one(errors, "uniqueName must be '<publisher prefix>_<name>'");
    one(errors, 'must return at least one response property');
  });
});
