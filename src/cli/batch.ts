// OData $batch in the multipart format: OData Version 4.0 Part 1: Protocol, §11.7 "Batch
// Requests" (multipart/mixed body, one `application/http` part per request, change sets as nested
// multipart/mixed parts whose operations carry a Content-ID; a failed change set answers with one
// `application/http` error for the whole set; without `odata.continue-on-error` processing stops
// at the first error, which is the last part of the answer), and Microsoft Learn, "Execute batch
// operations using the Web API" (Dataverse: at most 1,000 requests per batch, `Prefer:
// odata.continue-on-error` supported, change sets are transactions, a failed batch may answer 400
// with the multipart body).
import { randomUUID } from 'crypto';
import { isJson, RawAnswer, UnexpectedAnswerError } from './answers';

/** Dataverse accepts at most this many requests in one batch. */
export const MAX_BATCH_REQUESTS = 1000;

/** One request inside a batch. */
export interface BatchOperation {
  readonly method: 'GET' | 'PATCH' | 'POST' | 'DELETE';
  /** Below the API root, e.g. `serviceendpoints(<id>)`. */
  readonly url: string;
  readonly headers?: { [name: string]: string };
  readonly body?: unknown;
}

/** A part of the batch: an atomic change set, or a request of its own. */
export type BatchPart = { readonly changeSet: BatchOperation[] } | { readonly request: BatchOperation };

/** One answer inside the batch answer. */
export interface BatchAnswer {
  readonly status: number;
  readonly headers: { [name: string]: string };
  readonly text: string;
  readonly contentId?: string;
}

/** What happened to one part. */
export type PartOutcome = { readonly kind: 'done'; readonly answers: BatchAnswer[] } | { readonly kind: 'failed'; readonly answer: BatchAnswer };

/** The outcomes of the parts that were processed (processing stops after the first failure). */
export interface BatchOutcome {
  readonly parts: PartOutcome[];
}

/** The request body and its Content-Type. */
export function buildBatch(parts: BatchPart[], apiPath: string, boundary = `batch_${randomUUID()}`): { body: string; contentType: string } {
  const lines: string[] = [];
  let contentId = 0;
  for (const part of parts) {
    lines.push(`--${boundary}`);
    if ('changeSet' in part) {
      const cs = `changeset_${randomUUID()}`;
      lines.push(`Content-Type: multipart/mixed; boundary=${cs}`, '');
      for (const op of part.changeSet) {
        lines.push(`--${cs}`, 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', `Content-ID: ${++contentId}`, '');
        lines.push(...operationLines(op, apiPath));
      }
      lines.push(`--${cs}--`);
    } else {
      lines.push('Content-Type: application/http', 'Content-Transfer-Encoding: binary', '');
      lines.push(...operationLines(part.request, apiPath));
    }
  }
  lines.push(`--${boundary}--`, '');
  return { body: lines.join('\r\n'), contentType: `multipart/mixed; boundary=${boundary}` };
}

function operationLines(op: BatchOperation, apiPath: string): string[] {
  const head = [`${op.method} ${apiPath}${op.url} HTTP/1.1`, 'Accept: application/json'];
  for (const [name, value] of Object.entries(op.headers ?? {})) head.push(`${name}: ${value}`);
  if (op.body === undefined) return [...head, '', ''];
  return [...head, 'Content-Type: application/json', '', JSON.stringify(op.body)];
}

/**
 * Reads a batch answer against the parts sent. Throws UnexpectedAnswerError when it is not a
 * multipart answer of that structure: more parts than sent, a change set answered with another
 * number of responses or Content-IDs, a part that is not an HTTP response, or a stop that does not
 * end on an error.
 */
export function parseBatchAnswer(answer: RawAnswer, parts: BatchPart[]): BatchOutcome {
  const bad = (reason: string) => new UnexpectedAnswerError(answer, `a batch answer that ${reason}`);
  const boundary = boundaryOf(answer.contentType);
  if (!/^multipart\/mixed/i.test(answer.contentType.trim()) || !boundary) throw bad('is not multipart/mixed with a boundary');
  const bodies = splitMultipart(answer.text, boundary);
  if (bodies === undefined) throw bad('has no closing boundary (truncated)');
  if (bodies.length === 0 || bodies.length > parts.length) throw bad(`holds ${bodies.length} parts for ${parts.length} sent`);
  let contentId = 0;
  const outcomes: PartOutcome[] = [];
  parts.slice(0, bodies.length).forEach((part, i) => {
    const { headers, content } = splitHeaders(bodies[i]);
    const type = headers['content-type'] ?? '';
    const ids = 'changeSet' in part ? part.changeSet.map(() => String(++contentId)) : [];
    if (/^multipart\/mixed/i.test(type)) {
      if (!('changeSet' in part)) throw bad(`answers request ${i + 1} with a change set`);
      const nested = boundaryOf(type);
      const inner = nested ? splitMultipart(content, nested) : undefined;
      if (inner === undefined) throw bad(`has a change set answer ${i + 1} without its closing boundary`);
      const answers = inner.map((b) => httpAnswer(b, bad));
      if (answers.length !== ids.length || answers.some((a) => a.contentId !== undefined && !ids.includes(a.contentId))) {
        throw bad(`answers change set ${i + 1} (${ids.length} requests) with ${answers.length} responses or unknown Content-IDs`);
      }
      if (answers.some((a) => a.status < 200 || a.status >= 300)) throw bad(`reports a failed request inside committed change set ${i + 1}`);
      outcomes.push({ kind: 'done', answers: ids.map((id, k) => answers.find((a) => a.contentId === id) ?? answers[k]) });
      return;
    }
    if (!/^application\/http/i.test(type)) throw bad(`has part ${i + 1} of Content-Type '${type}'`);
    const single = httpAnswer(bodies[i], bad);
    if (single.status >= 200 && single.status < 300) {
      if ('changeSet' in part && part.changeSet.length !== 1) throw bad(`answers change set ${i + 1} with a single success`);
      outcomes.push({ kind: 'done', answers: [single] });
    } else {
      outcomes.push({ kind: 'failed', answer: single });
    }
  });
  const stopped = outcomes.length < parts.length;
  if (stopped && outcomes[outcomes.length - 1].kind !== 'failed') throw bad(`stops after part ${outcomes.length} of ${parts.length} without an error`);
  return { parts: outcomes };
}

/** The JSON body of an answer inside a batch, or undefined when it has none / is not JSON. */
export function answerJson(answer: BatchAnswer): any {
  if (answer.text.trim() === '' || !isJson(answer.headers['content-type'] ?? '')) return undefined;
  try {
    return JSON.parse(answer.text);
  } catch {
    return undefined;
  }
}

function boundaryOf(contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The bodies between `--boundary` lines; undefined without the closing `--boundary--`. */
function splitMultipart(text: string, boundary: string): string[] | undefined {
  const lines = text.split(/\r?\n/);
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `--${boundary}--`) {
      if (current) parts.push(current.join('\r\n'));
      return parts;
    }
    if (trimmed === `--${boundary}`) {
      if (current) parts.push(current.join('\r\n'));
      current = [];
    } else if (current) {
      current.push(line);
    }
  }
  return undefined;
}

function splitHeaders(part: string): { headers: { [name: string]: string }; content: string } {
  const lines = part.split(/\r?\n/);
  const headers: { [name: string]: string } = {};
  let i = 0;
  for (; i < lines.length && lines[i].trim() !== ''; i++) {
    const colon = lines[i].indexOf(':');
    if (colon > 0) headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
  }
  return { headers, content: lines.slice(i + 1).join('\r\n') };
}

/** `Content-Type: application/http` part → the HTTP response it holds. */
function httpAnswer(part: string, bad: (reason: string) => Error): BatchAnswer {
  const outer = splitHeaders(part);
  const inner = splitHeaders(outer.content.replace(/^(\r?\n)+/, ''));
  const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(outer.content.replace(/^(\r?\n)+/, ''));
  if (!statusLine) throw bad(`has a part that is not an HTTP response (${JSON.stringify(outer.content.slice(0, 40))})`);
  // splitHeaders took the status line as a header-less line: drop it from the inner headers.
  const headers = { ...inner.headers };
  return { status: Number(statusLine[1]), headers, text: inner.content.trim(), contentId: outer.headers['content-id'] };
}
