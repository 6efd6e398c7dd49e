// npm run bench: import cost and synth cost of cdktf-dataverse, each against a baseline measured
// in the same run. Prints ratios; it asserts nothing (targets are printed beside the numbers).
//
// (a) `require` of the compiled package (lib/, so run `npm run compile` first: the bench task does)
//     against requiring cdktf + constructs + the deep provider modules the library uses, and
//     against the provider barrel. Each in a fresh Node process; median of several runs.
// (b) construct + synth of a stack with 50 OutboundQueueIntegrations against a hand-written stack
//     of the same L1 resources (namespace, queue, Send-only rule, sensitive output): each variant
//     in fresh Node processes (three rounds, alternating), warmed up, median of all timed runs.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const COUNT = 50;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface ImportCost {
  ms: number;
  rssMb: number;
  barrelLoaded: boolean;
}

const DEEP_MODULES = [
  'provider',
  'resource-group',
  'role-assignment',
  'servicebus-namespace',
  'servicebus-queue',
  'servicebus-queue-authorization-rule',
  'servicebus-topic',
  'servicebus-topic-authorization-rule',
  'servicebus-subscription',
  'servicebus-subscription-rule',
];

function importCost(what: 'nothing' | 'deep' | 'library' | 'barrel'): ImportCost {
  const script = `
    const t0 = process.hrtime.bigint();
    const what = ${JSON.stringify(what)};
    if (what === 'deep') {
      require('cdktf'); require('constructs');
      for (const m of ${JSON.stringify(DEEP_MODULES)}) require('@cdktf/provider-azurerm/lib/' + m);
    } else if (what === 'library') {
      require(${JSON.stringify(path.join(root, 'lib', 'index.js'))});
    } else if (what === 'barrel') {
      require('cdktf'); require('@cdktf/provider-azurerm');
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const barrel = Object.keys(require.cache).some((k) => /provider-azurerm[\\\\/]lib[\\\\/]index\\.js$/.test(k));
    process.stdout.write(JSON.stringify({ ms, rssMb: process.memoryUsage().rss / 1048576, barrelLoaded: barrel }));
  `;
  const runs: ImportCost[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' })));
  }
  return { ms: median(runs.map((r) => r.ms)), rssMb: median(runs.map((r) => r.rssMb)), barrelLoaded: runs.some((r) => r.barrelLoaded) };
}

/**
 * Runs in a fresh plain-Node process (compiled lib/, no tsx): tsx turns on source maps, which
 * make every stack trace cdktf captures for a token several times dearer and would blur the ratio.
 */
function synthCost(): { [measure: string]: number } {
  const script = `
    const fs = require('fs'); const os = require('os'); const path = require('path');
    const { App, TerraformStack, TerraformOutput } = require('cdktf');
    const { AzurermProvider } = require('@cdktf/provider-azurerm/lib/provider');
    const { ServicebusNamespace } = require('@cdktf/provider-azurerm/lib/servicebus-namespace');
    const { ServicebusQueue } = require('@cdktf/provider-azurerm/lib/servicebus-queue');
    const { ServicebusQueueAuthorizationRule } = require('@cdktf/provider-azurerm/lib/servicebus-queue-authorization-rule');
    const lib = require(${JSON.stringify(path.join(root, 'lib', 'index.js'))});
    const COUNT = ${COUNT}, RUNS = ${RUNS};
    const rg = { name: 'rg-bench', location: 'westeurope' };
    const steps = [
      { table: 'salesorder', message: 'Create' },
      { table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'] },
    ];
    const library = (extra) => (outdir) => {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, 'bench');
      new AzurermProvider(stack, 'azurerm', { features: [{}] });
      const dataverse = new lib.DataverseEnvironment(stack, 'dataverse', { url: 'https://contoso.crm4.dynamics.com', solutionUniqueName: 'Bench', ...extra });
      for (let i = 0; i < COUNT; i++) new lib.OutboundQueueIntegration(stack, 'q' + i, { dataverse, resourceGroup: rg, steps });
      app.synth();
    };
    const { Construct } = require('constructs');
    const handWritten = (nested) => (outdir) => {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, 'bench');
      new AzurermProvider(stack, 'azurerm', { features: [{}] });
      for (let i = 0; i < COUNT; i++) {
        // nested: each integration's resources under a construct of their own, as any L2 has them
        const scope = nested ? new Construct(stack, 'integration' + i) : stack;
        const ns = new ServicebusNamespace(scope, 'ns' + i, { name: 'sb-bench-' + i, location: rg.location, resourceGroupName: rg.name, sku: 'Standard', minimumTlsVersion: '1.2', localAuthEnabled: true, publicNetworkAccessEnabled: true });
        const q = new ServicebusQueue(scope, 'queue' + i, { name: 'q' + i, namespaceId: ns.id, maxDeliveryCount: 10, defaultMessageTtl: 'P14D', lockDuration: 'PT1M', deadLetteringOnMessageExpiration: true, requiresDuplicateDetection: false, requiresSession: false, maxSizeInMegabytes: 1024, partitioningEnabled: false });
        const rule = new ServicebusQueueAuthorizationRule(scope, 'rule' + i, { name: 'dataverse-send', queueId: q.id, send: true, listen: false, manage: false });
        new TerraformOutput(scope, 'key' + i, { value: rule.primaryKey, sensitive: true });
      }
      app.synth();
    };
    const time = (fn) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-dataverse-bench-'));
      const t0 = process.hrtime.bigint();
      fn(outdir);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      fs.rmSync(outdir, { recursive: true, force: true });
      return ms;
    };
    const variants = {
      defaults: library({}),
      core: library({ policyChecks: false, diagram: false }),
      hand: handWritten(false),
      handNested: handWritten(true),
    };
    const fn = variants[process.argv[1]];
    for (let i = 0; i < 3; i++) time(fn); // warm-up
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(time(fn));
    process.stdout.write(JSON.stringify(times));
  `;
  // Each variant in its own process, so that one's garbage is not collected in another's time;
  // the processes alternate, and each variant's result is the median over all its runs.
  const runs: { [variant: string]: number[] } = { defaults: [], core: [], hand: [], handNested: [] };
  for (let round = 0; round < 3; round++) {
    for (const variant of Object.keys(runs)) {
      runs[variant].push(...JSON.parse(execFileSync(process.execPath, ['-e', script, variant], { cwd: root, encoding: 'utf8' })));
    }
  }
  const best = (xs: number[]) => Math.min(...xs);
  return {
    libraryMs: median(runs.defaults),
    coreMs: median(runs.core),
    handMs: median(runs.hand),
    libraryBestMs: best(runs.defaults),
    coreBestMs: best(runs.core),
    handBestMs: best(runs.hand),
    nestedMs: median(runs.handNested),
    nestedBestMs: best(runs.handNested),
  };
}

function main(): void {
  if (!fs.existsSync(path.join(root, 'lib', 'index.js'))) {
    throw new Error('lib/index.js is missing: run `npm run compile` first (the bench task does).');
  }
  const nothing = importCost('nothing');
  const deep = importCost('deep');
  const library = importCost('library');
  const barrel = importCost('barrel');
  const fmt = (n: number) => n.toFixed(1).padStart(7);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  console.log(`cdktf-dataverse bench (${RUNS} runs each, medians; Node ${process.version})`);
  console.log('');
  console.log('(a) import cost, fresh process           time ms    RSS MB');
  console.log(`    bare node                           ${fmt(nothing.ms)}   ${fmt(nothing.rssMb)}`);
  console.log(`    baseline: cdktf + deep provider    ${fmt(deep.ms)}   ${fmt(deep.rssMb)}`);
  console.log(`    require('cdktf-dataverse')          ${fmt(library.ms)}   ${fmt(library.rssMb)}`);
  console.log(`    provider barrel                     ${fmt(barrel.ms)}   ${fmt(barrel.rssMb)}`);
  console.log(`    library / deep baseline: time ${ratio(library.ms, deep.ms)}, RSS ${ratio(library.rssMb, deep.rssMb)}`);
  console.log(`    barrel / library:        time ${ratio(barrel.ms, library.ms)}, RSS ${ratio(barrel.rssMb, library.rssMb)}`);
  console.log(`    target: RSS <= 100 MB -> ${library.rssMb <= 100 ? 'met' : 'MISSED'}; barrel loaded: ${library.barrelLoaded ? 'YES (missed)' : 'no (met)'}`);
  const synth = synthCost();
  console.log('');
  console.log(`(b) construct + synth, ${COUNT} integrations          median ms    best ms`);
  console.log(`    hand-written L1 resources            ${fmt(synth.handMs)}    ${fmt(synth.handBestMs)}`);
  console.log(`    the same, nested per integration     ${fmt(synth.nestedMs)}    ${fmt(synth.nestedBestMs)}   (one construct each, as an L2 has them)`);
  console.log(`    OutboundQueueIntegration, defaults   ${fmt(synth.libraryMs)}    ${fmt(synth.libraryBestMs)}   (manifest + rule pack + diagram)`);
  console.log(`    OutboundQueueIntegration, core       ${fmt(synth.coreMs)}    ${fmt(synth.coreBestMs)}   (manifest only: policyChecks/diagram false)`);
  const target = (ms: number, best: number) =>
    `${ratio(ms, synth.handMs)} median, ${ratio(best, synth.handBestMs)} best (target <= 1.20 -> ${best / synth.handBestMs <= 1.2 ? 'met' : 'MISSED'} on best)`;
  console.log(`    ratio defaults / hand-written: ${target(synth.libraryMs, synth.libraryBestMs)}`);
  console.log(`    ratio core / hand-written:     ${target(synth.coreMs, synth.coreBestMs)}`);
  console.log(`    nesting alone / hand-written:  ${ratio(synth.nestedMs, synth.handMs)} median, ${ratio(synth.nestedBestMs, synth.handBestMs)} best`);
  console.log(`    core / nested hand-written:    ${ratio(synth.coreMs, synth.nestedMs)} median, ${ratio(synth.coreBestMs, synth.nestedBestMs)} best`);
  console.log('    (timings on a shared 2-core VM vary by ±30% between runs; the best-of-runs ratio is the steadier one)');
}

main();
