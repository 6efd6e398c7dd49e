// The index the diagram is built from: every resource of a synthesized stack (`cdk.tf.json` as an
// object) read once, with its references, who references it, its name and namespace, so that the
// graph build looks resources up by address, name or host instead of scanning the stack per
// endpoint (a 500-integration stack has ~3,000 resources: a scan per endpoint is quadratic).
import { referencesIn } from '../core/references';

/**
 * Counts how many times the diagram looks at a resource (the index counts each resource once,
 * then every lookup result and every referrer it follows). Tests pass one to prove the build linear.
 * @internal
 */
export interface VisitCounter {
  visits: number;
}

/** One resource of the stack. @internal */
export interface IndexedResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** The configuration without cdktf's `//` metadata. */
  readonly config: any;
  /** The construct path cdktf recorded (`stack/integration/queue/Default`), when there is one. */
  readonly constructPath?: string;
  /** Not worth a box: plumbing, keys, or shown inside another label. */
  readonly hidden: boolean;
  /** Addresses this resource references (itself excluded), sorted. */
  readonly references: string[];
}

/** Types that are not worth a box. */
const HIDDEN = [
  /_authorization_rule$/,
  /_namespace$/,
  /^azurerm_resource_group$/,
  /^azurerm_service_plan$/,
  /^azurerm_servicebus_subscription_rule$/,
  /^azurerm_monitor_diagnostic_setting$/,
  /^azurerm_management_lock$/,
  /^azurerm_role_definition$/,
  /^random_/,
];

/** Code point order (stable across machines, unlike localeCompare). @internal */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A literal (not a `${...}` reference) string, else undefined. */
function literal(value: unknown): string | undefined {
  return typeof value === 'string' && !value.includes('${') ? value : undefined;
}

/** The resources of a stack, indexed once. @internal */
export class ResourceIndex {
  private readonly byAddress = new Map<string, IndexedResource>();
  private readonly referrerMap = new Map<string, IndexedResource[]>();
  private readonly byName = new Map<string, IndexedResource[]>();
  private readonly byLowerName = new Map<string, IndexedResource[]>();
  private readonly namespaces = new Map<string, string | undefined>();
  private tokens?: Map<string, IndexedResource[]>;

  constructor(
    tf: any,
    private readonly counter: VisitCounter = { visits: 0 },
  ) {
    for (const [type, byName] of Object.entries<any>(tf?.resource ?? {})) {
      for (const [name, raw] of Object.entries<any>(byName ?? {})) {
        this.counter.visits++;
        const address = `${type}.${name}`;
        const config = withoutMeta(raw);
        const references = [...new Set(referencesIn(config).map((r) => r.address))].filter((a) => a !== address).sort(compare);
        const constructPath = literal(raw?.['//']?.metadata?.path);
        const r: IndexedResource = { address, type, name, config, constructPath, hidden: HIDDEN.some((h) => h.test(type)), references };
        this.byAddress.set(address, r);
      }
    }
    for (const r of this.byAddress.values()) {
      for (const target of r.references) push(this.referrerMap, target, r);
      if (r.hidden) continue;
      const n = this.nameOf(r);
      push(this.byName, n, r);
      push(this.byLowerName, n.toLowerCase(), r);
    }
    for (const list of this.referrerMap.values()) list.sort((a, b) => compare(a.address, b.address));
  }

  /** The resource at an address (`azurerm_servicebus_queue.x`), counted as a visit when found. */
  public get(address: string): IndexedResource | undefined {
    const r = this.byAddress.get(address);
    if (r) this.counter.visits++;
    return r;
  }

  /** Resources that reference `address`, sorted by address. */
  public referrers(address: string): IndexedResource[] {
    const list = this.referrerMap.get(address) ?? [];
    this.counter.visits += list.length;
    return list;
  }

  /** Shown resources whose name is exactly `name`. */
  public named(name: string): IndexedResource[] {
    return this.counted(this.byName.get(name));
  }

  /** Shown resources whose name (lowercase) is the first labels of `host` (`func-x` of `func-x.azurewebsites.net`). */
  public hostedAt(host: string): IndexedResource[] {
    const found: IndexedResource[] = [];
    for (let dot = host.indexOf('.'); dot > 0; dot = host.indexOf('.', dot + 1)) found.push(...this.counted(this.byLowerName.get(host.slice(0, dot))));
    return found;
  }

  /**
   * Shown resources whose configuration holds `word` as a whole word (letters, digits, `_`), e.g.
   * an API operation whose URL template names a custom API. The words are indexed on first use.
   */
  public mentioning(word: string): IndexedResource[] {
    if (!this.tokens) {
      this.tokens = new Map();
      for (const r of this.byAddress.values()) {
        if (r.hidden) continue;
        this.counter.visits++;
        const words = new Set(JSON.stringify(r.config).match(/[A-Za-z0-9_]{5,}/g) ?? []);
        for (const w of words) push(this.tokens, w, r);
      }
    }
    return this.counted(this.tokens.get(word));
  }

  /** The resource's `name` when it is a literal, else its Terraform name. */
  public nameOf(r: IndexedResource): string {
    return literal(r.config.name) ?? r.name;
  }

  /** A label name: the literal `name`, else the construct path below the stack (no better name exists). */
  public displayName(r: IndexedResource): string {
    const name = literal(r.config.name);
    if (name !== undefined) return name;
    const segments = (r.constructPath ?? r.name).split('/').slice(1);
    while (segments.length > 1 && ['Default', 'Resource'].includes(segments[segments.length - 1])) segments.pop();
    return segments.slice(-2).join('/') || r.name;
  }

  /** The namespace a resource lives in (referenced namespace resource, literal name, or existing namespace id). */
  public namespaceOf(r: IndexedResource): string | undefined {
    if (this.namespaces.has(r.address)) return this.namespaces.get(r.address);
    let ns: string | undefined;
    for (const address of r.references) {
      const target = this.byAddress.get(address);
      if (target && /_namespace$/.test(target.type)) {
        ns = this.nameOf(target);
        break;
      }
    }
    ns ??= literal(r.config.namespace_name) ?? literal(r.config.relay_namespace_name);
    // An existing namespace given by its resource id: .../namespaces/<name>
    const id = literal(r.config.namespace_id);
    if (ns === undefined && id !== undefined) ns = /\/namespaces\/([^/]+)$/i.exec(id)?.[1];
    this.namespaces.set(r.address, ns);
    return ns;
  }

  private counted(list: IndexedResource[] | undefined): IndexedResource[] {
    this.counter.visits += list?.length ?? 0;
    return list ?? [];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A resource's configuration without cdktf's `//` metadata (which holds construct paths). */
function withoutMeta(config: any): any {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return config;
  const rest = { ...config };
  delete rest['//'];
  return rest;
}
