// The README's EventHubFanout examples compile as pasted: the section's ```ts blocks, in order,
// type-checked as one file with the repository's tsconfig.dev.json (cdktf-dataverse resolves to src/).
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');

function sectionCode(title: string, next: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`### ${title}\n`), readme.indexOf(`### ${next}\n`));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
}

/** Type errors of each of `codes`, as files of this repository (not written to disk), in one program. */
function typeErrors(codes: string[]): string[][] {
  const files = codes.map((_, i) => path.join(ROOT, 'test', 'patterns', `__readme-event-hub-fanout-${i}__.ts`));
  const byName = new Map(files.map((f, i) => [f, codes[i]]));
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.dev.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => (byName.has(name) ? ts.createSourceFile(name, byName.get(name)!, language) : getSourceFile(name, language, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => byName.has(name) || fileExists(name);
  const program = ts.createProgram(files, { ...config.options, noEmit: true, skipLibCheck: true }, host);
  return files.map((file) => {
    const source = program.getSourceFile(file)!;
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  });
}

describe('README: EventHubFanout', () => {
  it('has two examples, with their imports, that compile as pasted (and the check catches one that does not)', () => {
    const code = sectionCode('EventHubFanout', 'RelayIntegration');
    expect(code).toContain("from 'cdktf-dataverse'");
    expect(code.match(/new EventHubFanout\(/g)).toHaveLength(3);
    const broken = "import { EventHubFanout } from 'cdktf-dataverse';\nEventHubFanout.fromNothing();\n";
    const [errors, brokenErrors] = typeErrors([code, broken]);
    expect(errors).toEqual([]);
    expect(brokenErrors).toEqual([expect.stringContaining("Property 'fromNothing' does not exist on type 'typeof EventHubFanout'")]);
  });
});
