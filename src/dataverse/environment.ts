import { Aspects, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ManifestFormat, RegistrationManifest } from './manifest';
import { DataverseRecord } from './record';
import { RegistrationMode } from './registration-mode';
import { PowerPlatformRegistrationAspect } from './terraform-registration';
import { addValidator, annotate, Problems, quote } from '../core/problems';
import { StackArtifacts, stableJson } from '../core/stack-artifacts';
import { PowerPlatformProvider } from '../powerplatform/provider';
import { DataversePolicyChecks } from '../policy/checks';
import { registerDiagram } from '../policy/diagram';

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
   * Enable the security rule pack (DataversePolicyChecks) on the stack: findings become
   * Annotations and `policy-report.json` is written next to `cdk.tf.json`.
   * @default true
   */
  readonly policyChecks?: boolean;
  /**
   * Write `diagram.dot` and `diagram.svg` (the stack's integrations) next to `cdk.tf.json`.
   * @default true
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
 * the security rule pack on the stack (`policy-report.json`, see DataversePolicyChecks) and writes
 * the stack's diagram (`diagram.dot`, `diagram.svg`); `policyChecks: false` and `diagram: false`
 * turn them off.
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
    if (props.policyChecks ?? true) DataversePolicyChecks.enable(stack);
    if (props.diagram ?? true) registerDiagram(stack, this);
    if (!props.solutionUniqueName) {
      annotate(
      this,
      'info',
        'No solutionUniqueName: registered components go to the default solution only. Set it to keep them in an unmanaged solution you can export.',
      );
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
