// The multipart $batch codec (src/cli/batch.ts), against answers written from OData 4.0 Part 1
// §11.7.4 and the examples of Microsoft Learn "Execute batch operations using the Web API"
// (our own values; a failed change set answers with one application/http error part).
import { describe, expect, it } from 'vitest';
import { UnexpectedAnswerError } from '../../src/cli/answers';
import { BatchPart, buildBatch, parseBatchAnswer } from '../../src/cli/batch';

const parts: BatchPart[] = [
  {
    changeSet: [
      { method: 'PATCH', url: 'annotations(0d0d0000-0000-4000-8000-000000000001)', body: { subject: 'x' } },
      { method: 'PATCH', url: 'serviceendpoints(0e0e0000-0000-4000-8000-000000000001)', headers: { 'MSCRM.SolutionUniqueName': 'S' }, body: { name: 'a' } },
    ],
  },
  { changeSet: [{ method: 'PATCH', url: 'sdkmessageprocessingsteps(0f0f0000-0000-4000-8000-000000000001)', headers: { 'If-Match': '*' }, body: { rank: 1 } }] },
];

const answer = (text: string, contentType = 'multipart/mixed; boundary=batchresponse_b1', status = 200) => ({
  url: 'https://contoso.crm4.dynamics.com/api/data/v9.2/$batch',
  status,
  contentType,
  text,
  header: () => null,
});

const ok = (id: number) =>
  `--changesetresponse_c\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: ${id}\r\n\r\nHTTP/1.1 204 No Content\r\nOData-Version: 4.0\r\n\r\n\r\n`;

describe('buildBatch', () => {
  it('writes change sets with Content-IDs numbered across the batch, absolute paths, headers and JSON bodies', () => {
    const { body, contentType } = buildBatch(parts, '/api/data/v9.2/', 'batch_t');
    expect(contentType).toBe('multipart/mixed; boundary=batch_t');
    expect(body.startsWith('--batch_t\r\nContent-Type: multipart/mixed; boundary=changeset_')).toBe(true);
    expect(body.endsWith('--batch_t--\r\n')).toBe(true);
    expect(body.match(/Content-ID: \d+/g)).toEqual(['Content-ID: 1', 'Content-ID: 2', 'Content-ID: 3']);
    expect(body).toContain(
      'PATCH /api/data/v9.2/serviceendpoints(0e0e0000-0000-4000-8000-000000000001) HTTP/1.1\r\nAccept: application/json\r\nMSCRM.SolutionUniqueName: S\r\nContent-Type: application/json\r\n\r\n{"name":"a"}',
    );
    expect(body).toContain('If-Match: *');
    expect(body).not.toMatch(/Authorization/i);
  });
});

describe('parseBatchAnswer', () => {
  it('reads committed change sets', () => {
    const text = `--batchresponse_b1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_c\r\n\r\n${ok(1)}${ok(2)}--changesetresponse_c--\r\n--batchresponse_b1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_c\r\n\r\n${ok(3)}--changesetresponse_c--\r\n--batchresponse_b1--\r\n`;
    const outcome = parseBatchAnswer(answer(text), parts);
    expect(outcome.parts.map((p) => p.kind)).toEqual(['done', 'done']);
    expect(outcome.parts[0].kind === 'done' && outcome.parts[0].answers.map((a) => [a.status, a.contentId])).toEqual([
      [204, '1'],
      [204, '2'],
    ]);
  });

  it('reads a failed change set (one error part) that ends the answer, outer status 400', () => {
    const failed = `--batchresponse_b1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: 2\r\n\r\nHTTP/1.1 400 Bad Request\r\nContent-Type: application/json; odata.metadata=minimal\r\n\r\n{"error":{"code":"0x80044331","message":"A validation error occurred."}}\r\n--batchresponse_b1--\r\n`;
    const outcome = parseBatchAnswer(answer(failed, undefined, 400), parts);
    expect(outcome.parts).toHaveLength(1);
    expect(outcome.parts[0]).toMatchObject({ kind: 'failed', answer: { status: 400, contentId: '2' } });
  });

  it.each([
    ['an HTML page', '<html>proxy</html>', 'text/html', 'is not multipart/mixed with a boundary'],
    ['a truncated answer', '--batchresponse_b1\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\n', undefined, 'has no closing boundary (truncated)'],
    [
      'more parts than sent',
      `${'--batchresponse_b1\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'.repeat(3)}--batchresponse_b1--`,
      undefined,
      'holds 3 parts for 2 sent',
    ],
    [
      'a stop without an error',
      `--batchresponse_b1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_c\r\n\r\n${ok(1)}${ok(2)}--changesetresponse_c--\r\n--batchresponse_b1--`,
      undefined,
      'stops after part 1 of 2 without an error',
    ],
    [
      'a change set answered with too few responses',
      `--batchresponse_b1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_c\r\n\r\n${ok(1)}--changesetresponse_c--\r\n--batchresponse_b1--`,
      undefined,
      'answers change set 1 (2 requests) with 1 responses',
    ],
    ['a part that is not HTTP', '--batchresponse_b1\r\nContent-Type: application/http\r\n\r\n<html>\r\n--batchresponse_b1--', undefined, 'has a part that is not an HTTP response'],
    [
      'an error inside a committed change set',
      `--batchresponse_b1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_c\r\n\r\n${ok(1)}${ok(2).replace('204 No Content', '500 Internal Server Error')}--changesetresponse_c--\r\n--batchresponse_b1--`,
      undefined,
      'reports a failed request inside committed change set 1',
    ],
  ])('refuses %s', (_, text, contentType, reason) => {
    expect(() => parseBatchAnswer(answer(text, contentType), parts)).toThrow(UnexpectedAnswerError);
    expect(() => parseBatchAnswer(answer(text, contentType), parts)).toThrow(reason);
  });
});
