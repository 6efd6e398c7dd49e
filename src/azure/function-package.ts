import * as fs from 'fs';
import * as path from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { StorageBlob } from '@cdktf/provider-azurerm/lib/storage-blob';
import { Aspects, AssetType, Fn, ITerraformDependable, TerraformAsset, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { IStorageAccount } from './storage-account';
import { addValidator, annotate, quote } from '../core/problems';
import { findProvider, oncePerStack } from '../core/providers';

/** The blob name the Flex Consumption platform runs from (the one its own One Deploy writes). */
const PACKAGE_BLOB = 'released-package.zip';
const ASSETS = new WeakMap<TerraformStack, Map<string, TerraformAsset>>();

/**
 * Returns a problem text when `code` is not a function app folder, else undefined.
 * @internal
 */
export function checkCodeFolder(code: string): string | undefined {
  const fix = "Fix: point code at the folder that holds host.json (the function app root), e.g. path.join(__dirname, 'functions', 'my-app').";
  if (typeof code !== 'string' || code.trim() === '') return `code is empty. ${fix}`;
  const full = path.resolve(code);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch {
    return `code ${quote(full)} does not exist. ${fix}`;
  }
  if (!stat.isDirectory()) return `code ${quote(full)} is a file, not a folder. ${fix}`;
  if (!fs.existsSync(path.join(full, 'host.json'))) return `code ${quote(full)} has no host.json, so it is not a function app. ${fix}`;
  return undefined;
}

/**
 * Zips a function app folder (a Terraform asset, one per folder and stack: apps sharing a folder
 * share one zip, hashed once and created under the first of them as `<scope>/code`) and uploads
 * it as the package blob a Flex Consumption app runs from. Terraform uploads with Entra ID (see
 * useEntraIdForStorage). Returns the blob and the package hash.
 * @internal
 */
export function deployFunctionPackage(
  scope: Construct,
  code: string,
  storage: IStorageAccount,
  containerName: string,
  dependsOn?: ITerraformDependable[],
): { blob: StorageBlob; hash: string } {
  const stack = TerraformStack.of(scope);
  let assets = ASSETS.get(stack);
  if (!assets) ASSETS.set(stack, (assets = new Map()));
  const folder = path.resolve(code);
  let asset = assets.get(folder);
  if (!asset) assets.set(folder, (asset = new TerraformAsset(scope, 'code', { path: folder, type: AssetType.ARCHIVE })));
  const blob = new StorageBlob(scope, 'package', {
    name: PACKAGE_BLOB,
    storageAccountName: storage.storageAccountName,
    storageContainerName: containerName,
    type: 'Block',
    source: asset.path,
    contentMd5: Fn.filemd5(asset.path),
    contentType: 'application/zip',
    dependsOn,
  });
  useEntraIdForStorage(scope);
  return { blob, hash: asset.assetHash };
}

/**
 * Storage accounts with shared keys off need Terraform to reach blobs with Entra ID: an Aspect
 * (once per stack) turns on `storage_use_azuread` on the stack's azurerm provider when the app has
 * not set it; an explicit `false` is reported, once per stack.
 * @internal
 */
export function useEntraIdForStorage(scope: Construct): void {
  oncePerStack(scope, 'storage-use-azuread', (stack) => {
    Aspects.of(stack).add({
      visit(node) {
        if (node instanceof AzurermProvider && node.storageUseAzuread === undefined) {
          node.storageUseAzuread = true;
          annotate(
            node,
            'info',
            'storageUseAzuread set to true for the function package upload: its storage account has shared keys off, so Terraform uploads the code package with Entra ID.',
          );
        }
      },
    });
    addValidator(stack, (problems) => {
      const provider = findProvider(stack, 'azurerm') as AzurermProvider | undefined;
      problems.check(
        provider?.storageUseAzuread !== false,
        'the AzurermProvider sets storageUseAzuread: false, but function package storage has shared keys off, so Terraform could not upload the code package (released-package.zip). Fix: remove storageUseAzuread from the provider or set it to true.',
      );
    });
  });
}
