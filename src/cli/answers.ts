// What a Dataverse answer must look like before the command line believes it. Every response is
// checked: status, Content-Type (JSON, an empty 204, or multipart/mixed for $batch) and the OData
// shape the call expects. Anything else (a proxy's HTML page answered 200, a truncated body, JSON of
// another shape) is an error that names the URL, the status and the first bytes of the body.
// Shapes from Microsoft Learn, "Query data using the Web API" (a collection is `{ value: [...] }`,
// paged with `@odata.nextLink`) and "Compose HTTP requests and handle errors" (errors are
// `{ error: { code, message } }`).
import { CliError } from './errors';

/** What a successful answer must be. */
export type Expect =
  /** An object (a row, WhoAmI …). */
  | 'entity'
  /** `{ value: [ objects ] }`, optionally with `@odata.nextLink`. */
  | 'collection'
  /** A write: 204 with no body, or 200/201 with a JSON object. */
  | 'write';

/** An HTTP answer as read from the wire. */
export interface RawAnswer {
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  readonly header: (name: string) => string | null;
}

/** An answer that is not what Dataverse sends: never retried, never believed. */
export class UnexpectedAnswerError extends CliError {
  constructor(answer: { url: string; status: number; contentType: string; text: string }, reason: string) {
    super(
      `unexpected answer from ${answer.url}: status ${answer.status}, Content-Type ${answer.contentType ? `'${answer.contentType}'` : '(none)'}, ${reason}; the body starts with ${firstBytes(answer.text)}. Nothing was taken as done. Fix: check that the environment URL reaches Dataverse itself and not a proxy, gateway or sign-in page (HTTPS_PROXY, firewall, captive portal).`,
    );
    this.name = 'UnexpectedAnswerError';
  }
}

/** The first bytes of a body, quoted, for error messages. */
export function firstBytes(text: string, max = 120): string {
  if (text === '') return '(nothing)';
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}

export function isJson(contentType: string): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType.trim());
}

/** Parses and checks a successful answer against what the call expects. */
export function readSuccess(answer: RawAnswer, expect: Expect): any {
  if (answer.status === 204) {
    if (answer.text.trim() !== '') throw new UnexpectedAnswerError(answer, '204 No Content with a body');
    if (expect !== 'write') throw new UnexpectedAnswerError(answer, `no body where ${expect === 'entity' ? 'a JSON object' : 'a JSON collection'} was expected`);
    return undefined;
  }
  if (!isJson(answer.contentType)) throw new UnexpectedAnswerError(answer, 'not JSON');
  const body = parseJson(answer);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new UnexpectedAnswerError(answer, 'JSON that is not an object');
  if (expect === 'collection') {
    if (!Array.isArray(body.value) || body.value.some((v: unknown) => v === null || typeof v !== 'object' || Array.isArray(v))) {
      throw new UnexpectedAnswerError(answer, "JSON without the collection's 'value' list of objects");
    }
    if (body['@odata.nextLink'] !== undefined && typeof body['@odata.nextLink'] !== 'string') {
      throw new UnexpectedAnswerError(answer, "an '@odata.nextLink' that is not a URL");
    }
  }
  return body;
}

/**
 * Parses an error answer (or an accepted one such as 404): Dataverse answers errors with
 * `{ error: { code, message } }`. `undefined` when the body is not such a document; callers that
 * act on the status (404 = gone) must refuse those.
 */
export function readError(answer: RawAnswer): { code?: string; message?: string } | undefined {
  if (!isJson(answer.contentType)) return undefined;
  try {
    const body = JSON.parse(answer.text);
    const error = body?.error;
    if (error === null || typeof error !== 'object') return undefined;
    return { code: typeof error.code === 'string' ? error.code : undefined, message: typeof error.message === 'string' ? error.message : undefined };
  } catch {
    return undefined;
  }
}

function parseJson(answer: RawAnswer): any {
  try {
    return JSON.parse(answer.text);
  } catch {
    throw new UnexpectedAnswerError(answer, 'JSON that does not parse');
  }
}
