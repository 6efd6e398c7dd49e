// npm run bench: what users pay, measured cold. Every run is a fresh `node` process
// (bench/fleet.js); the variants of a size alternate run by run (A B C D, B C D A, …), and each
// figure is the median of its runs. Prints ratios against the baseline; asserts nothing (the goals
// of issue 14 are printed beside the numbers, each marked met or MISSED).
//
// (a) import: the library's entry point is lazy (projenrc/lazy-index.mjs: each export loads its
//     module on first access; projenrc/lazy-provider-imports.mjs: provider modules load on first
//     use), so the rows read exports: every export, against its baseline, cdktf plus exactly the provider modules that loads (read from
//     require.cache in a child), and a queue-only user of the library (DataverseEnvironment and
//     OutboundQueueIntegration) against a queue-only L1 user (cdktf and the four Service Bus modules).
// (b) synth: N = 1, 10, 50, 200, 500 integrations, a mix of OutboundQueueIntegration,
//     EventHubFanout, RelayIntegration and CustomApiGateway (and WebhookFunction at 10 and 50),
//     against the same resources as a hand-written stack of L1 constructs nested one construct per
//     integration. Variants: defaults (manifest + rule pack), manifest only (policyChecks: false),
//     diagram on (diagram: true). Time = require + construct + synth inside the child, as CPU time
//     of the process (all threads; the ratios and goals use it: on a shared machine wall time
//     swings by 2x between identical runs, CPU time far less), with wall time printed beside;
//     peak RSS = process.resourceUsage().maxRSS of the child.
//
//   BENCH_SIZES=1,10,50,200,500 BENCH_RUNS=3 npm run bench       (BENCH_SOURCE=src: tsx on src/)
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const SIZES = (process.env.BENCH_SIZES ?? '1,10,50,200,500').split(',').map(Number);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const VARIANTS = ['l1', 'defaults', 'manifest', 'diagram'] as const;
type Variant = (typeof VARIANTS)[number];

interface Run {
  variant: string;
  count: number;
  mode: string;
  totalMs: number;
  cpuMs: number;
  buildMs: number;
  synthMs: number;
  maxRssMb: number;
  resources: number;
  tfBytes: number;
  files: string[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function child(args: string[], script = path.join(__dirname, 'fleet.js')): string {
  return execFileSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600_000, env: process.env });
}

// ---- (a) import ---------------------------------------------------------------------------------

const QUEUE_USER = ['provider', 'servicebus-namespace', 'servicebus-queue', 'servicebus-queue-authorization-rule'];

interface ImportRun {
  ms: number;
  rssMb: number;
  modules: string[];
}

function importRun(what: 'library' | 'library-queue' | 'baseline' | 'queue', modules: string[] = []): ImportRun {
  const lib = fs.existsSync(path.join(root, 'lib', 'index.js')) && process.env.BENCH_SOURCE !== 'src';
  const script = `
    ${lib ? '' : "require('tsx/cjs');"}
    const t0 = process.hrtime.bigint();
    const what = ${JSON.stringify(what)};
    if (what.startsWith('library')) {
      const l = require(${JSON.stringify(lib ? path.join(root, 'lib', 'index.js') : path.join(root, 'src', 'index.ts'))});
      if (what === 'library') for (const name of Object.keys(l)) l[name];
      else { l.DataverseEnvironment; l.OutboundQueueIntegration; }
    }
    else { require('cdktf'); require('constructs'); for (const m of ${JSON.stringify(modules)}) require('@cdktf/provider-azurerm/lib/' + m); }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const modules = [...new Set(Object.keys(require.cache).map((k) => /provider-azurerm[\\\\/]lib[\\\\/]([^\\\\/]+)[\\\\/]index\\.js$/.exec(k)?.[1]).filter(Boolean))].sort();
    process.stdout.write(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, modules }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' }));
}

function importSection(): void {
  const loaded = importRun('library').modules;
  const runs: { [k: string]: ImportRun[] } = { library: [], baseline: [], libraryQueue: [], queue: [] };
  for (let i = 0; i < RUNS; i++) {
    runs.library.push(importRun('library'));
    runs.baseline.push(importRun('baseline', loaded));
    runs.libraryQueue.push(importRun('library-queue'));
    runs.queue.push(importRun('queue', QUEUE_USER));
  }
  const row = (label: string, rs: ImportRun[]) =>
    `    ${label.padEnd(52)} ${median(rs.map((r) => r.ms))
      .toFixed(0)
      .padStart(6)} ms ${median(rs.map((r) => r.rssMb))
      .toFixed(0)
      .padStart(6)} MB ${String(rs[0].modules.length).padStart(4)}`;
  console.log('(a) import, fresh process                                   time    peak RSS  provider modules');
  console.log(row("require('cdktf-dataverse'), every export read", runs.library));
  console.log(row('baseline: cdktf + the provider modules it loads', runs.baseline));
  console.log(row('library, queue-only user (2 exports read)', runs.libraryQueue));
  console.log(row('queue-only L1 user: cdktf + 4 Service Bus modules', runs.queue));
  const lib = median(runs.library.map((r) => r.ms));
  const queue = median(runs.queue.map((r) => r.ms));
  console.log(
    `    library / its baseline: ${(lib / median(runs.baseline.map((r) => r.ms))).toFixed(2)}x; queue-only library user / L1 user: ${(median(runs.libraryQueue.map((r) => r.ms)) / queue).toFixed(2)}x (+${(median(runs.libraryQueue.map((r) => r.ms)) - queue).toFixed(0)} ms); provider barrel loaded: ${loaded.includes('index') ? 'YES' : 'no'}`,
  );
  console.log(`    provider modules of the queue-only library user (${runs.libraryQueue[0].modules.length}): ${runs.libraryQueue[0].modules.join(', ')}`);
  console.log(`    provider modules the library loads (${loaded.length}): ${loaded.join(', ')}`);
}

// ---- (b) synth ----------------------------------------------------------------------------------

function synthSize(count: number, work: string): { [v in Variant]: Run[] } {
  // The spec of the L1 baseline: the resources of a library synth of this size (not timed).
  const specDir = path.join(work, `spec-${count}`);
  child(['manifest', String(count), specDir]);
  const spec = path.join(work, `spec-${count}.json`);
  fs.copyFileSync(path.join(specDir, 'stacks', 'bench', 'cdk.tf.json'), spec);
  fs.rmSync(specDir, { recursive: true, force: true });
  const runs = { l1: [], defaults: [], manifest: [], diagram: [] } as { [v in Variant]: Run[] };
  for (let round = 0; round < RUNS; round++) {
    for (let k = 0; k < VARIANTS.length; k++) {
      const variant = VARIANTS[(k + round) % VARIANTS.length];
      const outdir = path.join(work, `${variant}-${count}-${round}`);
      runs[variant].push(JSON.parse(child([variant, String(count), outdir, spec])));
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
  return runs;
}

/** Least-squares slope of log(time) over log(N): 1 is linear growth. */
function exponent(points: Array<[number, number]>): number | undefined {
  if (points.length < 2) return undefined;
  const xs = points.map(([n]) => Math.log(n));
  const ys = points.map(([, t]) => Math.log(t));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return num / den;
}

function synthSection(): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-dataverse-bench-'));
  const results = new Map<number, { [v in Variant]: Run[] }>();
  const t0 = Date.now();
  try {
    for (const n of SIZES) results.set(n, synthSize(n, work));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const mode = [...results.values()][0]?.l1[0]?.mode ?? '?';
  const ms = (rs: Run[]) => median(rs.map((r) => r.cpuMs));
  const wall = (rs: Run[]) => median(rs.map((r) => r.totalMs));
  const rss = (rs: Run[]) => median(rs.map((r) => r.maxRssMb));
  console.log('');
  console.log(`(b) require + construct + synth, cold (${mode === 'lib' ? 'compiled lib/ under plain node' : 'src/ under tsx'}), median of ${RUNS} interleaved runs`);
  console.log('    CPU ms (ratio to L1); wall ms and peak RSS in the last columns');
  console.log('');
  console.log('| integrations | resources | L1 nested | defaults | manifest only | diagram on | wall L1 / defaults | peak RSS L1 / defaults |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [n, r] of results) {
    const base = ms(r.l1);
    const cell = (rs: Run[]) => `${ms(rs).toFixed(0)} (${(ms(rs) / base).toFixed(2)}×)`;
    console.log(
      `| ${n} | ${r.l1[0].resources} | ${base.toFixed(0)} | ${cell(r.defaults)} | ${cell(r.manifest)} | ${cell(r.diagram)} | ${wall(r.l1).toFixed(0)} / ${wall(r.defaults).toFixed(0)} | ${rss(r.l1).toFixed(0)} / ${rss(r.defaults).toFixed(0)} MB |`,
    );
  }
  console.log('');
  const goal = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const big = SIZES.filter((n) => n >= 10);
  for (const [variant, limit] of [
    ['defaults', 1.25],
    ['manifest', 1.15],
  ] as const) {
    const worst = Math.max(...big.map((n) => ms(results.get(n)![variant]) / ms(results.get(n)!.l1)));
    if (big.length > 0) console.log(`goal ${variant} / L1 <= ${limit.toFixed(2)}x at ${big.join(', ')}: worst ${worst.toFixed(2)}x -> ${goal(worst <= limit)}`);
  }
  if (results.has(1)) {
    const extra = ms(results.get(1)!.defaults) - ms(results.get(1)!.l1);
    console.log(`goal defaults at 1 integration <= L1 + 50 ms: +${extra.toFixed(0)} ms -> ${goal(extra <= 50)}`);
  }
  const fit = (v: Variant) => exponent(SIZES.filter((n) => n >= 50).map((n) => [n, ms(results.get(n)![v])]));
  const e = fit('defaults');
  if (e !== undefined) {
    console.log(
      `growth exponent 50..500 (log-log slope): defaults ${e.toFixed(2)}, manifest only ${fit('manifest')!.toFixed(2)}, L1 ${fit('l1')!.toFixed(2)} -> ${goal(e <= 1.05)} (goal <= 1.05)`,
    );
  }
  const largest = Math.max(...SIZES);
  const r = results.get(largest)!;
  const pack = (ms(r.defaults) - ms(r.manifest)) / ms(r.defaults);
  console.log(
    `rule pack at ${largest}: ${(ms(r.defaults) - ms(r.manifest)).toFixed(0)} ms CPU = ${(pack * 100).toFixed(1)}% of the default synth -> ${goal(pack <= 0.1)} (goal <= 10%)`,
  );
  console.log(
    `diagram at synth (diagram: true) at ${largest}: +${(ms(r.diagram) - ms(r.defaults)).toFixed(0)} ms CPU (off by default; cdktf-dataverse diagram renders it after synth)`,
  );
  console.log(`(${((Date.now() - t0) / 1000).toFixed(0)} s; timings on a shared machine vary: compare the ratios, which are measured interleaved)`);
}

function main(): void {
  console.log(`cdktf-dataverse bench: Node ${process.version}, ${os.cpus().length} CPUs, ${RUNS} runs per figure, sizes ${SIZES.join(', ')}`);
  console.log('');
  importSection();
  synthSection();
}

main();
