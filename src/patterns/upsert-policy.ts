// The API Management policies of the upsert routes. Each embeds its plan (upsert-plan.ts) as JSON
// and runs one fixed C# routine over it: the key from the path (or each item), the body with only
// the plan's fields, lookups bound by key. The routines mirror upsert-plan.ts line for line
// (keyValueText, keyLiteral, keySegment, transformBody, transformBulk, upsertResponse, bulkResponse);
// tests evaluate those on the plan taken out of the synthesized XML. C# policy expressions: Microsoft
// Learn "API Management policy expressions" (Newtonsoft.Json.Linq, Regex, Uri, List are allowed types).
// Internal.
import { policies, setHeader, xmlEscape } from './custom-api-gateway-openapi';
import { UpsertMode } from './upsert-api';
import { FORBIDDEN_KEY_CLASS, UpsertPlan } from './upsert-plan';

/** The C# verbatim string literal of a text: `@"..."` with quotes doubled. @internal */
export function csharpVerbatim(text: string): string {
  return `@"${text.replace(/"/g, '""')}"`;
}

/** Plan JSON as embedded (sorted keys are not needed: the plan is built deterministically). @internal */
export function planJson(plan: UpsertPlan): string {
  return JSON.stringify(plan);
}

const JSON_NONE = 'Newtonsoft.Json.Formatting.None';

/** C#: `text` from a JToken `token` (keyValueText): a string as it is, a number as JSON writes it, else null. */
function csText(token: string): string[] {
  return [
    `string text = ${token} == null ? null : ${token}.Type == JTokenType.String ? (string)${token}`,
    `  : (${token}.Type == JTokenType.Integer || ${token}.Type == JTokenType.Float) ? ${token}.ToString(${JSON_NONE}) : null;`,
  ];
}

/** C#: `lit`, the URL-encoded OData literal of `text` for part `p` (keyLiteral), or null. */
function csLiteral(): string[] {
  return [
    'string lit = null;',
    'if (text != null && text.Length > 0) {',
    `  if ((string)p["type"] == "string") { if (!Regex.IsMatch(text, ${csharpVerbatim(FORBIDDEN_KEY_CLASS)})) { lit = "'" + Uri.EscapeDataString(text.Replace("'", "''")) + "'"; } }`,
    `  else if (Regex.IsMatch(text, (string)p["type"] == "decimal" ? @"^-?[0-9]+(\\.[0-9]+)?$" : @"^-?[0-9]+$")) { lit = Uri.EscapeDataString(text); }`,
    '}',
  ];
}

/**
 * C#: one key part per iteration over `array` (keySegment): `text` from `textLines`, then its
 * literal, `return invalid` when there is none, else `<column>=<literal>` added to `parts`.
 */
function csKeyParts(array: string, parts: string, textLines: string[], invalid: string, after: string[] = []): string[] {
  return [
    `foreach (JObject p in ${array}) {`,
    ...[...textLines, ...csLiteral()].map((l) => `  ${l}`),
    `  if (lit == null) { return ${invalid}; }`,
    `  ${parts}.Add((string)p["column"] + "=" + lit);`,
    ...after.map((l) => `  ${l}`),
    '}',
  ];
}

/** C#: the plan and the request body as a JObject (an empty one when the body is not an object). */
function csPrologue(plan: UpsertPlan): string[] {
  return [
    `var plan = JObject.Parse(${csharpVerbatim(planJson(plan))});`,
    'JObject src = null;',
    'try { src = context.Request.Body.As<JObject>(preserveContent: true); } catch (Exception) { src = null; }',
    'if (src == null) { src = new JObject(); }',
  ];
}

/** C#: the plan's fields of `item` into `target` (transformBody); `invalid(name)` is returned for an unusable lookup. */
function csFields(item: string, target: string, invalid: (field: string) => string): string[] {
  return [
    'foreach (JObject f in (JArray)plan["fields"]) {',
    `  var v = ${item}[(string)f["name"]];`,
    '  if (v == null || v.Type == JTokenType.Null) { continue; }',
    '  var lookup = f["lookup"] as JObject;',
    `  if (lookup == null) { ${target}[(string)f["target"]] = v; continue; }`,
    '  var lkey = (JArray)lookup["key"];',
    '  var lparts = new List<string>();',
    ...csKeyParts(
      'lkey',
      'lparts',
      ['var pv = lkey.Count == 1 ? v : (v.Type == JTokenType.Object ? v[(string)p["column"]] : null);', ...csText('pv')],
      invalid('(string)f["name"]'),
    ).map((l) => `  ${l}`),
    `  ${target}[(string)f["target"]] = "/" + (string)lookup["entitySet"] + "(" + string.Join(",", lparts) + ")";`,
    '}',
  ];
}

/** C#: the key segment of a PUT from the path parameters (pathKeySegment), `{"segment":..}` or `{"invalidField":..}`. @internal */
export function keyExpression(plan: UpsertPlan): string {
  return block([
    `var plan = JObject.Parse(${csharpVerbatim(planJson(plan))});`,
    'var parts = new List<string>();',
    ...csKeyParts(
      '(JArray)plan["key"]',
      'parts',
      [
        'string text;',
        'if (!context.Request.MatchedParameters.TryGetValue((string)p["name"], out text)) { text = null; }',
        'if (text != null) { text = Uri.UnescapeDataString(text); }',
      ],
      `new JObject(new JProperty("invalidField", (string)p["name"])).ToString(${JSON_NONE})`,
    ),
    `return new JObject(new JProperty("segment", string.Join(",", parts))).ToString(${JSON_NONE});`,
  ]);
}

/** C#: the PUT body (transformBody), `{"body":{..}}` or `{"invalidField":..}`. @internal */
export function bodyExpression(plan: UpsertPlan): string {
  const invalid = (field: string) => `new JObject(new JProperty("invalidField", ${field})).ToString(${JSON_NONE})`;
  return block([...csPrologue(plan), 'var body = new JObject();', ...csFields('src', 'body', invalid), `return new JObject(new JProperty("body", body)).ToString(${JSON_NONE});`]);
}

/** C#: the UpsertMultiple request and the items' keys (transformBulk), or the first unusable item. @internal */
export function bulkExpression(plan: UpsertPlan): string {
  const invalid = (field: string) => `new JObject(new JProperty("invalidItem", i), new JProperty("invalidField", ${field})).ToString(${JSON_NONE})`;
  return block([
    ...csPrologue(plan),
    'var items = src["items"] as JArray;',
    'if (items == null) { items = new JArray(); }',
    'var targets = new JArray();',
    'var keys = new JArray();',
    'for (int i = 0; i < items.Count; i++) {',
    '  var item = items[i] as JObject;',
    '  if (item == null) { item = new JObject(); }',
    '  var kparts = new List<string>();',
    '  var keyOf = new JObject();',
    ...csKeyParts('(JArray)plan["key"]', 'kparts', ['var pv = item[(string)p["name"]];', ...csText('pv')], invalid('(string)p["name"]'), ['keyOf[(string)p["name"]] = pv;']).map(
      (l) => `  ${l}`,
    ),
    '  var target = new JObject();',
    '  target["@odata.type"] = (string)plan["odataType"];',
    '  target["@odata.id"] = (string)plan["entitySet"] + "(" + string.Join(",", kparts) + ")";',
    ...csFields('item', 'target', invalid).map((l) => `  ${l}`),
    '  targets.Add(target);',
    '  keys.Add(keyOf);',
    '}',
    `return new JObject(new JProperty("request", new JObject(new JProperty("Targets", targets))), new JProperty("keys", keys)).ToString(${JSON_NONE});`,
  ]);
}

/** C#: Dataverse's error as `{ error: { code, message } }` (publicError); `results` added for a batch. */
function errorExpression(withResults: boolean): string {
  const lines = [
    'JObject r = null;',
    'try { r = context.Response.Body.As<JObject>(preserveContent: true); } catch (Exception) { r = null; }',
    'var e = r == null ? null : r["error"] as JObject;',
    'var code = e != null && e["code"] != null && e["code"].Type == JTokenType.String ? (string)e["code"] : "";',
    'var message = e != null && e["message"] != null && e["message"].Type == JTokenType.String ? (string)e["message"] : "Dataverse returned an error.";',
    'var answer = new JObject(new JProperty("error", new JObject(new JProperty("code", code), new JProperty("message", message))));',
  ];
  if (withResults) lines.push(...bulkResults('rolled-back'), 'answer["results"] = results;');
  lines.push(`return answer.ToString(${JSON_NONE});`);
  return block(lines);
}

function bulkResults(status: string): string[] {
  return [
    'var keys = (JArray)JObject.Parse(context.Variables.GetValueOrDefault<string>("upsertRequest"))["keys"];',
    'var results = new JArray();',
    `for (int i = 0; i < keys.Count; i++) { results.Add(new JObject(new JProperty("index", i), new JProperty("key", keys[i]), new JProperty("status", "${status}"))); }`,
  ];
}

function block(lines: string[]): string {
  return `@{\n${lines.join('\n')}\n}`;
}

/** Response headers that name the environment or Dataverse's internals; the caller does not get them. @internal */
export const DROPPED_RESPONSE_HEADERS = ['OData-EntityId', 'OData-Version', 'Preference-Applied', 'ETag', 'Set-Cookie', 'REQ_ID', 'x-ms-service-request-id'];

const variable = (name: string) => `context.Variables.GetValueOrDefault<string>("${name}")`;

function validation(maxBodyBytes: number, parameters: boolean): string[] {
  return [
    ...(parameters ? ['<validate-parameters specified-parameter-action="prevent" unspecified-parameter-action="ignore" errors-variable-name="requestParameterValidation" />'] : []),
    `<validate-content unspecified-content-type-action="prevent" max-size="${maxBodyBytes}" size-exceeded-action="prevent" errors-variable-name="requestBodyValidation">`,
    '  <content type="application/json" validate-as="json" action="prevent" allow-additional-properties="false" />',
    '</validate-content>',
  ];
}

/** `<choose>` that answers 400 when a variable's JSON holds `invalidField`. */
function refuseInvalid(variableName: string, message: string): string[] {
  const when = `@(JObject.Parse(${variable(variableName)})["invalidField"] != null)`;
  return [
    '<choose>',
    `  <when condition="${xmlEscape(when)}">`,
    '    <return-response>',
    '      <set-status code="400" reason="Bad Request" />',
    `      ${setHeader('Content-Type', 'application/json')}`,
    `      <set-body>${xmlEscape(message)}</set-body>`,
    '    </return-response>',
    '  </when>',
    '</choose>',
  ];
}

function invalidMessage(variableName: string, what: string): string {
  return block([
    `var x = JObject.Parse(${variable(variableName)});`,
    `var where = x["invalidItem"] != null ? "items[" + (string)x["invalidItem"] + "]." : "";`,
    `var text = where + (string)x["invalidField"] + " ${what}";`,
    `return new JObject(new JProperty("error", new JObject(new JProperty("code", "InvalidKeyValue"), new JProperty("message", text)))).ToString(${JSON_NONE});`,
  ]);
}

const KEY_PROBLEM = "cannot address a row: it is empty, is not of the key column's type, or holds one of / < > * % & : \\\\ ? + (Dataverse cannot take them in a key).";

function dropHeaders(): string[] {
  return DROPPED_RESPONSE_HEADERS.map((h) => `<set-header name="${h}" exists-action="delete" />`);
}

/** The policy of the PUT route: validate, build key and body, PATCH with the mode's condition, map the answer. @internal */
export function upsertPolicyXml(plan: UpsertPlan, maxBodyBytes: number): string {
  const inbound = [
    ...validation(maxBodyBytes, true),
    `<set-variable name="upsertKey" value="${xmlEscape(keyExpression(plan))}" />`,
    ...refuseInvalid('upsertKey', invalidMessage('upsertKey', KEY_PROBLEM)),
    `<set-variable name="upsertBody" value="${xmlEscape(bodyExpression(plan))}" />`,
    ...refuseInvalid('upsertBody', invalidMessage('upsertBody', KEY_PROBLEM)),
    `<rewrite-uri template="${xmlEscape(`@("/${plan.entitySet}(" + (string)JObject.Parse(${variable('upsertKey')})["segment"] + ")?$select=${plan.primaryKey}")`)}" copy-unmatched-params="false" />`,
    '<set-method>PATCH</set-method>',
    setHeader('Prefer', 'return=representation'),
    ...(plan.mode === UpsertMode.CREATE_ONLY ? [setHeader('If-None-Match', '*')] : []),
    ...(plan.mode === UpsertMode.UPDATE_ONLY ? [setHeader('If-Match', '*')] : []),
    setHeader('Content-Type', 'application/json'),
    `<set-body>${xmlEscape(`@(((JObject)JObject.Parse(${variable('upsertBody')})["body"]).ToString(${JSON_NONE}))`)}</set-body>`,
  ];
  const created = `@(new JObject(new JProperty("id", context.Response.Body.As<JObject>(preserveContent: true)["${plan.primaryKey}"])).ToString(${JSON_NONE}))`;
  const outbound = [
    ...dropHeaders(),
    '<choose>',
    '  <when condition="@(context.Response.StatusCode == 201)">',
    `    <set-body>${xmlEscape(created)}</set-body>`,
    '  </when>',
    '  <when condition="@(context.Response.StatusCode == 200 || context.Response.StatusCode == 204)">',
    '    <set-status code="204" reason="No Content" />',
    '    <set-body></set-body>',
    '  </when>',
    ...(plan.mode === UpsertMode.CREATE_ONLY
      ? [
          '  <when condition="@(context.Response.StatusCode == 412)">',
          '    <set-status code="409" reason="Conflict" />',
          `    <set-body>${xmlEscape(errorExpression(false))}</set-body>`,
          '  </when>',
        ]
      : []),
    '  <when condition="@(context.Response.StatusCode >= 400)">',
    `    <set-body>${xmlEscape(errorExpression(false))}</set-body>`,
    '  </when>',
    '</choose>',
  ];
  return policies(inbound, outbound);
}

/** The policy of the bulk route: validate, build Targets and keys, POST UpsertMultiple, map each item to its key. @internal */
export function bulkPolicyXml(plan: UpsertPlan, maxBodyBytes: number): string {
  const inbound = [
    ...validation(maxBodyBytes, false),
    `<set-variable name="upsertRequest" value="${xmlEscape(bulkExpression(plan))}" />`,
    ...refuseInvalid('upsertRequest', invalidMessage('upsertRequest', KEY_PROBLEM)),
    `<rewrite-uri template="/${plan.entitySet}/Microsoft.Dynamics.CRM.UpsertMultiple" copy-unmatched-params="false" />`,
    '<set-method>POST</set-method>',
    setHeader('Content-Type', 'application/json'),
    `<set-body>${xmlEscape(`@(((JObject)JObject.Parse(${variable('upsertRequest')})["request"]).ToString(${JSON_NONE}))`)}</set-body>`,
  ];
  const ok = block([...bulkResults('upserted'), `return new JObject(new JProperty("results", results)).ToString(${JSON_NONE});`]);
  const outbound = [
    ...dropHeaders(),
    '<choose>',
    '  <when condition="@(context.Response.StatusCode == 200 || context.Response.StatusCode == 204)">',
    '    <set-status code="200" reason="OK" />',
    `    ${setHeader('Content-Type', 'application/json')}`,
    `    <set-body>${xmlEscape(ok)}</set-body>`,
    '  </when>',
    '  <otherwise>',
    `    <set-body>${xmlEscape(errorExpression(true))}</set-body>`,
    '  </otherwise>',
    '</choose>',
  ];
  return policies(inbound, outbound);
}
