import { KeyVault as KeyVaultResource } from '@cdktf/provider-azurerm/lib/key-vault';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { grantRole } from './grants';
import { GrantOptions } from './grants-api';
import { checkImportedId, requireProps } from './imports';
import { checkName, generateName, NAME_RULES } from './naming';
import { checkInteger } from './props';
import { ResourceGroupReference } from './resource-group';
import { resourceGroupOfId, resourceNameOfId } from './resource-id';
import { checkTags } from './tags';
import { addValidator, isUnresolved, quote } from '../core/problems';

/** Built-in roles on a vault's secrets. @internal */
export const KEY_VAULT_ROLES = {
  secretsUser: 'Key Vault Secrets User',
  secretsOfficer: 'Key Vault Secrets Officer',
};

/** A Key Vault (RBAC authorization): one this stack creates, or one that exists (`KeyVault.fromKeyVaultAttributes`). */
export interface IKeyVault {
  /** Resource id. */
  readonly keyVaultId: string;
  /** Vault name. */
  readonly keyVaultName: string;
  /** Vault URI, e.g. `https://<name>.vault.azure.net/`. */
  readonly vaultUri: string;
  /** Resource group of the vault. */
  readonly resourceGroupName: string;
  /** Grants "Key Vault Secrets User" (read secrets) on the vault; returns the role assignment. */
  grantSecretsRead(principalId: string, options?: GrantOptions): RoleAssignment;
  /** Grants "Key Vault Secrets Officer" (write secrets) on the vault; returns the role assignment. */
  grantSecretsWrite(principalId: string, options?: GrantOptions): RoleAssignment;
}

/** Attributes of a Key Vault that exists (with Azure RBAC authorization). */
export interface KeyVaultAttributes {
  /** Resource id: `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>`. */
  readonly keyVaultId: string;
  /**
   * Vault URI.
   * @default - `https://<name>.vault.azure.net/` (public Azure cloud)
   */
  readonly vaultUri?: string;
}

abstract class KeyVaultBase extends Construct implements IKeyVault {
  public abstract readonly keyVaultId: string;
  public abstract readonly keyVaultName: string;
  public abstract readonly vaultUri: string;
  public abstract readonly resourceGroupName: string;

  public grantSecretsRead(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, 'secrets-read', KEY_VAULT_ROLES.secretsUser, this.keyVaultId, principalId, options);
  }

  public grantSecretsWrite(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, 'secrets-write', KEY_VAULT_ROLES.secretsOfficer, this.keyVaultId, principalId, options);
  }
}

/** How a Key Vault is created: the options a pattern passes through. */
export interface KeyVaultOptions {
  /**
   * Vault name (3–24 letters, digits, hyphens; globally unique).
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Purge protection: a deleted vault cannot be purged before its retention ends.
   * @default true
   */
  readonly purgeProtectionEnabled?: boolean;
  /**
   * Days a deleted vault (and secret) is kept, 7–90. Azure fixes it when the vault is created:
   * azurerm refuses to change it on an existing vault.
   * @default 90
   */
  readonly softDeleteRetentionDays?: number;
  /**
   * Network rules: `Deny` lets in only the trusted Azure services (bypass `AzureServices`),
   * `allowedIpRanges` and `allowedSubnetIds`; `Allow` lets in every network (access still needs an
   * Entra ID role). App Service and Functions Key Vault references are not a trusted service: an
   * app resolves them from its virtual network, so with `Deny` give the app's integration subnet.
   * Terraform writes secrets from where it runs: give its address or subnet too.
   * @default 'Deny'
   */
  readonly networkDefaultAction?: string;
  /**
   * Public addresses or CIDR ranges let in (with networkDefaultAction `Deny`).
   * @default - none
   */
  readonly allowedIpRanges?: string[];
  /**
   * Subnet ids let in (with networkDefaultAction `Deny`; the subnet needs the Microsoft.KeyVault service endpoint).
   * @default - none
   */
  readonly allowedSubnetIds?: string[];
}

/** Properties of a KeyVault. */
export interface KeyVaultProps extends KeyVaultOptions {
  /** Resource group (name and location) of the vault. */
  readonly resourceGroup: ResourceGroupReference;
  /** Entra ID tenant of the vault (e.g. `DataAzurermClientConfig.tenantId`). */
  readonly tenantId: string;
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * A Key Vault with the library's one hardening for vaults.
 *
 * Default settings:
 * - Standard SKU, Azure RBAC authorization (no access policies).
 * - Purge protection on; deleted vaults and secrets kept 90 days.
 * - Network rules deny by default, trusted Azure services bypass (`networkDefaultAction`).
 */
export class KeyVault extends KeyVaultBase {
  /** Imports a Key Vault that exists. */
  public static fromKeyVaultAttributes(scope: Construct, id: string, attrs: KeyVaultAttributes): IKeyVault {
    return new ImportedKeyVault(scope, id, attrs);
  }

  public readonly keyVaultId: string;
  public readonly keyVaultName: string;
  public readonly vaultUri: string;
  public readonly resourceGroupName: string;
  /** The azurerm_key_vault resource. */
  public readonly resource: KeyVaultResource;

  constructor(scope: Construct, id: string, props: KeyVaultProps) {
    super(scope, id);
    requireProps(this, 'KeyVault', props, ['resourceGroup', 'tenantId']);
    const action = props.networkDefaultAction ?? 'Deny';
    const rules = (props.allowedIpRanges ?? []).length + (props.allowedSubnetIds ?? []).length;
    this.resource = new KeyVaultResource(this, 'Default', {
      name: props.name ?? generateName(this, NAME_RULES.keyVault, 'kv', this.node.path),
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      tenantId: props.tenantId,
      skuName: 'standard',
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: props.purgeProtectionEnabled ?? true,
      softDeleteRetentionDays: props.softDeleteRetentionDays ?? 90,
      publicNetworkAccessEnabled: true,
      // An open vault without rules keeps Azure's default (no network_acls block).
      networkAcls:
        action === 'Allow' && rules === 0
          ? undefined
          : { defaultAction: action, bypass: 'AzureServices', ipRules: props.allowedIpRanges, virtualNetworkSubnetIds: props.allowedSubnetIds },
      tags: props.tags,
    });
    this.keyVaultId = this.resource.id;
    this.keyVaultName = this.resource.name;
    this.vaultUri = this.resource.vaultUri;
    this.resourceGroupName = props.resourceGroup.name;
    addValidator(this, (problems) => {
      checkName(problems, NAME_RULES.keyVault, 'name', props.name);
      checkInteger(problems, 'softDeleteRetentionDays', props.softDeleteRetentionDays, 7, 90);
      checkTags(problems, 'tags', props.tags);
      if (!isUnresolved(action)) {
        problems.check(['Allow', 'Deny'].includes(action), `networkDefaultAction ${quote(action)} is not 'Allow' or 'Deny'. Fix: use one of them.`);
      }
    });
  }
}

class ImportedKeyVault extends KeyVaultBase {
  public readonly keyVaultId: string;
  public readonly keyVaultName: string;
  public readonly vaultUri: string;
  public readonly resourceGroupName: string;

  constructor(scope: Construct, id: string, attrs: KeyVaultAttributes) {
    super(scope, id);
    requireProps(this, 'KeyVault.fromKeyVaultAttributes', attrs, ['keyVaultId']);
    this.keyVaultId = attrs.keyVaultId;
    this.keyVaultName = resourceNameOfId(attrs.keyVaultId);
    this.resourceGroupName = resourceGroupOfId(attrs.keyVaultId) ?? '';
    this.vaultUri = attrs.vaultUri ?? `https://${this.keyVaultName}.vault.azure.net/`;
    checkImportedId(this, 'keyVaultId', attrs.keyVaultId, 'Microsoft.KeyVault/vaults');
  }
}

/** Properties of a VaultSecret. */
export interface VaultSecretProps {
  /** The vault. */
  readonly keyVault: IKeyVault;
  /** Secret name (1–127 letters, digits, hyphens). */
  readonly name: string;
  /** The value: a Terraform reference (e.g. a random_password result), never a literal. */
  readonly value: string;
  /**
   * Content type.
   * @default 'text/plain'
   */
  readonly contentType?: string;
  /**
   * Expiry, RFC 3339 (`2027-06-30T00:00:00Z`). A fixed date, not one computed at synth, so the
   * output stays the same; rotate by generating a new value before it and moving the date.
   * @default - no expiry
   */
  readonly expirationDate?: string;
  /**
   * Resources that must exist before the secret is written (e.g. the deployer's role assignment).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** A secret in a Key Vault, with a grant scoped to it alone. */
export class VaultSecret extends Construct {
  /** The azurerm_key_vault_secret resource. */
  public readonly resource: KeyVaultSecret;
  /** Versionless secret URI, for Key Vault references (`@Microsoft.KeyVault(SecretUri=...)`). */
  public readonly versionlessUri: string;
  /** Versionless resource id, the scope of role assignments on this secret. */
  public readonly resourceVersionlessId: string;

  constructor(scope: Construct, id: string, props: VaultSecretProps) {
    super(scope, id);
    requireProps(this, 'VaultSecret', props, ['keyVault', 'name', 'value']);
    this.resource = new KeyVaultSecret(this, 'Default', {
      name: props.name,
      keyVaultId: props.keyVault.keyVaultId,
      value: props.value,
      contentType: props.contentType ?? 'text/plain',
      expirationDate: props.expirationDate,
      dependsOn: props.dependsOn,
    });
    this.versionlessUri = this.resource.versionlessId;
    this.resourceVersionlessId = this.resource.resourceVersionlessId;
    addValidator(this, (problems) => {
      problems.check(isUnresolved(props.value), 'value is a literal; it would be written into cdk.tf.json. Fix: pass a Terraform reference, e.g. a random_password result.');
      if (props.expirationDate !== undefined && !isUnresolved(props.expirationDate)) {
        problems.check(
          /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(props.expirationDate),
          `expirationDate ${quote(props.expirationDate)} is not an RFC 3339 time. Fix: write it like '2027-06-30T00:00:00Z'.`,
        );
      }
    });
  }

  /** Grants "Key Vault Secrets User" on this secret only; returns the role assignment. */
  public grantRead(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, 'read', KEY_VAULT_ROLES.secretsUser, this.resourceVersionlessId, principalId, options);
  }
}
