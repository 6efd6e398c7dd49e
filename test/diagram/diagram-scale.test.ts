// The diagram at scale: the graph build is linear (resource visits counted, not timed), each
// integration is its own cluster, and `cdktf-dataverse diagram` writes the files from a synth.
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { EventHubFanout, OutboundQueueIntegration, RelayIntegration } from '../../src';
import { run } from '../../src/cli/run';
import { buildDiagram } from '../../src/diagram/diagram-graph';
import { VisitCounter } from '../../src/diagram/diagram-index';
import { recordingIo } from '../cli/harness';
import { newStack, tempDir } from '../helpers';

/** A stack of `count` integrations (queue, event hub with a subscriber, relay, in turn), synthesized without the rule pack. */
function fleet(count: number, outdir?: string) {
  const { app, stack, rg, dataverse } = newStack({ policyChecks: false }, 'fleet', outdir);
  for (let i = 0; i < count; i++) {
    const steps = [{ table: 'salesorder', message: 'Create' }];
    if (i % 3 === 0) {
      new OutboundQueueIntegration(stack, `q${i}`, { dataverse, resourceGroup: rg, steps });
    } else if (i % 3 === 1) {
      new EventHubFanout(stack, `h${i}`, { dataverse, resourceGroup: rg, steps }).addSubscriber('billing', { principalId: '00000000-0000-0000-0000-000000000001' });
    } else {
      new RelayIntegration(stack, `r${i}`, { dataverse, resourceGroup: rg, steps });
    }
  }
  return { app, stack, dataverse };
}

function measure(count: number) {
  const { stack, dataverse } = fleet(count);
  const tf = JSON.parse(JSON.stringify(stack.toTerraform()));
  const resources = Object.values<any>(tf.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
  const counter: VisitCounter = { visits: 0 };
  const dot = buildDiagram(dataverse.toManifest(), tf, dataverse.hostName, counter).toDot('fleet');
  return { visits: counter.visits, resources, dot };
}

describe('diagram at scale', () => {
  it('builds the graph of 500 integrations in a bounded number of resource visits, one cluster each', () => {
    const small = measure(50);
    const large = measure(500);
    // Each resource is indexed once and looked up a bounded number of times: no search per endpoint.
    expect(large.visits).toBeLessThanOrEqual(3 * large.resources);
    // Linear: ten times the integrations, (about) ten times the visits; a scan per endpoint would be ~100 times.
    expect(large.visits / small.visits).toBeLessThan(10.5);
    expect(large.dot.match(/subgraph "cluster_/g)).toHaveLength(500);
    expect(large.dot).toContain('subgraph "cluster_fleet/h499" {\n    label="h499";');
    // The 167 event hubs share a subscriber's principal id; each cluster draws its own, so no node ties them together.
    expect(large.dot.match(/^ +"principal:[^"]*" \[/gm)).toHaveLength(167);
    // The packed grid: about eight times as many rows as columns.
    expect(large.dot).toContain('packmode="array_c8"');
    // No node or cluster label line is longer than 32 characters (Graphviz sizes boxes to the text; short lines keep it readable).
    const body = large.dot.split('\n').filter((l) => !l.startsWith('  graph ['));
    const lines = [...body.join('\n').matchAll(/label="((?:[^"\\]|\\.)*)"/g)].flatMap((m) => m[1].split('\\n'));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(32);
  });
});

describe('cdktf-dataverse diagram', () => {
  const synthesized = () => {
    const outdir = tempDir();
    const { app } = fleet(3, outdir);
    app.synth();
    return outdir;
  };

  it('writes diagram.svg into each stack folder, or diagram.dot under --out', async () => {
    const outdir = synthesized();
    const svg = recordingIo();
    expect(await run(['diagram', '--cdktf-out', outdir], svg.io)).toBe(0);
    const file = path.join(outdir, 'stacks', 'fleet', 'diagram.svg');
    expect(svg.out).toEqual([`Wrote ${path.relative(svg.io.cwd, file)}`]);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*h1[\s\S]*<\/svg>\s*$/);

    const dot = recordingIo();
    expect(await run(['diagram', 'fleet', `--cdktf-out=${outdir}`, '--out', 'pictures', '--format', 'dot'], dot.io)).toBe(0);
    const text = fs.readFileSync(path.join(dot.io.cwd, 'pictures', 'fleet', 'diagram.dot'), 'utf8');
    expect(text).toMatch(/^digraph integrations \{/);
    expect(text.match(/subgraph "cluster_/g)).toHaveLength(3);
    expect(dot.out).toEqual([`Wrote ${path.join('pictures', 'fleet', 'diagram.dot')}`]);
  });

  it('fails with the fix: no synth output, an unknown stack, a format it cannot render, an unknown option', async () => {
    const outdir = synthesized();
    const cases: Array<[string[], string]> = [
      [['diagram', '--cdktf-out', path.join(outdir, 'nowhere')], "does not exist. Fix: run 'cdktf synth' first"],
      [['diagram', 'billing', '--cdktf-out', outdir], "stack 'billing' has no cdk.tf.json and dataverse-registrations.json in"],
      [['diagram', '--cdktf-out', outdir, '--format', 'png'], "--format 'png' is not one of svg, dot (the WebAssembly Graphviz renders no bitmaps)"],
      [['diagram', '--cdktf-out', outdir, '--manifest', 'x'], "unknown option '--manifest' for diagram"],
      [['diagram', '--out'], '--out needs a value'],
    ];
    for (const [argv, message] of cases) {
      const { io, errors } = recordingIo();
      expect(await run(argv, io), argv.join(' ')).toBe(1);
      expect(errors()).toContain(message);
    }
    const listed = recordingIo();
    await run(['diagram', 'billing', '--cdktf-out', outdir], listed.io);
    expect(listed.errors()).toContain('Fix: name a synthesized stack with a DataverseEnvironment (fleet)');
    expect(fs.existsSync(path.join(outdir, 'stacks', 'fleet', 'diagram.svg'))).toBe(false);
  });
});
