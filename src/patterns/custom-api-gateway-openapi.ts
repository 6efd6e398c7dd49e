// The REST face of Dataverse Custom APIs behind API Management: routes, JSON schemas, the OpenAPI
// document and the policy XML of each operation. Internal: not exported from src/index.ts.
import type { CustomApiGatewayProps } from './custom-api-gateway-props';
import { checkInteger } from '../azure/props';
import { Problems, isUnresolved, quote } from '../core/problems';
import { CustomApiBindingType, CustomApiDefinition, CustomApiFieldDefinition, CustomApiFieldType } from '../dataverse/custom-api';

/** One Custom API as the gateway exposes it. @internal */
export interface GatewayOperation {
  readonly definition: CustomApiDefinition;
  /** Entity set of the bound table (bound APIs). */
  readonly entitySetName?: string;
}

/** Settings of the API-level policy. @internal */
export interface ApiPolicySettings {
  /** Dataverse environment URL: the token audience. */
  readonly resource: string;
  /** Named value holding the identity's client id. */
  readonly clientIdNamedValue: string;
  readonly rateLimit?: { calls: number; renewalPeriodSeconds: number };
  readonly quota?: { calls: number; renewalPeriodSeconds: number };
  readonly cors?: { origins: string[]; methods: string[]; headers: string[]; allowCredentials: boolean };
}

/** The gateway-wide settings of the OpenAPI document. @internal */
export interface OpenApiSettings {
  readonly title: string;
  readonly description: string;
  /** Gateway URL of the API (`https://<apim>.azure-api.net/<path>`), when known at synth. */
  readonly serverUrl?: string;
  readonly subscriptionRequired: boolean;
  /** Route prefixes served by function apps (listed in an `x-` extension). */
  readonly functionRoutes: Array<{ prefix: string; url?: string }>;
}

/** Largest body the validate-content policy accepts (bytes). @internal */
export const MAX_VALIDATED_BODY = 102400;

const isBound = (d: CustomApiDefinition) => (d.bindingType ?? CustomApiBindingType.GLOBAL) !== CustomApiBindingType.GLOBAL;
const isEntityBound = (d: CustomApiDefinition) => d.bindingType === CustomApiBindingType.ENTITY;

/** The APIM operation id: lowercase letters, digits and hyphens, stable under APIM's import. @internal */
export function operationIdOf(uniqueName: string): string {
  return uniqueName.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** HTTP method: GET for functions, POST for actions. @internal */
export function methodOf(d: CustomApiDefinition): string {
  return d.isFunction ? 'GET' : 'POST';
}

/** The public route under the API path (an APIM URL template). @internal */
export function gatewayRoute(op: GatewayOperation): string {
  const d = op.definition;
  if (isEntityBound(d)) return `/${op.entitySetName}/{id}/${d.uniqueName}`;
  if (isBound(d)) return `/${op.entitySetName}/${d.uniqueName}`;
  return `/${d.uniqueName}`;
}

/** The Dataverse path of the call, relative to `/api/data/v9.2`, without function arguments. @internal */
export function dataversePath(op: GatewayOperation, id: string = '{id}'): string {
  const d = op.definition;
  if (isEntityBound(d)) return `/${op.entitySetName}(${id})/Microsoft.Dynamics.CRM.${d.uniqueName}`;
  if (isBound(d)) return `/${op.entitySetName}/Microsoft.Dynamics.CRM.${d.uniqueName}`;
  return `/${d.uniqueName}`;
}

/** JSON schema of one parameter or property value. @internal */
export function fieldSchema(f: CustomApiFieldDefinition): any {
  const description = f.description ?? f.displayName;
  const base = (() => {
    switch (f.fieldType) {
      case CustomApiFieldType.BOOLEAN:
        return { type: 'boolean' };
      case CustomApiFieldType.DATE_TIME:
        return { type: 'string', format: 'date-time' };
      case CustomApiFieldType.DECIMAL:
        return { type: 'number', format: 'decimal' };
      case CustomApiFieldType.FLOAT:
        return { type: 'number', format: 'double' };
      case CustomApiFieldType.MONEY:
        return { type: 'number', format: 'decimal' };
      case CustomApiFieldType.INTEGER:
        return { type: 'integer', format: 'int32' };
      case CustomApiFieldType.PICKLIST:
        return { type: 'integer', format: 'int32' };
      case CustomApiFieldType.STRING:
        return { type: 'string' };
      case CustomApiFieldType.STRING_ARRAY:
        return { type: 'array', items: { type: 'string' } };
      case CustomApiFieldType.GUID:
        return { type: 'string', format: 'uuid' };
      case CustomApiFieldType.ENTITY_REFERENCE:
      case CustomApiFieldType.ENTITY:
        return {
          type: 'object',
          properties: { '@odata.type': odataTypeSchema(f.logicalEntityName) },
          ...(f.logicalEntityName === undefined ? { required: ['@odata.type'] } : {}),
        };
      case CustomApiFieldType.ENTITY_COLLECTION:
        return { type: 'array', items: { type: 'object', properties: { '@odata.type': { type: 'string' } }, required: ['@odata.type'] } };
      default:
        return {};
    }
  })();
  return description !== undefined ? { ...base, description } : base;
}

function odataTypeSchema(table?: string): any {
  return table === undefined ? { type: 'string', pattern: '^Microsoft\\.Dynamics\\.CRM\\.[a-z][a-z0-9_]*$' } : { type: 'string', enum: [`Microsoft.Dynamics.CRM.${table}`] };
}

/** The request body schema of an action: one property per request parameter. @internal */
export function requestSchema(d: CustomApiDefinition): any {
  const params = d.requestParameters ?? [];
  const properties: { [name: string]: any } = {};
  for (const p of params) properties[p.uniqueName] = fieldSchema(p);
  const required = params.filter((p) => !(p.isOptional ?? false)).map((p) => p.uniqueName);
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}

/** The response schema: one property per response property. @internal */
export function responseSchema(d: CustomApiDefinition): any {
  const properties: { [name: string]: any } = {};
  for (const p of d.responseProperties ?? []) properties[p.uniqueName] = fieldSchema(p);
  return { type: 'object', properties };
}

const schemaName = (d: CustomApiDefinition, suffix: string) => `${d.uniqueName}${suffix}`;

/** Whether an action has a body to validate. @internal */
export function hasBody(d: CustomApiDefinition): boolean {
  return !d.isFunction && (d.requestParameters ?? []).length > 0;
}

/** The OpenAPI 3.0 document of the gateway: deterministic (paths and schemas sorted). @internal */
export function openApiDocument(settings: OpenApiSettings, ops: GatewayOperation[], extra: Array<{ paths: { [route: string]: any }; schemas: { [name: string]: any } }> = []): any {
  const sorted = [...ops].sort((a, b) => cmp(gatewayRoute(a), gatewayRoute(b)));
  const paths: { [route: string]: any } = {};
  const schemas: { [name: string]: any } = {};
  for (const op of sorted) {
    const d = op.definition;
    const parameters: any[] = [];
    if (isEntityBound(d)) {
      parameters.push({ name: 'id', in: 'path', required: true, description: `Id of the ${d.boundEntityLogicalName} row.`, schema: { type: 'string', format: 'uuid' } });
    }
    if (d.isFunction) {
      for (const p of d.requestParameters ?? []) {
        const schema = fieldSchema(p);
        const inQuery = ['object', 'array'].includes(schema.type) ? { type: 'string', description: `${schema.description ?? p.uniqueName} (JSON)` } : schema;
        parameters.push({ name: p.uniqueName, in: 'query', required: !(p.isOptional ?? false), schema: inQuery });
      }
    }
    const operation: any = {
      operationId: operationIdOf(d.uniqueName),
      summary: d.displayName,
      description: d.description ?? d.displayName,
      ...(parameters.length > 0 ? { parameters } : {}),
    };
    if (hasBody(d)) {
      schemas[schemaName(d, 'Request')] = requestSchema(d);
      operation.requestBody = { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName(d, 'Request')}` } } } };
    }
    const responses: any = {};
    if ((d.responseProperties ?? []).length > 0) {
      schemas[schemaName(d, 'Response')] = responseSchema(d);
      responses['200'] = { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName(d, 'Response')}` } } } };
    } else {
      responses['204'] = { description: 'No Content' };
    }
    responses['400'] = { description: 'The request does not match the schema, or Dataverse rejected it.' };
    responses['429'] = { description: 'Rate limit or quota exceeded.' };
    operation.responses = responses;
    paths[gatewayRoute(op)] = { ...(paths[gatewayRoute(op)] ?? {}), [methodOf(d).toLowerCase()]: operation };
  }
  for (const e of extra) {
    for (const [route, item] of Object.entries(e.paths)) paths[route] = { ...(paths[route] ?? {}), ...item };
    Object.assign(schemas, e.schemas);
  }
  const sortedPaths: { [route: string]: any } = {};
  for (const k of Object.keys(paths).sort(cmp)) sortedPaths[k] = paths[k];
  const sortedSchemas: { [name: string]: any } = {};
  for (const k of Object.keys(schemas).sort(cmp)) sortedSchemas[k] = schemas[k];
  const components: any = { schemas: sortedSchemas };
  if (settings.subscriptionRequired) {
    components.securitySchemes = { apiKeyHeader: { type: 'apiKey', name: 'Ocp-Apim-Subscription-Key', in: 'header' } };
  }
  const routes = [...settings.functionRoutes].sort((a, b) => cmp(a.prefix, b.prefix));
  return {
    openapi: '3.0.1',
    info: { title: settings.title, description: settings.description, version: '1.0' },
    ...(settings.serverUrl !== undefined ? { servers: [{ url: settings.serverUrl }] } : {}),
    paths: sortedPaths,
    components: components,
    ...(settings.subscriptionRequired ? { security: [{ apiKeyHeader: [] }] } : {}),
    ...(routes.length > 0 ? { 'x-function-routes': routes } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Policies

/** XML text escaping (element content and attribute values). @internal */
export function xmlEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A policy document: `<base />` first in every section, then the given inbound and outbound lines. @internal */
export function policies(inbound: string[], outbound: string[] = []): string {
  const lines = ['<policies>', '  <inbound>', '    <base />', ...inbound.map((l) => `    ${l}`), '  </inbound>'];
  lines.push('  <backend>', '    <base />', '  </backend>', '  <outbound>', '    <base />', ...outbound.map((l) => `    ${l}`), '  </outbound>');
  lines.push('  <on-error>', '    <base />', '  </on-error>', '</policies>');
  return `${lines.join('\n')}\n`;
}

/** `<set-header exists-action="override">` with one value. @internal */
export function setHeader(name: string, value: string): string {
  return `<set-header name="${xmlEscape(name)}" exists-action="override"><value>${xmlEscape(value)}</value></set-header>`;
}

/** Limits, CORS, the subscription key removed, and the managed identity token for Dataverse. @internal */
export function apiPolicyXml(s: ApiPolicySettings, authenticate: boolean): string {
  const inbound: string[] = [];
  if (s.cors) {
    inbound.push(`<cors allow-credentials="${s.cors.allowCredentials}">`);
    inbound.push(`  <allowed-origins>${s.cors.origins.map((o) => `<origin>${xmlEscape(o)}</origin>`).join('')}</allowed-origins>`);
    inbound.push(`  <allowed-methods>${s.cors.methods.map((m) => `<method>${xmlEscape(m)}</method>`).join('')}</allowed-methods>`);
    inbound.push(`  <allowed-headers>${s.cors.headers.map((h) => `<header>${xmlEscape(h)}</header>`).join('')}</allowed-headers>`);
    inbound.push('</cors>');
  }
  if (s.rateLimit) inbound.push(`<rate-limit calls="${s.rateLimit.calls}" renewal-period="${s.rateLimit.renewalPeriodSeconds}" />`);
  if (s.quota) inbound.push(`<quota calls="${s.quota.calls}" renewal-period="${s.quota.renewalPeriodSeconds}" />`);
  inbound.push('<set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />');
  if (authenticate) {
    inbound.push(`<authentication-managed-identity resource="${xmlEscape(s.resource)}" client-id="{{${s.clientIdNamedValue}}}" />`);
    inbound.push(setHeader('OData-MaxVersion', '4.0'), setHeader('OData-Version', '4.0'), setHeader('Accept', 'application/json'));
  }
  return policies(inbound);
}

/** C# expression of the OData literal of a query value `v` of this type. */
function odataLiteral(type: CustomApiFieldType): string {
  return type === CustomApiFieldType.STRING ? `"'" + v.Replace("'", "''") + "'"` : 'v';
}

/** The rewrite of a function call: `name(P=@p1)?@p1=<literal>`; absent optional parameters are left out. @internal */
export function functionUriExpression(op: GatewayOperation): string {
  const d = op.definition;
  const path = isEntityBound(d) ? `"${dataversePath(op, '" + context.Request.MatchedParameters["id"] + "')}"` : `"${dataversePath(op)}"`;
  const lines = ['@{', 'var args = new List<string>();', 'var aliases = new List<string>();', 'string v;'];
  (d.requestParameters ?? []).forEach((p, i) => {
    lines.push(`v = context.Request.Url.Query.GetValueOrDefault("${p.uniqueName}", (string)null);`);
    lines.push(`if (v != null) { args.Add("${p.uniqueName}=@p${i + 1}"); aliases.Add("@p${i + 1}=" + Uri.EscapeDataString(${odataLiteral(p.fieldType)})); }`);
  });
  lines.push(`return ${path} + "(" + string.Join(",", args) + ")" + (aliases.Count > 0 ? "?" + string.Join("&", aliases) : "");`);
  lines.push('}');
  return lines.join('\n');
}

/** The policy of one operation: validation of the request, then the rewrite to the Dataverse call. @internal */
export function operationPolicyXml(op: GatewayOperation, maxBodyBytes: number): string {
  const d = op.definition;
  const inbound: string[] = [];
  const hasParameters = isEntityBound(d) || (d.isFunction && (d.requestParameters ?? []).length > 0);
  if (hasParameters) {
    inbound.push('<validate-parameters specified-parameter-action="prevent" unspecified-parameter-action="ignore" errors-variable-name="requestParameterValidation" />');
  }
  if (hasBody(d)) {
    inbound.push(
      `<validate-content unspecified-content-type-action="prevent" max-size="${maxBodyBytes}" size-exceeded-action="prevent" errors-variable-name="requestBodyValidation">`,
    );
    inbound.push('  <content type="application/json" validate-as="json" action="prevent" allow-additional-properties="false" />');
    inbound.push('</validate-content>');
  }
  if (d.isFunction) {
    inbound.push(`<rewrite-uri template="${xmlEscape(functionUriExpression(op))}" copy-unmatched-params="false" />`);
  } else {
    inbound.push(`<rewrite-uri template="${xmlEscape(dataversePath(op))}" copy-unmatched-params="false" />`);
    if (!hasBody(d)) inbound.push('<set-body>{}</set-body>', setHeader('Content-Type', 'application/json'));
  }
  return policies(inbound);
}

/** The policy of a function-app route prefix: limits, then the backend that adds the function key. @internal */
export function functionApiPolicyXml(s: ApiPolicySettings, backendId: string): string {
  const base = apiPolicyXml(s, false);
  return base.replace('  </inbound>', `    <set-backend-service backend-id="${xmlEscape(backendId)}" />\n  </inbound>`);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The API policy settings from the gateway's props (defaults applied). @internal */
export function apiPolicySettings(props: CustomApiGatewayProps, clientIdNamedValue: string): ApiPolicySettings {
  const rate = props.rateLimit ?? { calls: 100 };
  const cors = props.cors;
  return {
    resource: props.dataverse.url,
    clientIdNamedValue,
    rateLimit: (props.rateLimitEnabled ?? true) ? { calls: rate.calls, renewalPeriodSeconds: rate.renewalPeriodSeconds ?? 60 } : undefined,
    quota: props.quota ? { calls: props.quota.calls, renewalPeriodSeconds: props.quota.renewalPeriodSeconds ?? 86400 } : undefined,
    cors: cors
      ? {
          origins: cors.allowedOrigins,
          methods: cors.allowedMethods ?? ['GET', 'POST'],
          headers: cors.allowedHeaders ?? ['Content-Type', 'Ocp-Apim-Subscription-Key'],
          allowCredentials: cors.allowCredentials ?? false,
        }
      : undefined,
  };
}

/** Checks the rate limit, quota, CORS and body size props of a gateway. @internal */
export function checkPolicyOptions(problems: Problems, p: CustomApiGatewayProps): void {
  const rate = p.rateLimit;
  if (rate) {
    problems.check(p.rateLimitEnabled !== false, 'rateLimit is set but rateLimitEnabled is false. Fix: remove rateLimit, or turn rateLimitEnabled on.');
    checkInteger(problems, 'rateLimit.calls', rate.calls, 1, 1_000_000_000);
    checkInteger(problems, 'rateLimit.renewalPeriodSeconds', rate.renewalPeriodSeconds, 1, 300);
  }
  if (p.quota) {
    checkInteger(problems, 'quota.calls', p.quota.calls, 1, 2_000_000_000);
    checkInteger(problems, 'quota.renewalPeriodSeconds', p.quota.renewalPeriodSeconds, 1, 365 * 86400);
  }
  checkInteger(problems, 'maxRequestBodyBytes', p.maxRequestBodyBytes, 1, MAX_VALIDATED_BODY);
  const cors = p.cors;
  if (!cors) return;
  problems.check(cors.allowedOrigins.length > 0, 'cors.allowedOrigins is empty. Fix: list the origins, e.g. https://portal.contoso.com, or remove cors.');
  for (const origin of cors.allowedOrigins) {
    if (isUnresolved(origin) || origin === '*') continue;
    problems.check(
      /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(origin),
      `cors.allowedOrigins: ${quote(origin)} is not an origin (scheme and host, no path). Fix: use e.g. 'https://portal.contoso.com'.`,
    );
  }
  problems.check(
    !(cors.allowCredentials === true && cors.allowedOrigins.includes('*')),
    "cors: allowCredentials cannot be combined with the '*' origin. Fix: list the origins explicitly, or turn allowCredentials off.",
  );
  for (const method of cors.allowedMethods ?? []) {
    problems.check(
      ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', '*'].includes(method),
      `cors.allowedMethods: ${quote(method)} is not an HTTP method. Fix: use e.g. 'GET' or 'POST'.`,
    );
  }
}
