import * as fs from 'fs';
import * as path from 'path';
import { App, Aspects, TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { DataversePolicyChecks } from '../../src';
import { registerStackFeature, runStackFeature } from '../../src/core/synth-hooks';
import { registerBuiltInStackFeatures } from '../../src/stack-features';
import { newStack, tempDir } from '../helpers';

function synthFiles(props: Parameters<typeof newStack>[0]): string[] {
  const outdir = tempDir();
  const { app } = newStack(props, 'hooks', outdir);
  app.synth();
  return fs.readdirSync(path.join(outdir, 'stacks', 'hooks')).sort();
}

describe('stack features through core/synth-hooks', () => {
  it('a DataverseEnvironment gets the rule pack and policy-report.json by default, no diagram', () => {
    const files = synthFiles({});
    expect(files).toContain('policy-report.json');
    expect(files).not.toContain('diagram.dot');
    expect(files).not.toContain('diagram.svg');
  });

  it('policyChecks: false writes no policy report and adds no aspect', () => {
    const files = synthFiles({ policyChecks: false });
    expect(files).not.toContain('policy-report.json');
    const { stack } = newStack({ policyChecks: false });
    expect(Aspects.of(stack).all.some((a) => a instanceof DataversePolicyChecks)).toBe(false);
  });

  it('diagram: true writes diagram.dot and diagram.svg', () => {
    const files = synthFiles({ diagram: true, policyChecks: false });
    expect(files).toEqual(expect.arrayContaining(['diagram.dot', 'diagram.svg']));
    expect(files).not.toContain('policy-report.json');
  });

  it('runs the registered implementation, and names the path and the fix when none is registered', () => {
    const seen: string[] = [];
    try {
      registerStackFeature('diagram', (stack, environment) => seen.push(`${stack.node.id}:${environment.node.path}`));
      newStack({ diagram: true, policyChecks: false }, 'custom');
      expect(seen).toEqual(['custom:custom/dataverse']);
      registerStackFeature('diagram', undefined as any);
      const stack = new TerraformStack(new App(), 'bare');
      expect(() => runStackFeature('diagram', stack)).toThrow(/bare: the stack feature 'diagram' is not registered.*Fix: import from 'cdktf-dataverse'/);
    } finally {
      registerBuiltInStackFeatures();
    }
  });

  it('dataverse/ imports neither policy/ nor diagram/', () => {
    const dir = path.join(__dirname, '..', '..', 'src', 'dataverse');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      expect(text, file).not.toMatch(/from '\.\.\/(policy|diagram)\//);
    }
  });
});
