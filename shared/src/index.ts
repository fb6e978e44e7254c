export * from './protocol/index.ts';
export * from './domain/assessment/index.ts';
export * from './domain/identity/index.ts';
export * from './domain/signing/index.ts';
export * from './call/media-flow.ts';
