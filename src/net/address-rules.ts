import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses count as public: the one rule behind every URL Hatline connects to on a client's
 * word (media URLs, webhook receivers). Anything that reaches the machine itself, its private
 * networks or the cloud's metadata service is not public.
 */

/** Global unicast IPv6 (2000::/3): the only IPv6 space the internet routes. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

function v4FromParts(hi: number, lo: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

/**
 * Whether an IP address (v4 or v6, no brackets) is a public unicast address. Refused: loopback,
 * unspecified (0.0.0.0/8, ::), private (10/8, 172.16/12, 192.168/16), carrier-grade NAT
 * (100.64/10), link-local (169.254/16, which holds the metadata service 169.254.169.254, and
 * fe80::/10), unique-local (fc00::/7), multicast, broadcast, reserved and documentation ranges, and
 * any of these inside IPv6 (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d, 6to4 2002:ab:cd::).
 * Anything that does not parse is not public.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv4') return (ip as ipaddr.IPv4).range() === 'unicast';
  const v6 = ip as ipaddr.IPv6;
  switch (v6.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return v4FromParts(v6.parts[6]!, v6.parts[7]!).range() === 'unicast';
    case 'rfc6052':
      // NAT64: an IPv6-only host reaches IPv4 sites this way (DNS64), so judge the IPv4 inside.
      return v4FromParts(v6.parts[6]!, v6.parts[7]!).range() === 'unicast';
    case '6to4':
      return v4FromParts(v6.parts[1]!, v6.parts[2]!).range() === 'unicast';
    case 'unicast':
      // ipaddr.js calls everything it has no name for unicast, including ::a.b.c.d (IPv4-compatible).
      return v6.match(GLOBAL_UNICAST_V6);
    default:
      return false;
  }
}

/** A URL host without the brackets of an IPv6 literal. */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** `localhost` and its subdomains (RFC 6761: they always mean this machine, whatever DNS says). */
export function isLocalName(hostname: string): boolean {
  const name = bareHost(hostname).toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** Whether a listening host (HOST) reaches only this machine: a loopback address or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = bareHost(host);
  if (isLocalName(bare)) return true;
  if (!isIP(bare)) return false;
  const ip = ipaddr.process(bare);
  return ip.range() === 'loopback';
}
