// No public name of the runtime (src/runtime) is a reserved word of a jsii target language: jsii
// warns JSII5018 and the C#/Java/Python/Go bindings must rename it. Read from the .jsii assembly that
// `npm run compile` writes, with jsii's own reserved-word list. (src/policy/api.ts `checked` is
// another branch's rename; this test covers the runtime, where `event` was renamed `eventData`.)
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { ROOT, whenCompiled } from './compiled';

// jsii's package exports do not list this module; an absolute path bypasses them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isReservedName }: { isReservedName(name: string): string[] | undefined } = require(path.join(ROOT, 'node_modules', 'jsii', 'lib', 'reserved-words.js'));

interface Named {
  readonly where: string;
  readonly name: string;
}

/** Every public name the assembly declares in the files that match `file`. */
function publicNames(assembly: any, file: RegExp): Named[] {
  const names: Named[] = [];
  for (const [fqn, type] of Object.entries<any>(assembly.types)) {
    if (!file.test(type.locationInModule?.filename ?? '')) continue;
    for (const p of type.properties ?? []) names.push({ where: `${fqn}.${p.name}`, name: p.name });
    for (const m of [...(type.methods ?? []), ...(type.initializer ? [{ ...type.initializer, name: '<init>' }] : [])]) {
      if (m.name !== '<init>') names.push({ where: `${fqn}.${m.name}()`, name: m.name });
      for (const a of m.parameters ?? []) names.push({ where: `${fqn}.${m.name}(${a.name})`, name: a.name });
    }
    for (const e of type.members ?? []) names.push({ where: `${fqn}.${e.name}`, name: e.name });
  }
  return names;
}

describe('jsii reserved words', () => {
  it("jsii's list knows the words this test is about", () => {
    expect(isReservedName('event')).toContain('C#');
    expect(isReservedName('eventData')).toBeUndefined();
  });

  whenCompiled('the .jsii assembly', () => {
    const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8'));

    it('the runtime declares public names (the reader finds them)', () => {
      const names = publicNames(assembly, /^src\/runtime\//).map((n) => n.where);
      expect(names).toContain('cdktf-dataverse.RemoteExecutionContext.fromEventHubMessage(eventData)');
      expect(names).toContain('cdktf-dataverse.DataverseMessage.fromEventHub(eventData)');
    });

    it('no public name in src/runtime is a reserved word of C#, Java, Python or Go', () => {
      const reserved = publicNames(assembly, /^src\/runtime\//)
        .map((n) => [n.where, isReservedName(n.name)])
        .filter(([, languages]) => languages !== undefined);
      expect(reserved).toEqual([]);
    });
  });
});
