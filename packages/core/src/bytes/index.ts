export * from './reader.ts';
export * from './writer.ts';
export * from './util.ts';
