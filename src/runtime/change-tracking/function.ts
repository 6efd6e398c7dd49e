// The timer-triggered function of the ChangeTrackingExport pattern (@azure/functions v4
// programming model). `npm run compile` bundles this file with its SDKs into
// lib/runtime/change-tracking/function-app/ (host.json, package.json, index.js): that folder is
// deployed as is. Its settings are listed in ./settings.ts and in the README.
// The SDKs are devDependencies on purpose: esbuild bundles them into the function app folder, and
// the library itself never loads this file.
/* eslint-disable import/no-extraneous-dependencies */
import { app, InvocationContext, Timer } from '@azure/functions';
import { DefaultAzureCredential, ManagedIdentityCredential, TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { runExport } from './export';
import { ChangeTrackingReader } from './reader';
import { loadSettings, scheduleFrom, ChangeTrackingSettings } from './settings';
import { ChangeSink, EventHubSink, JsonLinesBlobSink, ServiceBusSink } from './sinks';
import { BlobDeltaTokenStore } from './token-store';
import { tokenProviderFromCredential, WebApiOptions } from './web-api';

/** What one run works with; `close` releases connections. */
export interface ExportRuntime {
  readonly reader: ChangeTrackingReader;
  readonly store: BlobDeltaTokenStore;
  readonly sink: ChangeSink;
  close(): Promise<void>;
}

/** Builds the runtime from the settings with the managed identity (replaced in tests). */
export type RuntimeFactory = (settings: ChangeTrackingSettings) => ExportRuntime | Promise<ExportRuntime>;

/**
 * The production factory: managed identity for Dataverse, Blob Storage, Service Bus and Event Hubs.
 * The Service Bus and Event Hubs SDKs load only when that sink is configured (shorter cold start).
 */
export async function azureRuntime(settings: ChangeTrackingSettings, webApi: WebApiOptions = {}): Promise<ExportRuntime> {
  const credential: TokenCredential = settings.identityClientId ? new ManagedIdentityCredential({ clientId: settings.identityClientId }) : new DefaultAzureCredential();
  const reader = new ChangeTrackingReader({
    ...webApi,
    environmentUrl: settings.environmentUrl,
    tokenProvider: tokenProviderFromCredential(credential, settings.environmentUrl),
    pageSize: settings.pageSize,
  });
  const store = new BlobDeltaTokenStore(new BlobServiceClient(settings.state.blobServiceUri, credential).getContainerClient(settings.state.container));
  const s = settings.sink;
  if (s.kind === 'serviceBus') {
    const { ServiceBusClient } = await import('@azure/service-bus');
    const client = new ServiceBusClient(s.namespace, credential);
    const sender = client.createSender(s.entity);
    return {
      reader,
      store,
      sink: new ServiceBusSink(sender),
      close: async () => {
        await sender.close();
        await client.close();
      },
    };
  }
  if (s.kind === 'eventHub') {
    const { EventHubProducerClient } = await import('@azure/event-hubs');
    const producer = new EventHubProducerClient(s.namespace, s.eventHub, credential);
    return { reader, store, sink: new EventHubSink(producer), close: () => producer.close() };
  }
  const container = new BlobServiceClient(s.blobServiceUri, credential).getContainerClient(s.container);
  return { reader, store, sink: new JsonLinesBlobSink(container), close: async () => {} };
}

/** Options of the handler (tests pass the environment and a runtime factory). */
export interface HandlerOptions {
  /** App settings. Default: process.env. */
  readonly env?: Record<string, string | undefined>;
  /** Default: azureRuntime. */
  readonly runtime?: RuntimeFactory;
}

/**
 * The timer handler: exports every table, logs counts per table, and throws (failing the
 * execution) when the settings are wrong or any table failed.
 */
export function changeTrackingHandler(options: HandlerOptions = {}) {
  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const settings = loadSettings(options.env ?? process.env);
    const runtime = await (options.runtime ?? azureRuntime)(settings);
    try {
      const results = await runExport({
        reader: runtime.reader,
        store: runtime.store,
        sink: runtime.sink,
        tables: settings.tables,
        runId: context.invocationId,
        log: (level, message) => (level === 'error' ? context.error(message) : level === 'warn' ? context.warn(message) : context.log(message)),
      });
      const failed = results.filter((r) => !r.ok);
      const total = results.reduce((n, r) => n + r.upserts + r.deletions, 0);
      context.log(`Change tracking run ${context.invocationId}: ${results.length - failed.length}/${results.length} tables exported, ${total} changes published.`);
      if (failed.length > 0) {
        throw new Error(`Change tracking export failed for ${failed.map((r) => `${r.table} (${r.error})`).join('; ')}`);
      }
    } finally {
      await runtime.close();
    }
  };
}

app.timer('changeTrackingExport', {
  schedule: scheduleFrom(process.env),
  runOnStartup: false,
  useMonitor: true,
  handler: changeTrackingHandler(),
});
