// The index the rules look things up in: every resource, data source, output and record of a stack,
// resolved lazily (split from checks.ts).
import { DefaultTokenResolver, StringConcat, TerraformDataSource, TerraformOutput, TerraformResource, TerraformStack, Token, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import { PolicyIndex, TfElement } from './rule';
import { referencesIn } from '../core/references';
import { ManifestRecord } from '../dataverse/manifest';
import { DataverseRecord } from '../dataverse/record';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** A lookup whose values are computed on first use (resolving every element doubles synth time). */
class LazyLookup<T> {
  private readonly cache = new Map<string, T | undefined>();
  constructor(private readonly sources: Map<string, () => T>) {}
  public get(key: string): T | undefined {
    if (!this.cache.has(key)) this.cache.set(key, this.sources.get(key)?.());
    return this.cache.get(key);
  }
  public all(): T[] {
    return [...this.sources.keys()].map((k) => this.get(k)!);
  }
}

/** Builds the index of a stack; notes each resource's and output's address in `addresses`. @internal */
export function buildIndex(stack: TerraformStack, addresses: WeakMap<IConstruct, string>): PolicyIndex {
  const resources = new Map<string, () => TfElement>();
  const dataSources = new Map<string, () => TfElement>();
  const outputs = new Map<string, () => TfElement>();
  const records = new Map<string, () => ManifestRecord>();
  /** Resource addresses in construct order, with their types. */
  const resourceTypes = new Map<string, string>();
  // Resolve only the values that are tokens: walking the configuration and resolving a handful of
  // references is far cheaper than resolving every element whole (which doubles synth time).
  const resolveOne = (value: any) => Tokenization.resolve(value, { scope: stack, preparing: false, resolver: RESOLVER });
  const resolve = (value: any): any => {
    if (value === null || value === undefined) return value;
    if (Token.isUnresolved(value)) return resolveOne(value);
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value === 'object') {
      const out: { [key: string]: any } = {};
      for (const [k, v] of Object.entries(value)) out[k] = resolve(v);
      return out;
    }
    return value;
  };
  for (const c of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(c) && !TerraformDataSource.isTerraformDataSource(c)) {
      const name = stack.getLogicalId(c);
      const type = c.terraformResourceType;
      const address = `${type}.${name}`;
      resources.set(address, () => ({ address, type, name, config: resolve(c.toTerraform()).resource?.[type]?.[name] ?? {}, path: c.node.path }));
      resourceTypes.set(address, type);
      addresses.set(c, address);
    } else if (TerraformDataSource.isTerraformDataSource(c)) {
      const name = stack.getLogicalId(c);
      const type = c.terraformResourceType;
      const address = `data.${type}.${name}`;
      dataSources.set(address, () => ({ address, type, name, config: resolve(c.toTerraform()).data?.[type]?.[name] ?? {}, path: c.node.path }));
    } else if (TerraformOutput.isTerraformOutput(c)) {
      const name = stack.getLogicalId(c);
      const address = `output.${name}`;
      addresses.set(c, address);
      outputs.set(address, () => ({ address, type: 'output', name, config: resolve(c.toTerraform()).output?.[name] ?? {}, path: c.node.path }));
    } else if (DataverseRecord.isDataverseRecord(c)) {
      records.set(c.recordId, () => c.toManifestRecord());
    }
  }
  const resourceLookup = new LazyLookup(resources);
  const dataSourceLookup = new LazyLookup(dataSources);
  const outputLookup = new LazyLookup(outputs);
  // Referrer maps by the set of types asked for ('*': every resource and output), each built once.
  const referrerMaps = new Map<string, Map<string, TfElement[]>>();
  const referrers = (address: string, types?: string[]) => {
    const key = types ? [...new Set(types)].sort().join(',') : '*';
    let map = referrerMaps.get(key);
    if (!map) {
      map = new Map();
      const wanted = types ? new Set(types) : undefined;
      const elements = [
        ...[...resourceTypes].filter(([, type]) => !wanted || wanted.has(type)).map(([a]) => resourceLookup.get(a)!),
        ...(!wanted || wanted.has('output') ? outputLookup.all() : []),
      ];
      for (const e of elements) {
        for (const ref of referencesIn(e.config)) {
          const list = map.get(ref.address) ?? [];
          if (!list.includes(e)) list.push(e);
          map.set(ref.address, list);
        }
      }
      referrerMaps.set(key, map);
    }
    return map.get(address) ?? [];
  };
  return {
    resources: resourceLookup,
    dataSources: dataSourceLookup,
    outputs: outputLookup,
    records: new LazyLookup(records),
    referrers,
    element: (address) => resourceLookup.get(address) ?? dataSourceLookup.get(address),
  };
}
