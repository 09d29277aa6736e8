/**
 * The record deframer and the record layer before keys (RFC 8446 §5.1): arbitrary bytes in any
 * chunking. Reaches header checks, the plaintext rules, CCS handling and the handshake joiner.
 */
import { ContentType } from '../../src/codec/enums.ts';
import { RecordLayer } from '../../src/record/record-layer.ts';
import { HandshakeJoiner } from '../../src/record/handshake-joiner.ts';
import { chunks, expectTyped } from '../harness.ts';

export function fuzz(data: Uint8Array): void {
  expectTyped(() => {
    const layer = new RecordLayer();
    layer.acceptCompatibilityCcs = (data[0] ?? 0) % 2 === 1;
    const joiner = new HandshakeJoiner();
    for (const chunk of chunks(data)) {
      layer.pushIncoming(chunk);
      for (let record = layer.readRecord(); record !== null; record = layer.readRecord()) {
        if (record.type !== ContentType.handshake) continue;
        joiner.push(record.content);
        while (joiner.next() !== null);
      }
    }
  });
}
