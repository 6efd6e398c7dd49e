import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManifestFormat } from '../src';
import { readAllFiles, secretLeaks, synthExampleApp, tempDir } from './helpers';

const root = path.join(__dirname, '..');

/** Runs the example app exactly as `npm run synth` does, into a temporary folder. */
function synthExamples(outdir: string): void {
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), '--tsconfig', 'tsconfig.dev.json', 'examples/main.ts'], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    stdio: 'pipe',
  });
}

describe('examples/main.ts', () => {
  let outdir: string;
  let stacks: string[];
  beforeAll(async () => {
    outdir = await synthExampleApp();
    stacks = fs.readdirSync(path.join(outdir, 'stacks')).sort();
  });

  it('synthesizes the orders stack with its manifest', () => {
    expect(stacks).toContain('orders');
    const dir = path.join(outdir, 'stacks', 'orders');
    expect(fs.existsSync(path.join(dir, 'cdk.tf.json'))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, ManifestFormat.FILE_NAME), 'utf8'));
    expect(manifest.environment).toEqual({ url: 'https://contoso.crm4.dynamics.com', solutionUniqueName: 'ContosoIntegration' });
    const steps = manifest.records.filter((r: any) => r.table === 'sdkmessageprocessingstep' && r.path.startsWith('orders/orders/'));
    expect(steps.map((r: any) => r.lookups[1].key)).toEqual([
      { table: 'salesorder', message: 'Create' },
      { table: 'salesorder', message: 'Update' },
    ]);
  });

  it('every manifest validates against the schema and holds no Terraform expression', () => {
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(ManifestFormat.schema());
    for (const stack of stacks) {
      const file = path.join(outdir, 'stacks', stack, ManifestFormat.FILE_NAME);
      if (!fs.existsSync(file)) continue;
      const text = fs.readFileSync(file, 'utf8');
      expect(text).not.toContain('${');
      expect(validate(JSON.parse(text)), `${stack}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('no stack lets a secret out: keys only in sensitive outputs, no expression in any other file', () => {
    for (const stack of stacks) {
      const files = readAllFiles(path.join(outdir, 'stacks', stack));
      expect(secretLeaks(files), stack).toEqual([]);
    }
  });

  it('is deterministic: a run in a fresh process, as `npm run synth` does, writes the same bytes', () => {
    const again = tempDir();
    synthExamples(again);
    const a = readAllFiles(path.join(outdir, 'stacks'));
    const b = readAllFiles(path.join(again, 'stacks'));
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const name of Object.keys(a)) expect(b[name], name).toBe(a[name]);
  });

  it('the README quick start is the example, verbatim', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const quickStart = /## Quick start\n\n```ts\n([\s\S]*?)```/.exec(readme)![1];
    const example = fs.readFileSync(path.join(root, 'examples', 'main.ts'), 'utf8');
    const lines = quickStart.replace(/\napp\.synth\(\);\n$/, '\n').split('\n');
    const imports = lines.filter((l) => l.startsWith('import '));
    const code = lines
      .filter((l) => !l.startsWith('import '))
      .join('\n')
      .trim();
    for (const line of imports) expect(example.split('\n')).toContain(line);
    expect(example).toContain(code);
  });
});
