export * from './protocol/index.ts';
export * from './domain/assessment/index.ts';
