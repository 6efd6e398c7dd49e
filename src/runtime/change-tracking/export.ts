// One export run: for each table, claim its token, read the changes page by page, publish each
// page, close the sink, then store the new token. Order matters: a crash between publish and the
// token write re-publishes on the next run (at least once), never skips.
import { createHash } from 'node:crypto';
import { ChangeTrackingReader, ChangeTrackingTable } from './reader';
import { ChangeSink, FullReadReason, fullReadComplete, MessageContext, toMessages } from './sinks';
import { BlobDeltaTokenStore } from './token-store';
import { DeltaTokenExpiredError } from './web-api';

/** What happened to one table in one run. */
export interface TableRunResult {
  readonly table: string;
  readonly ok: boolean;
  readonly upserts: number;
  readonly deletions: number;
  readonly pages: number;
  /** The table was read in full, and why. */
  readonly fullRead: boolean;
  readonly fullReadReason?: FullReadReason;
  /** The error, when not ok. */
  readonly error?: string;
}

/** The parts a run needs. */
export interface ExportRunOptions {
  readonly reader: ChangeTrackingReader;
  readonly store: BlobDeltaTokenStore;
  readonly sink: ChangeSink;
  readonly tables: readonly ChangeTrackingTable[];
  /** An id for this run (the function's invocation id). */
  readonly runId: string;
  /** Log lines (counts per table, failures). Default: none. */
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** The version part of a delta link's token (`<version>!<timestamp>`), or a short hash when opaque. */
export function deltaLinkVersion(deltaLink: string | undefined): string | undefined {
  if (deltaLink === undefined) return undefined;
  let token: string | null = null;
  try {
    token = new URL(deltaLink).searchParams.get('$deltatoken');
  } catch {
    token = null;
  }
  const value = token ?? deltaLink;
  const m = /^(\d+)!/.exec(value);
  return m ? m[1] : createHash('sha256').update(value).digest('hex').slice(0, 16);
}

/** Exports one table. Throws on failure (nothing is stored then). */
export async function exportTable(table: ChangeTrackingTable, options: Omit<ExportRunOptions, 'tables'>): Promise<TableRunResult> {
  const { reader, store, sink, runId } = options;
  const log = options.log ?? (() => {});
  const claim = await store.begin(table.name, runId);
  let deltaLink = claim.deltaLink;
  let reason: FullReadReason | undefined;
  if (deltaLink === undefined) {
    // Never read completely before (no record, or only the claim of a run that did not finish).
    reason = 'initial';
  } else {
    const problem = reader.deltaLinkProblem(table, deltaLink);
    if (problem) {
      log('warn', `${table.name}: ${problem}; reading the table in full (marked as a full read).`);
      deltaLink = undefined;
      reason = 'token-unusable';
    }
  }

  const writer = sink.open(table.name, runId);
  let upserts = 0;
  let deletions = 0;
  let pages = 0;
  let next: string | undefined;

  const readAll = async (from: string | undefined, ctx: MessageContext) => {
    for await (const page of reader.pages(table, from)) {
      pages++;
      await writer.write(toMessages(ctx, page.changes, page.deletions));
      upserts += page.changes.length;
      deletions += page.deletions.length;
      next = page.deltaLink;
    }
  };
  const fullRead = async (why: FullReadReason) => {
    reason = why;
    const ctx: MessageContext = { table: table.name, runId, fullRead: true, fullReadReason: why };
    await readAll(undefined, ctx);
    await writer.write([fullReadComplete(ctx, upserts, deltaLinkVersion(next) ?? '0')]);
  };

  if (deltaLink === undefined) {
    await fullRead(reason ?? 'initial');
  } else {
    try {
      await readAll(deltaLink, { table: table.name, runId, fullRead: false, fromVersion: deltaLinkVersion(deltaLink) });
    } catch (e) {
      if (!(e instanceof DeltaTokenExpiredError)) throw e;
      log('warn', `${table.name}: ${e.message}; reading the table in full (marked as a full read).`);
      upserts = 0;
      deletions = 0;
      await fullRead('expired');
    }
  }
  await writer.close();
  if (next === undefined) throw new Error(`${table.name}: the read ended without a delta link.`);
  await store.commit(claim, next);
  return { table: table.name, ok: true, upserts, deletions, pages, fullRead: reason !== undefined, ...(reason ? { fullReadReason: reason } : {}) };
}

/**
 * Exports every table (one after the other; a failing table does not stop the others) and returns
 * a result per table. The caller fails the run when any result is not ok.
 */
export async function runExport(options: ExportRunOptions): Promise<TableRunResult[]> {
  const log = options.log ?? (() => {});
  const results: TableRunResult[] = [];
  for (const table of options.tables) {
    try {
      const r = await exportTable(table, options);
      log('info', `${table.name}: ${r.upserts} upserts, ${r.deletions} deletions, ${r.pages} pages${r.fullRead ? ` (full read: ${r.fullReadReason})` : ''}.`);
      results.push(r);
    } catch (e) {
      const message = (e as Error)?.message ?? String(e);
      log('error', `${table.name}: failed: ${message}`);
      results.push({ table: table.name, ok: false, upserts: 0, deletions: 0, pages: 0, fullRead: false, error: message });
    }
  }
  return results;
}
