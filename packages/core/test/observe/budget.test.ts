// The driver and the Selector yield to the event loop when the engine stopped at its work
// budget: a burst on one connection is taken in slices, and a macrotask queued before the
// burst runs between them. Checked on the order of engine calls and that task, not on time.
import { describe, expect, it } from 'vitest';
import { Observable } from 'rxjs';
import { concat } from '../../src/bytes/util.ts';
import { ContentType } from '../../src/codec/enums.ts';
import { drive } from '../../src/observe/drive.ts';
import { Selector } from '../../src/observe/select.ts';
import type { ReadinessPort } from '../../src/observe/readiness.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import { RECORDS_PER_CALL } from '../../src/record/limits.ts';
import { established, sealerFor, serverAppSecret } from '../engine/traffic-fixture.ts';

const RECORDS = 2000;

/** A port that holds one burst, readable at once (as a socket whose buffer is full). */
class BurstPort implements ReadinessPort {
  constructor(private burst: Uint8Array | undefined) {}
  readonly readable$ = new Observable<void>((sub) => {
    sub.next();
    sub.complete();
  });
  readonly writable$ = this.readable$;
  read(): Uint8Array | null | undefined {
    const b = this.burst;
    this.burst = undefined;
    return b ?? undefined;
  }
  write(): boolean {
    return true;
  }
  end(): void {}
  destroy(): void {}
}

function burst(): Uint8Array {
  const server = sealerFor(serverAppSecret);
  return concat(...Array.from({ length: RECORDS }, () => server.seal(ContentType.application_data, Uint8Array.of(1))));
}

/** Runs `work`; counts the engine calls made before a macrotask queued at the start ran. */
async function callsBeforeMacrotask(work: (countCall: () => void) => Promise<number>): Promise<{ before: number; total: number }> {
  let calls = 0;
  let before = -1;
  setTimeout(() => {
    before = calls;
  }, 0);
  const total = await work(() => calls++);
  return { before, total };
}

describe('bounded work per turn of the event loop', () => {
  it('drive(): a burst of 2,000 records is read in slices, with the event loop running in between', async () => {
    const { conn } = established();
    const port = new BurstPort(burst());
    const { before, total } = await callsBeforeMacrotask(async (countCall) => {
      let got = 0;
      while (got < RECORDS) {
        const chunk = await drive(conn, port, () => {
          countCall();
          const c = conn.readAvailable();
          return c === null ? -1 : (got += c.length, c.length);
        });
        expect(chunk).toBeGreaterThan(0);
      }
      expect(got).toBe(RECORDS);
      return 0;
    });
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(RECORDS / RECORDS_PER_CALL);
    expect(total).toBe(0);
  });

  it('Selector: a connection that stopped at its budget is ready again on a later turn, not at once', async () => {
    const { conn } = established();
    const port = new BurstPort(burst());
    const selector = new Selector<void>();
    const key = selector.register(conn, port, undefined);
    let got = 0;
    const { before } = await callsBeforeMacrotask(async (countCall) => {
      selector.interest(key, SslError.WANT_READ);
      while (got < RECORDS) {
        for (const k of await selector.select()) {
          selector.service(k);
          countCall();
          const chunk = k.connection.readAvailable();
          if (chunk !== null) got += chunk.length;
          selector.interest(k, chunk === null ? k.connection.getError() : SslError.WANT_READ);
        }
      }
      return 0;
    });
    expect(got).toBe(RECORDS);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(RECORDS / RECORDS_PER_CALL);
    selector.close();
  });
});
