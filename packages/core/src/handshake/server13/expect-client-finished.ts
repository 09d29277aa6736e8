import { check } from '../../errors/tls-error.ts';
import { constantTimeEqual } from '../../bytes/util.ts';
import { HandshakeType } from '../../codec/enums.ts';
import { decodeFinished } from '../../codec/messages/finished.ts';
import { finishedVerifyData, wipe, type MasterSecret } from '../../crypto/key-schedule.ts';
import type { NegotiatedParameters } from '../events.ts';
import type { HandshakeOutbox, HandshakeState, ReceivedMessage } from '../outbox.ts';
import { Connected } from '../traffic.ts';
import { unexpectedMessage } from '../unexpected-message.ts';
import type { ServerHandshakeContext } from './server-flight.ts';
import { issueTickets } from './issue-tickets.ts';

/** What the server keeps while it waits for the client's Finished. */
export interface AwaitingClientFinished {
  readonly master: MasterSecret;
  readonly clientHandshakeTrafficSecret: Uint8Array;
  readonly clientApplicationTrafficSecret: Uint8Array;
  readonly serverApplicationTrafficSecret: Uint8Array;
  readonly exporterMasterSecret: Uint8Array;
  readonly parameters: NegotiatedParameters;
  readonly alpn: Uint8Array | undefined;
}

/** Waiting for the client's Finished (RFC 8446 §4.4.4). */
export class ExpectClientFinished implements HandshakeState {
  readonly kind = 'ExpectClientFinished';
  constructor(
    readonly ctx: ServerHandshakeContext,
    readonly keys: AwaitingClientFinished,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Connected {
    if (msg.type !== HandshakeType.finished) throw unexpectedMessage(this.kind, msg);
    const { config, suite, transcript } = this.ctx;
    const finished = decodeFinished(msg.body, suite.hashLength);
    const expected = finishedVerifyData(config.provider, suite, this.keys.clientHandshakeTrafficSecret, transcript.hash());
    check(constantTimeEqual(expected, finished.verifyData), 'decrypt_error', 'client Finished does not verify');
    transcript.add(msg.raw);
    const resumptionMasterSecret = this.keys.master.resumptionMasterSecret(transcript.hash());
    this.keys.master.wipe();
    wipe(this.keys.clientHandshakeTrafficSecret);
    out.setReadKeys(suite, this.keys.clientApplicationTrafficSecret);
    out.setAcceptCompatibilityCcs(false);
    out.step({ type: 'client-finished' });
    out.step({ type: 'established', parameters: this.keys.parameters });
    issueTickets(config, this.ctx.offer, suite, resumptionMasterSecret, this.keys.alpn, out);
    return new Connected(
      { role: 'server', config, serverName: this.ctx.offer.serverName },
      {
        suite,
        parameters: this.keys.parameters,
        readSecret: this.keys.clientApplicationTrafficSecret,
        writeSecret: this.keys.serverApplicationTrafficSecret,
        exporterMasterSecret: this.keys.exporterMasterSecret,
        resumptionMasterSecret,
      },
    );
  }
}
