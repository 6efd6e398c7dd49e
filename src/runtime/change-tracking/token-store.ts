// One delta link per table, kept in a blob, written only with ETag conditions so that two runs that
// overlap never both advance it.
//
// Blob REST semantics relied on (learn.microsoft.com/rest/api/storageservices/
// specifying-conditional-headers-for-blob-service-operations, put-blob): a Put Blob with
// `If-Match: <etag>` fails with 412 (ConditionNotMet) when the blob changed since; with
// `If-None-Match: *` it fails with 409 (BlobAlreadyExists) when the blob exists. Every write
// returns the new ETag.
//
// Protocol per table and run:
//   begin  = read the blob (or learn it does not exist), then write it back conditionally with this
//            run's id (a claim). A run that overlaps another loses here, before it publishes anything,
//            unless it started after the other's claim; then the other loses at commit.
//   commit = write the new delta link with If-Match on the claim's ETag.
// Either way at most one of two overlapping runs advances the token; the loser gets a
// TokenConflictError and must stop publishing for that table.
import type { ContainerClient } from '@azure/storage-blob';

/** The stored state of one table. */
export interface DeltaTokenState {
  /** Format version of this record. */
  readonly format: 1;
  /** The table's logical name. */
  readonly table: string;
  /** The link to read the next changes from; absent before the first complete read. */
  readonly deltaLink?: string;
  /** The run that wrote this record. */
  readonly runId: string;
  /** When it was written (ISO 8601). */
  readonly updatedAt: string;
  /** `claim` (a run is reading) or `committed` (a run finished and advanced the token). */
  readonly stage: 'claim' | 'committed';
  /** The run that wrote the record this claim replaced (kept in a claim record). */
  readonly previousRunId?: string;
}

/** What `begin` returns: the token to read from and the ETag that `commit` must match. */
export interface DeltaTokenClaim {
  readonly table: string;
  readonly runId: string;
  /** Undefined when the table was never read completely. */
  readonly deltaLink?: string;
  /** Whether a record existed before this run. */
  readonly existed: boolean;
  readonly etag: string;
}

/** Another run changed the token blob since this run read it. */
export class TokenConflictError extends Error {
  constructor(
    readonly table: string,
    readonly blobName: string,
    detail: string,
  ) {
    super(`Another run changed the delta token of ${table} (blob ${blobName}) at the same time: ${detail}. This run stops publishing ${table}; the other run advances it.`);
    this.name = 'TokenConflictError';
  }
}

/** Options of the blob token store. */
export interface BlobDeltaTokenStoreOptions {
  /** Blob name prefix. Default `delta-tokens/`. */
  readonly prefix?: string;
}

/** Keeps each table's delta link in `<prefix><table>.json` of a container. */
export class BlobDeltaTokenStore {
  private readonly prefix: string;

  /** `container`: an `@azure/storage-blob` ContainerClient (managed identity: `new BlobServiceClient(url, credential).getContainerClient(name)`). */
  constructor(
    private readonly container: ContainerClient,
    options: BlobDeltaTokenStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'delta-tokens/';
  }

  blobName(table: string): string {
    return `${this.prefix}${table}.json`;
  }

  /** Reads the current state; undefined when none was ever written. */
  async read(table: string): Promise<{ state: DeltaTokenState; etag: string } | undefined> {
    const blob = this.container.getBlockBlobClient(this.blobName(table));
    let response;
    try {
      response = await blob.download(0);
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
    const text = await streamToString(response.readableStreamBody);
    let state: DeltaTokenState;
    try {
      state = JSON.parse(text);
    } catch {
      throw new Error(`The delta token blob ${this.blobName(table)} is not JSON; delete it to re-read ${table} in full.`);
    }
    if (state?.format !== 1 || state.table !== table || (state.deltaLink !== undefined && typeof state.deltaLink !== 'string')) {
      throw new Error(`The delta token blob ${this.blobName(table)} does not hold a delta token of ${table}; delete it to re-read the table in full.`);
    }
    if (!response.etag) throw new Error(`Blob storage returned no ETag for ${this.blobName(table)}.`);
    return { state, etag: response.etag };
  }

  /** Claims the table for this run (see the protocol above). Throws TokenConflictError when another run got there first. */
  async begin(table: string, runId: string): Promise<DeltaTokenClaim> {
    const current = await this.read(table);
    const claim: DeltaTokenState = {
      format: 1,
      table,
      deltaLink: current?.state.deltaLink,
      runId,
      updatedAt: new Date().toISOString(),
      stage: 'claim',
      previousRunId: current?.state.runId,
    };
    const etag = await this.write(table, claim, current?.etag);
    return { table, runId, deltaLink: current?.state.deltaLink, existed: current !== undefined, etag };
  }

  /** Stores the new delta link if nobody changed the blob since `begin`. Returns the new ETag. */
  async commit(claim: DeltaTokenClaim, deltaLink: string): Promise<string> {
    const state: DeltaTokenState = { format: 1, table: claim.table, deltaLink, runId: claim.runId, updatedAt: new Date().toISOString(), stage: 'committed' };
    return this.write(claim.table, state, claim.etag);
  }

  private async write(table: string, state: DeltaTokenState, ifMatch: string | undefined): Promise<string> {
    const name = this.blobName(table);
    const body = JSON.stringify(state);
    try {
      const response = await this.container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
        conditions: ifMatch === undefined ? { ifNoneMatch: '*' } : { ifMatch },
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
      if (!response.etag) throw new Error(`Blob storage returned no ETag for ${name}.`);
      return response.etag;
    } catch (e) {
      const status = statusOf(e);
      if (status === 412 || status === 409) {
        throw new TokenConflictError(table, name, ifMatch === undefined ? 'the blob was created by another run' : `the blob no longer has ETag ${ifMatch}`);
      }
      throw e;
    }
  }
}

function statusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown })?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

async function streamToString(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
