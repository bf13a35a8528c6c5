import type { ClickEvent, RequestContext } from '@tributary/schema';
import type { CollectorRequest } from '../collector-request';
import type { DropReason } from '../metrics';
import { parseCookies } from './cookies';
import { anonymiseIpAddress, cutAddresses } from './ip-address';
import { setOwn } from './own-property';
import { resolveRemoteAddress } from './remote-address';
import type { Settings } from './settings';

/** The request context and verdicts shared by every event of one request. */
export interface RequestFacts {
  readonly context: RequestContext;
  readonly isBot: boolean;
  readonly doNotTrack: boolean;
  readonly globalPrivacyControl: boolean;
  readonly dropReason: DropReason | undefined;
}

/** Reads the facts of one request: who sent it, through which proxies, and what it asks for. */
export type ReadFacts = (request: CollectorRequest, source: ClickEvent['source']) => RequestFacts;

/** How many user agents' bot verdicts are remembered. */
const BOT_CACHE_SIZE = 1000;

/**
 * The headers an anonymising collector hands on: every one, with every IPv4 and IPv6 address found
 * in any value truncated (see {@link cutAddresses}). A list of address headers to drop would always
 * miss one (`X-Original-Forwarded-For`, `Fly-Client-IP`, a proxy's own), so none is trusted to be
 * the only place an address is.
 */
function anonymiseHeaders(headers: Record<string, string[]>): Record<string, string[]> {
  const cut: Record<string, string[]> = {};
  for (const name of Object.keys(headers)) setOwn(cut, name, headers[name]!.map(cutAddresses));
  return cut;
}

/** The reader of request facts for these settings, with its cache of bot verdicts. */
export function createRequestFacts(settings: Settings): ReadFacts {
  const { trustedProxies, anonymise, detectBot, detectBotsOnJson } = settings;
  // User agents repeat a lot and bot detection is a large regular expression: remember the
  // verdicts of the last BOT_CACHE_SIZE agents seen (a Map iterates in insertion order, so its
  // first key is the oldest; a hit moves the agent to the end).
  const botCache = new Map<string, boolean>();
  const isBotAgent = (userAgent: string | undefined): boolean => {
    if (userAgent === undefined || userAgent === '') return false;
    let verdict = botCache.get(userAgent);
    if (verdict === undefined) {
      verdict = detectBot(userAgent);
      if (botCache.size >= BOT_CACHE_SIZE) botCache.delete(botCache.keys().next().value!);
      botCache.set(userAgent, verdict);
    } else if (botCache.size >= BOT_CACHE_SIZE >> 1) {
      // Only a full-ish cache can evict: refresh this agent so the busy ones stay.
      botCache.delete(userAgent);
      botCache.set(userAgent, verdict);
    }
    return verdict;
  };

  return (request, source) => {
    let remoteAddress = resolveRemoteAddress(
      request.remoteAddress,
      trustedProxies > 0 ? request.headerValues('x-forwarded-for') : undefined,
      trustedProxies,
    );
    // The record of every header first: the lookups after it read the record, not the raw list.
    let headers = request.headers();
    if (anonymise) {
      headers = anonymiseHeaders(headers);
      remoteAddress = anonymiseIpAddress(remoteAddress) ?? '';
    }
    // User-Agent is a singleton field (RFC 9110): a repeated one is not a list to join. The first
    // is the event's, as node:http's `headers` and Divolte keep it; a bot is told by any of them,
    // so one cannot hide behind a browser's agent sent first.
    const userAgents = request.headerValues('user-agent');
    let userAgent = userAgents?.[0];
    const cookie = request.header('cookie');
    const context: RequestContext = {
      remoteAddress,
      headers,
      // What the consumer sees comes from the cut headers; bots are told by the user agent sent.
      cookies: parseCookies(anonymise && cookie !== undefined ? cutAddresses(cookie) : cookie),
    };
    const isBot =
      (source === 'browser' || detectBotsOnJson) &&
      userAgents !== undefined &&
      userAgents.some(isBotAgent);
    if (anonymise && userAgent !== undefined) userAgent = cutAddresses(userAgent);
    if (userAgent !== undefined) context.userAgent = userAgent;
    const doNotTrack = request.header('dnt') === '1';
    const globalPrivacyControl = request.header('sec-gpc') === '1';
    const dropReason: DropReason | undefined =
      isBot && settings.dropBots
        ? 'bot'
        : doNotTrack && settings.dropDoNotTrack
          ? 'do_not_track'
          : globalPrivacyControl && settings.dropGlobalPrivacyControl
            ? 'global_privacy_control'
            : undefined;
    return { context, isBot, doNotTrack, globalPrivacyControl, dropReason };
  };
}
