import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';
import { fixture } from './fixtures';
import { ServiceEndpointAuthType, WebhookSecretVerifier } from '../../src';
import { DataverseRejection, DataverseWebhookEvent, dataverseWebhook } from '../../src/runtime/azure-functions';

const SECRET = 'k9Lm2Np4Qr6St8Uv0Wx1Yz3Ab5Cd7Ef9Gh1Ij3Kl5Mn7Op9Q';
const verifier = new WebhookSecretVerifier({ authType: ServiceEndpointAuthType.HTTP_HEADER, secret: SECRET, name: 'x-dataverse-webhook-secret' });

function request(body: string, headers: Record<string, string> = { 'x-dataverse-webhook-secret': SECRET }, method = 'POST') {
  return new HttpRequest({ method, url: 'https://func.example.net/api/webhook', headers: { 'content-type': 'application/json', ...headers }, body: { string: body } });
}
function invocation() {
  return new InvocationContext({ functionName: 'webhook', invocationId: 'test', logHandler: () => {} });
}

describe('dataverseWebhook (@azure/functions v4)', () => {
  it('200 on success; the handler gets the decoded context', async () => {
    let seen: DataverseWebhookEvent | undefined;
    const fn = dataverseWebhook(
      (event) => {
        seen = event;
      },
      { verifier },
    );
    const res = await fn(request(fixture('update-with-images.json')), invocation());
    expect(res.status).toBe(200);
    expect(seen?.context.inputParameters.Target.attributes.firstname).toBe('Jamie');
    expect(seen?.trimmed).toBe(false);
  });

  it('200 on the documented body whose images carry no __type; the handler reads the images', async () => {
    const body = fixture('update-with-images.json');
    expect(JSON.parse(body).PreEntityImages[0].value.__type).toBeUndefined();
    let pre: any;
    let post: any;
    const fn = dataverseWebhook(
      ({ context }) => {
        pre = context.preEntityImages.PreImage;
        post = context.postEntityImages.AsynchronousStepPrimaryName;
      },
      { verifier },
    );
    const res = await fn(request(body), invocation());
    expect(res.status).toBe(200);
    expect(res.jsonBody).toEqual({ ok: true });
    expect(pre.attributes.firstname).toBe('Jim');
    expect(pre.attributes.parentcustomerid.name).toBe('Fourth Coffee');
    expect(post.attributes.fullname).toBe('Jamie Reyes');

    // A Delete with an untyped pre-image, too.
    let deleted: any;
    const onDelete = dataverseWebhook(
      ({ context }) => {
        deleted = context.preEntityImages.PreImage.attributes.name;
      },
      { verifier },
    );
    expect((await onDelete(request(fixture('delete.json')), invocation())).status).toBe(200);
    expect(deleted).toBe('Fourth Coffee');
  });

  it('401 on a missing or wrong secret, without reading the body', async () => {
    const handler = vi.fn();
    const fn = dataverseWebhook(handler, { verifier });
    for (const headers of [{}, { 'x-dataverse-webhook-secret': 'wrong' }] as Array<Record<string, string>>) {
      const req = request(fixture('create.json'), headers);
      const text = vi.spyOn(req, 'text');
      const res = await fn(req, invocation());
      expect(res.status).toBe(401);
      expect(text).not.toHaveBeenCalled();
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it('400 with a clear message on a malformed body', async () => {
    const handler = vi.fn();
    const fn = dataverseWebhook(handler, { verifier });
    for (const [name, message] of [
      ['malformed-truncated.txt', /not JSON/],
      ['malformed-not-context.json', /not a RemoteExecutionContext/],
      ['malformed-bad-collection.json', /InputParameters/],
    ] as const) {
      const res = await fn(request(fixture(name)), invocation());
      expect(res.status).toBe(400);
      expect(res.jsonBody.error).toBe('malformed-body');
      expect(res.jsonBody.message).toMatch(message);
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it('a synchronous step rejects the operation by throwing DataverseRejection or returning { reject }', async () => {
    const thrower = dataverseWebhook(
      () => {
        throw new DataverseRejection('Credit limit too high.');
      },
      { verifier },
    );
    const res1 = await thrower(request(fixture('create.json')), invocation());
    expect(res1.status).toBe(422);
    expect(res1.jsonBody).toMatchObject({ error: 'rejected', message: 'Credit limit too high.', correlationId: '1c2d3e4f-5061-4728-93a4-b5c6d7e8f901' });

    const returner = dataverseWebhook(({ context }) => (context.inputParameters.Target.attributes.creditlimit > 1000 ? { reject: 'Too high.' } : undefined), {
      verifier,
      rejectStatus: 409,
    });
    const res2 = await returner(request(fixture('create.json')), invocation());
    expect(res2.status).toBe(409);
    expect(res2.jsonBody.message).toBe('Too high.');
  });

  it('rejectStatus cannot be one that Dataverse retries, or a success', () => {
    expect(() => dataverseWebhook(() => {}, { verifier, rejectStatus: 503 })).toThrow(/retries/);
    expect(() => dataverseWebhook(() => {}, { verifier, rejectStatus: 200 })).toThrow(/not allowed/);
  });

  it('500 without details when the handler fails unexpectedly', async () => {
    const fn = dataverseWebhook(
      () => {
        throw new Error('database password is hunter2');
      },
      { verifier },
    );
    const res = await fn(request(fixture('create.json')), invocation());
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.jsonBody)).not.toContain('hunter2');
  });

  it('tells the handler when Dataverse trimmed the payload', async () => {
    let trimmed: boolean | undefined;
    const fn = dataverseWebhook(
      (event) => {
        trimmed = event.trimmed;
      },
      { verifier },
    );
    const res = await fn(request(fixture('trimmed.json'), { 'x-dataverse-webhook-secret': SECRET, 'x-ms-dynamics-msg-size-exceeded': 'true' }), invocation());
    expect(res.status).toBe(200);
    expect(trimmed).toBe(true);
  });

  it('405 for methods other than POST', async () => {
    const fn = dataverseWebhook(() => {}, { verifier });
    const res = await fn(new HttpRequest({ method: 'GET', url: 'https://func.example.net/api/webhook' }), invocation());
    expect(res.status).toBe(405);
  });

  it('reads its configuration from the app settings by default, and answers 500 when they are missing', async () => {
    const saved = { ...process.env };
    try {
      delete process.env.DATAVERSE_WEBHOOK_SECRET;
      const broken = dataverseWebhook(() => {}, {});
      expect((await broken(request(fixture('create.json')), invocation())).status).toBe(500);

      process.env.DATAVERSE_WEBHOOK_AUTH_TYPE = 'WEBHOOK_KEY';
      process.env.DATAVERSE_WEBHOOK_SECRET = SECRET;
      const fn = dataverseWebhook(() => {}, {});
      const ok = new HttpRequest({ method: 'POST', url: `https://func.example.net/api/webhook?code=${SECRET}`, body: { string: fixture('delete.json') } });
      expect((await fn(ok, invocation())).status).toBe(200);
    } finally {
      process.env = saved;
    }
  });
});
