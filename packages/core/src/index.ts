export * from './errors/index.ts';
export * from './bytes/index.ts';
