// Round trips and wall time of `cdktf-dataverse apply` against the fake Web API (test/cli) with
// 50 ms of latency per answer: first apply on an empty environment and a no-change re-apply, with
// $batch (the default) and with --no-batch (one request per write, the baseline), at several
// sizes. Every measured run is a fresh process (a cold run, never a cached repeat); the runs of a
// size alternate between the variants. Prints request counts, writes, wall time and two ratios: to
// the ideal for the request count (requests × latency, as if sent one after another) and to the
// --no-batch baseline. Asserts nothing; the targets are printed beside the numbers.
//
//   npx tsx bench/cli.ts            (BENCH_SIZES=50,100,200 BENCH_ROUNDS=3 BENCH_LATENCY_MS=50)
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../src/cli/run';
import { FakeDataverse, seedStandardRows } from '../test/cli/fake-dataverse';
import { synthFleet } from '../test/cli/harness';

const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 50);
const SIZES = (process.env.BENCH_SIZES ?? '50,100,200').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const root = path.join(__dirname, '..');

interface Measured {
  ms: number;
  requests: number;
  writes: number;
  code: number;
}

/** In a fresh process: load the fake's state, time one apply, save the state after it. */
async function child(manifestDir: string, outputs: string, batch: boolean, stateIn: string, stateOut: string): Promise<void> {
  const fake = await FakeDataverse.start();
  if (stateIn) fake.store.restore(fs.readFileSync(stateIn, 'utf8'));
  else seedStandardRows(fake);
  fake.latencyMs = LATENCY;
  const lines: string[] = [];
  const io = {
    out: (l: string) => lines.push(l),
    err: (l: string) => lines.push(l),
    env: {},
    cwd: root,
    sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    tokenProvider: { getToken: async () => ({ token: 'fake-token', expiresOnTimestamp: Date.now() + 3_600_000 }) },
  };
  const args = ['apply', '--manifest', manifestDir, '--outputs', outputs, '--environment-url', fake.url, ...(batch ? [] : ['--no-batch'])];
  const t0 = process.hrtime.bigint();
  const code = await run(args, io);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (code !== 0) process.stderr.write(lines.join('\n'));
  fs.writeFileSync(stateOut, fake.store.snapshot());
  const result: Measured = { ms, requests: fake.httpRequests, writes: fake.writes().length, code };
  process.stdout.write(JSON.stringify(result));
  await fake.close();
}

function spawn(manifestDir: string, outputs: string, batch: boolean, stateIn: string, stateOut: string): Measured {
  const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', manifestDir, outputs, batch ? 'batch' : 'no-batch', stateIn, stateOut], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-dataverse-bench-cli-'));
  console.log(`cdktf-dataverse apply against the fake Web API, ${LATENCY} ms latency per answer, fresh process per run, median of ${ROUNDS} (Node ${process.version})`);
  console.log('');
  console.log('records  run                         requests  writes   wall ms   ideal ms  wall/ideal  wall/--no-batch');
  for (const size of SIZES) {
    const fleet = synthFleet(size, path.join(work, `synth-${size}`));
    const outputs = fleet.args[3];
    const runs: { [k: string]: Measured[] } = { 'first apply': [], 'first apply --no-batch': [], 'no-change re-apply': [], 're-apply --no-batch': [] };
    for (let round = 0; round < ROUNDS; round++) {
      const s = (name: string) => path.join(work, `${size}-${round}-${name}.json`);
      // interleaved: batch, baseline, batch, baseline
      runs['first apply'].push(spawn(fleet.dir, outputs, true, '', s('after-batch')));
      runs['first apply --no-batch'].push(spawn(fleet.dir, outputs, false, '', s('after-no-batch')));
      runs['no-change re-apply'].push(spawn(fleet.dir, outputs, true, s('after-batch'), s('re-batch')));
      runs['re-apply --no-batch'].push(spawn(fleet.dir, outputs, false, s('after-no-batch'), s('re-no-batch')));
    }
    const rows = Object.entries(runs).map(([name, ms]) => ({
      name,
      ms: median(ms.map((m) => m.ms)),
      requests: ms[0].requests,
      writes: ms[0].writes,
      failed: ms.some((m) => m.code !== 0),
    }));
    for (const r of rows) {
      const baseline = rows.find((b) => b.name === (r.name.startsWith('first') ? 'first apply --no-batch' : 're-apply --no-batch'))!;
      const ideal = r.requests * LATENCY;
      console.log(
        `${String(size).padStart(7)}  ${r.name.padEnd(26)}  ${String(r.requests).padStart(8)}  ${String(r.writes).padStart(6)}  ${r.ms.toFixed(0).padStart(8)}  ${String(ideal).padStart(9)}  ${(r.ms / ideal).toFixed(2).padStart(9)}x  ${(r.ms / baseline.ms).toFixed(2).padStart(14)}x${r.failed ? '  (A RUN FAILED)' : ''}`,
      );
    }
    const first = rows[0];
    const again = rows[2];
    if (size === 100) {
      console.log(
        `         targets (100 records): first apply <= 15 requests -> ${first.requests <= 15 ? 'met' : 'MISSED'}; re-apply <= 10 requests and 0 writes -> ${again.requests <= 10 && again.writes === 0 ? 'met' : 'MISSED'}; wall within 2x of ideal -> ${first.ms <= 2 * first.requests * LATENCY && again.ms <= 2 * again.requests * LATENCY ? 'met' : 'MISSED'}`,
      );
    }
  }
  console.log('');
  console.log('(ideal = requests x latency, as if each request waited for the previous one; reads run in parallel, so a ratio below 1 is possible)');
  fs.rmSync(work, { recursive: true, force: true });
}

if (process.argv[2] === '--child') {
  const [, , , dir, outputs, mode, stateIn, stateOut] = process.argv;
  void child(dir, outputs, mode === 'batch', stateIn, stateOut);
} else {
  void main();
}
