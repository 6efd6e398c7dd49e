// JSON Schemas of the upsert layer, generated from `fields`, and the OpenAPI paths of its routes.
// APIM's validate-content and validate-parameters check requests against them (they are the
// operation's schemas in the imported OpenAPI document). Internal.
import { UpsertField, UpsertFieldType, UpsertMode, UpsertOperationOptions } from './upsert-api';
import { FORBIDDEN_KEY_CHARACTERS, KeyValueType, PlanKeyPart, UpsertPlan } from './upsert-plan';

const NO_FORBIDDEN = `^[^${FORBIDDEN_KEY_CHARACTERS.replace(/[\\\]^-]/g, (c) => `\\${c}`)}]+$`;

/** Schema of one key value (path parameter, bulk item property, lookup value). @internal */
export function keyValueSchema(type: KeyValueType, maxLength?: number): any {
  switch (type) {
    case 'string':
      return { type: 'string', minLength: 1, ...(maxLength !== undefined ? { maxLength } : {}), pattern: NO_FORBIDDEN };
    case 'decimal':
      return { type: 'number' };
    default:
      return { type: 'integer', format: 'int32' };
  }
}

/** Schema of one body field's value. @internal */
export function fieldValueSchema(f: UpsertField, lookupKey?: PlanKeyPart[]): any {
  const described = (s: any) => (f.description !== undefined ? { ...s, description: f.description } : s);
  switch (f.fieldType) {
    case UpsertFieldType.STRING:
      return described({ type: 'string', ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}) });
    case UpsertFieldType.INTEGER:
      return described({ type: 'integer', format: 'int32' });
    case UpsertFieldType.DECIMAL:
    case UpsertFieldType.MONEY:
      return described({ type: 'number', format: 'decimal' });
    case UpsertFieldType.BOOLEAN:
      return described({ type: 'boolean' });
    case UpsertFieldType.DATE_TIME:
      return described({ type: 'string', format: 'date-time' });
    case UpsertFieldType.CHOICE:
      return described({ type: 'integer', format: 'int32', ...(f.choices !== undefined ? { enum: [...f.choices] } : {}) });
    case UpsertFieldType.LOOKUP: {
      const key = lookupKey ?? [];
      if (key.length === 1) return described(keyValueSchema(key[0].type, maxLengthOf(f, key[0])));
      const properties: { [name: string]: any } = {};
      for (const p of key) properties[p.column] = keyValueSchema(p.type, maxLengthOf(f, p));
      return described({ type: 'object', properties, required: key.map((p) => p.column), additionalProperties: false });
    }
    default:
      return {};
  }
}

function maxLengthOf(f: UpsertField, part: PlanKeyPart): number | undefined {
  return f.lookup?.alternateKey.keyColumns.find((c) => c.logicalName === part.column)?.maxLength;
}

/** The key columns' schemas, by external name. */
function keySchemas(o: UpsertOperationOptions, plan: UpsertPlan): { [name: string]: any } {
  const out: { [name: string]: any } = {};
  for (const p of plan.key) {
    const f = o.fields[p.name];
    const column = o.alternateKey.keyColumns.find((c) => c.logicalName === p.column);
    const schema = keyValueSchema(p.type, f?.maxLength ?? column?.maxLength);
    out[p.name] = f?.description !== undefined ? { ...schema, description: f.description } : schema;
  }
  return out;
}

/** Schema of a PUT body: the non-key fields, nothing else. @internal */
export function upsertBodySchema(o: UpsertOperationOptions, plan: UpsertPlan): any {
  const properties: { [name: string]: any } = {};
  for (const f of plan.fields) properties[f.name] = fieldValueSchema(o.fields[f.name], f.lookup?.key);
  const required = plan.fields.filter((f) => o.fields[f.name].required === true).map((f) => f.name);
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}

/** Schema of an upsert-multiple body: `items`, each with its key and fields. @internal */
export function bulkBodySchema(o: UpsertOperationOptions, plan: UpsertPlan): any {
  const single = upsertBodySchema(o, plan);
  const item = {
    type: 'object',
    properties: { ...keySchemas(o, plan), ...single.properties },
    required: [...plan.key.map((p) => p.name), ...(single.required ?? [])],
    additionalProperties: false,
  };
  return { type: 'object', properties: { items: { type: 'array', minItems: 1, maxItems: plan.maxBatchSize, items: item } }, required: ['items'], additionalProperties: false };
}

/** The PUT route under the API path: `/<set>/{key1}/{key2}`. @internal */
export function upsertRoute(plan: UpsertPlan): string {
  return `/${plan.entitySet}/${plan.key.map((p) => `{${p.name}}`).join('/')}`;
}

/** The bulk route: `/<set>/upsert-multiple`. @internal */
export function bulkRoute(plan: UpsertPlan): string {
  return `/${plan.entitySet}/upsert-multiple`;
}

/** Operation ids (lowercase letters, digits, hyphens, as for Custom APIs). @internal */
export function upsertOperationId(plan: UpsertPlan, bulk: boolean): string {
  return `${bulk ? 'upsert-multiple' : 'upsert'}-${plan.entitySet.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/** OpenAPI paths and component schemas of one addUpsert. @internal */
export interface UpsertOpenApi {
  readonly paths: { [route: string]: any };
  readonly schemas: { [name: string]: any };
}

const ERROR_REF = { $ref: '#/components/schemas/GatewayError' };
const json = (schema: any) => ({ 'application/json': { schema } });

/** The error body every upsert route answers with. @internal */
export const GATEWAY_ERROR_SCHEMA = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
  required: ['error'],
};

/** The OpenAPI paths of one addUpsert. @internal */
export function upsertOpenApi(o: UpsertOperationOptions, plan: UpsertPlan): UpsertOpenApi {
  const set = plan.entitySet;
  const schemas: { [name: string]: any } = { GatewayError: GATEWAY_ERROR_SCHEMA };
  const keys = keySchemas(o, plan);
  schemas[`Upsert_${set}Request`] = upsertBodySchema(o, plan);
  const responses: any = {};
  if (plan.mode !== UpsertMode.UPDATE_ONLY) {
    responses['201'] = { description: 'Created', content: json({ type: 'object', properties: { id: { type: 'string', format: 'uuid' } } }) };
  }
  if (plan.mode !== UpsertMode.CREATE_ONLY) responses['204'] = { description: 'Updated' };
  responses['400'] = { description: 'The request does not match the schema, a key value cannot address a row, or Dataverse rejected it.', content: json(ERROR_REF) };
  if (plan.mode === UpsertMode.UPDATE_ONLY) responses['404'] = { description: 'No row has this key.', content: json(ERROR_REF) };
  if (plan.mode === UpsertMode.CREATE_ONLY) responses['409'] = { description: 'A row with this key exists.', content: json(ERROR_REF) };
  responses['429'] = { description: 'Rate limit or quota exceeded.' };
  const summary = { upsert: 'Create or update', 'create-only': 'Create', 'update-only': 'Update' }[plan.mode];
  const paths: { [route: string]: any } = {
    [upsertRoute(plan)]: {
      put: {
        operationId: upsertOperationId(plan, false),
        summary: `${summary} ${/^[aeiou]/.test(o.table) ? 'an' : 'a'} ${o.table} row by its key ${o.alternateKey.keyLogicalName}`,
        parameters: plan.key.map((p) => ({ name: p.name, in: 'path', required: true, schema: keys[p.name] })),
        requestBody: { required: true, content: json({ $ref: `#/components/schemas/Upsert_${set}Request` }) },
        responses,
      },
    },
  };
  if (plan.maxBatchSize !== undefined) {
    schemas[`UpsertMultiple_${set}Request`] = bulkBodySchema(o, plan);
    const keyObject = { type: 'object', properties: keys };
    const result = { type: 'object', properties: { index: { type: 'integer' }, key: keyObject, status: { type: 'string', enum: ['upserted', 'rolled-back'] } } };
    schemas[`UpsertMultiple_${set}Response`] = { type: 'object', properties: { results: { type: 'array', items: result } } };
    paths[bulkRoute(plan)] = {
      post: {
        operationId: upsertOperationId(plan, true),
        summary: `Create or update up to ${plan.maxBatchSize} ${o.table} rows by their key ${o.alternateKey.keyLogicalName} (UpsertMultiple)`,
        requestBody: { required: true, content: json({ $ref: `#/components/schemas/UpsertMultiple_${set}Request` }) },
        responses: {
          '200': { description: 'Every item was upserted.', content: json({ $ref: `#/components/schemas/UpsertMultiple_${set}Response` }) },
          '400': { description: 'The request does not match the schema, or Dataverse rejected the batch: every item was rolled back.', content: json(ERROR_REF) },
          '429': { description: 'Rate limit or quota exceeded.' },
        },
      },
    };
  }
  return { paths, schemas };
}
