import type { Settings } from './settings';

/**
 * The CORS headers of a batch answer for a request's `Origin`: none without one, `undefined` when
 * the origin is not allowed.
 */
export type CorsHeaders = (origin: string | undefined) => Record<string, string> | undefined;

export function createCorsHeaders(settings: Settings): CorsHeaders {
  const origins = settings.corsOrigins;
  return (origin) => {
    if (origin === undefined) return {};
    if (origins === '*') return { 'access-control-allow-origin': '*' };
    const allowed = typeof origins === 'function' ? origins(origin) : origins.includes(origin);
    if (!allowed) return undefined;
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    };
  };
}
