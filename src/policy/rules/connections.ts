import { PolicyIndex, TfElement, referencesIn } from '../rule';

/**
 * Resources of the given types connected to `element` in either direction (one references the
 * other), as checkov's graph checks see a `connection` between two resource types. @internal
 */
export function connected(index: PolicyIndex, element: TfElement, types: string[]): TfElement[] {
  const found = index.referrers(element.address, types);
  for (const ref of referencesIn(element.config)) {
    if (ref.dataSource || !types.includes(ref.type)) continue;
    const target = index.resources.get(ref.address);
    if (target && !found.includes(target)) found.push(target);
  }
  return found;
}
