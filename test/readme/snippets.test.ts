// Every ```ts block of README.md compiles as pasted: each block becomes its own module, type-checked
// against the library (cdktf-dataverse → src/, as in tsconfig.dev.json) with the project's compiler
// options. A snippet that stops compiling (a renamed prop, a missing import) fails here.
//
// A block whose first line is `// Continues the example above` is checked pasted after the block
// before it in the same section.
// What a snippet may use without declaring it: the names the Quick start defines (`app`, `stack`,
// `rg`, `dataverse`, `orders`), since the pattern sections continue it, and the few placeholders the README
// names in its prose (CONTEXT below). Everything else, imports included, must be in the block.
// Blocks compile as CommonJS modules (module node16, as a cdktf app's tsconfig), except a block whose
// first line names `vitest.config.ts`: vitest loads its config file as an ES module.
import * as path from 'path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { codeBlocks, readme, ROOT } from './readme';

const CONTEXT = `
import type { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import type { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import type { App, TerraformStack } from 'cdktf';
import type { DataverseEnvironment, OutboundQueueIntegration, WebhookFunction } from 'cdktf-dataverse';
import type { Construct } from 'constructs';
declare global {
  // Defined by the Quick start.
  const app: App;
  const stack: TerraformStack;
  const rg: ResourceGroup;
  const dataverse: DataverseEnvironment;
  const orders: OutboundQueueIntegration;
  // "The receiver runtime": the JSON string Dataverse sent.
  const body: string;
  // CustomApiGateway: the WebhookFunction of the WebhookFunction section.
  const validate: WebhookFunction;
  // OutboundQueueIntegration topic mode: "managed identities of your apps".
  const billingIdentity: UserAssignedIdentity;
  const publisherIdentity: UserAssignedIdentity;
  // Suppressions: constructs of the user's stack.
  const legacyNamespace: Construct;
  const myConstruct: Construct;
}
export {};
`;

const DIR = path.join(ROOT, 'test', 'readme', '__snippets__');
const CONTEXT_FILE = path.join(DIR, 'context.d.ts');

interface Snippet {
  readonly file: string;
  readonly line: number;
  readonly section: string;
  readonly code: string;
  /** A block that continues the one before it: that block's README line and number of lines, prepended to `code`. */
  readonly continues?: { readonly line: number; readonly lines: number };
}

/** First line of a block that is pasted after the previous block of its section. */
const CONTINUES = /^\/\/ Continues the example above\b/;

function snippets(): Snippet[] {
  const blocks = codeBlocks(readme()).filter((b) => b.lang === 'ts' || b.lang === 'typescript');
  return blocks.map((b, i) => {
    const file = path.join(DIR, `readme-line-${b.line}.${/^\/\/ vitest\.config\.ts\b/.test(b.code) ? 'mts' : 'ts'}`);
    const previous = blocks[i - 1];
    if (!CONTINUES.test(b.code)) return { ...b, file };
    if (previous === undefined || previous.section !== b.section) {
      throw new Error(`README line ${b.line}: "Continues the example above", but no ts block comes before it in "${b.section}"`);
    }
    const lines = previous.code.split('\n').length - 1;
    return { ...b, file, code: previous.code + b.code, continues: { line: previous.line, lines } };
  });
}

/** The README line of a line of a snippet's file (a continued block starts with the previous one). */
function readmeLine(s: Snippet, fileLine: number): number {
  if (s.continues && fileLine < s.continues.lines) return s.continues.line + 1 + fileLine;
  return s.line + 1 + fileLine - (s.continues?.lines ?? 0);
}

/** Type-checks the snippets in one program; returns the diagnostics of each snippet file. */
function typeCheck(files: Snippet[]): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.dev.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.dev.json could not be read');
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    // A snippet shows a call and may leave its result unused.
    noUnusedLocals: false,
    noUnusedParameters: false,
    // Every block is a module of its own, with or without imports.
    moduleDetection: ts.ModuleDetectionKind.Force,
    // The README's vitest set-up: "types": ["node", "cdktf-dataverse/lib/testing/vitest"].
    types: ['node'],
  };
  const virtual = new Map<string, string>(files.map((f) => [f.file, f.code]));
  virtual.set(CONTEXT_FILE, CONTEXT);
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, languageVersion, ...rest) => {
    const text = virtual.get(f);
    return text !== undefined ? ts.createSourceFile(f, text, languageVersion, true) : getSourceFile.call(host, f, languageVersion, ...rest);
  };
  const roots = [CONTEXT_FILE, path.join(ROOT, 'src', 'testing', 'vitest.ts'), ...files.map((f) => f.file)];
  const program = ts.createProgram({ rootNames: roots, options, host });
  const result = new Map<string, string[]>();
  for (const f of files) {
    const sf = program.getSourceFile(f.file);
    if (!sf) throw new Error(`${f.file} is not in the program`);
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    result.set(
      f.file,
      diagnostics.map((d) => {
        const where = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start) : undefined;
        const line = where ? `README line ${readmeLine(f, where.line)}: ` : '';
        return `${line}TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      }),
    );
  }
  return result;
}

// The check must be able to fail: a block without its import, and one with a wrong prop.
const NEGATIVE: Snippet[] = [
  { file: path.join(DIR, 'negative-import.ts'), line: 0, section: 'negative', code: "new EventHubFanout(stack, 'x', { dataverse, resourceGroup: rg, steps: [] });\n" },
  {
    file: path.join(DIR, 'negative-prop.ts'),
    line: 0,
    section: 'negative',
    code: "import { RelayIntegration } from 'cdktf-dataverse';\nnew RelayIntegration(stack, 'x', { dataverse, resourceGroup: rg, stepz: [] });\n",
  },
];

describe('README ts snippets compile as pasted', () => {
  const all = snippets();
  // One program for all blocks: the library is checked once (a few seconds), not once per block.
  let checked: Map<string, string[]> | undefined;
  const diagnosticsOf = (s: Snippet) => (checked ??= typeCheck([...all, ...NEGATIVE])).get(s.file);

  it('the README has ts snippets, indented ones included (the extraction works)', () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
    expect(all.map((s) => s.section)).toContain('Quick start');
    const runtime = all.filter((s) => s.section === 'The receiver runtime');
    expect(runtime.map((s) => /dataverseWebhook/.test(s.code))).toEqual([false, true]);
    expect(runtime[1].code.startsWith("import { app } from '@azure/functions';")).toBe(true);
    // EventHubFanout's second block continues its first: checked with it.
    const continued = all.filter((s) => s.continues !== undefined);
    expect(continued.map((s) => s.section)).toContain('EventHubFanout');
    for (const s of continued) expect(s.code.split('\n')[s.continues!.lines]).toMatch(/^\/\/ Continues the example above/);
  });

  it('a block without its import, or with a prop the construct does not have, fails', () => {
    expect(diagnosticsOf(NEGATIVE[0])).toEqual([expect.stringMatching(/TS2304 Cannot find name 'EventHubFanout'/)]);
    expect(diagnosticsOf(NEGATIVE[1])).toEqual([expect.stringMatching(/TS2561 .*'stepz' does not exist in type 'RelayIntegrationProps'/)]);
  });

  for (const s of all) {
    it(`${s.section} (README line ${s.line})`, () => {
      expect(diagnosticsOf(s)).toEqual([]);
    });
  }
});
