import { ApiManagementApi } from '@cdktf/provider-azurerm/lib/api-management-api';
import { ApiManagementApiOperationPolicy } from '@cdktf/provider-azurerm/lib/api-management-api-operation-policy';
import { ApiManagementApiPolicy } from '@cdktf/provider-azurerm/lib/api-management-api-policy';
import { ApiManagementNamedValue } from '@cdktf/provider-azurerm/lib/api-management-named-value';
import { Lazy, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  ApiPolicySettings,
  GatewayOperation,
  MAX_VALIDATED_BODY,
  apiPolicyXml,
  apiPolicySettings,
  checkPolicyOptions,
  functionApiPolicyXml,
  methodOf,
  gatewayRoute,
  openApiDocument,
  operationIdOf,
  operationPolicyXml,
} from './custom-api-gateway-openapi';
import { CustomApiGatewayProps, FunctionBackendOptions, GatewaySubscription, GatewaySubscriptionOptions } from './custom-api-gateway-props';
import { RegisteredUpsert, addGatewayUpsert } from './custom-api-gateway-upsert';
import { monitorApiManagement } from './pattern-monitoring';
import { GatewayUpsert, UpsertOperationOptions } from './upsert-api';
import { ApiManagement, ApiManagementTier, IApiManagement } from '../azure/api-management';
import { FunctionAppApi } from '../azure/api-management-function-api';
import { IFunctionApp } from '../azure/function-app';
import { requireBlock, requireProps } from '../azure/imports';
import { IUserAssignedIdentity, UserAssignedIdentity } from '../azure/managed-identity';
import { checkName, generateName, NAME_RULES } from '../azure/naming';
import { checkExistingOrNew } from '../azure/props';
import { Problems, addValidator, annotate, isUnresolved, quote } from '../core/problems';
import { StackArtifacts, stableJson } from '../core/stack-artifacts';
import { ApplicationUser } from '../dataverse/application-user';
import { CustomApi, CustomApiDefinition } from '../dataverse/custom-api';
import { DataverseEnvironment } from '../dataverse/environment';

export * from './custom-api-gateway-props';

const PATH = /^[A-Za-z0-9][A-Za-z0-9-]*(\/[A-Za-z0-9][A-Za-z0-9-]*)*$/;

/**
 * API Management in front of Dataverse Custom APIs (and, by route prefix, Azure Function apps):
 * other systems call a stable, governed REST API instead of writing into Dataverse's data model.
 *
 * Default settings:
 * - A Consumption API Management service (see the ApiManagement block: pay per call, SSL 3.0,
 *   TLS 1.0/1.1, 3DES and the CBC cipher suites off) with a generated, deterministic name;
 *   `existingApiManagement` uses one you have (`ApiManagement.fromApiManagementAttributes`).
 * - APIs accept HTTPS only; function backends are called over HTTPS with certificate validation.
 * - Subscription keys required; 100 calls per 60 seconds per subscription; no quota; no CORS.
 * - A user-assigned managed identity, attached to the service, gets the Dataverse token
 *   (`authentication-managed-identity` for the environment URL); its client id is a named value.
 * - The manifest holds the matching Dataverse application user (root business unit) with the
 *   security role 'Basic User' (looked up by name), so nothing is clicked in the admin center.
 * - `addCustomApi`: the customapi, request parameter and response property records (no custom
 *   processing steps allowed, not private, not workflow-enabled), one operation per API (POST for
 *   actions, GET for functions) whose body or parameters are validated against the schema derived
 *   from the parameter types (at most 100 KB) before the call is rewritten to Dataverse.
 * - An OpenAPI 3.0 document of the gateway, imported into APIM and written next to the manifest.
 * - `addFunctionBackend(app, { routePrefix })`: any IFunctionApp (a WebhookFunction's
 *   `functionApp`, a FunctionApp, an imported one); the function key is a secret named value read
 *   from the app at deploy time; it never appears in a synthesized file.
 * - `addSubscription(name)`: a subscription to the Custom API routes, its key in a sensitive output.
 */
export class CustomApiGateway extends Construct {
  /** The API Management service: the created one, or existingApiManagement. */
  public readonly apiManagement: IApiManagement;
  /** The identity APIM calls Dataverse with: the created UserAssignedIdentity block, or existingIdentity. */
  public readonly identity: IUserAssignedIdentity;
  /** Client id of the identity APIM calls Dataverse with. */
  public readonly identityClientId: string;
  /** The APIM API of the Custom APIs. */
  public readonly api: ApiManagementApi;
  /** The API-level policy (limits, CORS, managed identity). */
  public readonly apiPolicy: ApiManagementApiPolicy;
  /** The API name (id). */
  public readonly apiName: string;
  /** The API path. */
  public readonly apiPath: string;
  /** The Dataverse application user of the identity. */
  public readonly applicationUser: ApplicationUser;
  /** File written next to the manifest with the OpenAPI document. */
  public readonly openApiFileName: string;
  /** The Dataverse environment. */
  public readonly dataverse: DataverseEnvironment;

  private readonly props: CustomApiGatewayProps;
  private readonly apis: CustomApi[] = [];
  private readonly functionPrefixes: string[] = [];
  private readonly policySettings: ApiPolicySettings;
  private readonly repeatedApis: string[] = [];
  private readonly upserts: RegisteredUpsert[] = [];
  private readonly common: { apiManagementName: string; resourceGroupName: string };

  constructor(scope: Construct, id: string, props: CustomApiGatewayProps) {
    super(scope, id);
    requireProps(this, 'CustomApiGateway', props, ['dataverse', 'resourceGroup']);
    this.props = props;
    this.dataverse = props.dataverse;
    const seed = props.dataverse.url;
    const existing = props.existingApiManagement;
    this.apiPath = props.apiPath ?? 'dataverse';
    this.apiName = props.apiName ?? generateName(this, NAME_RULES.apiManagementEntity, 'dataverse', seed);
    const clientIdName = `${this.apiName}-client-id`;
    this.openApiFileName = `${this.apiName}.openapi.json`;

    // Identity: created (and attached) unless given.
    requireBlock(this, props.existingIdentity, {
      construct: 'CustomApiGateway',
      prop: 'existingIdentity',
      attribute: 'userAssignedIdentityId',
      importer: 'UserAssignedIdentity.fromUserAssignedIdentityAttributes',
      kind: 'managed identity',
      was: '{ id, clientId }',
    });
    this.identity =
      props.existingIdentity ??
      new UserAssignedIdentity(this, 'identity', { name: generateName(this, NAME_RULES.generic, 'id', seed), resourceGroup: props.resourceGroup, tags: props.tags });
    this.identityClientId = this.identity.clientId;

    // API Management: existing or created.
    const options = props.apiManagement ?? {};
    this.apiManagement =
      existing ??
      new ApiManagement(this, 'service', {
        ...options,
        name: options.name ?? generateName(this, NAME_RULES.apiManagement, 'apim', seed),
        resourceGroup: props.resourceGroup,
        publisherName: props.publisherName ?? '',
        publisherEmail: props.publisherEmail ?? '',
        userAssignedIdentityIds: [this.identity.userAssignedIdentityId],
        tags: props.tags,
      });
    monitorApiManagement(this, props, this.apiManagement, existing === undefined, (options.tier ?? ApiManagementTier.CONSUMPTION) === ApiManagementTier.CONSUMPTION);
    this.common = { apiManagementName: this.apiManagement.apiManagementName, resourceGroupName: this.apiManagement.resourceGroupName };
    const clientIdNamedValue = new ApiManagementNamedValue(this, 'client-id', {
      ...this.common,
      name: clientIdName,
      displayName: clientIdName,
      value: this.identityClientId,
      secret: false,
    });

    this.policySettings = apiPolicySettings(props, clientIdName);

    this.api = new ApiManagementApi(this, 'api', {
      ...this.common,
      name: this.apiName,
      revision: '1',
      displayName: props.displayName ?? `Dataverse Custom APIs (${this.node.path})`,
      path: this.apiPath,
      protocols: ['https'],
      serviceUrl: `${props.dataverse.url}/api/data/v9.2`,
      subscriptionRequired: props.subscriptionRequired ?? true,
      import: {
        contentFormat: 'openapi+json',
        contentValue: Lazy.stringValue({ produce: () => JSON.stringify(this.openApiDocument()) }),
      },
    });
    this.apiPolicy = new ApiManagementApiPolicy(this, 'api-policy', {
      ...this.common,
      apiName: this.api.name,
      xmlContent: apiPolicyXml(this.policySettings, true),
      // The policy names the client id by {{named value}}: it must exist first.
      dependsOn: [clientIdNamedValue],
    });

    this.applicationUser = new ApplicationUser(this, 'application-user', {
      environment: props.dataverse,
      applicationId: this.identityClientId,
      securityRoleNames: [props.securityRoleName ?? 'Basic User'],
    });

    StackArtifacts.of(TerraformStack.of(this)).add(this.openApiFileName, () => stableJson(this.openApiDocument()));
    if (!existing && options.tier === ApiManagementTier.DEVELOPER) {
      annotate(this, 'warning', 'API Management tier Developer has no SLA: use it for development only.');
    }
    addValidator(this, (problems) => this.validate(problems));
  }

  /** Gateway URL, e.g. `https://<name>.azure-api.net`. */
  public get gatewayUrl(): string {
    return this.apiManagement.gatewayUrl;
  }

  /**
   * Registers a Custom API in Dataverse (customapi, its request parameters and response
   * properties) and adds the gateway operation that calls it. Returns the customapi record.
   */
  public addCustomApi(definition: CustomApiDefinition): CustomApi {
    requireProps(this, 'CustomApiGateway.addCustomApi', definition, ['uniqueName']);
    const taken = this.apis.some((a) => a.uniqueName.toLowerCase() === definition.uniqueName.toLowerCase());
    if (taken) this.repeatedApis.push(definition.uniqueName);
    const scope = new Construct(this, taken ? `${definition.uniqueName}-repeat-${this.apis.length}` : definition.uniqueName);
    const record = new CustomApi(scope, 'customapi', { ...definition, environment: this.dataverse });
    this.apis.push(record);
    const op: GatewayOperation = { definition, entitySetName: record.boundEntitySetName };
    new ApiManagementApiOperationPolicy(scope, 'policy', {
      ...this.common,
      apiName: this.api.name,
      operationId: operationIdOf(definition.uniqueName),
      xmlContent: operationPolicyXml(op, this.props.maxRequestBodyBytes ?? MAX_VALIDATED_BODY),
    });
    return record;
  }

  /**
   * A layer over one table that other systems write by their own identifier: `PUT /<entityset>/{key…}`
   * becomes `PATCH <entityset>(<key>='…')` with only the listed fields (lookups bound by the other
   * table's key), and with `bulk` `POST /<entityset>/upsert-multiple` becomes UpsertMultiple.
   * Returns the routes and policies it created.
   */
  public addUpsert(options: UpsertOperationOptions): GatewayUpsert {
    const { created, registered } = addGatewayUpsert(this, options, {
      common: this.common,
      apiName: this.api.name,
      maxBodyBytes: this.props.maxRequestBodyBytes ?? MAX_VALIDATED_BODY,
      securityRoleGiven: this.props.securityRoleName !== undefined,
      registered: [...this.upserts],
      otherOperationIds: () => this.apis.map((a) => operationIdOf(a.uniqueName)),
    });
    this.upserts.push(registered);
    return created;
  }

  /**
   * Serves a route prefix from a function app: an API at `/<routePrefix>` whose calls go, over
   * HTTPS, to `https://<defaultHostName>/api/...` with the function key in `x-functions-key`.
   * The key is a secret named value filled at deploy time.
   */
  public addFunctionBackend(functionApp: IFunctionApp, options: FunctionBackendOptions): FunctionAppApi {
    requireProps(this, 'CustomApiGateway.addFunctionBackend', { functionApp, ...options }, ['functionApp', 'routePrefix']);
    const prefix = options.routePrefix;
    const repeated = this.functionPrefixes.includes(prefix);
    this.functionPrefixes.push(prefix);
    const name = `${this.apiName}-${prefix.replace(/[^A-Za-z0-9-]/g, '-')}`;
    const backend = new FunctionAppApi(this, repeated ? `function-${prefix}-repeat-${this.functionPrefixes.length}` : `function-${prefix}`, {
      ...options,
      apiManagement: this.apiManagement,
      functionApp,
      name,
      path: prefix,
      displayName: `${prefix} (function app, ${this.node.path})`,
      subscriptionRequired: this.props.subscriptionRequired,
      policyXml: functionApiPolicyXml(this.policySettings, name),
    });
    addValidator(backend, (problems) => {
      problems.check(!repeated, `addFunctionBackend: the route prefix ${quote(prefix)} is added twice. Fix: give each function app its own routePrefix.`);
      if (isUnresolved(prefix)) return;
      problems.check(
        PATH.test(prefix) && prefix.length <= 100,
        `addFunctionBackend: routePrefix ${quote(prefix)} is not a path: letters, digits and hyphens, segments separated by '/', no leading or trailing '/'. Fix: use e.g. 'orders'.`,
      );
      problems.check(
        prefix.toLowerCase() !== this.apiPath.toLowerCase(),
        `addFunctionBackend: routePrefix ${quote(prefix)} is the path of the Custom API routes. Fix: choose another routePrefix, or set apiPath.`,
      );
    });
    return backend;
  }

  /**
   * Gives a consumer a subscription to the Custom API routes (the gateway's "grant"): an APIM
   * subscription whose primary key is in a sensitive Terraform output, never in a synthesized
   * file. Returns what it created.
   */
  public addSubscription(name: string, options: GatewaySubscriptionOptions = {}): GatewaySubscription {
    const scope = new Construct(this, `subscription-${name}`);
    const subscription = this.apiManagement.addSubscription(scope, 'Default', { displayName: options.displayName ?? name, apiId: this.api.id });
    const output = new TerraformOutput(scope, 'key', {
      value: subscription.primaryKey,
      sensitive: true,
      description: `Primary key of the subscription ${name} to ${this.node.path}`,
    });
    return { subscription, secretOutputName: output.friendlyUniqueId };
  }

  /** The Custom API records added so far. */
  public get customApis(): CustomApi[] {
    return [...this.apis];
  }

  /** The OpenAPI 3.0 document of the gateway (deterministic), as imported and written. */
  public openApiDocument(): any {
    const serverKnown = !isUnresolved(this.gatewayUrl) && !isUnresolved(this.apiPath);
    return openApiDocument(
      {
        title: this.props.displayName ?? `Dataverse Custom APIs (${this.node.path})`,
        description: `Custom APIs of ${this.dataverse.url}, served by API Management (cdktf-dataverse).`,
        serverUrl: serverKnown ? `${this.gatewayUrl}/${this.apiPath}` : undefined,
        subscriptionRequired: this.props.subscriptionRequired ?? true,
        functionRoutes: this.functionPrefixes.map((prefix) => ({ prefix, ...(serverKnown ? { url: `${this.gatewayUrl}/${prefix}` } : {}) })),
      },
      this.apis.map((a) => ({ definition: a.definition, entitySetName: a.boundEntitySetName })),
      this.upserts.map((u) => u.openApi),
    );
  }

  private validate(problems: Problems): void {
    const p = this.props;
    const existing = p.existingApiManagement;
    checkExistingOrNew(problems, [
      ['existingApiManagement', existing, 'apiManagement', p.apiManagement],
      ['existingApiManagement', existing, 'publisherName', p.publisherName],
      ['existingApiManagement', existing, 'publisherEmail', p.publisherEmail],
    ]);
    if (existing) {
      problems.check(
        p.existingIdentity !== undefined,
        "existingApiManagement needs existingIdentity: an identity cannot be attached to a service this stack does not manage. Fix: attach a user-assigned identity to the service and pass existingIdentity: UserAssignedIdentity.fromUserAssignedIdentityAttributes(this, 'identity', { userAssignedIdentityId, principalId, clientId }).",
      );
    } else {
      problems.check(
        p.publisherName !== undefined && p.publisherEmail !== undefined,
        'publisherName and publisherEmail are required to create an API Management service. Fix: set both, or pass existingApiManagement.',
      );
    }
    if (!isUnresolved(this.apiPath)) {
      problems.check(
        PATH.test(this.apiPath) && this.apiPath.length <= 100,
        `apiPath ${quote(this.apiPath)} is not a path: letters, digits and hyphens, segments separated by '/', no leading or trailing '/'. Fix: use e.g. 'dataverse'.`,
      );
    }
    checkName(problems, NAME_RULES.apiManagementEntity, 'apiName', p.apiName);
    checkPolicyOptions(problems, p);
    if (p.securityRoleName !== undefined) problems.length('securityRoleName', p.securityRoleName, 1, 100);
    for (const name of [...new Set(this.repeatedApis)]) {
      problems.add(`addCustomApi: the Custom API ${quote(name)} is added twice (unique names are case-insensitive). Fix: add each Custom API once.`);
    }
    const routes = this.apis.map((a) => `${methodOf(a.definition)} ${gatewayRoute({ definition: a.definition, entitySetName: a.boundEntitySetName }).toLowerCase()}`);
    const clash = routes.filter((r, i) => routes.indexOf(r) !== i);
    problems.check(clash.length === 0, `two Custom APIs map to the same route ${quote(clash[0])}. Fix: rename one of them.`);
  }
}
