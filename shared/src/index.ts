export * from './protocol/media.ts';
export * from './protocol/signaling.ts';
export * from './protocol/http.ts';
