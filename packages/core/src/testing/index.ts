export * from './rfc8448.ts';
