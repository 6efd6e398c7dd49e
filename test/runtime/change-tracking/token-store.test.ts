// Against azurite (a real Blob REST implementation): conditional writes as the Blob service does them.
import { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Azurite } from './azurite';
import { BlobDeltaTokenStore, TokenConflictError } from '../../../src/runtime/change-tracking/token-store';

const azurite = new Azurite();
let container: ContainerClient;
let n = 0;

beforeAll(async () => {
  await azurite.start();
});
afterAll(async () => {
  await azurite.stop();
});

async function freshContainer(): Promise<ContainerClient> {
  container = azurite.service().getContainerClient(`tokens${++n}`);
  await container.create();
  return container;
}

describe('BlobDeltaTokenStore (ETag-conditional writes, azurite)', () => {
  it('first run creates the blob (If-None-Match: *), commit advances it, the next run starts from it', async () => {
    const store = new BlobDeltaTokenStore(await freshContainer());
    const claim = await store.begin('account', 'run-1');
    expect(claim).toMatchObject({ table: 'account', runId: 'run-1', existed: false, deltaLink: undefined });
    await store.commit(claim, 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$select=name&$deltatoken=1%21x');
    const stored = await store.read('account');
    expect(stored?.state).toMatchObject({
      format: 1,
      table: 'account',
      stage: 'committed',
      runId: 'run-1',
      deltaLink: 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$select=name&$deltatoken=1%21x',
    });
    const next = await store.begin('account', 'run-2');
    expect(next).toMatchObject({ existed: true, deltaLink: stored?.state.deltaLink });
    expect((await store.read('account'))?.state).toMatchObject({ stage: 'claim', runId: 'run-2', previousRunId: 'run-1' });
  });

  it('two overlapping runs that read the same state: the second claim loses before publishing anything', async () => {
    const c = await freshContainer();
    const a = new BlobDeltaTokenStore(c);
    const b = new BlobDeltaTokenStore(c);
    await a.commit(await a.begin('contact', 'seed'), 'https://x.crm.dynamics.com/api/data/v9.2/contacts?$select=fullname&$deltatoken=5%21x');
    // Both read the same ETag; A claims first.
    const seenByB = await b.read('contact');
    const claimA = await a.begin('contact', 'run-a');
    await expect(
      // B writes its claim with the ETag it read (what begin does internally), and loses.
      (b as unknown as { write(t: string, s: unknown, e: string): Promise<string> }).write('contact', { ...seenByB!.state, runId: 'run-b', stage: 'claim' }, seenByB!.etag),
    ).rejects.toThrow(TokenConflictError);
    await a.commit(claimA, 'https://x.crm.dynamics.com/api/data/v9.2/contacts?$select=fullname&$deltatoken=6%21x');
    expect((await a.read('contact'))?.state.deltaLink).toContain('6%21x');
  });

  it('a run that claimed first but commits after another run claimed loses at commit; the token advances once', async () => {
    const c = await freshContainer();
    const store = new BlobDeltaTokenStore(c);
    await store.commit(await store.begin('lead', 'seed'), 'https://x.crm.dynamics.com/api/data/v9.2/leads?$select=subject&$deltatoken=1%21x');
    const slow = await store.begin('lead', 'slow');
    const fast = await store.begin('lead', 'fast');
    await store.commit(fast, 'https://x.crm.dynamics.com/api/data/v9.2/leads?$select=subject&$deltatoken=2%21x');
    const err = await store.commit(slow, 'https://x.crm.dynamics.com/api/data/v9.2/leads?$select=subject&$deltatoken=3%21x').catch((e) => e);
    expect(err).toBeInstanceOf(TokenConflictError);
    expect(err.message).toMatch(/Another run changed the delta token of lead \(blob delta-tokens\/lead.json\)/);
    expect((await store.read('lead'))?.state).toMatchObject({ runId: 'fast', deltaLink: expect.stringContaining('2%21x') });
  });

  it('two first runs at once: both find no blob, only one creates it (If-None-Match: *), the other gets a conflict', async () => {
    const c = await freshContainer();
    const one = new BlobDeltaTokenStore(c) as unknown as { read(t: string): Promise<unknown>; write(t: string, s: unknown, e?: string): Promise<string> };
    const two = new BlobDeltaTokenStore(c) as unknown as typeof one;
    expect(await one.read('task')).toBeUndefined();
    expect(await two.read('task')).toBeUndefined();
    const state = (runId: string) => ({ format: 1, table: 'task', runId, updatedAt: '2026-12-01T10:00:00Z', stage: 'claim' });
    await one.write('task', state('one'), undefined);
    await expect(two.write('task', state('two'), undefined)).rejects.toThrow(TokenConflictError);
    expect(((await one.read('task')) as { state: { runId: string } }).state.runId).toBe('one');
  });

  it('a blob that is not a token record is an error naming the blob and the fix, not a silent restart', async () => {
    const c = await freshContainer();
    await c.getBlockBlobClient('delta-tokens/account.json').upload('<html>', 6);
    await expect(new BlobDeltaTokenStore(c).begin('account', 'r')).rejects.toThrow(/delta-tokens\/account.json is not JSON; delete it/);
    await c.getBlockBlobClient('delta-tokens/contact.json').upload('{"format":1,"table":"account"}', 30);
    await expect(new BlobDeltaTokenStore(c).begin('contact', 'r')).rejects.toThrow(/does not hold a delta token of contact/);
  });
});
