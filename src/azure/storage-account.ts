import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { StorageAccount as StorageAccountResource } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Construct } from 'constructs';
import { grantRole } from './grants';
import { GrantOptions } from './grants-api';
import { checkImportedId, requireProps } from './imports';
import { checkName, generateName, NAME_RULES } from './naming';
import { checkInteger } from './props';
import { ResourceGroupReference } from './resource-group';
import { resourceGroupOfId, resourceNameOfId } from './resource-id';
import { checkTags, TAG_LIMITS } from './tags';
import { addValidator, isUnresolved, quote } from '../core/problems';
import { PolicySuppressions } from '../policy/suppressions';

/** Built-in roles on a storage account's blobs. @internal */
export const STORAGE_ROLES = {
  blobDataOwner: 'Storage Blob Data Owner',
  blobDataContributor: 'Storage Blob Data Contributor',
  blobDataReader: 'Storage Blob Data Reader',
};

/** A storage account: one this stack creates, or one that exists (`StorageAccount.fromStorageAccountAttributes`). */
export interface IStorageAccount {
  /** Resource id. */
  readonly storageAccountId: string;
  /** Account name. */
  readonly storageAccountName: string;
  /** Blob endpoint with a trailing slash, e.g. `https://<name>.blob.core.windows.net/`. */
  readonly primaryBlobEndpoint: string;
  /** Resource group of the account. */
  readonly resourceGroupName: string;
  /** Grants "Storage Blob Data Owner" on the account; returns the role assignment. */
  grantBlobDataOwner(principalId: string, options?: GrantOptions): RoleAssignment;
  /** Grants "Storage Blob Data Contributor" on the account; returns the role assignment. */
  grantBlobDataContributor(principalId: string, options?: GrantOptions): RoleAssignment;
  /** Grants "Storage Blob Data Reader" on the account; returns the role assignment. */
  grantBlobDataReader(principalId: string, options?: GrantOptions): RoleAssignment;
}

/** Attributes of a storage account that exists. */
export interface StorageAccountAttributes {
  /** Resource id: `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<name>`. */
  readonly storageAccountId: string;
  /**
   * Blob endpoint.
   * @default - `https://<name>.blob.core.windows.net/` (public Azure cloud)
   */
  readonly primaryBlobEndpoint?: string;
}

/** The grants every storage account offers, created or imported. */
abstract class StorageAccountBase extends Construct implements IStorageAccount {
  public abstract readonly storageAccountId: string;
  public abstract readonly storageAccountName: string;
  public abstract readonly primaryBlobEndpoint: string;
  public abstract readonly resourceGroupName: string;

  public grantBlobDataOwner(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, 'blob-owner', STORAGE_ROLES.blobDataOwner, this.storageAccountId, principalId, options);
  }

  public grantBlobDataContributor(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, 'blob-contributor', STORAGE_ROLES.blobDataContributor, this.storageAccountId, principalId, options);
  }

  public grantBlobDataReader(principalId: string, options: GrantOptions = {}): RoleAssignment {
    return grantRole(this, 'blob-reader', STORAGE_ROLES.blobDataReader, this.storageAccountId, principalId, options);
  }
}

/** How a storage account is created: the options a pattern passes through. */
export interface StorageAccountOptions {
  /**
   * Account name (3–24 lowercase letters and digits; globally unique).
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Replication: `LRS`, `ZRS`, `GRS`, `RAGRS`, `GZRS` or `RAGZRS`.
   * @default 'LRS'
   */
  readonly replicationType?: string;
  /**
   * Days deleted blobs and containers are kept (soft delete), 1–365.
   * @default 7
   */
  readonly blobSoftDeleteDays?: number;
}

/** Properties of a StorageAccount. */
export interface StorageAccountProps extends StorageAccountOptions {
  /** Resource group (name and location) of the account. */
  readonly resourceGroup: ResourceGroupReference;
  /**
   * Shared key (account key and SAS) access. Off means Entra ID only; turn it on only for a
   * service that cannot use an identity (Event Hubs Capture configured by azurerm).
   * @default false
   */
  readonly sharedAccessKeyEnabled?: boolean;
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

const REPLICATION = ['LRS', 'ZRS', 'GRS', 'RAGRS', 'GZRS', 'RAGZRS'];

/**
 * A StorageV2 account with the library's one hardening for storage, used by every pattern.
 *
 * Default settings:
 * - StorageV2, Standard, LRS; HTTPS only, TLS 1.2 minimum; no public blob access.
 * - Shared keys off, Entra ID the default in the portal (`sharedAccessKeyEnabled` turns keys on).
 * - No cross-tenant replication.
 * - Soft delete of blobs and containers for 7 days.
 * - With shared keys on: a SAS expiration policy of one day (exceeding it is logged).
 * - Public endpoint on (policy findings CKV_AZURE_59, CKV_AZURE_206, CKV_AZURE_33 suppressed
 *   with their reasons; with shared keys on, CKV2_AZURE_40 is left to the caller to accept).
 */
export class StorageAccount extends StorageAccountBase {
  /** Imports a storage account that exists. */
  public static fromStorageAccountAttributes(scope: Construct, id: string, attrs: StorageAccountAttributes): IStorageAccount {
    return new ImportedStorageAccount(scope, id, attrs);
  }

  public readonly storageAccountId: string;
  public readonly storageAccountName: string;
  public readonly primaryBlobEndpoint: string;
  public readonly resourceGroupName: string;
  /** The azurerm_storage_account resource. */
  public readonly resource: StorageAccountResource;

  constructor(scope: Construct, id: string, props: StorageAccountProps) {
    super(scope, id);
    requireProps(this, 'StorageAccount', props, ['resourceGroup']);
    const replication = props.replicationType ?? 'LRS';
    const sharedKeys = props.sharedAccessKeyEnabled ?? false;
    const days = props.blobSoftDeleteDays ?? 7;
    // 'Default' keeps the Terraform address of the account that of this construct.
    this.resource = new StorageAccountResource(this, 'Default', {
      name: props.name ?? generateName(this, NAME_RULES.storageAccount, 'st', this.node.path),
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      accountKind: 'StorageV2',
      accountTier: 'Standard',
      accountReplicationType: replication,
      minTlsVersion: 'TLS1_2',
      httpsTrafficOnlyEnabled: true,
      allowNestedItemsToBePublic: false,
      sharedAccessKeyEnabled: sharedKeys,
      defaultToOauthAuthentication: true,
      crossTenantReplicationEnabled: false,
      publicNetworkAccessEnabled: true,
      blobProperties: { deleteRetentionPolicy: { days }, containerDeleteRetentionPolicy: { days } },
      // Keys on (for a service without an identity): SAS tokens get an expiry policy (logged when exceeded).
      sasPolicy: sharedKeys ? { expirationPeriod: '1.00:00:00', expirationAction: 'Log' } : undefined,
      tags: props.tags,
    });
    this.storageAccountId = this.resource.id;
    this.storageAccountName = this.resource.name;
    this.primaryBlobEndpoint = this.resource.primaryBlobEndpoint;
    this.resourceGroupName = props.resourceGroup.name;
    const suppressions = PolicySuppressions.of(this.resource).add(
      'CKV_AZURE_59',
      'The services the patterns connect (Flex Consumption apps without a virtual network, Event Hubs Capture) reach the account over its public endpoint; data access still needs an Entra ID role or, where turned on, a key.',
    );
    if (replication === 'LRS') {
      suppressions.add(
        'CKV_AZURE_206',
        'The account holds data a deploy or the source recreates (code packages, host state, copies of events); locally redundant storage is the default. Set replicationType for geo-redundancy.',
      );
    }
    suppressions.add(
      'CKV_AZURE_33',
      'The patterns use blobs only; queue request logging needs the queue service reached with shared keys, and the hosts log to Application Insights instead.',
    );
    addValidator(this, (problems) => {
      checkName(problems, NAME_RULES.storageAccount, 'name', props.name);
      if (!isUnresolved(replication)) {
        problems.check(REPLICATION.includes(replication), `replicationType ${quote(replication)} is not a storage replication. Fix: use one of ${REPLICATION.join(', ')}.`);
      }
      checkInteger(problems, 'blobSoftDeleteDays', props.blobSoftDeleteDays, 1, 365);
      checkTags(problems, 'tags', props.tags, TAG_LIMITS.storageAccount);
    });
  }

  /**
   * Adds a private blob container. `scope` and `id` place it in the construct tree (the pattern
   * that needs it), so its Terraform address does not depend on this account's.
   */
  public addContainer(scope: Construct, id: string, name: string): StorageContainer {
    return new StorageContainer(scope, id, { name, storageAccountId: this.storageAccountId, containerAccessType: 'private' });
  }
}

class ImportedStorageAccount extends StorageAccountBase {
  public readonly storageAccountId: string;
  public readonly storageAccountName: string;
  public readonly primaryBlobEndpoint: string;
  public readonly resourceGroupName: string;

  constructor(scope: Construct, id: string, attrs: StorageAccountAttributes) {
    super(scope, id);
    requireProps(this, 'StorageAccount.fromStorageAccountAttributes', attrs, ['storageAccountId']);
    this.storageAccountId = attrs.storageAccountId;
    this.storageAccountName = resourceNameOfId(attrs.storageAccountId ?? '');
    this.resourceGroupName = resourceGroupOfId(attrs.storageAccountId ?? '') ?? '';
    this.primaryBlobEndpoint = attrs.primaryBlobEndpoint ?? `https://${this.storageAccountName}.blob.core.windows.net/`;
    checkImportedId(this, 'storageAccountId', attrs.storageAccountId, 'Microsoft.Storage/storageAccounts');
  }
}
