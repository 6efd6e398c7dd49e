// The part of Microsoft's `hyco-https` package (Azure/azure-relay-node, hyco-https/index.js) that the
// listener uses; the package ships no type declarations.
declare module 'hyco-https' {
  import type { IncomingMessage, ServerResponse } from 'http';
  import type { EventEmitter } from 'events';

  /** A server that listens through the relay, not on the local network. */
  interface RelayedServer extends EventEmitter {
    listen(): void;
    close(callback?: (error?: Error) => void): void;
  }

  /** `wss://<namespace>:443/$hc/<path>?sb-hc-action=listen` */
  function createRelayListenUri(namespace: string, path: string, token?: string, id?: string): string;
  /** A Shared Access Signature for `uri` (normalised to http, without query), valid `expirationSeconds` (default 3600). */
  function createRelayToken(uri: string, ruleName: string, key: string, expirationSeconds?: number): string;
  function createRelayedServer(options: { server: string; token: string | (() => string) }, listener: (req: IncomingMessage, res: ServerResponse) => void): RelayedServer;
}
