// Shared set-up for the command line tests: real manifests from synthesized stacks, an outputs
// file, a recording io object and the fake Dataverse.
import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { FakeDataverse, seedStandardRows } from './fake-dataverse';
import { DataverseEnvironment, DataverseEnvironmentProps, DataverseRecord, OutboundQueueIntegration, StepDefinition } from '../../src';
import { CliIo } from '../../src/cli/io';
import { run } from '../../src/cli/run';
import { fullSynth, newStack, tempDir } from '../helpers';

/** A stack with OutboundQueueIntegration, fully synthesized; returns its folder and output name. */
export function synthOrders(
  steps: StepDefinition[] = [
    { table: 'salesorder', message: 'Create' },
    { table: 'salesorder', message: 'Update', filteringAttributes: ['statuscode'] },
  ],
  options: { env?: Partial<DataverseEnvironmentProps>; extra?: (stack: Construct, dataverse: DataverseEnvironment) => void; id?: string } = {},
) {
  const { app, stack, rg, dataverse } = newStack(options.env);
  const integration = new OutboundQueueIntegration(stack, options.id ?? 'orders', { dataverse, resourceGroup: rg, steps });
  options.extra?.(stack, dataverse);
  const dir = fullSynth(app, 'test');
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'dataverse-registrations.json'), 'utf8'));
  return { dir, manifest, outputName: integration.secretOutputName, manifestFile: path.join(dir, 'dataverse-registrations.json') };
}

/** The SAS key the tests' outputs file holds. */
export const SAS = 'sas-key-value-1';

/** A synthesized stack plus its outputs file and the arguments that name both. */
export function orders(...args: Parameters<typeof synthOrders>) {
  const s = synthOrders(...args);
  const outputs = writeOutputs(s.dir, { [s.outputName]: SAS });
  return { ...s, outputs, args: ['--manifest', s.dir, '--outputs', outputs] };
}

/** `terraform output -json` of the deployed stack. */
export function writeOutputs(dir: string, values: { [name: string]: string }): string {
  const file = path.join(dir, 'outputs.json');
  const content: any = {};
  for (const [name, value] of Object.entries(values)) content[name] = { value, sensitive: true, type: 'string' };
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

/** An io that records lines, sleeps and token scopes instead of touching the process. */
export function recordingIo(env: { [name: string]: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const sleeps: number[] = [];
  const scopes: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env,
    cwd: tempDir('cdktf-dataverse-cwd-'),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    tokenProvider: {
      getToken: async (scope) => {
        scopes.push(scope);
        return { token: 'fake-token', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    },
  };
  return { io, out, err, sleeps, scopes, text: () => out.join('\n'), errors: () => err.join('\n') };
}

/** Starts the fake with the rows every environment has. */
export async function startFake(): Promise<FakeDataverse> {
  const fake = await FakeDataverse.start();
  seedStandardRows(fake);
  return fake;
}

/** Runs the command line in-process against the fake. */
export async function cli(fake: FakeDataverse, args: string[], recorder = recordingIo()) {
  const code = await run([...args, '--environment-url', fake.url], recorder.io, { baseDelayMs: 1000, maxDelayMs: 8000 });
  return { code, ...recorder };
}

/**
 * A record kind the constructs do not have yet (an application user with a role): proves the
 * command line is generic over tables, lookups and associations.
 */
export class TestApplicationUser extends DataverseRecord {
  public readonly tableName = 'systemuser';
  public readonly entitySetName = 'systemusers';
  public readonly applyOrder = 50;

  constructor(scope: Construct, id: string, environment: DataverseEnvironment, role: string) {
    super(scope, id, environment);
    this.setColumn('applicationid', '0f0e0d0c-0b0a-4909-8807-060504030201');
    this.addLookup({
      column: 'businessunitid',
      navigation: 'businessunitid',
      table: 'businessunit',
      entitySet: 'businessunits',
      idColumn: 'businessunitid',
      filter: 'parentbusinessunitid eq null',
      key: { businessUnit: '(root)' },
    });
    this.addAssociation('systemuserroles_association', {
      column: 'roleid',
      navigation: 'roleid',
      table: 'role',
      entitySet: 'roles',
      idColumn: 'roleid',
      filter: `name eq '${role}' and businessunitid/parentbusinessunitid eq null`,
      key: { role },
    });
  }
}

/** A bound custom API record (the constructs for it come from another issue). */
export class TestCustomApi extends DataverseRecord {
  public readonly tableName = 'customapi';
  public readonly entitySetName = 'customapis';
  public readonly applyOrder = 200;

  constructor(scope: Construct, id: string, environment: DataverseEnvironment, uniqueName: string, table: string) {
    super(scope, id, environment);
    this.setColumn('uniquename', uniqueName);
    this.setColumn('name', uniqueName);
    this.setColumn('bindingtype', 1);
    this.setColumn('boundentitylogicalname', table);
    this.setColumn('isfunction', false);
  }
}

/**
 * A stack of `records` records (100: 34 Service Bus endpoints and 66 steps, as in issue 13): about a
 * third OutboundQueueIntegrations, each with steps on Create and Update of salesorder (the last
 * ones with Create only), with its outputs file.
 */
export function synthFleet(records = 100, outdir?: string) {
  const { app, stack, rg, dataverse } = newStack({}, 'fleet', outdir);
  const outputs: { [name: string]: string } = {};
  const endpoints = Math.round(records * 0.34);
  let steps = records - endpoints;
  for (let i = 0; i < endpoints; i++) {
    const two = steps - 2 >= endpoints - i - 1;
    steps -= two ? 2 : 1;
    const defs: StepDefinition[] = two
      ? [
          { table: 'salesorder', message: 'Create' },
          { table: 'salesorder', message: 'Update' },
        ]
      : [{ table: 'salesorder', message: 'Create' }];
    const q = new OutboundQueueIntegration(stack, `q${i}`, { dataverse, resourceGroup: rg, steps: defs });
    outputs[q.secretOutputName] = `sas-key-${i}`;
  }
  const dir = fullSynth(app, 'fleet');
  const file = writeOutputs(dir, outputs);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'dataverse-registrations.json'), 'utf8'));
  return { dir, manifest, args: ['--manifest', dir, '--outputs', file] };
}
