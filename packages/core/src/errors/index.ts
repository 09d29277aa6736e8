export * from './alert.ts';
export * from './tls-error.ts';
