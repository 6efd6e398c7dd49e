import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { App, TerraformStack, Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { DataverseEnvironment, DataverseEnvironmentProps } from '../src';

/** A stack with an azurerm provider, a resource group and a Dataverse environment. */
export function newStack(envProps: Partial<DataverseEnvironmentProps> = {}, stackName = 'test', outdir?: string) {
  const app = Testing.app(outdir ? { outdir } : undefined);
  const stack = new TerraformStack(app, stackName);
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const rg = new ResourceGroup(stack, 'rg', { name: 'rg-test', location: 'westeurope' });
  const dataverse = new DataverseEnvironment(stack, 'dataverse', {
    url: 'https://contoso.crm4.dynamics.com',
    solutionUniqueName: 'ContosoIntegration',
    ...envProps,
  });
  return { app, stack, rg, dataverse };
}

/** Synthesizes with validations; returns the parsed cdk.tf.json. */
export function synthJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack, true));
}

/** The resources of one type, keyed by logical id. */
export function resourcesOf(synth: any, type: string): Record<string, any> {
  return synth.resource?.[type] ?? {};
}

/** The only resource of a type (fails when there are none or several). */
export function onlyResource(synth: any, type: string): any {
  const all = Object.values(resourcesOf(synth, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/** The validation messages a synth fails with (empty when it succeeds). */
export function validationErrors(stack: TerraformStack): string[] {
  try {
    Testing.synth(stack, true);
    return [];
  } catch (e) {
    const text = (e as Error).message;
    if (!text.startsWith('Validation failed')) throw e;
    return text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('['));
  }
}

/** The one validation error that contains `text` (fails unless exactly one does, and it names a fix). */
export function oneError(errors: string[], text: string): string {
  // Plain checks, not vitest's expect: the benches load these helpers outside vitest.
  const hits = errors.filter((e) => e.includes(text));
  if (hits.length !== 1) throw new Error(`expected one error containing ${JSON.stringify(text)}, found ${hits.length}:\n${errors.join('\n')}`);
  if (!hits[0].includes('Fix:')) throw new Error(`the error names no fix: ${hits[0]}`);
  return hits[0];
}

/** The warning Annotations of a construct and its children. */
export function warningsOf(construct: IConstruct): string[] {
  return construct.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
}

/** Runs a full `app.synth()` into a fresh temporary folder; returns the stack folder. */
export function fullSynth(app: App, stackName: string): string {
  app.synth();
  return path.join(app.outdir, 'stacks', stackName);
}

/** A new temporary directory. */
export function tempDir(prefix = 'cdktf-dataverse-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file below a folder, as text (for "no secret in any synthesized file" checks). */
export function readAllFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

let exampleOutdir: string | undefined;

/**
 * Synthesizes the example app (examples/main.ts) in this test process into a temporary folder,
 * once per test file, and returns that folder (`stacks/<name>/...` below it).
 */
export async function synthExampleApp(): Promise<string> {
  if (exampleOutdir) return exampleOutdir;
  const outdir = tempDir();
  const previous = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir;
  try {
    await import(path.resolve(__dirname, '..', 'examples', 'main.ts'));
  } finally {
    if (previous === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = previous;
  }
  exampleOutdir = outdir;
  return outdir;
}

/** Attribute names of azurerm and random resources that hold keys or secrets. */
export const KEY_ATTRIBUTES = /primary_key|secondary_key|connection_string|primary_access_key|secondary_access_key|random_password\.[^.]+\.result/;

/**
 * Where a synthesized stack folder (as read by readAllFiles) lets a secret out: a non-sensitive
 * output whose value references a key attribute, or any file other than cdk.tf.json that mentions
 * one or holds a Terraform expression. Empty when nothing leaks.
 */
export function secretLeaks(files: Record<string, string>, keys: RegExp = KEY_ATTRIBUTES): string[] {
  const leaks: string[] = [];
  const tfName = Object.keys(files).find((f) => path.basename(f) === 'cdk.tf.json');
  const tf = tfName ? JSON.parse(files[tfName]) : {};
  for (const [name, output] of Object.entries<any>(tf.output ?? {})) {
    if (keys.test(JSON.stringify(output.value)) && output.sensitive !== true) leaks.push(`output ${name} is not sensitive`);
  }
  for (const [file, text] of Object.entries(files)) {
    if (file === tfName || file.endsWith('.svg') || file.endsWith('.zip')) continue;
    if (keys.test(text)) leaks.push(`${file} mentions a key attribute`);
    if (file.endsWith('.json') && path.basename(file) !== 'manifest.json' && text.includes('${')) leaks.push(`${file} holds a Terraform expression`);
  }
  return leaks;
}
