/**
 * Runs a function in WhatsApp Web's page itself (client.pupPage.evaluate): the page operations of
 * page-ops.ts, page-chat-ops.ts and page-account-ops.ts use it where the library's own route is
 * broken on 2026 WhatsApp Web or has a side effect. Each such function is serialised into the page:
 * it may use only its arguments and the page's globals (no closures, no imports).
 */
import type { WwebjsClient } from './library-types.js';

/**
 * Runs `fn` in WhatsApp Web's page with these arguments; answers what it answers. It goes as source
 * text with its arguments as JSON, with a no-op `__name`: run from TypeScript by tsx (npm run dev,
 * the tests), esbuild wraps inner functions in `__name(...)` calls, which the page does not have.
 */
export async function runInPage<A extends unknown[], T>(client: WwebjsClient, fn: (...args: A) => T, ...args: A): Promise<Awaited<T>> {
  const page = client.pupPage;
  if (!page) throw new Error('WhatsApp Web is not loaded');
  const call = `(() => { const __name = (f) => f; return (${fn.toString()})(...${JSON.stringify(args)}); })()`;
  return (await page.evaluate(call)) as Awaited<T>;
}
