import type { ClickEvent, RequestContext } from '@tributary/schema';
import type { CollectorRequest } from '../collector-request';
import type { DropReason } from '../metrics';
import { parseCookies } from './cookies';
import { anonymiseIpAddress } from './ip-address';
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

/** Headers that carry client addresses other than X-Forwarded-For; dropped when anonymising. */
const ADDRESS_HEADERS = [
  'forwarded',
  'x-real-ip',
  'x-client-ip',
  'cf-connecting-ip',
  'true-client-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
];

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
    let headers: Record<string, string[]> | undefined;
    if (anonymise) {
      headers = { ...request.headers() };
      remoteAddress = anonymiseIpAddress(remoteAddress) ?? '';
      for (const name of ADDRESS_HEADERS) Reflect.deleteProperty(headers, name);
      const forwarded = headers['x-forwarded-for'];
      if (forwarded !== undefined) {
        headers['x-forwarded-for'] = forwarded.map((value) =>
          value
            .split(',')
            .map((entry) => anonymiseIpAddress(entry.trim()) ?? 'unknown')
            .join(', '),
        );
      }
    }
    const userAgent = request.header('user-agent');
    const context: RequestContext = {
      remoteAddress,
      headers: headers ?? request.headers(),
      cookies: parseCookies(request.header('cookie')),
    };
    if (userAgent !== undefined) context.userAgent = userAgent;
    const isBot = source === 'browser' || detectBotsOnJson ? isBotAgent(userAgent) : false;
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
