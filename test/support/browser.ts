import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import type { TestServer } from './app.js';

/** Debian's Chromium (CHROMIUM_PATH overrides), headless, without what a test does not need. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Serves an in-process test server on a free port of 127.0.0.1. */
export function listen(s: TestServer): Promise<{ server: ServerType; base: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: s.hatline.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({ server, base: `http://127.0.0.1:${info.port}/` });
    });
  });
}

/** Cuts every open connection of the server (event streams included), as a network would. */
export function dropConnections(server: ServerType): void {
  (server as unknown as { closeAllConnections(): void }).closeAllConnections();
}

/** Closes the server, cutting open connections (event streams) instead of waiting for them. */
export function closeServer(server: ServerType): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    dropConnections(server);
  });
}
