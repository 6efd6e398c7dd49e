// $batch for the fake Web API, written from OData Version 4.0 Part 1: Protocol, §11.7 "Batch
// Requests" (multipart/mixed; `application/http` parts; change sets as nested multipart parts
// whose operations carry Content-IDs; `$<Content-ID>` references the URL of an entity created
// earlier in the same change set; processing in order, stopping at the first error unless
// `odata.continue-on-error` is preferred; a change set is all or nothing and a failed one answers
// with a single `application/http` error response) and Microsoft Learn, "Execute batch operations
// using the Web API" (Dataverse: at most 1,000 requests; without continue-on-error the failing
// request's error ends the answer and the batch answers 400 — the documented example).
import { randomUUID } from 'crypto';
import { STATUS_CODES } from 'http';

/** One operation parsed from a batch. */
export interface BatchOp {
  readonly method: string;
  /** As written in the request line. */
  readonly url: string;
  readonly headers: { [name: string]: string };
  readonly body: any;
  readonly contentId?: string;
}

/** A top-level part: a change set or a single request. */
export type BatchItem = { readonly changeSet: BatchOp[] } | { readonly request: BatchOp };

/** The answer to one operation. */
export interface OpAnswer {
  readonly status: number;
  readonly headers?: { [name: string]: string };
  readonly body?: any;
}

function boundaryOf(contentType: string | undefined): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2]) : undefined;
}

function parts(text: string, boundary: string): string[] {
  const out: string[] = [];
  const chunks = text.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  // chunks[0] is the preamble; the chunk starting with "--" is the close delimiter (then the epilogue).
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith('--')) return out;
    out.push(chunk.replace(/^\r?\n/, ''));
  }
  throw new Error('no closing boundary');
}

function headersAndBody(part: string): { headers: { [name: string]: string }; body: string } {
  const [head, ...rest] = part.split(/\r?\n\r?\n/);
  const headers: { [name: string]: string } = {};
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, body: rest.join('\r\n\r\n') };
}

function operation(part: string): BatchOp {
  const outer = headersAndBody(part);
  if (!/^application\/http/i.test(outer.headers['content-type'] ?? '')) throw new Error(`a part must be application/http, not '${outer.headers['content-type']}'`);
  const lines = outer.body.split(/\r?\n/);
  const requestLine = /^(GET|POST|PATCH|PUT|DELETE) (\S+) HTTP\/1\.1$/.exec(lines[0].trim());
  if (!requestLine) throw new Error(`not a request line: '${lines[0]}'`);
  const inner = headersAndBody(lines.slice(1).join('\r\n'));
  const text = inner.body.trim();
  return { method: requestLine[1], url: requestLine[2], headers: inner.headers, body: text ? JSON.parse(text) : undefined, contentId: outer.headers['content-id'] };
}

/** Parses a multipart batch request body. */
export function parseBatchRequest(text: string, contentType: string | undefined): BatchItem[] {
  const boundary = boundaryOf(contentType);
  if (!/^multipart\/mixed/i.test(contentType ?? '') || !boundary) throw new Error('a batch must be multipart/mixed with a boundary');
  return parts(text, boundary).map((part) => {
    const { headers, body } = headersAndBody(part);
    if (/^multipart\/mixed/i.test(headers['content-type'] ?? '')) {
      const cs = boundaryOf(headers['content-type']);
      if (!cs) throw new Error('a change set needs a boundary');
      const ops = parts(body, cs).map(operation);
      if (ops.some((o) => o.method === 'GET')) throw new Error('GET is not allowed in a change set');
      if (ops.some((o) => o.contentId === undefined)) throw new Error('Content-ID header not present in a change set part');
      return { changeSet: ops };
    }
    return { request: operation(part) };
  });
}

function answerPart(answer: OpAnswer, contentId?: string): string {
  const head = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary', ...(contentId ? [`Content-ID: ${contentId}`] : []), ''];
  const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
  const http = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`, 'OData-Version: 4.0'];
  if (body) http.push('Content-Type: application/json; odata.metadata=minimal');
  for (const [k, v] of Object.entries(answer.headers ?? {})) http.push(`${k}: ${v}`);
  return [...head, ...http, '', body].join('\r\n');
}

/** One top-level answer: a change set's answers, or one answer (a request, or a failed change set). */
export type ItemAnswer = { readonly changeSet: { answer: OpAnswer; contentId?: string }[] } | { readonly single: OpAnswer; readonly contentId?: string };

/** Renders a multipart batch answer. */
export function renderBatchAnswer(items: ItemAnswer[]): { contentType: string; text: string } {
  const boundary = `batchresponse_${randomUUID()}`;
  const lines: string[] = [];
  for (const item of items) {
    lines.push(`--${boundary}`);
    if ('changeSet' in item) {
      const cs = `changesetresponse_${randomUUID()}`;
      lines.push(`Content-Type: multipart/mixed; boundary=${cs}`, '');
      for (const a of item.changeSet) lines.push(`--${cs}`, answerPart(a.answer, a.contentId));
      lines.push(`--${cs}--`);
    } else {
      lines.push(answerPart(item.single, item.contentId));
    }
  }
  lines.push(`--${boundary}--`, '');
  return { contentType: `multipart/mixed; boundary=${boundary}`, text: lines.join('\r\n') };
}
