import { ApiManagementApi } from '@cdktf/provider-azurerm/lib/api-management-api';
import { ApiManagementApiOperation } from '@cdktf/provider-azurerm/lib/api-management-api-operation';
import { ApiManagementApiPolicy } from '@cdktf/provider-azurerm/lib/api-management-api-policy';
import { ApiManagementBackend } from '@cdktf/provider-azurerm/lib/api-management-backend';
import { ApiManagementNamedValue } from '@cdktf/provider-azurerm/lib/api-management-named-value';
import { DataAzurermFunctionAppHostKeys } from '@cdktf/provider-azurerm/lib/data-azurerm-function-app-host-keys';
import { Construct } from 'constructs';
import { IApiManagement } from './api-management';
import { IFunctionApp } from './function-app';
import { requireProps } from './imports';
import { addValidator, isUnresolved, quote } from '../core/problems';

/** Properties of a FunctionAppApi. */
export interface FunctionAppApiProps {
  /** The API Management service. */
  readonly apiManagement: IApiManagement;
  /** The function app behind the API. */
  readonly functionApp: IFunctionApp;
  /** Name of the API, its backend and (with `-key`) its key named value (at most 80 characters). */
  readonly name: string;
  /** Path of the API on the gateway, e.g. `orders`. */
  readonly path: string;
  /** The API policy (XML); it should route to the backend (`<set-backend-service backend-id="<name>" />`). */
  readonly policyXml: string;
  /**
   * Display name.
   * @default - the path
   */
  readonly displayName?: string;
  /**
   * Callers must send a subscription key.
   * @default true
   */
  readonly subscriptionRequired?: boolean;
  /**
   * The function key APIM sends (`x-functions-key`): a Terraform reference, never a literal.
   * @default - the app's default function key (data source azurerm_function_app_host_keys)
   */
  readonly functionKey?: string;
  /**
   * Base path of the functions on the app.
   * @default '/api'
   */
  readonly basePath?: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * An API Management API in front of a function app: every call under its path goes, over HTTPS
 * with certificate validation, to `https://<app host>/api/...` with the function key in
 * `x-functions-key`. The key is a secret named value read from the app at deploy time.
 */
export class FunctionAppApi extends Construct {
  /** The API. */
  public readonly api: ApiManagementApi;
  /** The backend (https, with the key header). */
  public readonly backend: ApiManagementBackend;
  /** The secret named value holding the function key. */
  public readonly keyNamedValue: ApiManagementNamedValue;
  /** Wildcard operations, one per method. */
  public readonly operations: ApiManagementApiOperation[];

  constructor(scope: Construct, id: string, props: FunctionAppApiProps) {
    super(scope, id);
    requireProps(this, 'FunctionAppApi', props, ['apiManagement', 'functionApp', 'name', 'path', 'policyXml']);
    const app = props.functionApp;
    const common = { apiManagementName: props.apiManagement.apiManagementName, resourceGroupName: props.apiManagement.resourceGroupName };
    const key =
      props.functionKey ?? new DataAzurermFunctionAppHostKeys(this, 'host-keys', { name: app.functionAppName, resourceGroupName: app.resourceGroupName }).defaultFunctionKey;
    this.keyNamedValue = new ApiManagementNamedValue(this, 'key', { ...common, name: `${props.name}-key`, displayName: `${props.name}-key`, secret: true, value: key });
    const basePath = (props.basePath ?? '/api').replace(/\/+$/, '');
    this.backend = new ApiManagementBackend(this, 'backend', {
      ...common,
      name: props.name,
      protocol: 'http',
      url: `https://${app.defaultHostName}${basePath}`,
      resourceId: `https://management.azure.com${app.functionAppId}`,
      description: `Function app behind /${props.path} (${scope.node.path})`,
      credentials: { header: { 'x-functions-key': `{{${this.keyNamedValue.name}}}` } },
      tls: { validateCertificateChain: true, validateCertificateName: true },
    });
    this.api = new ApiManagementApi(this, 'api', {
      ...common,
      name: props.name,
      revision: '1',
      displayName: props.displayName ?? props.path,
      path: props.path,
      protocols: ['https'],
      subscriptionRequired: props.subscriptionRequired ?? true,
    });
    new ApiManagementApiPolicy(this, 'api-policy', { ...common, apiName: this.api.name, xmlContent: props.policyXml, dependsOn: [this.backend] });
    this.operations = METHODS.map(
      (method) =>
        new ApiManagementApiOperation(this, `operation-${method.toLowerCase()}`, {
          ...common,
          apiName: this.api.name,
          operationId: `${method.toLowerCase()}-any`,
          displayName: `${method} /${props.path}/*`,
          method,
          urlTemplate: '/*',
        }),
    );
    addValidator(this, (problems) => {
      if (!isUnresolved(props.name)) {
        problems.check(
          props.name.length <= 80,
          `the backend name ${quote(props.name)} is longer than API Management's 80 characters. Fix: use a shorter route prefix or API name.`,
        );
      }
      if (props.functionKey !== undefined) {
        problems.check(
          isUnresolved(props.functionKey),
          'functionKey is a literal; it would be written into cdk.tf.json. Fix: pass a Terraform reference (for example a function app host keys data source attribute), or omit it to read the default key.',
        );
      }
      if (props.basePath !== undefined && !isUnresolved(props.basePath)) {
        problems.check(/^(\/[A-Za-z0-9._~-]+)*\/?$/.test(props.basePath), `basePath ${quote(props.basePath)} is not a URL path. Fix: use e.g. '/api', or '' for none.`);
      }
    });
  }
}
