import { BatchOperation } from './batch';
import { changeTrackingAddress, isChangeTrackingRecord } from './change-tracking';
import { legacyDigestMatches, newDigestKey, SecretDigester } from './digests';
import { CliError } from './errors';
import { isKeyAddress, isKeyRecord, keyAddress } from './keys';
import { libraryKind } from './kinds';
import { readRows } from './rows';
import { WebApi } from './webapi';
import { nameBasedUuid, recordIdFor } from '../core/ids';
import { ManifestRecord, RegistrationManifest } from '../dataverse/manifest';

/** The table that holds the ownership record: a Note (annotation), which every environment has. */
export const LEDGER_ENTITY_SET = 'annotations';
/** `notetext` holds at most 100,000 characters. */
const NOTE_TEXT_LIMIT = 100_000;
const FORMAT = 'cdktf-dataverse/ownership';
const VERSION = 2;

/** One row the stack registered. */
export interface LedgerEntry {
  readonly id: string;
  readonly table: string;
  readonly entitySet: string;
  readonly path: string;
  /** Keyed digests (HMAC-SHA-256) of write-only values last sent; never the values. */
  readonly digests?: { [column: string]: string };
  /**
   * Metadata: an alternate key's Web API path, `EntityDefinitions(LogicalName='…')/Keys(LogicalName='…')`,
   * or the table definition of a change-tracking record, `EntityDefinitions(LogicalName='…')`.
   */
  readonly address?: string;
}

/** The ownership record of one app's stack (version 2). */
export interface LedgerDocument {
  readonly format: string;
  readonly version: number;
  readonly app: string;
  readonly stack: string;
  readonly environment: string;
  /** The key of the digests (random per note). */
  readonly digestKey: string;
  readonly records: LedgerEntry[];
}

/** Who may have created a note whose list prune acts on. */
export interface LedgerOwners {
  /** The systemuserid of the identity running the command (WhoAmI). */
  readonly runner: string;
  /** More systemuserids given with --ledger-owner. */
  readonly others: string[];
}

/**
 * The id the library gives a record: the same derivation as DataverseRecord (name-based UUID of
 * the environment URL, the app identity and the construct path).
 */
export function derivedRecordId(environmentUrl: string, appId: string | undefined, path: string): string {
  return recordIdFor(environmentUrl, appId, path);
}

/**
 * What an app's stack owns in an environment, kept in Dataverse itself so that any machine sees
 * the same: one Note per app and stack, with a deterministic id (name-based UUID of the
 * environment URL, "cdktf-dataverse ownership", the app identity and the stack name), listing every
 * row the stack registered and keyed digests of the write-only values last sent.
 *
 * A note of another app at that id is an error naming both apps. Prune acts on an entry only when
 * the note was created by the identity running the command (or a --ledger-owner), the table is one
 * the library writes, and the id is the one the library derives from the entry's path.
 *
 * Version 1 notes (keyed by environment and stack only, scrypt digests) are read for migration:
 * their entries that the manifest still declares are adopted (a digest that matches the value is
 * carried over as a keyed digest); the others are reported and never pruned, since such a note
 * cannot tell which app registered them.
 */
export class Ledger {
  /** The note's id for an app's stack. */
  public static noteId(manifest: RegistrationManifest): string {
    return nameBasedUuid(`${manifest.environment.url}|cdktf-dataverse ownership|${manifest.appId}|${manifest.stack}`);
  }

  /** The id of the version 1 note (before app identities), keyed by environment and stack. */
  public static legacyNoteId(manifest: RegistrationManifest): string {
    return nameBasedUuid(`${manifest.environment.url}|cdktf-dataverse ownership|${manifest.stack}`);
  }

  /** Reads the app's note and the version 1 note of the stack in one query. */
  public static async load(api: WebApi, manifest: RegistrationManifest, ownersOf: Promise<LedgerOwners>): Promise<Ledger> {
    const id = Ledger.noteId(manifest);
    const legacyId = Ledger.legacyNoteId(manifest);
    const [rows, owners] = await Promise.all([readRows(api, LEDGER_ENTITY_SET, 'annotationid', [id, legacyId], ['subject', 'notetext', '_createdby_value']), ownersOf]);
    const note = rows.get(id);
    const legacy = rows.get(legacyId);
    const trusted = new Set([owners.runner, ...owners.others].map((o) => o.toLowerCase()));
    const notices: string[] = [];
    let doc: LedgerDocument | undefined;
    let creator: string | undefined;
    if (note) {
      doc = parseNote(note.notetext, id, manifest);
      creator = String(note._createdby_value ?? '').toLowerCase() || undefined;
      if (!creator || !trusted.has(creator)) {
        notices.push(
          `the ownership note ${LEDGER_ENTITY_SET}(${id}) was created by systemuser ${creator ?? '(unknown)'}, not by the identity running this command (${owners.runner})${owners.others.length ? ' nor a --ledger-owner' : ''}: prune deletes nothing it lists. Fix: if that user is a former pipeline identity of this app, pass --ledger-owner ${creator ?? '<id>'}; otherwise delete the note (someone else wrote it).`,
        );
      }
    }
    const adoptable = new Map<string, LedgerEntry>();
    if (legacy) {
      const current = new Set(manifest.records.map((r) => r.id.toLowerCase()));
      const entries = parseLegacy(legacy.notetext);
      const left = entries.filter((e) => !current.has(e.id) && !(doc?.records ?? []).some((d) => d.id === e.id));
      for (const e of entries) if (current.has(e.id)) adoptable.set(e.id, e);
      if (left.length > 0) {
        notices.push(
          `the version 1 ownership note ${LEDGER_ENTITY_SET}(${legacyId}) of stack '${manifest.stack}' (written before app identities) lists ${left.length} row(s) gone from this manifest: ${left.map((e) => `${e.entitySet}(${e.id}) ${e.path}`).join(', ')}. Such a note cannot tell which app registered them, so they are not pruned. Fix: delete them by hand if they are this app's, then delete that note.`,
        );
      }
    }
    const document = doc ?? {
      format: FORMAT,
      version: VERSION,
      app: manifest.appId!,
      stack: manifest.stack,
      environment: manifest.environment.url,
      digestKey: newDigestKey(),
      records: [],
    };
    return new Ledger(
      manifest,
      id,
      document,
      doc ? JSON.stringify(doc) : undefined,
      note === undefined || (creator !== undefined && trusted.has(creator)),
      creator,
      adoptable,
      notices,
    );
  }

  private entries: LedgerEntry[];
  private readonly digester: SecretDigester;

  private constructor(
    private readonly manifest: RegistrationManifest,
    public readonly id: string,
    private readonly doc: LedgerDocument,
    private saved: string | undefined,
    /** Whether the note may decide deletions (created by the runner or a --ledger-owner, or not there yet). */
    public readonly trusted: boolean,
    public readonly creator: string | undefined,
    private readonly legacy: Map<string, LedgerEntry>,
    /** Things to tell the user (untrusted note, legacy rows left alone). */
    public readonly notices: string[],
  ) {
    this.entries = doc.records;
    this.digester = new SecretDigester(doc.digestKey);
  }

  public get records(): readonly LedgerEntry[] {
    return this.entries;
  }

  public has(id: string): boolean {
    return this.entries.some((e) => e.id === id.toLowerCase());
  }

  /**
   * The keyed digest of a write-only value and whether it matches the one last sent: `same`,
   * `different`, or `none` recorded. A version 1 scrypt digest of the same value counts as `same`
   * and is carried over.
   */
  public async compareSecret(id: string, column: string, value: unknown): Promise<{ digest: string; recorded: 'same' | 'different' | 'none' }> {
    const key = id.toLowerCase();
    const digest = await this.digester.digest(key, column, value);
    const recorded = this.entries.find((e) => e.id === key)?.digests?.[column];
    if (recorded !== undefined) return { digest, recorded: recorded === digest ? 'same' : 'different' };
    const legacy = this.legacy.get(key)?.digests?.[column];
    if (legacy !== undefined && (await legacyDigestMatches(legacy, key, column, value))) {
      this.setDigests(key, { [column]: digest });
      return { digest, recorded: 'same' };
    }
    return { digest, recorded: legacy !== undefined ? 'different' : 'none' };
  }

  /** Rows listed here and gone from the manifest, in reverse registration order (children first). */
  public orphans(): LedgerEntry[] {
    const current = new Set(this.manifest.records.map((r) => r.id.toLowerCase()));
    return this.entries.filter((e) => !current.has(e.id)).reverse();
  }

  /** Why prune must leave an orphan alone, or undefined when it may delete it. */
  public refusal(entry: LedgerEntry): string | undefined {
    if (!this.trusted) {
      return `the ownership note was created by systemuser ${this.creator ?? '(unknown)'}, not by the identity running this command or a --ledger-owner`;
    }
    const kind = libraryKind(entry.table, entry.entitySet);
    if (!kind || !kind.prunable) return `table '${entry.table}' (${entry.entitySet}) is not one this library writes`;
    if (isKeyRecord(entry) && entry.address === undefined) return 'the alternate key existed before this app first applied it (the app did not create it)';
    if (isKeyRecord(entry) && !isKeyAddress(entry.address)) return `the note gives no valid alternate key address for it ('${String(entry.address)}')`;
    if (
      typeof entry.path !== 'string' ||
      !entry.path.startsWith(`${this.manifest.stack}/`) ||
      entry.id !== derivedRecordId(this.manifest.environment.url, this.manifest.appId, entry.path)
    ) {
      return `its id is not the one the library derives from the path '${entry.path}' of stack '${this.manifest.stack}' in ${this.manifest.environment.url}`;
    }
    return undefined;
  }

  /** Lists every manifest row (keeping digests) in manifest order, then the orphans. */
  public claim(records: ManifestRecord[]): void {
    const byId = new Map(this.entries.map((e) => [e.id, e]));
    const current = new Set(records.map((r) => r.id.toLowerCase()));
    const claimed: LedgerEntry[] = records.map((r) => {
      const id = r.id.toLowerCase();
      const digests = byId.get(id)?.digests;
      return {
        id,
        table: r.table,
        entitySet: r.entitySet,
        path: r.path,
        ...(digests ? { digests } : {}),
        ...(isKeyRecord(r) && byId.get(id)?.address === keyAddress(r) ? { address: keyAddress(r) } : {}),
        ...(isChangeTrackingRecord(r) ? { address: changeTrackingAddress(r) } : {}),
      };
    });
    this.entries = [...claimed, ...this.entries.filter((e) => !current.has(e.id))];
  }

  /** Records the address of a key this run created (a key found in place gets none: prune leaves it alone). */
  public setAddress(id: string, address: string): void {
    this.entries = this.entries.map((e) => (e.id === id.toLowerCase() ? { ...e, address } : e));
  }

  public setDigests(id: string, digests: { [column: string]: string }): void {
    this.entries = this.entries.map((e) => (e.id === id.toLowerCase() ? { ...e, digests: { ...e.digests, ...digests } } : e));
  }

  public forget(id: string): void {
    this.entries = this.entries.filter((e) => e.id !== id.toLowerCase());
  }

  /** The entries as they are now, to restore when a change set is rolled back. */
  public checkpoint(): LedgerEntry[] {
    return this.entries;
  }

  public restore(checkpoint: LedgerEntry[]): void {
    this.entries = checkpoint;
  }

  /** The PATCH that writes the note as it is now, or undefined when Dataverse holds that already. */
  public pendingWrite(): (BatchOperation & { readonly text: string }) | undefined {
    const doc: LedgerDocument = { ...this.doc, records: this.entries };
    const text = JSON.stringify(doc);
    if (text === this.saved) return undefined;
    const pretty = JSON.stringify(doc, null, 1);
    if (pretty.length > NOTE_TEXT_LIMIT) {
      throw new CliError(
        `the ownership record of stack '${this.manifest.stack}' would hold ${pretty.length} characters, more than a note's ${NOTE_TEXT_LIMIT}. Fix: split the registrations over more stacks.`,
      );
    }
    const body = { subject: `cdktf-dataverse ownership: ${this.manifest.appId}/${this.manifest.stack}`, notetext: pretty, isdocument: false };
    return { method: 'PATCH', url: `${LEDGER_ENTITY_SET}(${this.id})`, body, text };
  }

  /** The note text Dataverse holds, as far as this run knows (undefined: no note yet). */
  public get savedText(): string | undefined {
    return this.saved;
  }

  /** Dataverse now holds `text` (a write of pendingWrite() succeeded). */
  public committed(text: string | undefined): void {
    this.saved = text;
  }

  /** Writes the note when its content changed; returns whether it wrote. */
  public async save(api: WebApi): Promise<boolean> {
    const write = this.pendingWrite();
    if (!write) return false;
    await api.request('PATCH', write.url, { body: write.body });
    this.committed(write.text);
    return true;
  }
}

function parseNote(text: unknown, id: string, manifest: RegistrationManifest): LedgerDocument {
  let doc: any;
  try {
    doc = JSON.parse(String(text ?? ''));
  } catch {
    throw new CliError(
      `the ownership note ${LEDGER_ENTITY_SET}(${id}) of app '${manifest.appId}', stack '${manifest.stack}' is not JSON: someone edited it. Fix: restore its text from the note's audit history, or delete the note (prune then forgets what the stack registered earlier; rows in the manifest are re-listed by the next apply).`,
    );
  }
  if (doc?.format === FORMAT && typeof doc.app === 'string' && doc.app !== manifest.appId) {
    throw new CliError(
      `the ownership note ${LEDGER_ENTITY_SET}(${id}) belongs to app '${doc.app}' (stack '${doc.stack}'), but this manifest is app '${manifest.appId}', stack '${manifest.stack}': nothing is applied or pruned. Fix: give each app its own appId (DataverseEnvironment appId or cdktf.json projectId); if the note was copied or forged, delete it.`,
    );
  }
  if (
    doc?.format !== FORMAT ||
    doc.version !== VERSION ||
    doc.stack !== manifest.stack ||
    !Array.isArray(doc.records) ||
    typeof doc.digestKey !== 'string' ||
    !doc.records.every(isEntry)
  ) {
    throw new CliError(
      `the note ${LEDGER_ENTITY_SET}(${id}) is not the ownership record (version ${VERSION}) of app '${manifest.appId}', stack '${manifest.stack}'. Fix: delete that note if it is not yours to keep, then apply again.`,
    );
  }
  return doc;
}

/** Entries of a version 1 note; an unreadable one counts as empty (it decides nothing). */
function parseLegacy(text: unknown): LedgerEntry[] {
  try {
    const doc = JSON.parse(String(text ?? ''));
    return doc?.format === FORMAT && doc.version === 1 && Array.isArray(doc.records) ? doc.records.filter(isEntry).map((e: LedgerEntry) => ({ ...e, id: e.id.toLowerCase() })) : [];
  } catch {
    return [];
  }
}

function isEntry(e: any): e is LedgerEntry {
  return e !== null && typeof e === 'object' && ['id', 'table', 'entitySet', 'path'].every((k) => typeof e[k] === 'string');
}
