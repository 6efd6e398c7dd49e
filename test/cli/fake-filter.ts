// $filter for the fake Web API. Dataverse is an OData 4.0 service (Microsoft Learn, "Use OData to
// query data": OData 4.01 features such as the `in` operator are not available); it offers
// comparison operators joined with `and`, lookup navigation (`sdkmessageid/name eq 'Create'`,
// "Filter rows using OData") and query functions such as
// `Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)` with parameter aliases
// (`@p1='name'&@p2=["a","b"]`, the In function's reference page). The fake parses exactly that,
// and `ge` on a date and time (an unquoted DateTimeOffset literal, `createdon ge 2026-01-01T00:00:00Z`;
// OData 4.0 Part 2: URL Conventions, §5.1.1.1 comparison operators, §5.1.1.2 literals), which the
// status command filters system jobs with.

export interface Condition {
  readonly path: string[];
  /** eq: one value; in: any of the values; ge: the lower bound. */
  readonly values: any[];
  /** `ge`: the value is at least values[0] (dates compare as instants). */
  readonly ge?: boolean;
}

/** Parses `$filter` (aliases from the query string) into conditions joined by `and`. */
export function parseFilter(filter: string, aliases: URLSearchParams): Condition[] {
  const out: Condition[] = [];
  const parts = splitAnd(filter.trim());
  for (const part of parts) {
    const fn = /^Microsoft\.Dynamics\.CRM\.In\(PropertyName=([^,]+),PropertyValues=(.+)\)$/.exec(part);
    if (fn) {
      const name = literal(alias(fn[1], aliases));
      const values = JSON.parse(alias(fn[2], aliases).replace(/'((?:[^']|'')*)'/g, (_, v) => JSON.stringify(v.replace(/''/g, "'"))));
      if (typeof name !== 'string' || !Array.isArray(values)) throw new Error(`In() needs a property name and a list of values`);
      out.push({ path: name.split('/'), values: values.map((v) => normalise(v)) });
      continue;
    }
    if (/\sin\s*\(/.test(part)) throw new Error("the OData 4.01 'in' operator is not supported by this OData 4.0 service");
    const tokens = part.match(/'(?:[^']|'')*'|[^\s]+/g) ?? [];
    const [path, op, lit] = tokens;
    if (tokens.length !== 3 || (op !== 'eq' && op !== 'ge') || !/^[A-Za-z_][A-Za-z0-9_/]*$/.test(path ?? '')) throw new Error(`unsupported near '${part}'`);
    if (op === 'ge') {
      if (!DATE_TIME.test(lit!)) throw new Error(`ge needs a date and time literal near '${part}'`);
      out.push({ path: path!.split('/'), values: [lit], ge: true });
      continue;
    }
    out.push({ path: path!.split('/'), values: [normalise(literal(lit!))] });
  }
  return out;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether a row's value meets a condition. */
export function meets(c: Condition, value: any): boolean {
  if (c.ge) return typeof value === 'string' && Date.parse(value) >= Date.parse(c.values[0]);
  return c.values.includes(value);
}

function splitAnd(filter: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i];
    if (c === "'") quoted = !quoted;
    if (quoted) continue;
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (depth === 0 && filter.startsWith(' and ', i)) {
      parts.push(filter.slice(start, i).trim());
      start = i + 5;
    }
  }
  parts.push(filter.slice(start).trim());
  return parts;
}

function alias(text: string, aliases: URLSearchParams): string {
  const t = text.trim();
  if (!t.startsWith('@')) return t;
  const value = aliases.get(t);
  if (value === null) throw new Error(`parameter alias ${t} has no value`);
  return value;
}

function literal(text: string): any {
  if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  if (text === 'null') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^[0-9a-fA-F-]{36}$/.test(text)) return text.toLowerCase();
  throw new Error(`unsupported literal ${text}`);
}

export function normalise(v: any): any {
  return v === undefined ? null : typeof v === 'string' && /^[0-9a-fA-F-]{36}$/.test(v) ? v.toLowerCase() : v;
}
