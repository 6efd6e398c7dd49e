import { TerraformProvider, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * The stack's provider of a Terraform type (`azurerm`, `random`), wherever the app put it.
 * @internal
 */
export function findProvider(stack: TerraformStack, type: string): TerraformProvider | undefined {
  return stack.node.findAll().find((c): c is TerraformProvider => TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === type);
}

const DONE = new WeakMap<TerraformStack, Set<string>>();

/**
 * Runs `once` the first time `key` is asked for in this stack and never again, so that work a
 * construct needs per stack (a provider, an Aspect) costs nothing for its second instance.
 * @internal
 */
export function oncePerStack(scope: IConstruct, key: string, once: (stack: TerraformStack) => void): void {
  const stack = TerraformStack.of(scope);
  let done = DONE.get(stack);
  if (!done) DONE.set(stack, (done = new Set()));
  if (done.has(key)) return;
  done.add(key);
  once(stack);
}

/**
 * Adds a provider to the stack unless it has one of its type (looked for once per stack).
 * @internal
 */
export function ensureProvider(scope: IConstruct, type: string, create: (stack: TerraformStack, id: string) => void): void {
  oncePerStack(scope, `provider:${type}`, (stack) => {
    if (findProvider(stack, type)) return;
    create(stack, stack.node.tryFindChild(type) === undefined ? type : `${type}-provider`);
  });
}
