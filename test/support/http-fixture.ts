import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a fixture path answers: a file, or a redirect to another URL. */
export type FixtureEntry = [string, Buffer] | { redirect: string; status?: number };

/**
 * A tiny file server for media URLs: path -> [content type, bytes] or a redirect; anything else
 * 404. On 127.0.0.1 unless `host` says otherwise; `hits` lists the paths asked for, in order.
 */
export async function fileServer(files: Record<string, FixtureEntry>, host = '127.0.0.1'): Promise<{ url: string; port: number; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const hit = files[req.url ?? ''];
    if (!hit) {
      res.writeHead(404).end('not found');
      return;
    }
    if (!Array.isArray(hit)) {
      res.writeHead(hit.status ?? 302, { location: hit.redirect }).end();
      return;
    }
    res.writeHead(200, { 'content-type': hit[0], 'content-length': hit[1].length }).end(hit[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
