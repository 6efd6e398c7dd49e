import { scryptSync } from 'crypto';
import { CliError } from './errors';
import { WebApi } from './webapi';
import { nameBasedUuid } from '../core/ids';
import { ManifestRecord, RegistrationManifest } from '../dataverse/manifest';

/** The table that holds the ownership record: a Note (annotation), which every environment has. */
export const LEDGER_ENTITY_SET = 'annotations';
/** `notetext` holds at most 100,000 characters. */
const NOTE_TEXT_LIMIT = 100_000;
const FORMAT = 'cdktf-dataverse/ownership';

/** One row the stack registered. */
export interface LedgerEntry {
  readonly id: string;
  readonly table: string;
  readonly entitySet: string;
  readonly path: string;
  /** Salted digests of write-only column values last sent (scrypt; never the values). */
  readonly digests?: { [column: string]: string };
}

/** The ownership record of one stack. */
export interface LedgerDocument {
  readonly format: string;
  readonly version: number;
  readonly stack: string;
  readonly environment: string;
  readonly records: LedgerEntry[];
}

/**
 * What a stack owns in an environment, kept in Dataverse itself so that any machine (a fresh
 * pipeline agent, a laptop) sees the same thing: one Note (`annotation`) per stack, with a
 * deterministic id (name-based UUID of the environment URL, "cdktf-dataverse ownership" and the
 * stack name), subject "cdktf-dataverse ownership: <stack>" and a JSON document in `notetext`
 * listing every row the stack registered (table, entity set, id, construct path) and salted
 * digests of the write-only values last sent.
 *
 * Apply adds the manifest's rows before it writes any of them; prune deletes only rows listed
 * here and missing from the manifest, and removes them from the list.
 */
export class Ledger {
  /** The Note's id for a stack. */
  public static noteId(manifest: RegistrationManifest): string {
    return nameBasedUuid(`${manifest.environment.url}|cdktf-dataverse ownership|${manifest.stack}`);
  }

  /** Reads the stack's Note (an empty ledger when there is none yet). */
  public static async load(api: WebApi, manifest: RegistrationManifest): Promise<Ledger> {
    const id = Ledger.noteId(manifest);
    const response = await api.request('GET', `${LEDGER_ENTITY_SET}(${id})?$select=subject,notetext`, { accept: [404] });
    if (response.status === 404) return new Ledger(api, manifest, id, [], undefined);
    let doc: LedgerDocument;
    try {
      doc = JSON.parse(response.body?.notetext ?? '');
    } catch {
      throw new CliError(
        `the ownership note ${LEDGER_ENTITY_SET}(${id}) of stack '${manifest.stack}' is not JSON: someone edited it. Fix: restore its text from the note's audit history, or delete the note (prune then forgets what the stack registered earlier; rows in the manifest are re-listed by the next apply).`,
      );
    }
    if (doc.format !== FORMAT || doc.stack !== manifest.stack || !Array.isArray(doc.records)) {
      throw new CliError(
        `the note ${LEDGER_ENTITY_SET}(${id}) is not the ownership record of stack '${manifest.stack}'. Fix: delete that note if it is not yours to keep, then apply again.`,
      );
    }
    return new Ledger(api, manifest, id, doc.records, JSON.stringify(doc));
  }

  private entries: LedgerEntry[];

  private constructor(
    private readonly api: WebApi,
    private readonly manifest: RegistrationManifest,
    public readonly id: string,
    entries: LedgerEntry[],
    private saved: string | undefined,
  ) {
    this.entries = entries;
  }

  public get records(): readonly LedgerEntry[] {
    return this.entries;
  }

  public has(id: string): boolean {
    return this.entries.some((e) => e.id === id.toLowerCase());
  }

  public digest(id: string, column: string): string | undefined {
    return this.entries.find((e) => e.id === id.toLowerCase())?.digests?.[column];
  }

  /** Rows listed here and gone from the manifest, in reverse registration order (children first). */
  public orphans(): LedgerEntry[] {
    const current = new Set(this.manifest.records.map((r) => r.id.toLowerCase()));
    return this.entries.filter((e) => !current.has(e.id)).reverse();
  }

  /** Lists every manifest row (keeping digests) in manifest order, then the orphans. */
  public claim(records: ManifestRecord[]): void {
    const byId = new Map(this.entries.map((e) => [e.id, e]));
    const current = new Set(records.map((r) => r.id.toLowerCase()));
    const claimed: LedgerEntry[] = records.map((r) => {
      const id = r.id.toLowerCase();
      const digests = byId.get(id)?.digests;
      return { id, table: r.table, entitySet: r.entitySet, path: r.path, ...(digests ? { digests } : {}) };
    });
    this.entries = [...claimed, ...this.entries.filter((e) => !current.has(e.id))];
  }

  public setDigests(id: string, digests: { [column: string]: string }): void {
    this.entries = this.entries.map((e) => (e.id === id.toLowerCase() ? { ...e, digests: { ...e.digests, ...digests } } : e));
  }

  public forget(id: string): void {
    this.entries = this.entries.filter((e) => e.id !== id.toLowerCase());
  }

  /** Writes the Note when its content changed; returns whether it wrote. */
  public async save(): Promise<boolean> {
    const doc: LedgerDocument = {
      format: FORMAT,
      version: 1,
      stack: this.manifest.stack,
      environment: this.manifest.environment.url,
      records: this.entries,
    };
    const text = JSON.stringify(doc);
    if (text === this.saved) return false;
    const pretty = JSON.stringify(doc, null, 1);
    if (pretty.length > NOTE_TEXT_LIMIT) {
      throw new CliError(
        `the ownership record of stack '${this.manifest.stack}' would hold ${pretty.length} characters, more than a note's ${NOTE_TEXT_LIMIT}. Fix: split the registrations over more stacks.`,
      );
    }
    await this.api.request('PATCH', `${LEDGER_ENTITY_SET}(${this.id})`, {
      body: { subject: `cdktf-dataverse ownership: ${this.manifest.stack}`, notetext: pretty, isdocument: false },
    });
    this.saved = text;
    return true;
  }
}

/**
 * Digest of a write-only value, salted with the row id and column (scrypt, so that a weak webhook
 * key cannot be guessed from the ownership note by brute force).
 */
export function secretDigest(id: string, column: string, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return scryptSync(text, `cdktf-dataverse|${id.toLowerCase()}|${column}`, 24).toString('base64url');
}
