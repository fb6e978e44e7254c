export * from './media.ts';
export * from './signaling.ts';
export * from './http.ts';
