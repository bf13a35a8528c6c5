import { parseJsonSourceEvent } from '@tributary/schema';
import { parseIdentifier } from '@tributary/schema/protocol';
import type { CollectorRequest, CollectorResponse } from '../../collector-request';
import type { MetricsState } from '../../metrics';
import { clickEvent } from '../click-events';
import { mediaType } from '../http-headers';
import type { ReadFacts } from '../request-facts';
import { NO_CONTENT, TOO_DEEP, isTooDeep, issueMessage, type Responses } from '../responses';
import { ALLOW, type Settings } from '../settings';
import type { Verdicts } from '../verdicts';

/** The fields of a JSON-source event: the only path an error message names (never input). */
const JSON_FIELDS = new Set([
  'session_id',
  'event_id',
  'is_new_party',
  'is_new_session',
  'client_timestamp_iso',
  'event_type',
  'parameters',
]);

/** The JSON source endpoint, `POST <prefix>json-event?p=<party id>`: apps and servers. */
export function createJsonEndpoint(
  settings: Settings,
  state: MetricsState,
  responses: Responses,
  readFacts: ReadFacts,
  verdicts: Verdicts,
): (request: CollectorRequest, query: string) => Promise<CollectorResponse> {
  const { clock, maxJsonBytes, partyParameter } = settings;
  const { respond, reject } = responses;

  return async (request, query) => {
    if (request.method !== 'POST') return responses.methodNotAllowed(ALLOW.json);
    const contentType = request.header('content-type');
    const type = mediaType(contentType);
    // Divolte wants exactly application/json; a UTF-8 charset parameter is allowed too, since
    // common mobile HTTP clients always add it.
    const parameters = contentType
      ?.slice(contentType.indexOf(';') + 1)
      .trim()
      .toLowerCase();
    if (
      type !== 'application/json' ||
      (contentType?.includes(';') === true && parameters !== 'charset=utf-8')
    ) {
      return reject('unsupported_media_type', 'The body must be application/json.');
    }
    const party = new URLSearchParams(query).get(partyParameter);
    if (party === null || !parseIdentifier(party).ok) {
      return reject(
        'invalid_party_id',
        `The query parameter ${partyParameter} must be a Divolte identifier.`,
      );
    }
    const body = await request.readBody(maxJsonBytes);
    if (!body.ok) return responses.bodyFailure(body.reason, maxJsonBytes);
    if (body.body.length === 0) return reject('empty_body', 'The body is empty.');
    state.received++;
    const parsed = parseJsonSourceEvent(new TextDecoder().decode(body.body));
    if (!parsed.ok) {
      state.invalid++;
      const issue = parsed.issues[0];
      if (parsed.issues.some(isTooDeep)) return reject('too_deep', TOO_DEEP);
      const field = issue?.path[0];
      const what =
        typeof field === 'string' && JSON_FIELDS.has(field)
          ? `The JSON-source event is invalid at ${field}`
          : 'The body is not a valid JSON-source event';
      return reject('invalid_json', issueMessage(what, issue));
    }
    const facts = readFacts(request, 'json');
    const json = parsed.value;
    const event = clickEvent(
      {
        source: 'json',
        receivedAt: clock(),
        clientTimestamp: json.client_timestamp_iso,
        partyId: party,
        sessionId: json.session_id,
        eventId: json.event_id,
        newParty: json.is_new_party,
        firstInSession: json.is_new_session,
        corrupt: false,
      },
      facts,
    );
    if (json.event_type !== undefined) event.eventType = json.event_type;
    if (json.parameters !== undefined) event.parameters = json.parameters;
    return verdicts.admit([event], facts, {}) ?? respond(NO_CONTENT);
  };
}
