import { describe, expect, it } from 'vitest';
import { toHex, concat } from '../../src/bytes/util.ts';
import { ContentType } from '../../src/codec/enums.ts';
import { RecordDeframer } from '../../src/record/deframer.ts';
import { RecordOpener, RecordSealer } from '../../src/record/protection.ts';
import { RecordLayer } from '../../src/record/record-layer.ts';
import { traceValue } from '../../src/testing/rfc8448.ts';
import { aesGcm, rfc8448 } from './helpers.ts';

// RFC 8448 §3, Simple 1-RTT Handshake (TLS_AES_128_GCM_SHA256).
const steps = rfc8448();
const v = (actor: 'client' | 'server', title: string, label: string, n = 0) => traceValue(steps, '3', actor, title, label, n);

const serverHs = { key: v('server', 'derive write traffic keys for handshake data', 'key expanded'), iv: v('server', 'derive write traffic keys for handshake data', 'iv expanded') };
// The client's handshake write keys are the server's read keys (the client step says "same as").
const clientHs = { key: v('server', 'derive read traffic keys for handshake data', 'key expanded'), iv: v('server', 'derive read traffic keys for handshake data', 'iv expanded') };
const serverAp = { key: v('server', 'derive write traffic keys for application data', 'key expanded'), iv: v('server', 'derive write traffic keys for application data', 'iv expanded') };
const clientAp = { key: v('client', 'derive write traffic keys for application data', 'key expanded'), iv: v('client', 'derive write traffic keys for application data', 'iv expanded') };

const clientHello = { payload: v('client', 'send handshake record', 'payload'), record: v('client', 'send handshake record', 'complete record') };
const serverHello = { payload: v('server', 'send handshake record', 'payload', 0), record: v('server', 'send handshake record', 'complete record', 0) };
const serverFlight = { payload: v('server', 'send handshake record', 'payload', 1), record: v('server', 'send handshake record', 'complete record', 1) };
const clientFinished = { payload: v('client', 'send handshake record', 'payload', 1), record: v('client', 'send handshake record', 'complete record', 1) };
const newSessionTicket = { payload: v('server', 'send handshake record', 'payload', 2), record: v('server', 'send handshake record', 'complete record', 2) };
const clientAppData = { payload: v('client', 'send application_data record', 'payload'), record: v('client', 'send application_data record', 'complete record') };
const serverAppData = { payload: v('server', 'send application_data record', 'payload'), record: v('server', 'send application_data record', 'complete record') };
const clientAlert = { payload: v('client', 'send alert record', 'payload'), record: v('client', 'send alert record', 'complete record') };
const serverAlert = { payload: v('server', 'send alert record', 'payload'), record: v('server', 'send alert record', 'complete record') };

function deframe(bytes: Uint8Array) {
  const d = new RecordDeframer();
  d.push(bytes);
  const r = d.next();
  if (r === null) throw new Error('no record');
  expect(d.next()).toBeNull();
  return r;
}

describe('RFC 8448 §3 record protection', () => {
  it('opens the server encrypted handshake flight to the trace payload', () => {
    const opener = new RecordOpener(aesGcm(serverHs.key), serverHs.iv);
    const opened = opener.open(deframe(serverFlight.record));
    expect(opened.type).toBe(ContentType.handshake);
    expect(toHex(opened.content)).toBe(toHex(serverFlight.payload));
    expect(opener.sequenceNumber).toBe(1n);
  });

  it('seals the client Finished to the trace record', () => {
    const sealer = new RecordSealer(aesGcm(clientHs.key), clientHs.iv);
    expect(toHex(sealer.seal(ContentType.handshake, clientFinished.payload))).toBe(toHex(clientFinished.record));
    expect(sealer.sequenceNumber).toBe(1n);
  });

  it('seals the client application data (seq 0) and alert (seq 1) records', () => {
    const sealer = new RecordSealer(aesGcm(clientAp.key), clientAp.iv);
    expect(toHex(sealer.seal(ContentType.application_data, clientAppData.payload))).toBe(toHex(clientAppData.record));
    expect(toHex(sealer.seal(ContentType.alert, clientAlert.payload))).toBe(toHex(clientAlert.record));
  });

  it('seals the server NewSessionTicket (seq 0), application data (seq 1) and alert (seq 2)', () => {
    const sealer = new RecordSealer(aesGcm(serverAp.key), serverAp.iv);
    expect(toHex(sealer.seal(ContentType.handshake, newSessionTicket.payload))).toBe(toHex(newSessionTicket.record));
    expect(toHex(sealer.seal(ContentType.application_data, serverAppData.payload))).toBe(toHex(serverAppData.record));
    expect(toHex(sealer.seal(ContentType.alert, serverAlert.payload))).toBe(toHex(serverAlert.record));
  });

  it('opens the server application-traffic records in order', () => {
    const opener = new RecordOpener(aesGcm(serverAp.key), serverAp.iv);
    for (const [rec, type] of [[newSessionTicket, ContentType.handshake], [serverAppData, ContentType.application_data], [serverAlert, ContentType.alert]] as const) {
      const opened = opener.open(deframe(rec.record));
      expect(opened.type).toBe(type);
      expect(toHex(opened.content)).toBe(toHex(rec.payload));
    }
  });
});

describe('RFC 8448 §3 through RecordLayer', () => {
  it('client side: ClientHello record with 0x0301, then Finished and application data sealed', () => {
    const layer = new RecordLayer();
    expect(toHex(layer.encodeRecords(ContentType.handshake, clientHello.payload))).toBe(toHex(clientHello.record));
    layer.setWriteKeys(aesGcm(clientHs.key), clientHs.iv);
    expect(toHex(layer.encodeRecords(ContentType.handshake, clientFinished.payload))).toBe(toHex(clientFinished.record));
    layer.setWriteKeys(aesGcm(clientAp.key), clientAp.iv);
    expect(toHex(layer.encodeRecords(ContentType.application_data, clientAppData.payload))).toBe(toHex(clientAppData.record));
    expect(toHex(layer.encodeRecords(ContentType.alert, clientAlert.payload))).toBe(toHex(clientAlert.record));
    expect(layer.recordsWrittenWithCurrentKey).toBe(2);
    expect(layer.writeSequenceNumber).toBe(2n);
  });

  it('server side: ServerHello record with 0x0303', () => {
    const layer = new RecordLayer();
    expect(toHex(layer.encodeRecords(ContentType.handshake, serverHello.payload))).toBe(toHex(serverHello.record));
  });

  it('client side: reads ServerHello, a compatibility CCS, the encrypted flight and application data', () => {
    const layer = new RecordLayer();
    layer.acceptCompatibilityCcs = true;
    const ccs = Uint8Array.of(0x14, 0x03, 0x03, 0x00, 0x01, 0x01);
    layer.pushIncoming(concat(serverHello.record, ccs, serverFlight.record));
    const sh = layer.readRecord();
    expect(sh?.type).toBe(ContentType.handshake);
    expect(toHex(sh!.content)).toBe(toHex(serverHello.payload));
    layer.setReadKeys(aesGcm(serverHs.key), serverHs.iv);
    const flight = layer.readRecord();
    expect(flight?.type).toBe(ContentType.handshake);
    expect(toHex(flight!.content)).toBe(toHex(serverFlight.payload));
    expect(layer.readRecord()).toBeNull();
    layer.setReadKeys(aesGcm(serverAp.key), serverAp.iv);
    layer.pushIncoming(concat(newSessionTicket.record, serverAppData.record, serverAlert.record));
    expect(toHex(layer.readRecord()!.content)).toBe(toHex(newSessionTicket.payload));
    expect(toHex(layer.readRecord()!.content)).toBe(toHex(serverAppData.payload));
    const alert = layer.readRecord();
    expect(alert?.type).toBe(ContentType.alert);
    expect(toHex(alert!.content)).toBe('0100');
    expect(layer.recordsReadWithCurrentKey).toBe(3);
    expect(layer.readSequenceNumber).toBe(3n);
  });
});
