import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  /** The path (and query) the delivery was posted to. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  at: number;
}

/**
 * A webhook receiver on 127.0.0.1. `answer` decides each response (status code, or 'hang' to
 * never answer); by default every request gets 200.
 */
export async function webhookReceiver(answer: (req: Received, n: number) => number | 'hang' = () => 200) {
  const received: Received[] = [];
  const accepted: Received[] = [];
  const hanging = new Set<() => void>();
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        // not JSON
      }
      const r: Received = { path: req.url ?? '', headers: req.headers, body, json, at: Date.now() };
      received.push(r);
      const a = answer(r, n++);
      if (a === 'hang') {
        const end = () => res.destroy();
        hanging.add(end);
        return;
      }
      if (a >= 200 && a < 300) accepted.push(r);
      res.writeHead(a, { 'content-type': 'text/plain' }).end(a >= 200 && a < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    /** Every request, in arrival order (retries included). */
    received,
    /** Requests answered 2xx, in arrival order. */
    accepted,
    close: async () => {
      for (const end of hanging) end();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
