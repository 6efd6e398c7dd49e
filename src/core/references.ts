// References between Terraform elements, read from the `${...}` expressions of their configuration
// (the rule pack and the diagram both follow them).

/** A reference inside a Terraform expression. @internal */
export interface TfReference {
  /** `azurerm_servicebus_queue.x` or `data.azurerm_servicebus_namespace.y`. */
  readonly address: string;
  readonly type: string;
  readonly dataSource: boolean;
  /** First attribute after the address, e.g. `primary_key`. */
  readonly attribute?: string;
}

const REFERENCE = /(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\.([a-z_][a-z0-9_]*))?/g;
const EXPRESSION = /\$\{([^}]*)\}/g;

/** References to resources and data sources anywhere in a value (strings inside `${...}`). @internal */
export function referencesIn(value: unknown): TfReference[] {
  const found = new Map<string, TfReference>();
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      for (const expression of v.matchAll(EXPRESSION)) {
        for (const m of expression[1].matchAll(REFERENCE)) {
          const [, data, type, name, attribute] = m;
          if (!data && ['var', 'local', 'module', 'each', 'count', 'path', 'terraform', 'self'].includes(type)) continue;
          const address = `${data ? 'data.' : ''}${type}.${name}`;
          const key = `${address}.${attribute ?? ''}`;
          if (!found.has(key)) found.set(key, { address, type, dataSource: !!data, attribute });
        }
      }
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v !== null && typeof v === 'object') {
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return [...found.values()];
}
