import type { CollectorRequest, CollectorResponse } from '../../collector-request';
import type { CollectorScriptOptions } from '../../collector-options';
import { acceptsEncoding, matchesEtag } from '../http-headers';
import { NOSNIFF, type Responses } from '../responses';
import { createScriptAsset } from '../script-asset';
import { ALLOW, type Settings } from '../settings';

/** The tracker script endpoint, `GET <prefix>tributary.js`, with gzip and ETags. */
export function createScriptEndpoint(
  settings: Settings,
  responses: Responses,
  options: CollectorScriptOptions | undefined,
): (request: CollectorRequest) => Promise<CollectorResponse> {
  const { respond, reject } = responses;
  const script = options === undefined ? undefined : createScriptAsset(options.source);
  const cacheControl = settings.scriptCacheControl;

  return async (request) => {
    if (script === undefined) return reject('not_found', 'No script is configured.');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return responses.methodNotAllowed(ALLOW.script);
    }
    const gzip = acceptsEncoding(request.header('accept-encoding'), 'gzip')
      ? await script.gzip()
      : undefined;
    const etag = gzip === undefined ? script.etag : script.gzipEtag;
    const headers: Record<string, string> = {
      etag,
      'cache-control': cacheControl,
      vary: 'Accept-Encoding',
      ...NOSNIFF,
    };
    if (matchesEtag(request.header('if-none-match'), etag)) {
      return respond({ status: 304, headers, body: undefined });
    }
    const bytes = gzip ?? script.identity;
    headers['content-type'] = 'text/javascript; charset=utf-8';
    headers['content-length'] = String(bytes.length);
    if (gzip !== undefined) headers['content-encoding'] = 'gzip';
    return respond({
      status: 200,
      headers,
      body: request.method === 'HEAD' ? undefined : bytes,
    });
  };
}
