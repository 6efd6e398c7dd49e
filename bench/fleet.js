// One measured run of the bench (bench/run.ts starts this file in a fresh `node` process per run):
//
//   node bench/fleet.js <variant> <integrations> <outdir> [spec.json]
//
// variants: defaults | manifest (policyChecks: false) | diagram (diagram: true) build the
// library's stack of <integrations> integrations (a mix of the five patterns) and synthesize it;
// l1 builds the same resources as a hand-written stack of L1 constructs (one construct per
// integration, as a user without the library would nest them) from spec.json, the cdk.tf.json of
// a library synth, and synthesizes it. Prints one JSON line: milliseconds for require, construct
// and synth (all inside the timed span), the peak RSS of the process, and what was made.
//
// Plain JavaScript, so the compiled lib/ runs under plain node (tsx turns on source maps, which
// make every stack trace cdktf captures for a token dearer). Without lib/ it registers tsx and
// loads src/ (every variant then, the baseline too, so that the ratio stays fair).
'use strict';
const fs = require('fs');
const path = require('path');

const [variant, countText, outdir, specFile] = process.argv.slice(2);
const COUNT = Number(countText);
const ROOT = path.join(__dirname, '..');
const CODE = path.join(ROOT, 'examples', 'functions', 'validate-account');
const LIB = path.join(ROOT, 'lib', 'index.js');
const mode = fs.existsSync(LIB) && process.env.BENCH_SOURCE !== 'src' ? 'lib' : 'tsx';
if (mode === 'tsx') require('tsx/cjs');

/** The pattern of the i-th integration: the five in turn where WebhookFunctions are in the mix, else four. */
function kindOf(i, count) {
  const kinds = count === 10 || count === 50 ? ['queue', 'hub', 'relay', 'gateway', 'webhook'] : ['queue', 'hub', 'relay', 'gateway'];
  return kinds[i % kinds.length];
}

function buildLibrary(extra) {
  const { App, TerraformStack } = require('cdktf');
  const { AzurermProvider } = require('@cdktf/provider-azurerm/lib/provider');
  const lib = require(mode === 'lib' ? LIB : path.join(ROOT, 'src', 'index.ts'));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'bench');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const dataverse = new lib.DataverseEnvironment(stack, 'dataverse', { url: 'https://contoso.crm4.dynamics.com', solutionUniqueName: 'Bench', appId: 'bench', ...extra });
  const resourceGroup = { name: 'rg-bench', location: 'westeurope' };
  const steps = [
    { table: 'salesorder', message: 'Create' },
    { table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'] },
  ];
  for (let i = 0; i < COUNT; i++) {
    const id = `i${i}`;
    switch (kindOf(i, COUNT)) {
      case 'queue':
        new lib.OutboundQueueIntegration(stack, id, { dataverse, resourceGroup, steps }).grantReceive('00000000-0000-0000-0000-000000000001');
        break;
      case 'hub':
        new lib.EventHubFanout(stack, id, { dataverse, resourceGroup, steps }).addSubscriber('billing', { principalId: '00000000-0000-0000-0000-000000000002' });
        break;
      case 'relay':
        new lib.RelayIntegration(stack, id, { dataverse, resourceGroup, steps: [{ table: 'contact', message: 'Update' }] });
        break;
      case 'gateway': {
        const gateway = new lib.CustomApiGateway(stack, id, { dataverse, resourceGroup, publisherName: 'Contoso', publisherEmail: 'integration@contoso.com' });
        gateway.addCustomApi({
          uniqueName: `contoso_Approve${i}`,
          displayName: 'Approve order',
          requestParameters: [{ uniqueName: 'Comment', fieldType: lib.CustomApiFieldType.STRING, isOptional: true }],
          responseProperties: [{ uniqueName: 'ApprovedOn', fieldType: lib.CustomApiFieldType.DATE_TIME }],
        });
        break;
      }
      case 'webhook':
        new lib.WebhookFunction(stack, id, { dataverse, resourceGroup, code: CODE, steps: [{ table: 'account', message: 'Update', filteringAttributes: ['creditlimit'] }] });
        break;
    }
  }
  return app;
}

/**
 * snake_case keys to the camelCase props of the L1 classes (values, including `${...}` references,
 * as they are); map keys that are not snake_case (app settings, tags) stay as written.
 */
function camel(value) {
  if (Array.isArray(value)) return value.map(camel);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) out[/^[a-z0-9_]+$/.test(k) ? k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()) : k] = camel(v);
  return out;
}

const REFERENCE = /^(data\.[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+|[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)\.([a-z_][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z_][a-z0-9_]*(?:\[\d+\])?)*)$/;

/**
 * A value with its `${type.name.attribute}` references turned into placeholders that become the
 * referenced construct's attribute token at build time (as `queue.id` in hand-written code);
 * other expressions (function calls) stay as written. Adds the referenced addresses to `deps`.
 */
function withReferences(value, deps) {
  if (Array.isArray(value)) return value.map((v) => withReferences(v, deps));
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = withReferences(v, deps);
    return out;
  }
  if (typeof value !== 'string' || !value.includes('${')) return value;
  const parts = [];
  let last = 0;
  for (const m of value.matchAll(/\$\{([^{}]*)\}/g)) {
    const ref = REFERENCE.exec(m[1]);
    if (!ref) continue;
    if (m.index > last) parts.push(value.slice(last, m.index));
    parts.push({ address: ref[1], attribute: ref[2] });
    deps.add(ref[1]);
    last = m.index + m[0].length;
  }
  if (parts.length === 0) return value;
  if (last < value.length) parts.push(value.slice(last));
  return { __parts: parts };
}

/** The hand-written stack's constructor calls, prepared from a synthesized cdk.tf.json before the clock starts. */
function planL1(tf) {
  const calls = new Map();
  const scopeOf = (meta, fallback) => {
    const parts = (meta?.path ?? '').split('/');
    return { scope: parts.length > 2 ? parts[1] : undefined, id: parts.length > 1 ? parts.slice(2).join('-') || parts[1] : fallback };
  };
  for (const [kind, group] of [['resource', tf.resource ?? {}], ['data', tf.data ?? {}]]) {
    for (const [type, byName] of Object.entries(group)) {
      const provider = type.split('_')[0];
      const module = `@cdktf/provider-${provider}/lib/${kind === 'data' ? `data-${type}` : type.slice(provider.length + 1)}`.replace(/_/g, '-');
      for (const [name, config] of Object.entries(byName)) {
        const { '//': meta, depends_on: dependsOn, provider: _provider, ...rest } = config;
        const { scope, id } = scopeOf(meta?.metadata, name);
        const deps = new Set();
        const props = withReferences(camel(rest), deps);
        const after = (dependsOn ?? []).map((d) => /^\$\{(.*)\}$/.exec(d)?.[1] ?? d);
        after.forEach((d) => deps.add(d));
        const address = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
        calls.set(address, { address, module, type, scope, id: id || name, props, dependsOn: after, deps });
      }
    }
  }
  // Dependencies first, as code that passes `queue.id` must create the queue first.
  const ordered = [];
  const done = new Set();
  const visit = (address) => {
    if (done.has(address) || !calls.has(address)) return;
    done.add(address);
    for (const d of calls.get(address).deps) visit(d);
    ordered.push(calls.get(address));
  };
  for (const address of calls.keys()) visit(address);
  const outputs = Object.entries(tf.output ?? {}).map(([name, o]) => ({ name, scope: scopeOf(o['//']?.metadata, name).scope, value: withReferences(o.value, new Set()), sensitive: o.sensitive }));
  const assets = new Set(Object.values(tf.resource?.azurerm_storage_blob ?? {}).map((b) => b.source).filter((s) => typeof s === 'string' && s.startsWith('assets/'))).size;
  return { calls: ordered, outputs, assets, providers: Object.keys(tf.provider ?? {}) };
}

function buildL1(plan) {
  const { App, AssetType, TerraformAsset, TerraformOutput, TerraformStack } = require('cdktf');
  const { Construct } = require('constructs');
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'bench');
  const { AzurermProvider } = require('@cdktf/provider-azurerm/lib/provider');
  new AzurermProvider(stack, 'azurerm', { features: [{}], storageUseAzuread: plan.assets > 0 ? true : undefined });
  if (plan.providers.includes('random')) new (require('@cdktf/provider-random/lib/provider').RandomProvider)(stack, 'random');
  const scopes = new Map();
  const scopeFor = (id) => {
    if (id === undefined) return stack;
    let scope = scopes.get(id);
    if (!scope) scopes.set(id, (scope = new Construct(stack, id)));
    return scope;
  };
  const classes = new Map();
  const classFor = (module, type) => {
    let cls = classes.get(type);
    if (!cls) {
      cls = Object.values(require(module)).find((x) => typeof x === 'function' && x.tfResourceType === type);
      if (!cls) throw new Error(`no L1 class for ${type} in ${module}`);
      classes.set(type, cls);
    }
    return cls;
  };
  const made = new Map();
  // A reference is the attribute token of the construct made before (queue.id); text around it is concatenated.
  const tokens = (value) => {
    if (Array.isArray(value)) return value.map(tokens);
    if (value === null || typeof value !== 'object') return value;
    if (value.__parts) {
      const parts = value.__parts.map((p) => (typeof p === 'string' ? p : made.has(p.address) ? made.get(p.address).getStringAttribute(p.attribute) : `\${${p.address}.${p.attribute}}`));
      return parts.length === 1 ? parts[0] : parts.join('');
    }
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = tokens(v);
    return out;
  };
  // The package a hand-written stack zips: one asset per code folder, as the library makes.
  for (let i = 0; i < plan.assets; i++) new TerraformAsset(scopeFor(undefined), `code${i}`, { path: CODE, type: AssetType.ARCHIVE });
  for (const c of plan.calls) {
    const Cls = classFor(c.module, c.type);
    const scope = scopeFor(c.scope);
    let id = c.id;
    for (let n = 2; scope.node.tryFindChild(id); n++) id = `${c.id}-${n}`;
    const dependsOn = c.dependsOn.map((d) => made.get(d)).filter((d) => d !== undefined);
    made.set(c.address, new Cls(scope, id, { ...tokens(c.props), dependsOn: dependsOn.length > 0 ? dependsOn : undefined }));
  }
  for (const o of plan.outputs) new TerraformOutput(scopeFor(o.scope), o.name, { value: tokens(o.value), sensitive: o.sensitive });
  return app;
}

function main() {
  const plan = variant === 'l1' ? planL1(JSON.parse(fs.readFileSync(specFile, 'utf8'))) : undefined;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  // What a user's program requires first: cdktf and the constructs it builds from.
  require('cdktf');
  const t1 = process.hrtime.bigint();
  const extra = { defaults: {}, manifest: { policyChecks: false }, diagram: { diagram: true } }[variant];
  if (variant !== 'l1' && !extra) throw new Error(`unknown variant ${variant}`);
  const app = plan ? buildL1(plan) : buildLibrary(extra);
  const t2 = process.hrtime.bigint();
  app.synth();
  const t3 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  const stackDir = path.join(outdir, 'stacks', 'bench');
  const tf = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
  const resources = Object.values(tf.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  const ms = (a, b) => Number(b - a) / 1e6;
  process.stdout.write(
    `${JSON.stringify({
      variant,
      count: COUNT,
      mode,
      totalMs: ms(t0, t3),
      // CPU time of the process (all threads): on a shared machine it varies far less than wall time.
      cpuMs: (cpu.user + cpu.system) / 1000,
      buildMs: ms(t1, t2),
      synthMs: ms(t2, t3),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      resources,
      tfBytes: fs.statSync(path.join(stackDir, 'cdk.tf.json')).size,
      files: fs.readdirSync(stackDir).filter((f) => f !== 'assets').sort(),
    })}\n`,
  );
}

main();
