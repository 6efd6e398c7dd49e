// Renders Graphviz DOT to SVG with the WebAssembly Graphviz of @hpcc-js/wasm-graphviz, without a
// system binary. Its API is asynchronous (Graphviz.load()) while synth is synchronous, so the
// rendering runs in a worker thread that the main thread waits for with Atomics.wait: the first
// diagram of a process costs ~170 ms (worker start and WebAssembly compile), later ones a few ms.
import { pathToFileURL } from 'url';
import { MessageChannel, Worker, receiveMessageOnPort } from 'worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
let graphviz;
parentPort.on('message', async ({ dot, signal, port }) => {
  let reply;
  try {
    if (!graphviz) {
      const { Graphviz } = await import(workerData.moduleUrl);
      graphviz = await Graphviz.load();
    }
    reply = { svg: graphviz.dot(dot, 'svg') };
  } catch (e) {
    reply = { error: String((e && e.stack) || e) };
  }
  port.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
`;

const TIMEOUT_MS = 60_000;
let worker: Worker | undefined;
const cache = new Map<string, string>();

function startWorker(): Worker {
  if (!worker) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const moduleUrl = pathToFileURL(require.resolve('@hpcc-js/wasm-graphviz')).href;
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { moduleUrl } });
    worker.unref(); // never keeps the process alive
    worker.on('error', () => {
      worker = undefined;
    });
  }
  return worker;
}

/**
 * DOT to SVG, synchronously. Throws with Graphviz's message when the DOT is invalid.
 * @internal
 */
export function renderSvg(dot: string): string {
  const cached = cache.get(dot);
  if (cached !== undefined) return cached;
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  try {
    startWorker().postMessage({ dot, signal, port: port2 }, [port2]);
    Atomics.wait(signal, 0, 0, TIMEOUT_MS);
    const reply = receiveMessageOnPort(port1)?.message as { svg?: string; error?: string } | undefined;
    if (!reply) throw new Error(`no answer from the Graphviz worker within ${TIMEOUT_MS / 1000} s`);
    if (reply.error !== undefined) throw new Error(reply.error);
    if (cache.size >= 64) cache.clear();
    cache.set(dot, reply.svg!);
    return reply.svg!;
  } catch (e) {
    throw new Error(`cdktf-dataverse could not render diagram.svg with @hpcc-js/wasm-graphviz: ${(e as Error).message}`);
  } finally {
    port1.close();
  }
}
