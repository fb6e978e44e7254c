import { createServer } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
const server = await createServer({ configFile: false, root: process.argv[2], plugins: [svelte()], server: { port: 5199, strictPort: true }, logLevel: 'warn' });
await server.listen();
console.log('listening');
