import { afterAll } from 'vitest';
import type { TlsListener } from '../../src/index.ts';

/** A list for the listeners a test file opens: after its last test each is closed, with its connections. */
export function listenersClosedAfterAll(): TlsListener[] {
  const listeners: TlsListener[] = [];
  afterAll(async () => {
    for (const l of listeners) {
      l.close();
      l.closeAllConnections();
      await l.finished;
    }
  });
  return listeners;
}
