// Small helpers for the hand-written Power Platform bindings. Not exported from src/index.ts.

/** Drops undefined entries, so that optional attributes are left out of cdk.tf.json. @internal */
export function compact(attributes: { [name: string]: any }): { [name: string]: any } {
  const out: { [name: string]: any } = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) out[name] = value;
  }
  return out;
}
