// Flex Consumption host storage through azurerm 4.55: the synthesized app_settings run through a
// model of what the provider does with them, so that "a second plan is empty" and "the host never
// gets a key-based connection string" are checked, not assumed.
//
// The model is transcribed from hashicorp/terraform-provider-azurerm at tag v4.55.0 (no Azure
// account or provider binary can run here):
// - internal/services/appservice/function_app_flex_consumption_resource.go
//   Create: storageString = StorageStringFmt ("DefaultEndpointsProtocol=https;AccountName=%s;AccountKey=%s;
//   EndpointSuffix=%s") with storage_access_key, whatever storage_authentication_type is; then
//   ExpandSiteConfigFunctionFlexConsumptionApp and MergeUserAppSettings(…, app_settings).
//   Update: the same storageString from state, ExpandSiteConfig… over the existing site config, then
//   MergeUserAppSettings(…, planned app_settings); DEPLOYMENT_STORAGE_CONNECTION_STRING is added too
//   unless storage_authentication_type changes.
//   Read: unpackFunctionAppFlexConsumptionSettings: `case "AzureWebJobsStorage"` (parsed into
//   storage_access_key), APPLICATIONINSIGHTS_CONNECTION_STRING, APPINSIGHTS_INSTRUMENTATIONKEY,
//   WEBSITE_HEALTHCHECK_MAXPINGFAILURES, DEPLOYMENT_STORAGE_CONNECTION_STRING leave app_settings;
//   every other name stays.
// - internal/services/appservice/helpers/function_app_schema.go
//   ExpandSiteConfigFunctionFlexConsumptionApp: updateOrAppendAppSettings(…, "AzureWebJobsStorage",
//   storageString) (exact name), health check / Application Insights settings removed when empty.
//   MergeUserAppSettings: for each user setting, drop system settings whose name matches it under
//   strings.EqualFold, then append the user setting.
// Terraform's part: a planned map equals the configuration, except keys under ignore_changes,
// which keep their prior state (absent when state lacks them).
// Two facts the model takes as given, not verifiable here: Azure lists app settings under the names
// they were written with, empty values included; the Functions host reads its configuration without
// regard to case (Microsoft.Extensions.Configuration keys are case-insensitive).
import { describe, expect, it } from 'vitest';
import { FunctionApp, StorageAccount } from '../../src';
import { newStack, onlyResource, synthJson, validationErrors } from '../helpers';

type Settings = Array<[string, string]>;

const ACCOUNT = 'stfuncexample';
const storageString = (key = '') => `DefaultEndpointsProtocol=https;AccountName=${ACCOUNT};AccountKey=${key};EndpointSuffix=core.windows.net`;

/** updateOrAppendAppSettings: replace by exact name, or append. */
function updateOrAppend(settings: Settings, name: string, value: string): Settings {
  const i = settings.findIndex(([n]) => n === name);
  if (i >= 0) return settings.map((s, j) => (j === i ? [name, value] : s));
  return [...settings, [name, value]];
}

/** MergeUserAppSettings: user settings win over system ones whose names match without case. */
function mergeUserAppSettings(system: Settings, user: Record<string, string>): Settings {
  let combined = [...system];
  for (const [k, v] of Object.entries(user)) {
    combined = combined.filter(([n]) => n.toLowerCase() !== k.toLowerCase());
    combined.push([k, v]);
  }
  return combined;
}

/** What Create or Update writes to the app's settings (identity storage: storage_access_key is empty). */
function write(user: Record<string, string>, existing: Settings, update: boolean): Settings {
  let system = updateOrAppend(existing, 'AzureWebJobsStorage', storageString());
  if (update) system = updateOrAppend(system, 'DEPLOYMENT_STORAGE_CONNECTION_STRING', storageString());
  return mergeUserAppSettings(system, user);
}

const READ_OUT = new Set([
  'AzureWebJobsStorage',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPINSIGHTS_INSTRUMENTATIONKEY',
  'WEBSITE_HEALTHCHECK_MAXPINGFAILURES',
  'DEPLOYMENT_STORAGE_CONNECTION_STRING',
]);

/** Read: the app_settings that land in state. */
function read(azure: Settings): Record<string, string> {
  return Object.fromEntries(azure.filter(([n]) => !READ_OUT.has(n)));
}

/** Terraform: the planned app_settings, and whether the plan changes them. */
function plan(config: Record<string, string>, state: Record<string, string>, ignored: string[] = []): { planned: Record<string, string>; changes: boolean } {
  const planned = Object.fromEntries(Object.entries(config).filter(([k]) => !ignored.includes(k)));
  for (const k of ignored) if (k in state) planned[k] = state[k];
  const same = JSON.stringify(Object.entries(planned).sort()) === JSON.stringify(Object.entries(state).sort());
  return { planned, changes: !same };
}

/** What the host reads as AzureWebJobsStorage (names without case): the non-empty values. */
function hostConnectionStrings(azure: Settings): string[] {
  return azure.filter(([n, v]) => n.toLowerCase() === 'azurewebjobsstorage' && v !== '').map(([, v]) => v);
}

/** The synthesized app_settings of a FunctionApp, with the storage account's name as a literal. */
function synthesizedSettings(appSettings?: Record<string, string>): { settings: Record<string, string>; resource: any } {
  const { stack, rg } = newStack();
  const storage = new StorageAccount(stack, 'st', { resourceGroup: rg });
  new FunctionApp(stack, 'fn', { resourceGroup: rg, storageAccount: storage, deploymentContainerName: 'pkg', appSettings });
  const resource = onlyResource(synthJson(stack), 'azurerm_function_app_flex_consumption');
  const settings = Object.fromEntries(Object.entries<string>(resource.app_settings).map(([k, v]) => [k, v === '${azurerm_storage_account.st.name}' ? ACCOUNT : v]));
  return { settings, resource };
}

/** Create, a second plan, an update (a new setting value), a third plan. */
function lifecycle(config: Record<string, string>, ignored: string[] = []) {
  const afterCreate = write(config, [], false);
  const state1 = read(afterCreate);
  const second = plan(config, state1, ignored);
  const changed = { ...config, DATAVERSE_WEBHOOK_PACKAGE_HASH: 'new-package' };
  const afterUpdate = write(plan(changed, state1, ignored).planned, afterCreate, true);
  const third = plan(changed, read(afterUpdate), ignored);
  return { afterCreate, second, afterUpdate, third };
}

describe('FunctionApp host storage through azurerm 4.55 (model of the provider source)', () => {
  it('synthesizes AZUREWEBJOBSSTORAGE = "" and AzureWebJobsStorage__accountName, no AzureWebJobsStorage key, no lifecycle block', () => {
    const { settings, resource } = synthesizedSettings({ MY_SETTING: 'x' });
    expect(settings).toEqual({ MY_SETTING: 'x', AZUREWEBJOBSSTORAGE: '', AzureWebJobsStorage__accountName: ACCOUNT });
    expect(resource.storage_authentication_type).toBe('SystemAssignedIdentity');
    expect(resource.storage_access_key).toBeUndefined();
    expect(resource.lifecycle).toBeUndefined();
  });

  it('a second plan after apply is empty, and stays empty after an update', () => {
    const { second, third } = lifecycle(synthesizedSettings().settings);
    expect(second.changes).toBe(false);
    expect(third.changes).toBe(false);
  });

  it('the host never gets a key-based connection string: after create and after every update', () => {
    const { afterCreate, afterUpdate } = lifecycle(synthesizedSettings().settings);
    for (const azure of [afterCreate, afterUpdate]) {
      expect(hostConnectionStrings(azure)).toEqual([]);
      expect(azure).toContainEqual(['AzureWebJobsStorage__accountName', ACCOUNT]);
    }
  });

  // The alternatives, through the same model: why the library does neither.
  it('alternative 1, an empty "AzureWebJobsStorage": the host is safe but every plan shows a change', () => {
    const { second, third, afterUpdate } = lifecycle({ AzureWebJobsStorage: '', AzureWebJobsStorage__accountName: ACCOUNT });
    expect([second.changes, third.changes]).toEqual([true, true]);
    expect(hostConnectionStrings(afterUpdate)).toEqual([]);
  });

  it('alternative 2, the same plus ignore_changes on app_settings["AzureWebJobsStorage"]: plans are empty, but the next update hands the host azurerm\'s key-based string', () => {
    const { second, afterCreate, afterUpdate } = lifecycle({ AzureWebJobsStorage: '', AzureWebJobsStorage__accountName: ACCOUNT }, ['AzureWebJobsStorage']);
    expect(second.changes).toBe(false);
    expect(hostConnectionStrings(afterCreate)).toEqual([]);
    expect(hostConnectionStrings(afterUpdate)).toEqual([storageString()]);
  });

  it('alternative 3, no override at all: the host gets the key-based string (with an empty AccountKey) at once', () => {
    const { afterCreate } = lifecycle({ AzureWebJobsStorage__accountName: ACCOUNT });
    expect(hostConnectionStrings(afterCreate)).toEqual([storageString()]);
  });

  it('the user cannot set a host storage setting under any spelling', () => {
    for (const name of ['AzureWebJobsStorage', 'AZUREWEBJOBSSTORAGE', 'azurewebjobsstorage__accountName']) {
      const { stack, rg } = newStack();
      const storage = new StorageAccount(stack, 'st', { resourceGroup: rg });
      new FunctionApp(stack, 'fn', { resourceGroup: rg, storageAccount: storage, deploymentContainerName: 'pkg', appSettings: { [name]: 'x' } });
      expect(validationErrors(stack)).toEqual([
        `[test/fn] appSettings: '${name}' is set by the construct or the Flex Consumption platform (storage and package settings). Fix: remove it or rename it.`,
      ]);
    }
  });
});
