import type { ResolvedAddress, Resolver } from '../../src/net/url-guard.js';

/**
 * A DNS of the test's own for the URL guard: `set(name, address)` makes a name resolve (and can
 * change it later, as a rebinding DNS would); any other name does not resolve (no real DNS asked).
 */
export function testNames(initial: Record<string, string> = {}) {
  const table = new Map(Object.entries(initial));
  const asked: string[] = [];
  const resolve: Resolver = async (hostname) => {
    asked.push(hostname);
    const address = table.get(hostname.toLowerCase());
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return [{ address, family: address.includes(':') ? 6 : 4 } satisfies ResolvedAddress];
  };
  return {
    resolve,
    asked,
    set: (name: string, address: string | null) => (address === null ? table.delete(name) : table.set(name, address)),
  };
}
