import * as fs from 'fs';
import * as path from 'path';
import { CliError } from './errors';
import { CHANGE_TRACKING_TABLE } from '../dataverse/change-tracking-metadata';
import { ManifestFormat, ManifestOutputColumn, ManifestRecord, RegistrationManifest } from '../dataverse/manifest';

/** Prefix of the environment variables that supply Terraform outputs. */
export const OUTPUT_ENV_PREFIX = 'CDKTF_DATAVERSE_OUTPUT_';

/**
 * The environment variable that supplies an output: the prefix, then the output name in upper
 * case with every character other than A–Z and 0–9 replaced by `_`
 * (`orders_endpoint_column-saskey_7B0E0669` → `CDKTF_DATAVERSE_OUTPUT_ORDERS_ENDPOINT_COLUMN_SASKEY_7B0E0669`).
 */
export function outputEnvName(output: string): string {
  return OUTPUT_ENV_PREFIX + output.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Reads a manifest from a stack folder (`cdktf.out/stacks/<name>`) or a json file. `readOnly`
 * (status) also reads a Power Platform provider mode manifest: its records are Terraform's, with
 * the same ids, and reading them changes nothing.
 */
export function loadManifest(location: string, cwd: string, readOnly = false): { manifest: RegistrationManifest; file: string } {
  const resolved = path.resolve(cwd, location);
  if (!fs.existsSync(resolved)) {
    throw new CliError(
      `--manifest '${location}' does not exist. Fix: run 'cdktf synth' first and pass the stack folder (cdktf.out/stacks/<stack>) or its ${ManifestFormat.FILE_NAME}.`,
    );
  }
  const file = fs.statSync(resolved).isDirectory() ? path.join(resolved, ManifestFormat.FILE_NAME) : resolved;
  if (!fs.existsSync(file)) {
    throw new CliError(
      `${resolved} has no ${ManifestFormat.FILE_NAME}. Fix: pass the folder of a stack that declares a DataverseEnvironment (cdktf.out/stacks/<stack>), after 'cdktf synth'.`,
    );
  }
  let data: any;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`${file} is not JSON (${(e as Error).message}). Fix: synthesize again; the file is written by 'cdktf synth'.`);
  }
  return { manifest: checkManifest(data, file, readOnly), file };
}

/** Checks the version and the shape the command line relies on. */
export function checkManifest(data: any, file: string, readOnly = false): RegistrationManifest {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new CliError(`${file} is not a registration manifest (not an object). Fix: pass the ${ManifestFormat.FILE_NAME} written by 'cdktf synth'.`);
  }
  if (data.manifestVersion !== ManifestFormat.VERSION) {
    throw new CliError(
      `${file} has manifestVersion ${JSON.stringify(data.manifestVersion)}, but this cdktf-dataverse reads version ${ManifestFormat.VERSION} only. Fix: run the cdktf-dataverse command line of the same package version that synthesized the stack (npx cdktf-dataverse from the app's own node_modules), or synthesize again with this version.`,
    );
  }
  const problems: string[] = [];
  if (typeof data.stack !== 'string') problems.push('stack is not a string');
  if (typeof data.environment?.url !== 'string') problems.push('environment.url is not a string');
  if (!Array.isArray(data.records)) problems.push('records is not a list');
  (Array.isArray(data.records) ? data.records : []).forEach((r: any, i: number) => {
    for (const key of ['table', 'entitySet', 'id', 'path']) {
      if (typeof r?.[key] !== 'string') problems.push(`records[${i}].${key} is not a string`);
    }
    if (r?.columns === null || typeof r?.columns !== 'object') problems.push(`records[${i}].columns is not an object`);
    for (const key of ['references', 'lookups', 'fromOutputs', 'writeOnly', 'associations']) {
      if (r?.[key] !== undefined && !Array.isArray(r[key])) problems.push(`records[${i}].${key} is not a list`);
    }
  });
  if (problems.length > 0) {
    throw new CliError(`${file} is not a valid registration manifest: ${problems.join('; ')}. Fix: synthesize again; do not edit the file by hand.`);
  }
  const mode = data.environment.registrationMode;
  const providerMode = readOnly && mode === PROVIDER_MODE;
  if (mode !== undefined && !providerMode) {
    throw new CliError(
      mode === 'power-platform-provider'
        ? `${file} is registered by Terraform: its environment has registrationMode 'power-platform-provider', so 'cdktf deploy' applies these records through the Power Platform provider (and 'cdktf destroy' removes them); the command line neither applies nor prunes them. Fix: run 'cdktf deploy' for this stack, or use RegistrationMode.MANIFEST on the DataverseEnvironment to apply with cdktf-dataverse instead.`
        : `${file} has registrationMode ${JSON.stringify(mode)}, which this cdktf-dataverse does not know. Fix: synthesize again with the version of cdktf-dataverse that reads it.`,
    );
  }
  if (!providerMode && (typeof data.appId !== 'string' || !APP_ID.test(data.appId))) {
    throw new CliError(
      `${file} names no app identity (appId ${JSON.stringify(data.appId)}): the ownership record of its rows is keyed on it. Fix: synthesize again with this version of cdktf-dataverse (it writes appId from DataverseEnvironment appId or cdktf.json's projectId).`,
    );
  }
  problems.push(...recordProblems(data.records));
  if (problems.length > 0) {
    throw new CliError(
      `${file} is not a valid registration manifest; nothing was sent:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix: synthesize again; do not edit the file by hand.`,
    );
  }
  // Lists that older writers may omit default to empty.
  const records: ManifestRecord[] = data.records.map((r: any) => ({
    ...r,
    references: r.references ?? [],
    lookups: r.lookups ?? [],
    fromOutputs: r.fromOutputs ?? [],
    writeOnly: r.writeOnly ?? [],
    associations: r.associations ?? [],
  }));
  return { ...data, records };
}

const PROVIDER_MODE = 'power-platform-provider';
const APP_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LOGICAL = /^[a-z][a-z0-9_]*$/;

/** Ids, names and references that go into request URLs: GUIDs, unique ids, plain names. */
function recordProblems(records: any[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  records.forEach((r, i) => {
    const where = `records[${i}] (${r.path})`;
    if (!GUID.test(r.id)) problems.push(`${where}: id '${r.id}' is not a GUID`);
    const id = String(r.id).toLowerCase();
    if (seen.has(id)) problems.push(`${where}: id ${id} is also the id of ${seen.get(id)}`);
    seen.set(id, String(r.path));
    for (const key of ['table', 'entitySet']) if (!NAME.test(r[key])) problems.push(`${where}: ${key} '${r[key]}' is not a logical name`);
    for (const ref of r.references ?? []) {
      if (!GUID.test(ref?.id)) problems.push(`${where}: reference ${ref?.column} points to '${ref?.id}', which is not a GUID`);
      if (!NAME.test(ref?.entitySet) || !NAME.test(ref?.navigation)) problems.push(`${where}: reference ${ref?.column} has an entity set or navigation that is not a name`);
    }
    for (const l of [...(r.lookups ?? []), ...(r.associations ?? []).map((a: any) => a?.target)]) {
      if (!NAME.test(l?.entitySet) || !NAME.test(l?.idColumn) || typeof l?.filter !== 'string') {
        problems.push(`${where}: lookup ${l?.column} has no entity set, id column or filter`);
      }
    }
    for (const a of r.associations ?? []) if (!NAME.test(a?.relationship)) problems.push(`${where}: association '${a?.relationship}' is not a relationship name`);
    // Change tracking: the table name goes into EntityDefinitions(LogicalName='…'); only ever turned on.
    if (r.table === CHANGE_TRACKING_TABLE) {
      const c = r.columns ?? {};
      if (!LOGICAL.test(c.logicalname) || !LOGICAL.test(c.entitysetname)) {
        problems.push(`${where}: change tracking needs the table's logicalname and entitysetname as logical names`);
      }
      if (c.changetrackingenabled !== true) problems.push(`${where}: changetrackingenabled must be true (change tracking is only ever turned on)`);
    }
  });
  return problems;
}

/** Values of Terraform outputs, from `terraform output -json` and environment variables. */
export class OutputValues {
  /** Reads `terraform output -json` (`{ name: { value, sensitive, type } }`), if a file is given. */
  public static load(file: string | undefined, cwd: string, env: { readonly [name: string]: string | undefined }): OutputValues {
    const values = new Map<string, any>();
    if (file !== undefined) {
      const resolved = path.resolve(cwd, file);
      if (!fs.existsSync(resolved)) {
        throw new CliError(`--outputs '${file}' does not exist. Fix: after 'cdktf deploy', run 'terraform output -json > outputs.json' in cdktf.out/stacks/<stack>.`);
      }
      let data: any;
      try {
        data = JSON.parse(fs.readFileSync(resolved, 'utf8'));
      } catch (e) {
        throw new CliError(`--outputs '${file}' is not JSON (${(e as Error).message}). Fix: write it with 'terraform output -json > outputs.json'.`);
      }
      if (data === null || typeof data !== 'object' || Array.isArray(data)) {
        throw new CliError(`--outputs '${file}' is not the output of 'terraform output -json' (an object of outputs). Fix: write it with 'terraform output -json > outputs.json'.`);
      }
      for (const [name, entry] of Object.entries<any>(data)) {
        if (entry === null || typeof entry !== 'object' || !('value' in entry)) {
          throw new CliError(
            `--outputs '${file}': output '${name}' has no 'value' (expected { value, type, sensitive } per output). Fix: write the file with 'terraform output -json', not 'terraform output -raw'.`,
          );
        }
        values.set(name, entry.value);
      }
    }
    return new OutputValues(values, env, file);
  }

  private constructor(
    private readonly fromFile: Map<string, any>,
    private readonly env: { readonly [name: string]: string | undefined },
    private readonly file: string | undefined,
  ) {}

  /** The value of an output: the environment variable wins over the file. */
  public get(output: string): any {
    const fromEnv = this.env[outputEnvName(output)];
    if (fromEnv !== undefined) return fromEnv;
    const value = this.fromFile.get(output);
    return value === null ? undefined : value;
  }

  /** Every output the manifest needs and nobody supplies, in one error. */
  public checkComplete(manifest: RegistrationManifest): void {
    const missing: string[] = [];
    for (const record of manifest.records) {
      for (const o of record.fromOutputs) {
        if (this.get(o.output) === undefined) missing.push(describeMissing(record, o));
      }
    }
    if (missing.length === 0) return;
    const where = this.file !== undefined ? `in '${this.file}'` : 'because no --outputs file was given';
    throw new CliError(
      `${missing.length} Terraform output(s) the manifest needs are missing ${where} and not set as environment variables:\n` +
        missing.map((m) => `  - ${m}`).join('\n') +
        `\nFix: after 'cdktf deploy', run 'terraform output -json > outputs.json' in cdktf.out/stacks/${manifest.stack} and pass --outputs outputs.json (deploy the stack first if the outputs are new), or set the environment variables named above.`,
    );
  }
}

function describeMissing(record: ManifestRecord, o: ManifestOutputColumn): string {
  return `output '${o.output}' (${record.table}.${o.column} of ${record.path}; or set ${outputEnvName(o.output)})`;
}
