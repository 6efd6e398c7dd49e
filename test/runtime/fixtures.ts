import * as fs from 'fs';
import * as path from 'path';

/** The text of a payload fixture. */
export function fixture(name: string): string {
  return fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
}
