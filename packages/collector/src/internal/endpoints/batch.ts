import type { ClickEvent } from '@tributary/schema';
import { decodeEventBatch } from '@tributary/schema/protocol';
import type { CollectorRequest, CollectorResponse } from '../../collector-request';
import type { MetricsState } from '../../metrics';
import { browserEvent } from '../click-events';
import { createCorsHeaders } from '../cors';
import { mediaType } from '../http-headers';
import type { ReadFacts, RequestFacts } from '../request-facts';
import { NOSNIFF, issueMessage, type Responses } from '../responses';
import { ALLOW, type Settings } from '../settings';
import type { Verdicts } from '../verdicts';

/** The batch endpoint, `POST <prefix>csc-batch`: the tracker's beacons, with CORS. */
export function createBatchEndpoint(
  settings: Settings,
  state: MetricsState,
  responses: Responses,
  readFacts: ReadFacts,
  verdicts: Verdicts,
): (request: CollectorRequest) => Promise<CollectorResponse> {
  const { clock, maxBatchBytes, maxBatchEvents, corsMaxAge } = settings;
  const { respond, reject } = responses;
  const corsHeaders = createCorsHeaders(settings);

  return async (request) => {
    const cors = corsHeaders(request.header('origin'));
    if (request.method === 'OPTIONS') {
      if (cors === undefined)
        return reject('origin_not_allowed', 'This origin may not send events.');
      return respond({
        status: 204,
        headers: {
          ...cors,
          ...NOSNIFF,
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': 'content-type',
          'access-control-max-age': corsMaxAge,
        },
        body: undefined,
      });
    }
    if (request.method !== 'POST') return responses.methodNotAllowed(ALLOW.batch);
    if (cors === undefined) return reject('origin_not_allowed', 'This origin may not send events.');
    const type = mediaType(request.header('content-type'));
    if (type !== undefined && type !== 'text/plain') {
      return reject('unsupported_media_type', 'A batch is text/plain.', cors);
    }
    const body = await request.readBody(maxBatchBytes);
    if (!body.ok) return responses.bodyFailure(body.reason, maxBatchBytes);
    if (body.body.length === 0) return reject('empty_body', 'The body is empty.', cors);
    const decoded = decodeEventBatch(new TextDecoder().decode(body.body), {
      maxEvents: maxBatchEvents,
    });
    if (!decoded.ok) {
      return reject('invalid_batch', issueMessage('The batch is invalid', decoded.issues[0]), cors);
    }
    state.received += decoded.value.events.length;
    const receivedAt = clock();
    let facts: RequestFacts | undefined;
    const valid: ClickEvent[] = [];
    let invalid = 0;
    let firstIssue = '';
    for (const line of decoded.value.events) {
      if (!line.ok) {
        state.invalid++;
        invalid++;
        firstIssue ||= issueMessage('An event of the batch is invalid', line.issues[0]);
        continue;
      }
      facts ??= readFacts(request, 'browser');
      valid.push(browserEvent(line.value, facts, receivedAt));
    }
    if (facts === undefined) {
      return reject('invalid_event', `No event of the batch is valid. ${firstIssue}`, cors);
    }
    const full = verdicts.admit(valid, facts, cors);
    if (full !== undefined) return full;
    if (invalid === 0)
      return respond({ status: 204, headers: { ...cors, ...NOSNIFF }, body: undefined });
    return respond({
      status: 200,
      headers: { ...cors, 'content-type': 'application/json; charset=utf-8', ...NOSNIFF },
      body: JSON.stringify({
        accepted: decoded.value.events.length - invalid,
        invalid,
        message: firstIssue,
      }),
    });
  };
}
