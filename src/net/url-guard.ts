import { promises as dns } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { bareHost, isLocalName, isPublicAddress } from './address-rules.js';

/** What a URL is for; the operator allows non-public addresses per kind (ALLOW_PRIVATE_URLS). */
export const URL_TARGETS = ['webhook', 'media'] as const;
export type UrlTarget = (typeof URL_TARGETS)[number];

/**
 * Who stands behind a URL. `operator`: the admin token or a global API key, for whom the operator's
 * ALLOW_PRIVATE_URLS applies. `strict`: an instance-scoped key or an embed token (a tenant of the
 * server): public addresses only, whatever the operator allows for themselves.
 */
export type UrlTrust = 'operator' | 'strict';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** DNS resolution: every address of a name (tests inject their own names). */
export type Resolver = (hostname: string, family: 0 | 4 | 6) => Promise<ResolvedAddress[]>;

const REFUSED = 'HATLINE_URL_REFUSED';

/** A URL, or a redirect or DNS answer on its way, leads to an address it may not reach. */
export class UrlRefusedError extends Error {
  readonly code = REFUSED;

  constructor(readonly target: UrlTarget) {
    super(`refused: the ${target} URL leads to a non-public address (this machine, a private network or a metadata service)`);
    this.name = 'UrlRefusedError';
  }
}

/** Whether an error (from a request, a socket or a look-up) is a refusal of the guard. */
export function isUrlRefused(err: unknown): err is UrlRefusedError {
  return err instanceof UrlRefusedError || (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === REFUSED);
}

export interface UrlGuardOptions {
  /** The kinds for which the operator allows non-public addresses (ALLOW_PRIVATE_URLS). */
  allowPrivate: readonly UrlTarget[];
  /** DNS resolution; the system resolver by default. */
  resolve?: Resolver;
  /**
   * Addresses counted as public although they are not: a test seam, so that a test server on a
   * second loopback address can stand for a public host (a redirect from it into 127.0.0.1 is then
   * a real redirect from public to private). Not a setting.
   */
  treatAsPublic?: readonly string[];
}

const systemResolver: Resolver = async (hostname, family) => {
  const found = await dns.lookup(hostname, { all: true, family });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * The one gate for outgoing connections made on a client's word. A host is judged twice: a literal
 * IP (or `localhost`) in the URL before connecting, since Node connects to a literal IP without a
 * look-up; a name inside the connection's own DNS look-up (the agents' `lookup`), so the address
 * judged is the address connected to, with no window for the name to change in between.
 */
export class UrlGuard {
  private readonly allowed: ReadonlySet<UrlTarget>;
  private readonly resolve: Resolver;
  private readonly treatAsPublic: ReadonlySet<string>;
  private readonly agents = new Map<string, http.Agent>();

  constructor(opts: UrlGuardOptions) {
    this.allowed = new Set(opts.allowPrivate);
    this.resolve = opts.resolve ?? systemResolver;
    this.treatAsPublic = new Set(opts.treatAsPublic ?? []);
  }

  /** Whether a URL of this kind, from this principal, may reach non-public addresses. */
  privateAllowed(target: UrlTarget, trust: UrlTrust): boolean {
    return trust === 'operator' && this.allowed.has(target);
  }

  isPublic(address: string): boolean {
    return this.treatAsPublic.has(address) || isPublicAddress(address);
  }

  /** Refuses a URL whose host is a non-public IP literal or `localhost` (no look-up). */
  checkHost(url: URL, target: UrlTarget, trust: UrlTrust): void {
    if (this.privateAllowed(target, trust)) return;
    const host = bareHost(url.hostname);
    if (isLocalName(host) || (isIP(host) && !this.isPublic(host))) throw new UrlRefusedError(target);
  }

  /**
   * The host check and a look-up now, for a URL about to be kept (a webhook receiver, a scheduled
   * message's media): a name that resolves to a non-public address is refused at once. A name that
   * does not resolve yet is not refused here; every connection is judged again anyway.
   */
  async check(url: URL, target: UrlTarget, trust: UrlTrust): Promise<void> {
    this.checkHost(url, target, trust);
    if (this.privateAllowed(target, trust) || isIP(bareHost(url.hostname))) return;
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolve(bareHost(url.hostname), 0);
    } catch {
      return;
    }
    if (addresses.some((a) => !this.isPublic(a.address))) throw new UrlRefusedError(target);
  }

  /**
   * Starts a request through the guard (the host check now, the address check as the socket
   * connects). Throws UrlRefusedError at once for a refused literal host; a refused name fails the
   * request with it (its 'error' event).
   */
  request(url: URL, target: UrlTarget, trust: UrlTrust, options: http.RequestOptions, onResponse: (res: http.IncomingMessage) => void): http.ClientRequest {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol} (http or https only)`);
    this.checkHost(url, target, trust);
    const agent = this.agent(url.protocol, target, trust);
    return (url.protocol === 'https:' ? https : http).request(url, { ...options, agent }, onResponse);
  }

  /** One agent per protocol, kind and decision, so a socket opened for one decision never serves another. */
  private agent(protocol: 'http:' | 'https:', target: UrlTarget, trust: UrlTrust): http.Agent {
    const open = this.privateAllowed(target, trust);
    const key = `${protocol}${target}:${open}`;
    let agent = this.agents.get(key);
    if (!agent) {
      // Webhooks go to the same receiver again and again (keep-alive); media URLs rarely repeat.
      const options = { keepAlive: target === 'webhook', maxSockets: 256, lookup: this.lookup(target, open) };
      agent = protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** A `lookup` for sockets: resolves, and refuses a name with any non-public address unless `open`. */
  private lookup(target: UrlTarget, open: boolean): LookupFunction {
    return (hostname, options, callback) => {
      const done = callback as (err: NodeJS.ErrnoException | null, address: string | ResolvedAddress[], family?: number) => void;
      const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
      this.resolve(hostname, family).then(
        (addresses) => {
          if (addresses.length === 0) {
            done(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
          } else if (!open && (isLocalName(hostname) || addresses.some((a) => !this.isPublic(a.address)))) {
            done(new UrlRefusedError(target), '', 0);
          } else if (options.all) {
            done(null, addresses);
          } else {
            done(null, addresses[0]!.address, addresses[0]!.family);
          }
        },
        (err: NodeJS.ErrnoException) => done(err, '', 0),
      );
    };
  }

  /** Closes idle keep-alive sockets (at shutdown). */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
