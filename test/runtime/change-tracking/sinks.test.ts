import { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Azurite } from './azurite';
import { FakeEventHubProducer, FakeServiceBusSender } from './fake-clients';
import { ChangeMessage, EventHubSink, JsonLinesBlobSink, ServiceBusSink, toMessages } from '../../../src/runtime/change-tracking/sinks';

const A = '60c4e274-0d87-e711-80e5-00155db19e6d';
const B = '2e451703-c686-e711-80e5-00155db19e6d';
const incremental = toMessages(
  { table: 'account', runId: 'run-7', fullRead: false, fromVersion: '919042' },
  [{ id: A, version: '915244', columns: { name: 'Monte Orton', telephone1: '555000' } }],
  [{ id: B, reason: 'deleted' }],
);

describe('messages', () => {
  it('id = table + row id + version; deletions carry the version of the token read from; operation, fullRead and columns', () => {
    expect(incremental).toEqual([
      {
        id: `account:${A}:915244`,
        table: 'account',
        operation: 'upsert',
        rowId: A,
        version: '915244',
        fullRead: false,
        runId: 'run-7',
        columns: { name: 'Monte Orton', telephone1: '555000' },
      },
      { id: `account:${B}:deleted-919042`, table: 'account', operation: 'delete', rowId: B, fullRead: false, runId: 'run-7' },
    ]);
    const full = toMessages({ table: 'account', runId: 'r', fullRead: true, fullReadReason: 'expired' }, [{ id: A, version: '1', columns: {} }], []);
    expect(full[0]).toMatchObject({ fullRead: true, fullReadReason: 'expired' });
  });
});

describe('ServiceBusSink', () => {
  it('MessageId = change id, Subject = table, JSON body, application properties for filters', async () => {
    const sender = new FakeServiceBusSender();
    const w = new ServiceBusSink(sender as never).open('account', 'run-7');
    await w.write(incremental);
    await w.close();
    const [up, del] = sender.messages();
    expect(up).toEqual({
      messageId: `account:${A}:915244`,
      subject: 'account',
      contentType: 'application/json',
      body: incremental[0],
      applicationProperties: { table: 'account', operation: 'upsert', fullRead: false, rowId: A, version: '915244' },
    });
    expect(del.applicationProperties).toEqual({ table: 'account', operation: 'delete', fullRead: false, rowId: B });
  });

  it('splits into several batches when one is full; a message larger than a batch is an error naming it', async () => {
    const many = toMessages(
      { table: 'account', runId: 'r', fullRead: true, fullReadReason: 'initial' },
      Array.from({ length: 30 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, version: String(i + 1), columns: { name: `n${i}` } })),
      [],
    );
    const sender = new FakeServiceBusSender(2000);
    await new ServiceBusSink(sender as never).open('account', 'r').write(many);
    expect(sender.sent.length).toBeGreaterThan(1);
    expect(sender.messages().map((m) => m.messageId)).toEqual(many.map((m) => m.id));
    const tiny = new FakeServiceBusSender(100);
    await expect(new ServiceBusSink(tiny as never).open('account', 'r').write(many)).rejects.toThrow(
      /Message account:00000000-0000-4000-8000-000000000000:1 is larger than a Service Bus batch allows \(100 bytes\)/,
    );
  });

  it('a send failure propagates (the run fails and the token is not written)', async () => {
    const sender = new FakeServiceBusSender();
    sender.failAfter = 0;
    await expect(new ServiceBusSink(sender as never).open('account', 'r').write(incremental)).rejects.toThrow(/connection was lost/);
  });

  it('an id over 128 characters is refused', async () => {
    const long: ChangeMessage = { ...incremental[0], id: 'x'.repeat(129) };
    await expect(new ServiceBusSink(new FakeServiceBusSender() as never).open('account', 'r').write([long])).rejects.toThrow(/longer than 128/);
  });
});

describe('EventHubSink', () => {
  it('partition key = table, messageId = change id, properties, JSON body', async () => {
    const producer = new FakeEventHubProducer();
    await new EventHubSink(producer as never).open('account', 'run-7').write(incremental);
    expect(producer.sent).toHaveLength(1);
    expect(producer.sent[0].partitionKey).toBe('account');
    expect(producer.events()[1]).toEqual({
      messageId: `account:${B}:deleted-919042`,
      contentType: 'application/json',
      body: incremental[1],
      properties: { table: 'account', operation: 'delete', fullRead: false, rowId: B },
    });
  });
});

describe('JsonLinesBlobSink (azurite)', () => {
  const azurite = new Azurite();
  let container: ContainerClient;
  beforeAll(async () => {
    await azurite.start();
    container = azurite.service().getContainerClient('changes');
    await container.create();
  });
  afterAll(async () => {
    await azurite.stop();
  });

  async function list(): Promise<string[]> {
    const names: string[] = [];
    for await (const b of container.listBlobsFlat()) names.push(b.name);
    return names.sort();
  }

  it('one block blob per table per run, visible only after close, one JSON message per line', async () => {
    const sink = new JsonLinesBlobSink(container, { now: () => new Date('2026-12-01T10:05:00.000Z') });
    const w = sink.open('account', 'run-7');
    await w.write([incremental[0]]);
    await w.write([incremental[1]]);
    expect(await list()).toEqual([]); // staged, not committed: readers see nothing of a run in progress
    await w.close();
    const name = 'changes/account/2026/12/01/2026-12-01T100500000Z-run-7.jsonl';
    expect(await list()).toEqual([name]);
    const text = (await container.getBlockBlobClient(name).downloadToBuffer()).toString('utf8');
    expect(text.split('\n')).toEqual([JSON.stringify(incremental[0]), JSON.stringify(incremental[1]), '']);
    expect((await container.getBlockBlobClient(name).getProperties()).contentType).toBe('application/x-ndjson');
  });

  it('a run with no change writes no file; a run that never closes (crash) leaves no file', async () => {
    const sink = new JsonLinesBlobSink(container, { prefix: 'crash/' });
    const empty = sink.open('contact', 'run-8');
    await empty.write([]);
    await empty.close();
    const crashed = sink.open('contact', 'run-9');
    await crashed.write(incremental);
    expect((await list()).filter((n) => n.startsWith('crash/'))).toEqual([]);
  });
});
