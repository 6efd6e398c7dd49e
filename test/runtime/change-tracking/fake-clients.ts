// Fakes of the SDK clients the sinks take (ServiceBusSender, EventHubProducerClient): the methods
// the sinks call, with a byte limit per batch like the real batches (size = JSON of the message here).
import type { EventData } from '@azure/event-hubs';
import type { ServiceBusMessage } from '@azure/service-bus';

export class FakeBatch<T> {
  readonly items: T[] = [];
  private bytes = 0;
  constructor(
    readonly maxSizeInBytes: number,
    readonly partitionKey?: string,
  ) {}
  get count() {
    return this.items.length;
  }
  tryAdd(item: T): boolean {
    const size = Buffer.byteLength(JSON.stringify(item));
    if (this.bytes + size > this.maxSizeInBytes) return false;
    this.items.push(item);
    this.bytes += size;
    return true;
  }
  tryAddMessage(item: T): boolean {
    return this.tryAdd(item);
  }
}

export class FakeServiceBusSender {
  readonly sent: FakeBatch<ServiceBusMessage>[] = [];
  failAfter = Infinity;
  constructor(private readonly maxSizeInBytes = 256 * 1024) {}
  async createMessageBatch() {
    return new FakeBatch<ServiceBusMessage>(this.maxSizeInBytes);
  }
  async sendMessages(batch: FakeBatch<ServiceBusMessage>) {
    if (this.sent.length >= this.failAfter) throw new Error('ServiceCommunicationError: the connection was lost');
    this.sent.push(batch);
  }
  messages(): ServiceBusMessage[] {
    return this.sent.flatMap((b) => b.items);
  }
}

export class FakeEventHubProducer {
  readonly sent: FakeBatch<EventData>[] = [];
  constructor(private readonly maxSizeInBytes = 1024 * 1024) {}
  async createBatch(options?: { partitionKey?: string }) {
    return new FakeBatch<EventData>(this.maxSizeInBytes, options?.partitionKey);
  }
  async sendBatch(batch: FakeBatch<EventData>) {
    this.sent.push(batch);
  }
  events(): EventData[] {
    return this.sent.flatMap((b) => b.items);
  }
}
