import type { CryptoProvider, KeyExchangeGroup } from '../crypto/provider.ts';
import { keyPairFromPrivateKey } from '../crypto/noble/key-exchange.ts';

/** What a deterministic provider hands out instead of fresh randomness. */
export interface DeterministicInputs {
  /** Random byte strings, handed out in order by `randomBytes` (lengths must match). */
  readonly random?: readonly Uint8Array[];
  /** Private keys for key shares, per group. */
  readonly keyShares?: Partial<Record<KeyExchangeGroup, Uint8Array>>;
  /** Where random bytes come from once `random` is used up (default: an Error). */
  readonly moreRandom?: (length: number) => Uint8Array;
  /** A signer to use instead of the base provider's (e.g. `replayingRsaPssSigner`). */
  readonly sign?: CryptoProvider['sign'];
}

/**
 * A provider that replays injected randomness and key-share private keys, so published
 * traces (RFC 8448) can be reproduced byte for byte. Test tooling only: it throws a plain
 * Error when the script runs out.
 */
export function createDeterministicProvider(base: CryptoProvider, inputs: DeterministicInputs): CryptoProvider {
  const queue = [...(inputs.random ?? [])];
  return {
    ...base,
    name: `${base.name}+deterministic`,
    randomBytes(length: number): Uint8Array {
      const next = queue.shift();
      if (next === undefined && inputs.moreRandom) return inputs.moreRandom(length);
      if (next === undefined) throw new Error(`deterministic provider: no random bytes left (asked for ${length})`);
      if (next.length !== length) throw new Error(`deterministic provider: asked for ${length} random bytes, next injected value has ${next.length}`);
      return next.slice();
    },
    generateKeyPair(group: KeyExchangeGroup) {
      const key = inputs.keyShares?.[group];
      if (key === undefined) throw new Error(`deterministic provider: no private key injected for ${group}`);
      return keyPairFromPrivateKey(group, key);
    },
    sign: inputs.sign ?? base.sign.bind(base),
  };
}
