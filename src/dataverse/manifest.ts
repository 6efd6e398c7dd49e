// The registration manifest: what `dataverse-registrations.json` holds. These structs are the
// contract between the constructs (which write it), the command line (which applies it) and the
// Power Platform provider mode (which renders the same records as Terraform resources).

/** The environment the records belong to. */
export interface ManifestEnvironment {
  /** Environment URL, e.g. `https://contoso.crm4.dynamics.com` (no trailing slash). */
  readonly url: string;
  /** Unmanaged solution the records are added to (`MSCRM.SolutionUniqueName`). */
  readonly solutionUniqueName?: string;
  /** Publisher customization prefix. */
  readonly publisherPrefix?: string;
  /**
   * Set to `power-platform-provider` when Terraform (the Power Platform provider) registers the
   * records itself: the command line must not apply or delete them again.
   * @default - absent: the manifest is to be applied by the command line
   */
  readonly registrationMode?: string;
}

/** A lookup to another record of the same manifest, bound with `<navigation>@odata.bind`. */
export interface ManifestReference {
  /** Lookup column logical name, e.g. `eventhandler`. */
  readonly column: string;
  /** Single-valued navigation property used to bind it, e.g. `eventhandler_serviceendpoint`. */
  readonly navigation: string;
  /** Logical name of the referenced table. */
  readonly table: string;
  /** Entity set of the referenced table. */
  readonly entitySet: string;
  /** Deterministic id of the referenced record. */
  readonly id: string;
}

/**
 * A lookup to a row that already exists in the environment (sdkmessage, sdkmessagefilter, plug-in
 * type, security role …). Symbolic: resolved per environment, never a GUID.
 */
export interface ManifestLookup {
  /** Lookup column logical name, e.g. `sdkmessagefilterid`. */
  readonly column: string;
  /** Navigation property used to bind it. */
  readonly navigation: string;
  /** Logical name of the looked-up table. */
  readonly table: string;
  /** Entity set to query. */
  readonly entitySet: string;
  /** Primary key column of the looked-up table. */
  readonly idColumn: string;
  /** OData `$filter` that finds exactly one row. */
  readonly filter: string;
  /** The symbolic key in plain words (also the cache key for resolution). */
  readonly key: { [name: string]: string };
}

/**
 * A many-to-many association of a record with a row of the environment (for example an
 * application user with a security role): `POST <set>(<id>)/<relationship>/$ref`.
 */
export interface ManifestAssociation {
  /** Collection-valued navigation property, e.g. `systemuserroles_association`. */
  readonly relationship: string;
  /** The row to associate with, found in the environment. */
  readonly target: ManifestLookup;
}

/** A column whose value comes from a Terraform output of the deployed stack. */
export interface ManifestOutputColumn {
  /** Column logical name. */
  readonly column: string;
  /** Name of the Terraform output (`terraform output -json`). */
  readonly output: string;
  /** Whether the output is sensitive (secrets always are). */
  readonly sensitive: boolean;
}

/** One row to upsert. */
export interface ManifestRecord {
  /** Table logical name, e.g. `serviceendpoint`. */
  readonly table: string;
  /** Web API entity set, e.g. `serviceendpoints`. */
  readonly entitySet: string;
  /** Deterministic primary key (name-based UUID of the environment URL and construct path). */
  readonly id: string;
  /** Construct path that declared the record. */
  readonly path: string;
  /** Literal column values: logical names, numeric option values. */
  readonly columns: { [column: string]: any };
  /** Lookups to other records of this manifest. */
  readonly references: ManifestReference[];
  /** Lookups to rows that exist in the environment. */
  readonly lookups: ManifestLookup[];
  /** Columns filled from Terraform outputs at apply time (secrets, names known only after deploy). */
  readonly fromOutputs: ManifestOutputColumn[];
  /** Columns Dataverse never returns on read. */
  readonly writeOnly: string[];
  /** Many-to-many associations to make after the row exists. */
  readonly associations: ManifestAssociation[];
}

/** The whole manifest of one stack. */
export interface RegistrationManifest {
  /** Format version (see ManifestFormat.VERSION). */
  readonly manifestVersion: number;
  /**
   * The app the stack belongs to (DataverseEnvironment `appId`, else cdktf.json's `projectId`):
   * the command line keys the stack's ownership record on it and the stack name.
   * @default - absent only in Power Platform provider mode without an app identity
   */
  readonly appId?: string;
  /** Stack name. */
  readonly stack: string;
  readonly environment: ManifestEnvironment;
  /** Records in apply order: dependencies first. */
  readonly records: ManifestRecord[];
}

/** The manifest's format: version, file name and JSON Schema (shipped as `lib/dataverse/manifest.schema.json`). */
export class ManifestFormat {
  /** Current format version; readers refuse other versions. */
  public static readonly VERSION = 1;
  /** The file written next to each stack's `cdk.tf.json`. */
  public static readonly FILE_NAME = 'dataverse-registrations.json';

  /** The schema document (JSON Schema draft-07). */
  public static schema(): any {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return JSON.parse(JSON.stringify(require('./manifest.schema.json')));
  }

  /** Path of the schema file inside the installed package. */
  public static schemaFilePath(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('path').join(__dirname, 'manifest.schema.json');
  }

  private constructor() {}
}
