import { FunctionAppFlexConsumption } from '@cdktf/provider-azurerm/lib/function-app-flex-consumption';
import { ServicePlan } from '@cdktf/provider-azurerm/lib/service-plan';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { checkImportedId, requireProps } from './imports';
import { checkName, generateName, NAME_RULES } from './naming';
import { checkInteger } from './props';
import { ResourceGroupReference } from './resource-group';
import { resourceGroupOfId, resourceNameOfId } from './resource-id';
import { IStorageAccount } from './storage-account';
import { checkTags } from './tags';
import { addValidator, isUnresolved, quote } from '../core/problems';
import { PolicySuppressions } from '../policy/suppressions';

/**
 * A Function App: one this stack creates, or one that exists (`FunctionApp.fromFunctionAppAttributes`).
 * What a consumer needs to call it or to put API Management in front of it.
 */
export interface IFunctionApp {
  /** Resource id. */
  readonly functionAppId: string;
  /** App name. */
  readonly functionAppName: string;
  /** Default host name, e.g. `func-orders.azurewebsites.net` (no scheme). */
  readonly defaultHostName: string;
  /** Resource group of the app. */
  readonly resourceGroupName: string;
  /** Principal id of the app's system-assigned identity (undefined when unknown, e.g. imported without it). */
  readonly principalId?: string;
}

/** Attributes of a Function App that exists. */
export interface FunctionAppAttributes {
  /** Resource id: `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<name>`. */
  readonly functionAppId: string;
  /**
   * Default host name.
   * @default - `<name>.azurewebsites.net`
   */
  readonly defaultHostName?: string;
  /**
   * Principal id of its system-assigned identity.
   * @default - unknown
   */
  readonly principalId?: string;
}

/** Properties of a FlexConsumptionPlan. */
export interface FlexConsumptionPlanProps {
  /** Resource group (name and location). */
  readonly resourceGroup: ResourceGroupReference;
  /**
   * Plan name.
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** A Flex Consumption plan (FC1, Linux). */
export class FlexConsumptionPlan extends Construct {
  /** Resource id. */
  public readonly servicePlanId: string;
  /** The azurerm_service_plan resource. */
  public readonly resource: ServicePlan;

  constructor(scope: Construct, id: string, props: FlexConsumptionPlanProps) {
    super(scope, id);
    requireProps(this, 'FlexConsumptionPlan', props, ['resourceGroup']);
    this.resource = new ServicePlan(this, 'Default', {
      name: props.name ?? generateName(this, NAME_RULES.functionApp, 'plan', this.node.path),
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      osType: 'Linux',
      skuName: 'FC1',
      tags: props.tags,
    });
    this.servicePlanId = this.resource.id;
    addValidator(this, (problems) => checkTags(problems, 'tags', props.tags));
  }
}

/** How a Function App (Flex Consumption) is created: the options a pattern passes through. */
export interface FunctionAppOptions {
  /**
   * App name (2–60 letters, digits, hyphens; globally unique: it becomes `<name>.azurewebsites.net`).
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Language runtime: `node`, `python`, `dotnet-isolated`, `java` or `powershell`.
   * @default 'node'
   */
  readonly runtimeName?: string;
  /**
   * Runtime version, e.g. `20` or `22` for Node.
   * @default '20'
   */
  readonly runtimeVersion?: string;
  /**
   * Highest number of instances (1–1000).
   * @default 100
   */
  readonly maximumInstanceCount?: number;
  /**
   * Memory per instance in MB: 512, 2048 or 4096.
   * @default 2048
   */
  readonly instanceMemoryInMb?: number;
  /**
   * App settings. `AzureWebJobsStorage*` are set by the construct.
   * @default - none
   */
  readonly appSettings?: { [name: string]: string };
}

/** Properties of a FunctionApp (Flex Consumption). */
export interface FunctionAppProps extends FunctionAppOptions {
  /** Resource group (name and location). */
  readonly resourceGroup: ResourceGroupReference;
  /** The storage account the app runs from; the app reaches it with its identity (give it "Storage Blob Data Owner"). */
  readonly storageAccount: IStorageAccount;
  /** Blob container of the deployment package in that account. */
  readonly deploymentContainerName: string;
  /**
   * The plan.
   * @default - a Flex Consumption plan is created beside the app (id `plan` under this construct)
   */
  readonly servicePlanId?: string;
  /**
   * Application Insights connection string.
   * @default - no Application Insights
   */
  readonly applicationInsightsConnectionString?: string;
  /**
   * User-assigned identities to attach besides the system-assigned one (which keeps reaching the
   * host and deployment storage).
   * @default - the system-assigned identity only
   */
  readonly userAssignedIdentityIds?: string[];
  /**
   * Whether the app accepts traffic from the internet. Apps whose functions are triggered only by
   * Service Bus, Event Hubs or a timer (consumers, the change-tracking export) need no inbound
   * traffic: their triggers pull, their package comes from blob storage.
   * @default true (webhooks and API Management backends are called from the cloud)
   */
  readonly publicNetworkAccess?: boolean;
  /**
   * Resources the app waits for (e.g. its package blob).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const RUNTIMES = ['node', 'python', 'dotnet-isolated', 'java', 'powershell'];
/**
 * The empty host storage setting, spelled so that azurerm 4.55 neither overwrites nor drops it
 * (hashicorp/terraform-provider-azurerm v4.55.0, internal/services/appservice):
 * - Create and Update build `AzureWebJobsStorage` = `DefaultEndpointsProtocol=https;AccountName=…;
 *   AccountKey=<storage_access_key>;…` whatever the authentication type (function_app_flex_consumption_resource.go,
 *   StorageStringFmt; helpers/function_app_schema.go ExpandSiteConfigFunctionFlexConsumptionApp),
 *   then `MergeUserAppSettings` lays `app_settings` over it and drops a provider setting whose name
 *   equals a user one under `strings.EqualFold`: this name removes the key-based value.
 * - Read (`unpackFunctionAppFlexConsumptionSettings`) takes `case "AzureWebJobsStorage":` out of
 *   `app_settings` (a case-sensitive match) and keeps every other name: this one stays in state.
 * `lifecycle.ignore_changes` on `app_settings["AzureWebJobsStorage"]` is no fix: the planned map
 * then lacks the key (state never has it), so the next Update keeps the provider's key-based value
 * with an empty AccountKey, which the host uses before `__accountName` (also reported in
 * hashicorp/terraform-provider-azurerm#30732). The Functions host reads its configuration without
 * regard to case, so it sees an empty AzureWebJobsStorage (or none) and uses the identity.
 */
const HOST_STORAGE_OVERRIDE = 'AZUREWEBJOBSSTORAGE';

/** Settings the platform or this construct owns on a Flex app. */
const OWN_SETTINGS = /^(AzureWebJobsStorage|FUNCTIONS_WORKER_RUNTIME|WEBSITE_RUN_FROM_PACKAGE|DEPLOYMENT_STORAGE_CONNECTION_STRING)/i;

/**
 * A Function App on the Flex Consumption plan with the library's one hardening for apps.
 *
 * Default settings:
 * - Node 20, 2048 MB instances, up to 100 instances; a Flex Consumption plan (FC1, Linux).
 * - HTTPS only, TLS 1.2 minimum (site and SCM), HTTP/2, remote debugging off, basic-auth
 *   (WebDeploy/SCM) publishing off, no client certificates; system-assigned identity.
 * - Deployment storage and host storage reached with the identity (no keys):
 *   `AzureWebJobsStorage__accountName` names the account, and `AZUREWEBJOBSSTORAGE` is set empty.
 *   azurerm 4.x writes its own key-based `AzureWebJobsStorage` on every create and update, and
 *   drops a user setting of exactly that name whenever it reads the app (so an empty override under
 *   that name shows as a change in every plan); the upper-case name replaces azurerm's value (its
 *   merge compares names without case) and is kept when it reads (its filter compares with case),
 *   so a second plan is empty and the host never gets a key-based connection string.
 * - Public network access on (CKV_AZURE_221 suppressed: Dataverse calls from its cloud service),
 *   unless `publicNetworkAccess: false` (trigger-only apps).
 */
export class FunctionApp extends Construct implements IFunctionApp {
  /** Imports a Function App that exists. */
  public static fromFunctionAppAttributes(scope: Construct, id: string, attrs: FunctionAppAttributes): IFunctionApp {
    requireProps(scope, 'FunctionApp.fromFunctionAppAttributes', attrs, ['functionAppId']);
    const imported = new Construct(scope, id);
    checkImportedId(imported, 'functionAppId', attrs.functionAppId, 'Microsoft.Web/sites');
    addValidator(imported, (problems) => {
      const host = attrs.defaultHostName;
      if (host === undefined || isUnresolved(host)) return;
      problems.check(
        HOST_NAME.test(host),
        `defaultHostName ${quote(host)} is not a host name; the app is always called over https. Fix: pass the host name only, e.g. 'func-orders.azurewebsites.net'.`,
      );
    });
    const name = resourceNameOfId(attrs.functionAppId);
    return {
      functionAppId: attrs.functionAppId,
      functionAppName: name,
      defaultHostName: attrs.defaultHostName ?? `${name}.azurewebsites.net`,
      resourceGroupName: resourceGroupOfId(attrs.functionAppId) ?? '',
      principalId: attrs.principalId,
    };
  }

  public readonly functionAppId: string;
  public readonly functionAppName: string;
  public readonly defaultHostName: string;
  public readonly resourceGroupName: string;
  public readonly principalId?: string;
  /** The plan created for the app (undefined with servicePlanId). */
  public readonly plan?: FlexConsumptionPlan;
  /** The azurerm_function_app_flex_consumption resource. */
  public readonly resource: FunctionAppFlexConsumption;

  private readonly addedSettingProblems: string[] = [];

  constructor(scope: Construct, id: string, props: FunctionAppProps) {
    super(scope, id);
    requireProps(this, 'FunctionApp', props, ['resourceGroup', 'storageAccount', 'deploymentContainerName']);
    const rg = props.resourceGroup;
    if (props.servicePlanId === undefined) this.plan = new FlexConsumptionPlan(this, 'plan', { resourceGroup: rg, tags: props.tags });
    const insights = props.applicationInsightsConnectionString;
    this.resource = new FunctionAppFlexConsumption(this, 'Default', {
      name: props.name ?? generateName(this, NAME_RULES.functionApp, 'func', this.node.path),
      location: rg.location,
      resourceGroupName: rg.name,
      servicePlanId: props.servicePlanId ?? this.plan!.servicePlanId,
      runtimeName: props.runtimeName ?? 'node',
      runtimeVersion: props.runtimeVersion ?? '20',
      maximumInstanceCount: props.maximumInstanceCount ?? 100,
      instanceMemoryInMb: props.instanceMemoryInMb ?? 2048,
      storageContainerType: 'blobContainer',
      storageContainerEndpoint: `${props.storageAccount.primaryBlobEndpoint}${props.deploymentContainerName}`,
      storageAuthenticationType: 'SystemAssignedIdentity',
      identity: props.userAssignedIdentityIds?.length ? { type: 'SystemAssigned, UserAssigned', identityIds: props.userAssignedIdentityIds } : { type: 'SystemAssigned' },
      httpsOnly: true,
      publicNetworkAccessEnabled: props.publicNetworkAccess ?? true,
      webdeployPublishBasicAuthenticationEnabled: false,
      clientCertificateEnabled: false,
      siteConfig: {
        minimumTlsVersion: '1.2',
        scmMinimumTlsVersion: '1.2',
        remoteDebuggingEnabled: false,
        http2Enabled: true,
        applicationInsightsConnectionString: insights,
      },
      appSettings: {
        ...(props.appSettings ?? {}),
        [HOST_STORAGE_OVERRIDE]: '',
        AzureWebJobsStorage__accountName: props.storageAccount.storageAccountName,
      },
      dependsOn: props.dependsOn,
      tags: props.tags,
    });
    // References (not the literal name): whatever reads the app (host keys) waits for it.
    this.functionAppName = this.resource.name;
    this.functionAppId = this.resource.id;
    this.defaultHostName = this.resource.defaultHostname;
    this.resourceGroupName = rg.name;
    this.principalId = this.resource.identity.principalId;
    if (props.publicNetworkAccess !== false) {
      PolicySuppressions.of(this.resource).add(
        'CKV_AZURE_221',
        'Its callers are cloud services outside any virtual network (Dataverse webhooks, API Management), so the app accepts public traffic; every call must carry a function key or the shared secret, which the receiver checks before reading the body.',
      );
    }
    addValidator(this, (problems) => {
      checkName(problems, NAME_RULES.functionApp, 'name', props.name);
      checkInteger(problems, 'maximumInstanceCount', props.maximumInstanceCount, 1, 1000);
      checkInteger(problems, 'instanceMemoryInMb', props.instanceMemoryInMb, 512, 4096, [512, 2048, 4096]);
      // The plan created here gets the same tags and reports them itself (once, at <app>/plan).
      if (this.plan === undefined) checkTags(problems, 'tags', props.tags);
      const runtime = props.runtimeName;
      if (runtime !== undefined && !isUnresolved(runtime)) {
        problems.check(RUNTIMES.includes(runtime), `runtimeName ${quote(runtime)} is not a Flex Consumption runtime. Fix: use one of ${RUNTIMES.join(', ')}.`);
      }
      for (const name of Object.keys(props.appSettings ?? {})) {
        problems.check(
          !OWN_SETTINGS.test(name),
          `appSettings: ${quote(name)} is set by the construct or the Flex Consumption platform (storage and package settings). Fix: remove it or rename it.`,
        );
      }
      this.addedSettingProblems.forEach((p) => problems.add(p));
    });
  }

  /**
   * Adds app settings after the app was created (e.g. one connection per consumer of a shared
   * app). A name the app already has (app settings compare without case) or one the construct or
   * platform owns is reported at synth, and the earlier value stays.
   */
  public addAppSettings(settings: { [name: string]: string }): void {
    const current = { ...(this.resource.appSettingsInput ?? {}) };
    const taken = new Map(Object.keys(current).map((n) => [n.toLowerCase(), n]));
    for (const [name, value] of Object.entries(settings)) {
      if (OWN_SETTINGS.test(name)) {
        this.addedSettingProblems.push(`app setting ${quote(name)} is set by the construct or the Flex Consumption platform (storage and package settings). Fix: rename it.`);
      } else if (taken.has(name.toLowerCase())) {
        this.addedSettingProblems.push(
          `app setting ${quote(name)} is set twice (the app already has ${quote(taken.get(name.toLowerCase()))}; names compare without case). Fix: give it another name.`,
        );
      } else {
        current[name] = value;
        taken.set(name.toLowerCase(), name);
      }
    }
    this.resource.appSettings = current;
  }
}
