import * as fs from 'fs';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthExampleApp } from './helpers';

// The example app's synthesized Terraform and manifests, committed under test/golden/. A refactor
// that is meant to keep the output keeps these bytes; a change that is meant to alter them rewrites
// the copies (`UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts`) and names the change in the
// commit message.
const GOLDEN = path.join(__dirname, 'golden');
const FILES = ['cdk.tf.json', 'dataverse-registrations.json'];
const ROOT = path.join(__dirname, '..');

/** The file's text with this checkout's path (the local backend's state path) made neutral. */
function read(file: string): string {
  return fs.readFileSync(file, 'utf8').split(ROOT).join('<root>');
}

describe('example app output against the committed copy', () => {
  let outdir: string;
  beforeAll(async () => {
    outdir = await synthExampleApp();
  });

  it('writes the same bytes for every stack', () => {
    const stacks = fs.readdirSync(path.join(outdir, 'stacks')).sort();
    if (process.env.UPDATE_GOLDEN) {
      fs.rmSync(GOLDEN, { recursive: true, force: true });
      for (const stack of stacks) {
        for (const file of FILES) {
          const from = path.join(outdir, 'stacks', stack, file);
          if (!fs.existsSync(from)) continue;
          fs.mkdirSync(path.join(GOLDEN, stack), { recursive: true });
          fs.writeFileSync(path.join(GOLDEN, stack, file), read(from));
        }
      }
    }
    expect(stacks).toEqual(fs.readdirSync(GOLDEN).sort());
    for (const stack of stacks) {
      for (const file of FILES) {
        const golden = path.join(GOLDEN, stack, file);
        const actual = path.join(outdir, 'stacks', stack, file);
        expect(fs.existsSync(actual), `${stack}/${file}`).toBe(fs.existsSync(golden));
        if (!fs.existsSync(golden)) continue;
        expect(read(actual), `${stack}/${file}`).toBe(read(golden));
      }
    }
  });
});
