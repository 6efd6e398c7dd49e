import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { DataverseEnvironment } from './environment';
import { ManifestLookup } from './manifest';
import { DataverseRecord } from './record';
import { Problems, quote } from '../core/problems';

/** Properties of an ApplicationUser record. */
export interface ApplicationUserProps {
  /** The environment the user is created in. */
  readonly environment: DataverseEnvironment;
  /**
   * `applicationid`: the client (application) id of the Entra ID application or managed identity,
   * e.g. a user-assigned identity's `clientId` (a Terraform reference travels through an output).
   */
  readonly applicationId: string;
  /**
   * Security roles to give the user, by name (looked up in the root business unit of each
   * environment, never by GUID).
   * @default - none
   */
  readonly securityRoleNames?: string[];
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * An application user (`systemuser` with `applicationid`): lets an Entra ID application or a
 * managed identity call the Dataverse Web API. It is created in the root business unit (looked
 * up per environment) and associated with its security roles by name
 * (`systemuserroles_association`), so nothing has to be clicked in the admin center.
 */
export class ApplicationUser extends DataverseRecord {
  public readonly tableName = 'systemuser';
  public readonly entitySetName = 'systemusers';
  public readonly applyOrder = 500;

  /** The client id the user stands for. */
  public readonly applicationId: string;
  /** The role names the user is associated with. */
  public readonly securityRoleNames: string[];

  constructor(scope: Construct, id: string, props: ApplicationUserProps) {
    super(scope, id, props.environment);
    this.applicationId = props.applicationId;
    this.securityRoleNames = props.securityRoleNames ?? [];
    this.setColumn('applicationid', props.applicationId);
    this.addLookup({
      column: 'businessunitid',
      navigation: 'businessunitid',
      table: 'businessunit',
      entitySet: 'businessunits',
      idColumn: 'businessunitid',
      filter: '_parentbusinessunitid_value eq null',
      key: { businessUnit: '(root)' },
    });
    for (const role of this.securityRoleNames) {
      this.addAssociation('systemuserroles_association', securityRoleLookup(role));
    }
  }

  /** @internal */
  protected _validateRecord(problems: Problems): void {
    super._validateRecord(problems);
    if (!Token.isUnresolved(this.applicationId)) {
      problems.check(
        GUID.test(this.applicationId),
        `application user: applicationId ${quote(this.applicationId)} is not a GUID. Fix: pass the client (application) id of the app registration or managed identity, not its name or object id.`,
      );
    }
    for (const role of this.securityRoleNames) {
      if (Token.isUnresolved(role)) continue;
      problems.check(
        role.trim().length > 0 && role.length <= 100,
        `application user: security role name ${quote(role)} must be 1 to 100 characters. Fix: use the role's name as shown in the admin center, e.g. 'Basic User'.`,
      );
    }
    const dupes = this.securityRoleNames.filter((r, i) => this.securityRoleNames.indexOf(r) !== i);
    problems.check(dupes.length === 0, `application user: security role ${quote(dupes[0])} is listed twice. Fix: list each role once.`);
  }
}

/** The security role of the root business unit with this name. */
function securityRoleLookup(name: string): ManifestLookup {
  return {
    column: 'roleid',
    navigation: 'systemuserroles_association',
    table: 'role',
    entitySet: 'roles',
    idColumn: 'roleid',
    filter: `name eq '${name.replace(/'/g, "''")}' and businessunitid/_parentbusinessunitid_value eq null`,
    key: { role: name },
  };
}
