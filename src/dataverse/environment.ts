import * as fs from 'fs';
import * as path from 'path';
import { Aspects, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ManifestFormat, RegistrationManifest } from './manifest';
import { DataverseRecord } from './record';
import { RegistrationMode } from './registration-mode';
import { PowerPlatformRegistrationAspect } from './terraform-registration';
import { addValidator, annotate, Problems, quote } from '../core/problems';
import { StackArtifacts, stableJson } from '../core/stack-artifacts';
import { runStackFeature } from '../core/synth-hooks';
import { PowerPlatformProvider } from '../powerplatform/provider';

/** Properties of a DataverseEnvironment. */
export interface DataverseEnvironmentProps {
  /**
   * The environment URL, e.g. `https://contoso.crm4.dynamics.com`. Must be a literal https URL
   * without path or query: it seeds every record id.
   */
  readonly url: string;
  /**
   * Unmanaged solution that registered components are added to (Web API header
   * `MSCRM.SolutionUniqueName`).
   * @default - components are added to the default solution only
   */
  readonly solutionUniqueName?: string;
  /**
   * The solution publisher's customization prefix (2–8 letters or digits, starting with a letter).
   * Custom API unique names must start with it.
   * @default - no prefix check
   */
  readonly publisherPrefix?: string;
  /**
   * How the records reach Dataverse. With `RegistrationMode.POWER_PLATFORM_PROVIDER` every record
   * also becomes a `powerplatform_rest` resource of the stack (needs `environmentId`); the manifest
   * is written in both modes.
   * @default RegistrationMode.MANIFEST
   */
  readonly registrationMode?: RegistrationMode;
  /**
   * The Power Platform environment id (a GUID, as in the admin center's environment details, or a
   * reference such as a `powerplatform_environment`'s id). Required with
   * `RegistrationMode.POWER_PLATFORM_PROVIDER`; the lookups query the environment through it.
   * @default - none
   */
  readonly environmentId?: string;
  /**
   * The provider configuration the Power Platform resources use (POWER_PLATFORM_PROVIDER mode only).
   * @default - the stack's `powerplatform` provider; one with no settings (authentication from the
   * `POWER_PLATFORM_*` environment variables) is added when the stack has none
   */
  readonly powerPlatformProvider?: PowerPlatformProvider;
  /**
   * A stable identity of the app that owns the stack's registrations (1 to 100 letters, digits,
   * `.`, `_`, `-` or `:`). The command line keys its ownership record on the app identity and the
   * stack name, so two apps whose stacks share a name never see, overwrite or prune each other's
   * ownership record. Keep it when the app is renamed or moved; give each app its own.
   * @default - the `projectId` of the `cdktf.json` in the folder synth runs in (`cdktf init`
   * writes a random one); with neither, synth fails (in RegistrationMode.MANIFEST) and asks for one
   */
  readonly appId?: string;
  /**
   * Enable the security rule pack (DataversePolicyChecks) on the stack: findings become
   * Annotations and `policy-report.json` is written next to `cdk.tf.json`.
   * @default true
   */
  readonly policyChecks?: boolean;
  /**
   * Write `diagram.dot` and `diagram.svg` (the stack's integrations) next to `cdk.tf.json` at
   * every synth. Off by default, because rendering costs time at every synth: run
   * `cdktf-dataverse diagram` after `cdktf synth` to render the same files from `cdk.tf.json` and
   * the manifest.
   * @default false
   */
  readonly diagram?: boolean;
}

const ENV_MARK = Symbol.for('cdktf-dataverse.DataverseEnvironment');

/**
 * A Dataverse environment that the stack registers components in. Every pattern takes one.
 *
 * At synth it writes `dataverse-registrations.json` next to the stack's `cdk.tf.json`: the
 * records of every pattern in the stack, in apply order, with no secret values. With
 * `registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER` the same records also become
 * `powerplatform_rest` resources of the stack, so `cdktf deploy` registers them. It also enables
 * the security rule pack on the stack (`policy-report.json`, see DataversePolicyChecks;
 * `policyChecks: false` turns it off). `diagram: true` also writes the stack's diagram
 * (`diagram.dot`, `diagram.svg`) at synth; without it, `cdktf-dataverse diagram` renders it.
 *
 * Default settings:
 * - The manifest's `appId` (the app identity the command line keys its ownership record on) is
 *   `appId`, else the `projectId` of the `cdktf.json` in the folder synth runs in; without either,
 *   synth fails in manifest mode.
 */
export class DataverseEnvironment extends Construct {
  /** Whether `x` is a DataverseEnvironment. */
  public static isDataverseEnvironment(x: any): x is DataverseEnvironment {
    return x !== null && typeof x === 'object' && ENV_MARK in x;
  }

  /** The environment URL, normalised: lowercase host, no trailing slash. */
  public readonly url: string;
  /** The host name, e.g. `contoso.crm4.dynamics.com`. */
  public readonly hostName: string;
  public readonly solutionUniqueName?: string;
  public readonly publisherPrefix?: string;
  /** How the records reach Dataverse. */
  public readonly registrationMode: RegistrationMode;
  /** The Power Platform environment id, if given. */
  public readonly environmentId?: string;
  /** The provider configuration given for the Power Platform provider mode, if any. */
  public readonly powerPlatformProvider?: PowerPlatformProvider;
  /** The app identity written to the manifest (`appId`, else cdktf.json's `projectId`), if any. */
  public readonly appId?: string;

  constructor(scope: Construct, id: string, props: DataverseEnvironmentProps) {
    super(scope, id);
    Object.defineProperty(this, ENV_MARK, { value: true });
    const parsed = parseEnvironmentUrl(props.url);
    this.url = parsed.url;
    this.hostName = parsed.host;
    this.solutionUniqueName = props.solutionUniqueName;
    this.publisherPrefix = props.publisherPrefix;
    this.registrationMode = props.registrationMode ?? RegistrationMode.MANIFEST;
    this.environmentId = props.environmentId;
    this.powerPlatformProvider = props.powerPlatformProvider;
    const app = resolveAppId(props.appId);
    this.appId = app.appId;

    const stack = TerraformStack.of(this);
    const others = stack.node.findAll().filter((c) => c !== this && DataverseEnvironment.isDataverseEnvironment(c));

    addValidator(this, (problems) => {
      if (parsed.problem) problems.add(parsed.problem);
      const solution = props.solutionUniqueName;
      if (solution !== undefined && !Token.isUnresolved(solution)) {
        problems.check(
          /^[A-Za-z_][A-Za-z0-9_]{0,64}$/.test(solution),
          `solutionUniqueName ${quote(solution)} is not a solution unique name: 1 to 65 letters, digits or underscores, not starting with a digit. Fix: use the solution's Name column, not its display name.`,
        );
      }
      const prefix = props.publisherPrefix;
      if (prefix !== undefined && !Token.isUnresolved(prefix)) {
        problems.check(
          /^[A-Za-z][A-Za-z0-9]{1,7}$/.test(prefix) && !/^mscrm/i.test(prefix),
          `publisherPrefix ${quote(prefix)} is not a publisher prefix: 2 to 8 letters or digits, starting with a letter, not starting with 'mscrm'. Fix: use the Prefix of the solution's publisher.`,
        );
      }
      this.validateRegistrationMode(problems, props);
      if (app.problem) problems.add(app.problem);
      problems.check(
        this.appId !== undefined || this.registrationMode !== RegistrationMode.MANIFEST,
        `no app identity: the command line keys the ownership record of the stack's registrations on it (so that two apps with a stack of the same name never prune each other's rows), and neither appId is set nor does ${quote(path.join(process.cwd(), 'cdktf.json'))} have a projectId. Fix: set appId on the DataverseEnvironment to a stable name of the app (e.g. 'contoso-orders'), or run synth in the folder of the app's cdktf.json.`,
      );
      problems.check(
        others.length === 0,
        `a stack holds one DataverseEnvironment, but ${stack.node.id} also has ${others.map((o) => o.node.path).join(', ')}. Fix: put each environment in its own TerraformStack (one manifest per stack).`,
      );
    });

    StackArtifacts.of(stack).add(ManifestFormat.FILE_NAME, () => stableJson(this.toManifest()));
    if (this.registrationMode === RegistrationMode.POWER_PLATFORM_PROVIDER) {
      // Records are added after the environment; they are rendered as resources when the stack is synthesized.
      Aspects.of(stack).add(new PowerPlatformRegistrationAspect(this));
    }
    // Through core's registry (src/core/synth-hooks.ts): dataverse/ does not import policy/ or diagram/.
    if (props.policyChecks ?? true) runStackFeature('policyChecks', this);
    if (props.diagram ?? false) runStackFeature('diagram', this);
    if (!props.solutionUniqueName) {
      annotate(this, 'info', 'No solutionUniqueName: registered components go to the default solution only. Set it to keep them in an unmanaged solution you can export.');
    }
  }

  /** The records registered in this environment, in apply order (dependencies first). */
  public get records(): DataverseRecord[] {
    return TerraformStack.of(this)
      .node.findAll()
      .filter((c): c is DataverseRecord => DataverseRecord.isDataverseRecord(c) && c.environment === this)
      .sort((a, b) => a.applyOrder - b.applyOrder || compare(a.node.path, b.node.path));
  }

  /**
   * The registration manifest as written to `dataverse-registrations.json`, in memory.
   */
  public toManifest(): RegistrationManifest {
    return {
      manifestVersion: ManifestFormat.VERSION,
      appId: this.appId,
      stack: TerraformStack.of(this).node.id,
      environment: {
        url: this.url,
        solutionUniqueName: this.solutionUniqueName,
        publisherPrefix: this.publisherPrefix,
        registrationMode: this.registrationMode === RegistrationMode.MANIFEST ? undefined : this.registrationMode,
      },
      records: this.records.map((r) => r.toManifestRecord()),
    };
  }

  private validateRegistrationMode(problems: Problems, props: DataverseEnvironmentProps): void {
    const mode = this.registrationMode;
    problems.check(
      Object.values(RegistrationMode).includes(mode),
      `registrationMode ${quote(mode)} is not a registration mode. Fix: use RegistrationMode.MANIFEST or RegistrationMode.POWER_PLATFORM_PROVIDER.`,
    );
    const envId = props.environmentId;
    if (mode === RegistrationMode.POWER_PLATFORM_PROVIDER) {
      problems.check(
        envId !== undefined,
        "registrationMode POWER_PLATFORM_PROVIDER needs environmentId: the provider's lookups address the environment by its id. Fix: set environmentId to the Power Platform environment id (a GUID from the admin center's environment details).",
      );
    } else {
      problems.check(
        props.powerPlatformProvider === undefined,
        `powerPlatformProvider ${quote(props.powerPlatformProvider?.node.path)} is set, but registrationMode is ${quote(mode)}: nothing would use it. Fix: set registrationMode: RegistrationMode.POWER_PLATFORM_PROVIDER, or remove powerPlatformProvider.`,
      );
    }
    if (envId !== undefined && !Token.isUnresolved(envId)) {
      problems.check(
        GUID.test(envId),
        `environmentId ${quote(envId)} is not a GUID. Fix: use the environment id (e.g. '00000000-0000-0000-0000-000000000000'), not its name, URL or organization id.`,
      );
    }
  }
}

/** What an app identity may hold (the manifest schema has the same pattern). */
const APP_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** `appId` if given, else the `projectId` of `cdktf.json` in the working folder (where `cdktf synth` runs the app). */
function resolveAppId(given: string | undefined): { appId?: string; problem?: string } {
  if (given !== undefined) {
    if (Token.isUnresolved(given)) {
      return { problem: 'appId must be a literal: it keys the ownership record in Dataverse and cannot be a Terraform reference. Fix: use a fixed name of the app.' };
    }
    if (!APP_ID.test(given)) {
      return {
        appId: given,
        problem: `appId ${quote(given)} is not an app identity: 1 to 100 letters, digits, '.', '_', '-' or ':', starting with a letter or digit. Fix: use a stable name of the app such as 'contoso-orders'.`,
      };
    }
    return { appId: given };
  }
  const file = path.join(process.cwd(), 'cdktf.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  let projectId: unknown;
  try {
    projectId = JSON.parse(text)?.projectId;
  } catch {
    return { problem: `${quote(file)} is not JSON, so its projectId cannot serve as the app identity. Fix: repair cdktf.json, or set appId on the DataverseEnvironment.` };
  }
  if (projectId === undefined) return {};
  if (typeof projectId !== 'string' || !APP_ID.test(projectId)) {
    return {
      problem: `the projectId ${quote(projectId)} of ${quote(file)} is not an app identity: 1 to 100 letters, digits, '.', '_', '-' or ':'. Fix: set appId on the DataverseEnvironment.`,
    };
  }
  return { appId: projectId };
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface ParsedUrl {
  readonly url: string;
  readonly host: string;
  readonly problem?: string;
}

function parseEnvironmentUrl(raw: string): ParsedUrl {
  const fix = "Fix: pass the environment's https URL as shown in the Power Platform admin center, e.g. 'https://contoso.crm4.dynamics.com'.";
  if (Token.isUnresolved(raw)) {
    return { url: raw, host: raw, problem: `url must be a literal: it seeds every record id and cannot be a Terraform reference. ${fix}` };
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { url: raw, host: raw, problem: `url ${quote(raw)} is not a URL. ${fix}` };
  }
  const problems: string[] = [];
  if (parsed.protocol !== 'https:') problems.push(`uses ${parsed.protocol.replace(':', '')}, not https`);
  if (parsed.pathname !== '/' && parsed.pathname !== '') problems.push(`has a path (${parsed.pathname})`);
  if (parsed.search || parsed.hash) problems.push('has a query or fragment');
  if (parsed.username || parsed.password) problems.push('carries credentials');
  if (parsed.port) problems.push(`names a port (${parsed.port})`);
  const host = parsed.hostname.toLowerCase();
  const url = `https://${host}`;
  return problems.length > 0 ? { url, host, problem: `url ${quote(raw)} ${problems.join(', ')}. ${fix}` } : { url, host };
}
