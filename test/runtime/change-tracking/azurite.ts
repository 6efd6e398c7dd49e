// Starts azurite's blob service (npm package, pinned devDependency) on 127.0.0.1 with in-memory
// persistence and telemetry off, on a free port; stop() ends it. The account and key are azurite's
// published development-storage defaults, not a credential of any real account.
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';

const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export class Azurite {
  private proc?: ChildProcess;
  url = '';

  async start(): Promise<void> {
    const main = join(process.cwd(), 'node_modules/azurite/dist/src/blob/main.js');
    this.proc = spawn(
      process.execPath,
      [main, '--inMemoryPersistence', '--disableTelemetry', '--blobHost', '127.0.0.1', '--blobPort', '0', '--skipApiVersionCheck', '--extentMemoryLimit', '256'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const port = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`azurite did not start: ${out}`)), 30_000);
      this.proc!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      this.proc!.on('exit', (code) => reject(new Error(`azurite exited with ${code}: ${out}`)));
    });
    this.url = `http://127.0.0.1:${port}/${ACCOUNT}`;
  }

  service(): BlobServiceClient {
    return new BlobServiceClient(this.url, new StorageSharedKeyCredential(ACCOUNT, KEY));
  }

  async stop(): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null) return;
    const exited = new Promise((resolve) => this.proc!.once('exit', resolve));
    this.proc.kill('SIGTERM');
    await exited;
  }
}
