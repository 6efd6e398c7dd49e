// The on-premises listener of a RelayIntegration: it holds the hybrid connection open with
// Microsoft's `hyco-https` package (the Node listener for Relay Hybrid Connections HTTP) and
// answers Dataverse's REST posts with the handler in ./handler.ts.
//
//   RELAY_NAMESPACE=<namespaceName> RELAY_HYBRID_CONNECTION=<relayPath> \
//   RELAY_LISTENER_KEY="$(terraform output -raw <listenerKeyOutputName>)" \
//   npx tsx examples/relay-listener/listener.ts
//
// See README.md beside this file.
import * as https from 'hyco-https';
import { RelayHandlerOptions, createRelayRequestHandler, describeEvent } from './handler';
import { RelayListenerSettings, readRelayListenerSettings } from './settings';

/**
 * Opens the listener's control channel on the hybrid connection (a Listen-only SAS token, renewed
 * by hyco-https every hour) and serves each relayed request with the handler.
 * @param listenUri where the control channel connects; the relay's own address unless a test gives another
 */
export function startRelayListener(
  settings: RelayListenerSettings,
  options: RelayHandlerOptions,
  listenUri: string = https.createRelayListenUri(settings.namespace, settings.hybridConnection),
): https.RelayedServer {
  // The token is signed for the relay's listen address, as hyco-https' README does (createRelayToken
  // normalises it to http://<namespace>:443/<hybrid connection>), whatever listenUri a test gives.
  const resource = https.createRelayListenUri(settings.namespace, settings.hybridConnection);
  const server = https.createRelayedServer(
    { server: listenUri, token: () => https.createRelayToken(resource, settings.ruleName, settings.key) },
    createRelayRequestHandler(options),
  );
  server.listen();
  return server;
}

if (require.main === module) {
  const settings = readRelayListenerSettings();
  const server = startRelayListener(settings, {
    // Replace with your own processing; a thrown error answers 500 and fails the Dataverse job.
    onEvent: (context) => console.log(`received ${describeEvent(context)}`),
    log: (line) => console.warn(line),
  });
  server.on('listening', () => console.log(`listening on hybrid connection ${settings.hybridConnection} in ${settings.namespace} (rule ${settings.ruleName})`));
  server.on('error', (e: unknown) => console.warn(`relay connection error: ${e instanceof Error ? e.message : String((e as { message?: string }).message ?? e)}`));
  process.on('SIGINT', () => server.close(() => process.exit(0)));
}
