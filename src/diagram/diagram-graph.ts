// The graph of a stack's integrations: Dataverse table and message → endpoint → Azure resource →
// consumers and backends. Derived generically from the registration manifest (steps point at
// endpoints by reference; an endpoint names its Azure target in its columns or in the outputs that
// fill them) and from the synthesized Terraform (role assignments, consumer groups, subscriptions
// and anything else that references the target), so a new pattern gets its diagram for free.
//
// Linear in the size of the stack: resources are indexed once (diagram-index.ts) and looked up by
// address, name or host; no endpoint is compared with every resource. Each integration (the
// construct that holds an endpoint or custom API and its resources) is one cluster; a node reached
// from two integrations (a shared identity, a principal) is drawn once, outside the clusters.
import { compare, IndexedResource, ResourceIndex, VisitCounter } from './diagram-index';
import { referencesIn } from '../core/references';
import { CHANGE_TRACKING_TABLE } from '../dataverse/change-tracking-metadata';
import { ManifestRecord, RegistrationManifest } from '../dataverse/manifest';

type Side = 'dataverse' | 'azure' | 'outside';

interface DiagramNode {
  readonly id: string;
  readonly label: string;
  readonly side: Side;
  readonly shape: string;
}

interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly dashed?: boolean;
}

const CONTRACTS: { [contract: number]: string } = {
  1: 'Relay one-way endpoint',
  2: 'Service Bus queue endpoint',
  3: 'Relay endpoint',
  4: 'Relay two-way endpoint',
  5: 'Service Bus topic endpoint',
  6: 'Service Bus queue endpoint',
  7: 'Event Hubs endpoint',
  8: 'webhook endpoint',
  9: 'Event Grid endpoint',
  10: 'data lake endpoint',
};

const TABLES: { [table: string]: string } = {
  customapi: 'custom API',
  systemuser: 'application user',
  entitykey: 'alternate key',
};

const FRIENDLY: { [type: string]: string } = {
  azurerm_servicebus_queue: 'Service Bus queue',
  azurerm_servicebus_topic: 'Service Bus topic',
  azurerm_servicebus_subscription: 'subscription',
  azurerm_eventhub: 'event hub',
  azurerm_eventhub_consumer_group: 'consumer group',
  azurerm_relay_hybrid_connection: 'hybrid connection',
  azurerm_linux_function_app: 'Function App',
  azurerm_windows_function_app: 'Function App',
  azurerm_function_app_flex_consumption: 'Function App',
  azurerm_storage_account: 'storage account',
  azurerm_application_insights: 'Application Insights',
  azurerm_key_vault: 'Key Vault',
  azurerm_api_management: 'API Management',
  azurerm_api_management_api: 'API',
  azurerm_api_management_api_operation: 'API operation',
  azurerm_api_management_backend: 'API backend',
  azurerm_user_assigned_identity: 'managed identity',
};

const FILL: { [side in Side]: string } = { dataverse: '#f3e8f7', azure: '#e6f2fb', outside: '#f5f5f5' };
/** Longest label line; longer lines wrap at a separator so that no text overflows its box. */
const LINE = 32;

function quoteDot(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Wraps each line of a label at `/`, `-`, `_`, `.` or a space so that none is longer than LINE. @internal */
export function fitLabel(label: string): string {
  const out: string[] = [];
  for (let line of label.split('\n')) {
    while (line.length > LINE) {
      const window = line.slice(0, LINE);
      const cut = Math.max(...['/', '-', '_', '.', ' '].map((s) => window.lastIndexOf(s)));
      const at = cut >= LINE / 3 ? cut + 1 : LINE;
      out.push(line.slice(0, at).trimEnd());
      line = line.slice(at).trimStart();
    }
    out.push(line);
  }
  return out.join('\n');
}

/** The graph, ready to print as DOT. @internal */
export class Diagram {
  private readonly nodes = new Map<string, { node: DiagramNode; group?: string; shared: boolean }>();
  private readonly edges = new Map<string, DiagramEdge>();

  constructor(private readonly subtitle: string) {}

  /** Adds a node to an integration's cluster (the first one wins; a node of two clusters is shared). */
  public node(node: DiagramNode, group: string | undefined): string {
    const existing = this.nodes.get(node.id);
    if (!existing) this.nodes.set(node.id, { node: { ...node, label: fitLabel(node.label) }, group, shared: false });
    else if (existing.group !== group) existing.shared = true;
    return node.id;
  }

  public edge(edge: DiagramEdge): void {
    const key = `${edge.from}\u0000${edge.to}\u0000${edge.label ?? ''}`;
    if (!this.edges.has(key)) this.edges.set(key, edge);
  }

  /** How many nodes the graph has. */
  public get size(): number {
    return this.nodes.size;
  }

  public toDot(title: string): string {
    const groups = new Map<string, DiagramNode[]>();
    const loose: DiagramNode[] = [];
    for (const { node, group, shared } of [...this.nodes.values()].sort((a, b) => compare(a.node.id, b.node.id))) {
      if (group === undefined || shared) loose.push(node);
      else if (groups.has(group)) groups.get(group)!.push(node);
      else groups.set(group, [node]);
    }
    // Each integration is laid out on its own and the results packed in a grid with about eight
    // times as many rows as columns (packmode array_c<columns>): one global layout of thousands of nodes takes seconds and mixes
    // integrations up, while hundreds of small ones take a fraction of that.
    const columns = Math.max(1, Math.ceil(Math.sqrt(groups.size / 8)));
    const lines: string[] = [
      'digraph integrations {',
      `  graph [rankdir=LR, pack=true, packmode="array_c${columns}", fontname="Helvetica", fontsize=12, labelloc=t, label=${quoteDot(`stack ${title}\n${this.subtitle}`)}, nodesep=0.3, ranksep=0.6];`,
      '  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled", margin="0.15,0.06"];',
      '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
    ];
    const render = (n: DiagramNode) => `${quoteDot(n.id)} [label=${quoteDot(n.label)}, shape=${n.shape}, fillcolor=${quoteDot(FILL[n.side])}];`;
    for (const group of [...groups.keys()].sort(compare)) {
      const label = group.split('/').slice(1).join('/');
      lines.push(`  subgraph ${quoteDot(`cluster_${group}`)} {`);
      lines.push(`    label=${quoteDot(fitLabel(label))}; style="rounded"; color="#0078d4"; fontcolor="#0078d4";`);
      groups.get(group)!.forEach((n) => lines.push(`    ${render(n)}`));
      lines.push('  }');
    }
    loose.forEach((n) => lines.push(`  ${render(n)}`));
    if (this.nodes.size === 0) lines.push('  "empty" [label="no integrations registered", shape=plaintext];');
    const edges = [...this.edges.values()].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(a.label ?? '', b.label ?? ''));
    for (const e of edges) {
      const attrs = [e.label ? `label=${quoteDot(e.label)}` : undefined, e.dashed ? 'style=dashed' : undefined].filter((a) => a !== undefined);
      lines.push(`  ${quoteDot(e.from)} -> ${quoteDot(e.to)}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
    }
    lines.push('}');
    return `${lines.join('\n')}\n`;
  }
}

/**
 * The diagram of one manifest and its synthesized Terraform (`cdk.tf.json` as an object).
 * `counter` counts resource visits (tests prove the build linear with it).
 * @internal
 */
export function buildDiagram(manifest: RegistrationManifest, tf: any, hostName: string, counter?: VisitCounter): Diagram {
  const diagram = new Diagram(`Dataverse ${hostName}`);
  const index = new ResourceIndex(tf, counter);
  const outputs: { [name: string]: any } = tf?.output ?? {};
  const records = new Map(manifest.records.map((r) => [r.id, r]));
  const groupOfRecord = new Map<string, string | undefined>();
  const imagesOfStep = new Map<string, number>();
  for (const r of manifest.records) {
    if (r.table !== 'sdkmessageprocessingstepimage') continue;
    for (const id of new Set(r.references.map((ref) => ref.id))) imagesOfStep.set(id, (imagesOfStep.get(id) ?? 0) + 1);
  }

  const resourceNode = (r: IndexedResource, group: string | undefined): string => {
    const ns = index.namespaceOf(r);
    const friendly = FRIENDLY[r.type] ?? r.type.replace(/^azurerm_/, '').replace(/_/g, ' ');
    return diagram.node({ id: `resource:${r.address}`, label: `${friendly}\n${ns ? `${ns}/` : ''}${index.displayName(r)}`, side: 'azure', shape: 'box' }, group);
  };

  const principalNode = (assignment: IndexedResource, group: string | undefined): string => {
    const principal = assignment.config.principal_id;
    const target = referencesIn(principal)
      .map((ref) => index.get(ref.address))
      .find((r): r is IndexedResource => r !== undefined);
    if (target) return resourceNode(target, group);
    const text = typeof principal === 'string' && !principal.includes('${') ? principal : 'principal from a Terraform reference';
    return diagram.node({ id: `principal:${group === undefined ? '' : `${group}:`}${text}`, label: `principal\n${text}`, side: 'outside', shape: 'ellipse' }, group);
  };

  /** Consumers of a resource: role assignments on it, and what references it (subscriptions, consumer groups …). */
  const expand = (r: IndexedResource, from: string, depth: number, seen: Set<string>, group: string | undefined) => {
    if (seen.has(r.address)) return;
    seen.add(r.address);
    for (const c of index.referrers(r.address)) {
      if (c.type === 'azurerm_role_assignment') {
        if (!referencesIn(c.config.scope).some((ref) => ref.address === r.address)) continue;
        diagram.edge({ from, to: principalNode(c, group), label: String(c.config.role_definition_name ?? 'role assignment') });
      } else if (!c.hidden && depth < 3) {
        const child = resourceNode(c, group);
        diagram.edge({ from, to: child });
        expand(c, child, depth + 1, seen, group);
      }
    }
  };

  /** Backends of a target: what it references (storage, Application Insights, identities …). */
  const backends = (r: IndexedResource, from: string, group: string | undefined) => {
    for (const address of r.references) {
      const d = index.get(address);
      if (!d || d.hidden) continue;
      diagram.edge({ from, to: resourceNode(d, group), label: 'uses', dashed: true });
    }
  };

  /** Azure resources an endpoint points at: through the outputs that fill its columns, its path or its URL's host. */
  const targetsOf = (record: ManifestRecord): IndexedResource[] => {
    const found = new Map<string, IndexedResource>();
    for (const o of record.fromOutputs.filter((x) => !x.sensitive)) {
      for (const ref of referencesIn(outputs[o.output]?.value)) {
        const r = index.get(ref.address);
        if (r && !r.hidden) found.set(r.address, r);
      }
    }
    const { path, solutionnamespace: ns, url } = record.columns;
    if (typeof path === 'string') for (const r of index.named(path)) if (ns === undefined || index.namespaceOf(r) === ns) found.set(r.address, r);
    const host = typeof url === 'string' ? urlHost(url) : undefined;
    if (host) for (const r of index.hostedAt(host)) found.set(r.address, r);
    return [...found.values()].sort((a, b) => compare(a.address, b.address));
  };

  /**
   * Inbound: Azure resources whose configuration names the record (an API operation calling a
   * custom API, an upsert policy addressing rows by an alternate key's logical name).
   */
  const callersOf = (record: ManifestRecord): IndexedResource[] => {
    const c = record.columns;
    const key = record.table === 'entitykey' ? c.logicalname : (c.uniquename ?? c.name);
    if (typeof key !== 'string' || key.length < 5) return [];
    return index.mentioning(key).filter((r) => index.nameOf(r) !== key);
  };

  const dataverseNode = (record: ManifestRecord, group: string | undefined): string => {
    const c = record.columns;
    let label: string;
    if (record.table === 'serviceendpoint') label = `${CONTRACTS[c.contract] ?? `endpoint (contract ${c.contract})`}\n${c.name ?? record.path}`;
    else if (record.table === 'entitykey') label = `alternate key\n${c.schemaname ?? record.path}\n${c.entitylogicalname}: ${c.keyattributes}`;
    else if (record.table === CHANGE_TRACKING_TABLE) label = `change tracking\n${c.logicalname ?? record.path}`;
    else label = `${TABLES[record.table] ?? record.table}\n${c.uniquename ?? c.name ?? record.path}`;
    return diagram.node({ id: `record:${record.id}`, label, side: 'dataverse', shape: 'box' }, group);
  };

  // Top-level records: endpoints, custom APIs, alternate keys … (records that point at no other record).
  for (const record of manifest.records.filter((r) => r.references.length === 0)) {
    const endpoint = record.table === 'serviceendpoint';
    const related = endpoint ? targetsOf(record) : callersOf(record);
    const group = groupOf(record, related);
    groupOfRecord.set(record.id, group);
    const node = dataverseNode(record, group);
    if (!endpoint) {
      const label = record.table === 'entitykey' ? 'upserts by key' : 'calls';
      for (const r of related) diagram.edge({ from: resourceNode(r, group), to: node, label });
      continue;
    }
    for (const t of related) {
      const target = resourceNode(t, group);
      diagram.edge({ from: node, to: target, label: 'sends to' });
      expand(t, target, 0, new Set(), group);
      backends(t, target, group);
    }
    if (related.length === 0 && (record.columns.path !== undefined || record.columns.url !== undefined)) {
      const where = record.columns.url ?? `${record.columns.solutionnamespace ?? '?'}/${record.columns.path}`;
      const external = diagram.node({ id: `external:${where}`, label: `existing\n${where}`, side: 'outside', shape: 'box' }, group);
      diagram.edge({ from: node, to: external, label: 'sends to' });
    }
  }

  // Triggers: table and message → endpoint, one edge per step, in the endpoint's cluster.
  for (const step of manifest.records.filter((r) => r.table === 'sdkmessageprocessingstep')) {
    const handler = step.references.find((r) => r.column === 'eventhandler');
    const endpoint = handler ? records.get(handler.id) : undefined;
    const filter = step.lookups.find((l) => l.column === 'sdkmessagefilterid')?.key;
    const message = step.lookups.find((l) => l.column === 'sdkmessageid')?.key.message ?? filter?.message ?? '?';
    const table = filter?.table ?? 'any table';
    const group = endpoint ? groupOfRecord.get(endpoint.id) : undefined;
    const id = `trigger:${group === undefined ? '' : `${group}:`}${table}:${message}`;
    const trigger = diagram.node({ id, label: `${table}\n${message}`, side: 'dataverse', shape: 'note' }, group);
    if (!endpoint) continue;
    const c = step.columns;
    const mode = c.mode === 0 ? `sync, stage ${c.stage}` : 'async';
    const images = imagesOfStep.get(step.id) ?? 0;
    const parts = [mode, c.filteringattributes ? `on ${c.filteringattributes}` : undefined, images > 0 ? `${images} image${images > 1 ? 's' : ''}` : undefined];
    diagram.edge({ from: trigger, to: dataverseNode(endpoint, group), label: parts.filter((p) => p !== undefined).join(', ') });
  }
  return diagram;
}

/**
 * The integration a top-level record belongs to: the construct path its record and the resources
 * it points at share (`stack/orders` for `stack/orders/endpoint` and `stack/orders/queue/Default`),
 * else the record's parent; none at the stack's root.
 */
function groupOf(record: ManifestRecord, related: IndexedResource[]): string | undefined {
  const parent = record.path.split('/').slice(0, -1);
  let prefix = parent;
  for (const r of related) {
    if (!r.constructPath) continue;
    const other = r.constructPath.split('/');
    let n = 0;
    while (n < prefix.length && n < other.length && prefix[n] === other[n]) n++;
    prefix = prefix.slice(0, n);
  }
  const chosen = prefix.length >= 2 ? prefix : parent;
  return chosen.length >= 2 ? chosen.join('/') : undefined;
}

function urlHost(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
