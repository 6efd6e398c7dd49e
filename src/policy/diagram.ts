// The diagram of a stack's integrations: Dataverse table and message → endpoint → Azure resource →
// consumers and backends. Derived generically from the registration manifest (steps point at
// endpoints by reference; an endpoint names its Azure target in its columns or in the outputs that
// fill them) and from the synthesized Terraform (role assignments, consumer groups, subscriptions
// and anything else that references the target), so a new pattern gets its diagram for free.
import { TerraformStack } from 'cdktf';
import { CHANGE_TRACKING_TABLE } from '../dataverse/change-tracking-metadata';
import { referencesIn } from './rule';
import { renderSvg } from './render-svg';
import { StackArtifacts } from '../core/stack-artifacts';
import { ManifestRecord, RegistrationManifest } from '../dataverse/manifest';

/** What the diagram needs of an environment (kept structural: no import of DataverseEnvironment). @internal */
export interface DiagramSource {
  readonly hostName: string;
  toManifest(): RegistrationManifest;
}

/** File names of the diagram next to `cdk.tf.json`. @internal */
export const DIAGRAM_DOT = 'diagram.dot';
/** @internal */
export const DIAGRAM_SVG = 'diagram.svg';

/** Registers `diagram.dot` and `diagram.svg` for the stack. @internal */
export function registerDiagram(stack: TerraformStack, source: DiagramSource): void {
  const artifacts = StackArtifacts.of(stack);
  // Files render in name order: the SVG reuses the DOT of the same pass (one toTerraform, not two).
  let pending: string | undefined;
  artifacts.add(DIAGRAM_DOT, (context) => (pending = diagramDot(stack, source, context.terraform())));
  artifacts.add(DIAGRAM_SVG, (context) => {
    const dot = pending ?? diagramDot(stack, source, context.terraform());
    pending = undefined;
    return renderSvg(dot);
  });
}

/** The DOT text of a stack's diagram. @internal */
export function diagramDot(stack: TerraformStack, source: DiagramSource, terraform: any = stack.toTerraform()): string {
  return buildDiagram(source.toManifest(), terraform, source.hostName).toDot(stack.node.id);
}

type Cluster = 'dataverse' | 'azure' | 'outside';

interface DiagramNode {
  readonly id: string;
  readonly label: string;
  readonly cluster: Cluster;
  readonly shape: string;
  readonly fill: string;
}

interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly dashed?: boolean;
}

interface Resource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly config: any;
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

/** Types that are not worth a box: plumbing, keys, or shown inside another label. */
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

const DATAVERSE_COLOR = '#f3e8f7';
const AZURE_COLOR = '#e6f2fb';
const OUTSIDE_COLOR = '#f5f5f5';

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function quoteDot(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

class Diagram {
  private readonly nodes = new Map<string, DiagramNode>();
  private readonly edges = new Map<string, DiagramEdge>();

  public node(node: DiagramNode): string {
    if (!this.nodes.has(node.id)) this.nodes.set(node.id, node);
    return node.id;
  }

  public edge(edge: DiagramEdge): void {
    const key = `${edge.from}\u0000${edge.to}\u0000${edge.label ?? ''}`;
    if (!this.edges.has(key)) this.edges.set(key, edge);
  }

  public toDot(title: string): string {
    const lines: string[] = [
      'digraph integrations {',
      `  graph [rankdir=LR, fontname="Helvetica", fontsize=12, labelloc=t, label=${quoteDot(`stack ${title}`)}, nodesep=0.3, ranksep=0.6];`,
      '  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled"];',
      '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
    ];
    const nodes = [...this.nodes.values()].sort((a, b) => compare(a.id, b.id));
    const render = (n: DiagramNode) => `${quoteDot(n.id)} [label=${quoteDot(n.label)}, shape=${n.shape}, fillcolor=${quoteDot(n.fill)}];`;
    const clusters: Array<[Cluster, string, string]> = [
      ['dataverse', this.dataverseLabel, '#742774'],
      ['azure', 'Azure', '#0078d4'],
    ];
    for (const [cluster, label, color] of clusters) {
      const members = nodes.filter((n) => n.cluster === cluster);
      if (members.length === 0) continue;
      lines.push(`  subgraph ${quoteDot(`cluster_${cluster}`)} {`);
      lines.push(`    label=${quoteDot(label)}; style="rounded"; color=${quoteDot(color)}; fontcolor=${quoteDot(color)};`);
      members.forEach((n) => lines.push(`    ${render(n)}`));
      lines.push('  }');
    }
    nodes.filter((n) => n.cluster === 'outside').forEach((n) => lines.push(`  ${render(n)}`));
    if (nodes.length === 0) lines.push('  "empty" [label="no integrations registered", shape=plaintext];');
    const edges = [...this.edges.values()].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(a.label ?? '', b.label ?? ''));
    for (const e of edges) {
      const attrs = [e.label ? `label=${quoteDot(e.label)}` : undefined, e.dashed ? 'style=dashed' : undefined].filter((a) => a !== undefined);
      lines.push(`  ${quoteDot(e.from)} -> ${quoteDot(e.to)}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
    }
    lines.push('}');
    return `${lines.join('\n')}\n`;
  }

  constructor(private readonly dataverseLabel: string) {}
}

/**
 * The diagram of one manifest and its synthesized Terraform (`cdk.tf.json` as an object).
 * @internal
 */
export function buildDiagram(manifest: RegistrationManifest, tf: any, hostName: string): { toDot(title: string): string } {
  const diagram = new Diagram(`Dataverse\n${hostName}`);
  const resources = new Map<string, Resource>();
  for (const [type, byName] of Object.entries<any>(tf.resource ?? {})) {
    for (const [name, config] of Object.entries<any>(byName)) resources.set(`${type}.${name}`, { address: `${type}.${name}`, type, name, config });
  }
  const referrers = new Map<string, Resource[]>();
  for (const r of resources.values()) {
    for (const ref of referencesIn(withoutMeta(r.config))) {
      if (ref.address === r.address) continue;
      const list = referrers.get(ref.address) ?? [];
      if (!list.includes(r)) list.push(r);
      referrers.set(ref.address, list);
    }
  }
  const outputs: { [name: string]: any } = tf.output ?? {};
  const records = new Map(manifest.records.map((r) => [r.id, r]));
  const hidden = (type: string) => HIDDEN.some((h) => h.test(type));

  const nameOf = (r: Resource) => (typeof r.config.name === 'string' && !r.config.name.includes('${') ? r.config.name : r.name);
  const namespaceOf = (r: Resource): string | undefined => {
    for (const ref of referencesIn(withoutMeta(r.config))) {
      const target = resources.get(ref.address);
      if (target && /_namespace$/.test(target.type)) return nameOf(target);
    }
    const literal = r.config.namespace_name ?? r.config.relay_namespace_name;
    if (typeof literal === 'string' && !literal.includes('${')) return literal;
    // An existing namespace given by its resource id: .../namespaces/<name>
    const id = r.config.namespace_id;
    return typeof id === 'string' && !id.includes('${') ? /\/namespaces\/([^/]+)$/i.exec(id)?.[1] : undefined;
  };
  const resourceNode = (r: Resource): string => {
    const ns = namespaceOf(r);
    const friendly = FRIENDLY[r.type] ?? r.type.replace(/^azurerm_/, '').replace(/_/g, ' ');
    return diagram.node({
      id: `resource:${r.address}`,
      label: `${friendly}\n${ns ? `${ns}/` : ''}${nameOf(r)}`,
      cluster: 'azure',
      shape: 'box',
      fill: AZURE_COLOR,
    });
  };

  const principalNode = (assignment: Resource): string => {
    const principal = assignment.config.principal_id;
    const target = referencesIn(principal).map((ref) => resources.get(ref.address)).find((r): r is Resource => r !== undefined);
    if (target) return resourceNode(target);
    const text = typeof principal === 'string' && !principal.includes('${') ? principal : 'principal from a Terraform reference';
    return diagram.node({ id: `principal:${text}`, label: `principal\n${text}`, cluster: 'outside', shape: 'ellipse', fill: OUTSIDE_COLOR });
  };

  /** Consumers of a resource: role assignments on it, and what references it (subscriptions, consumer groups …). */
  const expand = (r: Resource, from: string, depth: number, seen: Set<string>) => {
    if (seen.has(r.address)) return;
    seen.add(r.address);
    for (const c of (referrers.get(r.address) ?? []).sort((a, b) => compare(a.address, b.address))) {
      if (c.type === 'azurerm_role_assignment') {
        const scopeRefs = referencesIn(c.config.scope).map((ref) => ref.address);
        if (!scopeRefs.includes(r.address)) continue;
        diagram.edge({ from, to: principalNode(c), label: String(c.config.role_definition_name ?? 'role assignment') });
      } else if (!hidden(c.type) && depth < 3) {
        const child = resourceNode(c);
        diagram.edge({ from, to: child });
        expand(c, child, depth + 1, seen);
      }
    }
  };

  /** Backends of a target: what it references (storage, Application Insights, identities …). */
  const backends = (r: Resource, from: string) => {
    for (const ref of referencesIn(withoutMeta(r.config)).sort((a, b) => compare(a.address, b.address))) {
      const d = resources.get(ref.address);
      if (!d || d.address === r.address || hidden(d.type)) continue;
      diagram.edge({ from, to: resourceNode(d), label: 'uses', dashed: true });
    }
  };

  /** Azure resources an endpoint or other top-level record points at. */
  const targetsOf = (record: ManifestRecord): Resource[] => {
    const found = new Map<string, Resource>();
    for (const o of record.fromOutputs.filter((x) => !x.sensitive)) {
      for (const ref of referencesIn(outputs[o.output]?.value)) {
        const r = resources.get(ref.address);
        if (r && !hidden(r.type)) found.set(r.address, r);
      }
    }
    const path = record.columns.path;
    const ns = record.columns.solutionnamespace;
    const url = record.columns.url;
    for (const r of resources.values()) {
      if (hidden(r.type)) continue;
      if (typeof path === 'string' && nameOf(r) === path && (ns === undefined || namespaceOf(r) === ns)) found.set(r.address, r);
      if (typeof url === 'string' && urlHost(url)?.startsWith(`${nameOf(r).toLowerCase()}.`)) found.set(r.address, r);
    }
    return [...found.values()].sort((a, b) => compare(a.address, b.address));
  };

  const dataverseNode = (record: ManifestRecord): string => {
    const c = record.columns;
    const tracking = record.table === CHANGE_TRACKING_TABLE;
    const kind = record.table === 'serviceendpoint' ? (CONTRACTS[c.contract] ?? `endpoint (contract ${c.contract})`) : tracking ? 'change tracking' : record.table;
    const name = c.uniquename ?? c.name ?? (tracking ? c.logicalname : undefined) ?? record.path;
    return diagram.node({ id: `record:${record.id}`, label: `${kind}\n${name}`, cluster: 'dataverse', shape: 'box', fill: DATAVERSE_COLOR });
  };

  // Top-level records: endpoints, custom APIs … (records that point at no other record).
  const topLevel = manifest.records.filter((r) => r.references.length === 0);
  for (const record of topLevel) {
    const node = dataverseNode(record);
    if (record.table === 'serviceendpoint') {
      const targets = targetsOf(record);
      for (const t of targets) {
        const target = resourceNode(t);
        diagram.edge({ from: node, to: target, label: 'sends to' });
        expand(t, target, 0, new Set());
        backends(t, target);
      }
      if (targets.length === 0 && (record.columns.path !== undefined || record.columns.url !== undefined)) {
        const where = record.columns.url ?? `${record.columns.solutionnamespace ?? '?'}/${record.columns.path}`;
        const external = diagram.node({ id: `external:${where}`, label: `existing\n${where}`, cluster: 'outside', shape: 'box', fill: OUTSIDE_COLOR });
        diagram.edge({ from: node, to: external, label: 'sends to' });
      }
    } else {
      // Inbound: Azure resources whose configuration names the record (e.g. an API operation calling a custom API).
      const key = record.columns.uniquename ?? record.columns.name;
      if (typeof key === 'string' && key.length >= 5) {
        for (const r of [...resources.values()].sort((a, b) => compare(a.address, b.address))) {
          if (hidden(r.type) || nameOf(r) === key) continue;
          if (JSON.stringify(withoutMeta(r.config)).includes(key)) diagram.edge({ from: resourceNode(r), to: node, label: 'calls' });
        }
      }
    }
  }

  // Triggers: table and message → endpoint, one edge per step.
  for (const step of manifest.records.filter((r) => r.table === 'sdkmessageprocessingstep')) {
    const handler = step.references.find((r) => r.column === 'eventhandler');
    const endpoint = handler ? records.get(handler.id) : undefined;
    const filter = step.lookups.find((l) => l.column === 'sdkmessagefilterid')?.key;
    const message = step.lookups.find((l) => l.column === 'sdkmessageid')?.key.message ?? filter?.message ?? '?';
    const table = filter?.table ?? 'any table';
    const trigger = diagram.node({ id: `trigger:${table}:${message}`, label: `${table}\n${message}`, cluster: 'dataverse', shape: 'note', fill: '#ffffff' });
    if (!endpoint) continue;
    const c = step.columns;
    const mode = c.mode === 0 ? `sync, stage ${c.stage}` : 'async';
    const images = manifest.records.filter((r) => r.table === 'sdkmessageprocessingstepimage' && r.references.some((ref) => ref.id === step.id));
    const parts = [mode, c.filteringattributes ? `on ${c.filteringattributes}` : undefined, images.length > 0 ? `${images.length} image${images.length > 1 ? 's' : ''}` : undefined];
    diagram.edge({ from: trigger, to: dataverseNode(endpoint), label: parts.filter((p) => p !== undefined).join(', ') });
  }
  return diagram;
}

function urlHost(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** A resource's configuration without cdktf's `//` metadata (which holds construct paths). */
function withoutMeta(config: any): any {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return config;
  const rest = { ...config };
  delete rest['//'];
  return rest;
}
