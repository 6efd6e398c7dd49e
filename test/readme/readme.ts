// Reads README.md the way a user does: its sections and the fenced code blocks in them, indented
// ones (inside list items) included. Shared by the README snippet test and the pack test.
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');
export const README = path.join(ROOT, 'README.md');

/** One fenced code block of the README. */
export interface CodeBlock {
  /** The info string after the opening fence (`ts`, `sh` …). */
  readonly lang: string;
  /** The code, with the fence's indentation removed. */
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The nearest heading above the block (`### EventHubFanout`), without the #s. */
  readonly section: string;
}

/** Every fenced code block of a markdown text, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{1,6}\s+(.*)$/.exec(lines[i]);
    if (heading) section = heading[1].trim();
    const open = /^(\s*)(`{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^\\s*${fence}\\s*$`).test(lines[j]); j++) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    if (j === lines.length) throw new Error(`README line ${i + 1}: the code block opened here is never closed`);
    blocks.push({ lang, code: body.join('\n') + '\n', line: i + 1, section });
    i = j;
  }
  return blocks;
}

/** The README's text. */
export function readme(): string {
  return fs.readFileSync(README, 'utf8');
}

/** The blocks of one `##`/`###` section of the README (by its heading text), subsections excluded. */
export function sectionBlocks(markdown: string, heading: string): CodeBlock[] {
  return codeBlocks(markdown).filter((b) => b.section === heading);
}
