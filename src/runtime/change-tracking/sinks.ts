// Where changes go: a Service Bus queue or topic, an event hub, or JSON Lines blobs. Each sink takes
// its SDK client as a parameter (the function builds them with its managed identity).
//
// Delivery is at least once: a run that fails after publishing and before storing its token
// publishes the same changes again on the next run. Every message therefore carries a stable id,
// `<table>:<row id>:<version>`, which consumers use to drop duplicates (Service Bus duplicate
// detection uses the same value as MessageId).
import type { EventData, EventHubProducerClient } from '@azure/event-hubs';
import type { ServiceBusMessage, ServiceBusSender } from '@azure/service-bus';
import type { ContainerClient } from '@azure/storage-blob';
import type { RowChange, RowDeletion } from './reader';

/** Why a run read a table in full. */
export type FullReadReason = 'initial' | 'expired' | 'token-unusable';

/** The body of every message (and every JSON Lines line). */
export interface ChangeMessage {
  /** `<table>:<row id>:<version>`; for deletions the version is `deleted-<version of the token read from>`. */
  readonly id: string;
  readonly table: string;
  /** `upsert` (created or updated), `delete`, or `full-read-complete` (the end of a full read). */
  readonly operation: 'upsert' | 'delete' | 'full-read-complete';
  /** The row's primary key (absent on `full-read-complete`). */
  readonly rowId?: string;
  /** The row's version (`versionnumber`). */
  readonly version?: string;
  /**
   * Part of a full read of the table. On `expired` or `token-unusable` changes may have been missed:
   * rows not present in this full read (up to its `full-read-complete` message) no longer exist.
   */
  readonly fullRead: boolean;
  /** Why the table was read in full (only when fullRead). */
  readonly fullReadReason?: FullReadReason;
  /** The run that published it. */
  readonly runId: string;
  /** The selected columns (upserts only). */
  readonly columns?: Record<string, unknown>;
  /** `full-read-complete`: how many rows the full read returned. */
  readonly rowCount?: number;
}

/** The context of the messages of one table in one run. */
export interface MessageContext {
  readonly table: string;
  readonly runId: string;
  readonly fullRead: boolean;
  readonly fullReadReason?: FullReadReason;
  /** The version of the delta token read from (for the ids of deletions). */
  readonly fromVersion?: string;
}

/** Turns a page of changes into messages. */
export function toMessages(ctx: MessageContext, changes: readonly RowChange[], deletions: readonly RowDeletion[]): ChangeMessage[] {
  const base = { table: ctx.table, fullRead: ctx.fullRead, runId: ctx.runId, ...(ctx.fullRead ? { fullReadReason: ctx.fullReadReason } : {}) };
  return [
    ...changes.map((c): ChangeMessage => ({ id: `${ctx.table}:${c.id}:${c.version}`, operation: 'upsert', rowId: c.id, version: c.version, ...base, columns: c.columns })),
    ...deletions.map((d): ChangeMessage => ({ id: `${ctx.table}:${d.id}:deleted-${ctx.fromVersion ?? '0'}`, operation: 'delete', rowId: d.id, ...base })),
  ];
}

/** The marker after the last row of a full read. */
export function fullReadComplete(ctx: MessageContext, rowCount: number, snapshotVersion: string): ChangeMessage {
  return {
    id: `${ctx.table}:full-read:${snapshotVersion}`,
    table: ctx.table,
    operation: 'full-read-complete',
    fullRead: true,
    fullReadReason: ctx.fullReadReason,
    runId: ctx.runId,
    rowCount,
  };
}

/** Receives the messages of one table in one run. */
export interface ChangeSinkWriter {
  /** Sends (or stages) messages; resolves once they are durable in the sink (or staged, for blobs). */
  write(messages: readonly ChangeMessage[]): Promise<void>;
  /** Finishes the table's messages of this run (blobs: commits the file). */
  close(): Promise<void>;
}

/** A destination for changes. */
export interface ChangeSink {
  /** `serviceBus`, `eventHub` or `blob`. */
  readonly kind: string;
  open(table: string, runId: string): ChangeSinkWriter;
}

/** Application properties on Service Bus messages and Event Hubs events (for filters and routing). */
function properties(m: ChangeMessage): Record<string, string | boolean> {
  return {
    table: m.table,
    operation: m.operation,
    fullRead: m.fullRead,
    ...(m.rowId ? { rowId: m.rowId } : {}),
    ...(m.version ? { version: m.version } : {}),
  };
}

function checkId(m: ChangeMessage): void {
  // Service Bus MessageId: at most 128 characters.
  if (m.id.length > 128) throw new Error(`Message id ${m.id} is longer than 128 characters.`);
}

/**
 * Sends to a Service Bus queue or topic: MessageId = the change id, Subject = the table,
 * application properties table/operation/fullRead/rowId/version, body = the ChangeMessage (JSON).
 */
export class ServiceBusSink implements ChangeSink {
  readonly kind = 'serviceBus';
  constructor(private readonly sender: Pick<ServiceBusSender, 'createMessageBatch' | 'sendMessages'>) {}

  open(_table: string, _runId: string): ChangeSinkWriter {
    const sender = this.sender;
    return {
      async write(messages) {
        let batch = await sender.createMessageBatch();
        for (const m of messages) {
          checkId(m);
          const message: ServiceBusMessage = { messageId: m.id, subject: m.table, contentType: 'application/json', body: m, applicationProperties: properties(m) };
          if (batch.tryAddMessage(message)) continue;
          if (batch.count === 0) throw new Error(`Message ${m.id} is larger than a Service Bus batch allows (${batch.maxSizeInBytes} bytes); select fewer columns.`);
          await sender.sendMessages(batch);
          batch = await sender.createMessageBatch();
          if (!batch.tryAddMessage(message)) throw new Error(`Message ${m.id} is larger than a Service Bus batch allows (${batch.maxSizeInBytes} bytes); select fewer columns.`);
        }
        if (batch.count > 0) await sender.sendMessages(batch);
      },
      async close() {},
    };
  }
}

/**
 * Sends to an event hub, partition key = the table (changes of one table stay in order), messageId
 * = the change id, properties table/operation/fullRead/rowId/version, body = the ChangeMessage.
 */
export class EventHubSink implements ChangeSink {
  readonly kind = 'eventHub';
  constructor(private readonly producer: Pick<EventHubProducerClient, 'createBatch' | 'sendBatch'>) {}

  open(table: string, _runId: string): ChangeSinkWriter {
    const producer = this.producer;
    return {
      async write(messages) {
        let batch = await producer.createBatch({ partitionKey: table });
        for (const m of messages) {
          checkId(m);
          const event: EventData = { messageId: m.id, contentType: 'application/json', body: m, properties: properties(m) };
          if (batch.tryAdd(event)) continue;
          if (batch.count === 0) throw new Error(`Event ${m.id} is larger than an Event Hubs batch allows (${batch.maxSizeInBytes} bytes); select fewer columns.`);
          await producer.sendBatch(batch);
          batch = await producer.createBatch({ partitionKey: table });
          if (!batch.tryAdd(event)) throw new Error(`Event ${m.id} is larger than an Event Hubs batch allows (${batch.maxSizeInBytes} bytes); select fewer columns.`);
        }
        if (batch.count > 0) await producer.sendBatch(batch);
      },
      async close() {},
    };
  }
}

/** Options of the JSON Lines sink. */
export interface JsonLinesBlobSinkOptions {
  /** Blob name prefix. Default `changes/`. */
  readonly prefix?: string;
  /** The run's start time, for blob names. Default: now. */
  readonly now?: () => Date;
}

/**
 * Writes one block blob per table per run, `<prefix><table>/<yyyy>/<mm>/<dd>/<run start>-<run id>.jsonl`,
 * one ChangeMessage per line. Each write stages a block; close commits the block list, and only
 * then does the blob exist. Why block blobs and not append blobs: a reader never sees half a run
 * (a crashed run leaves no file, only uncommitted blocks that storage discards), a run can hold up
 * to 50 000 blocks of up to 4000 MiB, and a re-published run after a crash is a separate file with
 * the same message ids (consumers deduplicate), instead of lines interleaved into an earlier file.
 * A run with no change writes no file.
 */
export class JsonLinesBlobSink implements ChangeSink {
  readonly kind = 'blob';
  private readonly prefix: string;
  private readonly now: () => Date;

  constructor(
    private readonly container: ContainerClient,
    options: JsonLinesBlobSinkOptions = {},
  ) {
    this.prefix = options.prefix ?? 'changes/';
    this.now = options.now ?? (() => new Date());
  }

  blobName(table: string, runId: string, at: Date): string {
    const iso = at.toISOString();
    return `${this.prefix}${table}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.replace(/[:.]/g, '')}-${runId}.jsonl`;
  }

  open(table: string, runId: string): ChangeSinkWriter {
    const blob = this.container.getBlockBlobClient(this.blobName(table, runId, this.now()));
    const blocks: string[] = [];
    return {
      async write(messages) {
        if (messages.length === 0) return;
        const body = messages.map((m) => `${JSON.stringify(m)}\n`).join('');
        // Block ids: base64 of equal-length strings (Put Block requires one length per blob).
        const blockId = Buffer.from(String(blocks.length).padStart(6, '0')).toString('base64');
        if (blocks.length >= 50_000) throw new Error(`${blob.name}: more than 50 000 blocks in one run; use a larger page size.`);
        await blob.stageBlock(blockId, body, Buffer.byteLength(body));
        blocks.push(blockId);
      },
      async close() {
        if (blocks.length === 0) return;
        await blob.commitBlockList(blocks, { blobHTTPHeaders: { blobContentType: 'application/x-ndjson' }, conditions: { ifNoneMatch: '*' } });
      },
    };
  }
}
