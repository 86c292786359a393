import net from 'node:net';

/**
 * Whether `address` (an IP or a name, IPv6 with or without brackets) only ever means this
 * machine. Names other than `localhost` could resolve anywhere, so they do not count.
 */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
  return false;
}

/** The host name of a Host header (`name[:port]`), lower case, IPv6 in brackets; undefined if malformed. */
export function hostNameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    const url = new URL(`http://${hostHeader}`);
    // Anything beyond name and port (a path, credentials) is not a Host header.
    return url.host === hostHeader.toLowerCase() ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which Host headers and browser origins the server answers (docs/security.md, "Local trusted
 * mode"). A Host check defeats DNS rebinding: a page on `evil.example` whose name is made to
 * resolve to 127.0.0.1 still sends `Host: evil.example`. The Origin check keeps a page of another
 * site from opening the socket, which browsers let any page do (the same-origin policy does not
 * cover WebSockets).
 */
export class HostPolicy {
  private readonly names: Set<string>;
  private readonly origins: Set<string>;

  /** `allowedHosts`: extra names (ALLOWED_HOSTS); `corsOrigins`: other origins allowed to call (CORS_ORIGINS). */
  constructor(allowedHosts: readonly string[], corsOrigins: readonly string[]) {
    this.names = new Set(allowedHosts.map((h) => hostNameOf(h) ?? h.toLowerCase()));
    this.origins = new Set(corsOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase()));
  }

  /** A request's Host header names this server: a loopback address or an allowed name, any port. */
  allowsHost(hostHeader: string | undefined): boolean {
    const name = hostNameOf(hostHeader);
    return name !== undefined && (isLoopbackAddress(name) || this.names.has(name));
  }

  /**
   * A request's Origin is this server's own (same scheme-less host and port as its Host header)
   * or one named in CORS_ORIGINS. No Origin at all is a client that is not a cross-site page:
   * browsers send one on every WebSocket and cross-origin request.
   */
  allowsOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
    if (origin === undefined) return true;
    if (this.origins.has(origin.toLowerCase())) return true;
    try {
      const url = new URL(origin);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === hostHeader?.toLowerCase();
    } catch {
      return false;
    }
  }
}
