import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { App, TerraformStack, Testing } from 'cdktf';
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
