// Dataverse webhook receiver for accounts (Azure Functions, Node.js programming model v3).
//
// Self-contained on purpose: it uses Node built-ins only, so this folder is deployed as it is,
// with no npm install or build step. Apps that can bundle dependencies can use the richer
// RemoteExecutionContext parser and the @azure/functions v4 wrapper of cdktf-dataverse instead.
//
// - Create of account (synchronous, pre-operation): rejects an account without a name or with a
//   credit limit above the MAX_CREDIT_LIMIT app setting (default 1000000); Dataverse then cancels the user's save.
// - Update of creditlimit (asynchronous): logs the change.
'use strict';
const { createHash, timingSafeEqual } = require('crypto');

function sha256(text) {
  return createHash('sha256').update(String(text), 'utf8').digest();
}

/** Constant-time check of the secret, in the place the WebhookFunction put it. */
function authorized(req, env) {
  const expected = env.DATAVERSE_WEBHOOK_SECRET;
  if (!expected || expected.startsWith('@Microsoft.KeyVault(')) return undefined; // not configured
  const type = env.DATAVERSE_WEBHOOK_AUTH_TYPE || 'HTTP_HEADER';
  const name = env.DATAVERSE_WEBHOOK_SECRET_NAME || (type === 'WEBHOOK_KEY' ? 'code' : '');
  const presented = type === 'HTTP_HEADER' ? (req.headers || {})[name.toLowerCase()] : (req.query || {})[name];
  const same = timingSafeEqual(sha256(presented === undefined ? '' : presented), sha256(expected));
  return presented !== undefined && same;
}

/** [{ key, value }] → { key: value } */
function toMap(pairs) {
  const out = {};
  for (const pair of Array.isArray(pairs) ? pairs : []) out[pair.key] = pair.value;
  return out;
}

/** Money and OptionSetValue carry their number in Value. */
function plain(value) {
  return value && typeof value === 'object' && 'Value' in value ? value.Value : value;
}

function json(status, body) {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

module.exports = async function (context, req) {
  if (String(req.method || '').toUpperCase() !== 'POST') return json(405, { error: 'method-not-allowed' });
  const ok = authorized(req, process.env);
  if (ok === undefined) {
    context.log.error('DATAVERSE_WEBHOOK_SECRET is not resolved: check the Key Vault reference and the app identity.');
    return json(500, { error: 'not-configured' });
  }
  if (!ok) return json(401, { error: 'unauthorized' });

  let ctx;
  try {
    ctx = JSON.parse(typeof req.rawBody === 'string' ? req.rawBody : JSON.stringify(req.body));
  } catch (e) {
    return json(400, { error: 'malformed-body', message: `The body is not JSON: ${e.message}` });
  }
  if (!ctx || typeof ctx !== 'object' || typeof ctx.MessageName !== 'string' || typeof ctx.Stage !== 'number') {
    return json(400, { error: 'malformed-body', message: 'The body is not a RemoteExecutionContext (no MessageName or Stage).' });
  }
  if ((req.headers || {})['x-ms-dynamics-msg-size-exceeded'] !== undefined) {
    context.log.warn(`Trimmed payload for ${ctx.MessageName} of ${ctx.PrimaryEntityName} ${ctx.PrimaryEntityId}; read the row instead.`);
    return json(200, { ok: true, trimmed: true });
  }

  const input = toMap(ctx.InputParameters);
  const target = input.Target && typeof input.Target === 'object' ? input.Target : {};
  const attributes = toMap(target.Attributes);

  if (ctx.MessageName === 'Create' && ctx.PrimaryEntityName === 'account') {
    const problems = [];
    if (!attributes.name || String(attributes.name).trim() === '') problems.push('an account needs a name');
    const max = Number(process.env.MAX_CREDIT_LIMIT || 1000000);
    const limit = plain(attributes.creditlimit);
    if (typeof limit === 'number' && limit > max) problems.push(`the credit limit ${limit} is above ${max}`);
    if (problems.length > 0) {
      const message = `Account rejected: ${problems.join('; ')}.`;
      context.log(message);
      // Any status other than 2xx fails a synchronous step and rolls back the user's operation.
      return json(422, { error: 'rejected', message, correlationId: ctx.CorrelationId });
    }
  } else if (ctx.MessageName === 'Update') {
    context.log(`Credit limit of ${ctx.PrimaryEntityName} ${ctx.PrimaryEntityId} is now ${plain(attributes.creditlimit)}.`);
  }
  return json(200, { ok: true });
};
