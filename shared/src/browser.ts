/** Browser-only modules (they use WebSocket, MediaStream and mediasoup-client). */
export * from './call/signaling-client.ts';
export * from './call/call-media.ts';
export * from './call/call-stats.ts';
export * from './call/connect.ts';
export * from './call/call-party.svelte.ts';
export * from './call/diagnostics.ts';
export * from './call/reconnection.ts';
