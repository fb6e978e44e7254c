export * from './media.ts';
export * from './signaling.ts';
export * from './http.ts';
export * from './auth.ts';
export * from './evidence.ts';
export * from './audit.ts';
export * from './review.ts';
export * from './kiosks.ts';
