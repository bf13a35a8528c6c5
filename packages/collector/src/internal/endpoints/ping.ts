import type { CollectorRequest, CollectorResponse } from '../../collector-request';
import { NOSNIFF, type Responses } from '../responses';

/** The health endpoint, `GET <prefix>ping`: `pong`, or 503 once the collector is closing. */
export function createPingEndpoint(
  responses: Responses,
  isClosing: () => boolean,
): (request: CollectorRequest) => CollectorResponse {
  return (request) => {
    if (isClosing()) return responses.reject('closing', 'Shutting down.');
    return responses.respond({
      status: 200,
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        ...NOSNIFF,
      },
      body: request.method === 'HEAD' ? undefined : 'pong',
    });
  };
}
