import { isIpAddress, normaliseIpAddress } from './ip-address';

/** Strips what proxies add around an address in X-Forwarded-For: brackets and a port. */
function bareAddress(entry: string): string {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    return close < 0 ? entry : entry.slice(1, close);
  }
  const colon = entry.indexOf(':');
  // One colon: IPv4 with a port. More: IPv6, which carries no port without brackets.
  return colon >= 0 && entry.indexOf(':', colon + 1) < 0 ? entry.slice(0, colon) : entry;
}

/**
 * The client address behind `trustedProxies` proxies. Each trusted proxy appends the address of
 * its own peer to X-Forwarded-For, so the client is the `trustedProxies`-th entry from the right of
 * all X-Forwarded-For headers read in order (the right-most with one proxy, as Divolte's
 * `use_x_forwarded_for` does). Fewer entries than proxies give the left-most entry. When the
 * chosen entry is not an IP address, or there is no header, the socket peer is kept. Either way an
 * IPv4-mapped address comes back as plain IPv4 (see {@link normaliseIpAddress}).
 */
export function resolveRemoteAddress(
  peer: string,
  forwardedFor: readonly string[] | undefined,
  trustedProxies: number,
): string {
  if (trustedProxies <= 0 || forwardedFor === undefined || forwardedFor.length === 0) {
    return normaliseIpAddress(peer);
  }
  const entries: string[] = [];
  for (const header of forwardedFor) {
    for (const entry of header.split(',')) {
      const trimmed = entry.trim();
      if (trimmed !== '') entries.push(trimmed);
    }
  }
  if (entries.length === 0) return normaliseIpAddress(peer);
  const chosen = bareAddress(entries[Math.max(0, entries.length - trustedProxies)]!);
  return normaliseIpAddress(isIpAddress(chosen) ? chosen : peer);
}
