export * from './rfc8448.ts';
export * from './deterministic-provider.ts';
export * from './rsa-pss-replay.ts';
export * from './record-forge.ts';
export * from './no-security-provider.ts';
