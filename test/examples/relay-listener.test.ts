import { createHmac } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { createRequire } from 'module';
import { AddressInfo } from 'net';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRelayRequestHandler, RelayHandlerOptions } from '../../examples/relay-listener/handler';
import { startRelayListener } from '../../examples/relay-listener/listener';
import { readRelayListenerSettings, RelayListenerSettings } from '../../examples/relay-listener/settings';
import { MessageFormat, RelayIntegration, RemoteExecutionContext } from '../../src';
import { newStack } from '../helpers';
import { fixture } from '../runtime/fixtures';

// Bodies: test/runtime/fixtures, our own values in the documented structure of the JSON
// RemoteExecutionContext (see the README there). The relay side follows the Azure Relay Hybrid
// Connections protocol (learn.microsoft.com/azure/azure-relay/relay-hybrid-connections-protocol):
// the listener opens a control channel with a Listen token in the ServiceBusAuthorization header;
// the service sends a `request` text frame (address, id, requestTarget, method, requestHeaders,
// body) followed by the body as a binary frame, or, for a request of more than 64 kB, only the
// rendezvous address; the listener answers with a `response` text frame (requestId, statusCode,
// responseHeaders, body) and the body as a binary frame.

// The WebSocket library hyco-https itself uses, for the stand-in relay.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const WebSocket = createRequire(require.resolve('hyco-https'))('ws');

const KEY = 'bGlzdGVuLW9ubHkta2V5LWZvci10ZXN0cw==';
const SETTINGS: RelayListenerSettings = { namespace: 'relay-test.servicebus.windows.net', hybridConnection: 'dataverse-test', ruleName: 'onprem-listen', key: KEY };

interface Reply {
  status: number;
  body: any;
  headers: http.IncomingHttpHeaders | Record<string, string>;
}

/** The handler behind a local HTTP server (what hyco-https hands it is shaped like Node's http request/response). */
async function post(
  options: Partial<RelayHandlerOptions> & { onEvent?: RelayHandlerOptions['onEvent'] },
  body: string | Buffer,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
  method = 'POST',
): Promise<Reply> {
  const server = http.createServer(createRelayRequestHandler({ onEvent: () => undefined, ...options }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/dataverse-test`, { method, headers, body: method === 'GET' ? undefined : body });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text), headers: Object.fromEntries(res.headers.entries()) };
  } finally {
    server.close();
  }
}

describe('examples/relay-listener: the request handler', () => {
  it('an Update with untyped images (the documented structure) is parsed and answered 200 with a JSON string', async () => {
    const seen: RemoteExecutionContext[] = [];
    const reply = await post({ onEvent: (c) => void seen.push(c) }, fixture('update-with-images.json'));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(typeof reply.body).toBe('string');
    expect(seen).toHaveLength(1);
    const [context] = seen;
    expect(reply.body).toBe(`Received Update of contact ${context.primaryEntityId}.`);
    expect(context.messageName).toBe('Update');
    expect(context.primaryEntityName).toBe('contact');
    const images = Object.values(context.postEntityImages);
    expect(images.length).toBeGreaterThan(0);
    expect(images[0].logicalName).toBe('contact');
  });

  it('a payload Dataverse trimmed, a body without Content-Type and a BOM-prefixed body are all read', async () => {
    expect((await post({}, fixture('trimmed.json'))).status).toBe(200);
    expect((await post({}, fixture('create.json'), {})).status).toBe(200);
    expect((await post({}, `\uFEFF${fixture('create.json')}`)).status).toBe(200);
  });

  it('answers 400 with the parser’s reason to garbage, truncated JSON and JSON that is not a context; onEvent is not called', async () => {
    let calls = 0;
    const onEvent = () => void calls++;
    const garbage = await post({ onEvent }, fixture('malformed-truncated.txt'));
    expect(garbage.status).toBe(400);
    expect(garbage.body).toMatch(/^The body is not JSON/);
    const array = await post({ onEvent }, '[1,2]');
    expect([array.status, array.body]).toEqual([400, 'The body is an array: expected the JSON object of a RemoteExecutionContext.']);
    const other = await post({ onEvent }, fixture('malformed-not-context.json'));
    expect(other.status).toBe(400);
    expect(other.body).toContain("Check that the service endpoint's message format is Json");
    expect((await post({ onEvent }, '')).status).toBe(400);
    expect(calls).toBe(0);
  });

  it('refuses the XML and .NET binary formats with 415 and names the fix', async () => {
    for (const type of ['application/xml', 'application/msbin1', 'text/xml; charset=utf-8']) {
      const reply = await post({}, '<RemoteExecutionContext/>', { 'Content-Type': type });
      expect(reply.status).toBe(415);
      expect(reply.body).toContain("Set the service endpoint's message format to Json");
    }
  });

  it('405 for anything but POST; 413 past the size limit, without keeping the body', async () => {
    const get = await post({}, '', {}, 'GET');
    expect([get.status, get.headers.allow]).toEqual([405, 'POST']);
    const big = await post({ maxBodyBytes: 1024 }, fixture('update-with-images.json'));
    expect([big.status, big.body]).toEqual([413, 'The body is larger than 1024 bytes.']);
  });

  it('onEvent failing answers 500 without its message (it stays in the listener log); a hanging onEvent answers 503 in time', async () => {
    const lines: string[] = [];
    const failed = await post({ onEvent: () => Promise.reject(new Error('ERP down at 10.0.0.7')), log: (l) => lines.push(l) }, fixture('create.json'));
    expect([failed.status, failed.body]).toEqual([500, 'The listener failed to process the event; see its log.']);
    expect(JSON.stringify(failed.body)).not.toContain('10.0.0.7');
    expect(lines.some((l) => l.includes('ERP down at 10.0.0.7') && l.startsWith('Create of account'))).toBe(true);
    const started = Date.now();
    const hung = await post({ onEvent: () => new Promise(() => undefined), timeoutMs: 200 }, fixture('create.json'));
    expect([hung.status, hung.body]).toEqual([503, 'The listener did not process the event within 200 ms.']);
    expect(Date.now() - started).toBeLessThan(5000);
    // 502 and 504 are the relay's own answers; a listener must not send them.
    expect([failed.status, hung.status]).not.toContain(502);
    expect([failed.status, hung.status]).not.toContain(504);
  });

  it('the endpoint RelayIntegration registers sends what this handler parses: messageformat Json', () => {
    const { dataverse, rg } = newStack();
    new RelayIntegration(dataverse.node.scope!, 'onprem', { dataverse, resourceGroup: rg, steps: [{ table: 'contact', message: 'Update' }] });
    const endpoint = dataverse.toManifest().records.find((r) => r.table === 'serviceendpoint')!;
    expect(endpoint.columns.messageformat).toBe(MessageFormat.JSON);
    expect(MessageFormat.JSON).toBe(2);
  });
});

/** A stand-in for the relay service: accepts the control channel and speaks the documented request/response frames. */
class FakeRelay {
  /** A relay listening on a free local port. */
  public static async start(): Promise<FakeRelay> {
    const relay = new FakeRelay();
    await new Promise<void>((resolve) => (relay.server.address() ? resolve() : relay.server.once('listening', () => resolve())));
    return relay;
  }

  public readonly tokens: string[] = [];
  public readonly paths: string[] = [];
  private readonly server: any;
  private control?: any;
  private readonly controlReady: Promise<void>;
  private readonly rendezvous: any[] = [];
  private onRendezvous?: (socket: any) => void;

  private constructor() {
    this.server = new WebSocket.Server({ host: '127.0.0.1', port: 0 });
    let ready: () => void;
    this.controlReady = new Promise((resolve) => (ready = resolve));
    this.server.on('connection', (socket: any, req: http.IncomingMessage) => {
      this.paths.push(req.url ?? '');
      if (String(req.url).includes('sb-hc-action=listen')) {
        this.tokens.push(String(req.headers.servicebusauthorization ?? ''));
        this.control = socket;
        ready();
      } else {
        this.rendezvous.push(socket);
        this.onRendezvous?.(socket);
      }
    });
  }

  public get port(): number {
    return this.server.address().port;
  }

  public listenUri(hc: string): string {
    return `ws://127.0.0.1:${this.port}/$hc/${hc}?sb-hc-action=listen`;
  }

  /** Sends one request over the control channel (body inline) and resolves with the listener's response. */
  public async request(body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }): Promise<{ response: any; body: string }> {
    await this.controlReady;
    const id = `req-${Math.random().toString(16).slice(2)}`;
    const answer = this.read(this.control, id);
    this.control.send(
      JSON.stringify({ request: { address: this.rendezvousAddress(id), id, requestTarget: '/dataverse-test', method: 'POST', requestHeaders: headers, body: true } }),
    );
    this.control.send(Buffer.from(body, 'utf8'));
    return answer;
  }

  /** A request of more than 64 kB: only the rendezvous address goes over the control channel. */
  public async largeRequest(body: string): Promise<{ response: any; body: string }> {
    await this.controlReady;
    const id = `req-${Math.random().toString(16).slice(2)}`;
    const socket = new Promise<any>((resolve) => (this.onRendezvous = resolve));
    this.control.send(JSON.stringify({ request: { address: this.rendezvousAddress(id), id } }));
    const channel = await socket;
    const answer = this.read(channel, id);
    channel.send(JSON.stringify({ request: { id, requestTarget: '/dataverse-test', method: 'POST', requestHeaders: { 'Content-Type': 'application/json' }, body: true } }));
    channel.send(Buffer.from(body, 'utf8'));
    return answer;
  }

  public close(): void {
    for (const s of this.rendezvous) s.terminate();
    this.control?.terminate();
    this.server.close();
  }

  private rendezvousAddress(id: string): string {
    return `ws://127.0.0.1:${this.port}/$hc/dataverse-test?sb-hc-action=request&sb-hc-id=${id}`;
  }

  /** The `response` text frame for `id`, then its binary body frame. */
  private read(socket: any, id: string): Promise<{ response: any; body: string }> {
    return new Promise((resolve) => {
      let response: any;
      const onMessage = (data: any) => {
        if (response === undefined) {
          const parsed = JSON.parse(String(data));
          if (parsed.response?.requestId !== id) return;
          response = parsed.response;
          if (!response.body) finish('');
        } else {
          finish(Buffer.from(data).toString('utf8'));
        }
      };
      const finish = (body: string) => {
        socket.removeListener('message', onMessage);
        resolve({ response, body });
      };
      socket.on('message', onMessage);
    });
  }
}

describe('examples/relay-listener: through hyco-https against the Hybrid Connections protocol', () => {
  let relay: FakeRelay | undefined;
  let listener: { close(cb?: (e?: Error) => void): void } | undefined;
  afterEach(() => {
    try {
      listener?.close();
    } catch {
      // already closed
    }
    relay?.close();
    [relay, listener] = [undefined, undefined];
  });

  it('opens the control channel with a Listen token for the hybrid connection: the rule named, the key never sent', async () => {
    relay = await FakeRelay.start();
    listener = startRelayListener(SETTINGS, { onEvent: () => undefined }, relay.listenUri('dataverse-test'));
    await relay.request(fixture('create.json'));
    expect(relay.paths[0]).toBe('/$hc/dataverse-test?sb-hc-action=listen');
    const token = relay.tokens[0];
    expect(token).not.toContain(KEY);
    // Azure's SAS format: SharedAccessSignature sr=<url-encoded resource>&sig=<url-encoded HMAC-SHA256>&se=<expiry>&skn=<rule>
    const m = /^SharedAccessSignature sr=([^&]+)&sig=([^&]+)&se=(\d+)&skn=(.+)$/.exec(token);
    expect(m).not.toBeNull();
    const [, sr, sig, se, skn] = m!;
    expect(skn).toBe('onprem-listen');
    expect(decodeURIComponent(sr)).toBe('http://relay-test.servicebus.windows.net:443/dataverse-test');
    const expected = createHmac('sha256', KEY).update(`${sr}\n${se}`).digest('base64');
    expect(decodeURIComponent(sig)).toBe(expected);
    const hours = (Number(se) - Date.now() / 1000) / 3600;
    expect(hours).toBeGreaterThan(0.9);
    expect(hours).toBeLessThanOrEqual(1.01);
  });

  it('a request over the control channel: parsed, answered 200 with a JSON string on the same channel', async () => {
    relay = await FakeRelay.start();
    const seen: string[] = [];
    listener = startRelayListener(SETTINGS, { onEvent: (c) => void seen.push(`${c.messageName}/${c.primaryEntityName}`) }, relay.listenUri('dataverse-test'));
    const { response, body } = await relay.request(fixture('update-with-images.json'));
    expect(response.statusCode).toBe(200);
    expect(response.responseHeaders['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(body)).toMatch(/^Received Update of contact /);
    expect(seen).toEqual(['Update/contact']);
  });

  it('a garbage body over the relay is answered 400, an XML one 415', async () => {
    relay = await FakeRelay.start();
    listener = startRelayListener(SETTINGS, { onEvent: () => undefined }, relay.listenUri('dataverse-test'));
    const garbage = await relay.request('{"MessageName": "Upd');
    expect(garbage.response.statusCode).toBe(400);
    const xml = await relay.request('<RemoteExecutionContext/>', { 'Content-Type': 'application/xml' });
    expect(xml.response.statusCode).toBe(415);
  });

  it('a context of more than 64 kB comes over a rendezvous socket; the answer goes back on it', async () => {
    relay = await FakeRelay.start();
    const seen: number[] = [];
    listener = startRelayListener(
      SETTINGS,
      { onEvent: (c) => void seen.push(String(c.inputParameters.Target?.attributes?.description ?? '').length) },
      relay.listenUri('dataverse-test'),
    );
    const context = JSON.parse(fixture('create.json'));
    const target = context.InputParameters.find((p: any) => p.key === 'Target').value;
    target.Attributes.push({ key: 'description', value: 'x'.repeat(100_000) });
    const { response, body } = await relay.largeRequest(JSON.stringify(context));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(body)).toMatch(/^Received Create of account /);
    expect(seen).toEqual([100_000]);
    expect(relay.paths.some((p) => p.includes('sb-hc-action=request'))).toBe(true);
  });
});

describe('examples/relay-listener: settings from the environment', () => {
  const env = { RELAY_NAMESPACE: 'relay-test', RELAY_HYBRID_CONNECTION: 'dataverse-test', RELAY_LISTENER_KEY: KEY };

  it('reads the four variables; a bare namespace name gets the Relay suffix; the rule defaults to onprem-listen', () => {
    expect(readRelayListenerSettings(env)).toEqual(SETTINGS);
    expect(readRelayListenerSettings({ ...env, RELAY_NAMESPACE: 'sb://relay-test.servicebus.windows.net/', RELAY_LISTENER_RULE: 'bridge' })).toMatchObject({
      namespace: 'relay-test.servicebus.windows.net',
      ruleName: 'bridge',
    });
  });

  it('names every missing or malformed variable at once, and never a value', () => {
    let message = '';
    try {
      readRelayListenerSettings({ RELAY_NAMESPACE: 'x', RELAY_HYBRID_CONNECTION: 'has space', RELAY_LISTENER_KEY: '  ' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('RELAY_LISTENER_KEY is not set: the Listen-only key: terraform output -raw <listenerKeyOutputName>');
    expect(message).toContain('RELAY_NAMESPACE is not a Relay namespace name or host');
    expect(message).toContain('RELAY_HYBRID_CONNECTION is not a hybrid connection name');
    expect(() => readRelayListenerSettings({})).toThrow(/RELAY_NAMESPACE is not set.*RELAY_HYBRID_CONNECTION is not set.*RELAY_LISTENER_KEY is not set/);
    let leaked = '';
    try {
      readRelayListenerSettings({ ...env, RELAY_HYBRID_CONNECTION: '' });
    } catch (e) {
      leaked = (e as Error).message;
    }
    expect(leaked).not.toContain(KEY);
  });

  it('the example holds no key and reads it from the environment only', () => {
    const dir = path.join(__dirname, '..', '..', 'examples', 'relay-listener');
    for (const file of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      expect(text, file).not.toMatch(/[A-Za-z0-9+/]{40,}={0,2}/);
    }
    expect(fs.readFileSync(path.join(dir, 'listener.ts'), 'utf8')).toContain('readRelayListenerSettings()');
  });
});
