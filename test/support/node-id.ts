import { createHash } from 'node:crypto';

/**
 * The NODE_ID of a test server on `dataDir`: the same folder, the same node. On a PostgreSQL run
 * every server is a node that holds its instances by lease; a server started again on the same
 * folder (the restart and crash tests) takes its instances back at once, as an operator's node
 * with a fixed NODE_ID does, instead of waiting for the leases of its previous run to expire.
 */
export function nodeIdFor(dataDir: string): string {
  return `test-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
}
