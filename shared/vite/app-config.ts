import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { UserConfig } from 'vite';

/**
 * The Vite configuration both UIs share: served by the sfu under `base`, and in
 * development proxying signaling and the API to a server on port 3000.
 */
export function appViteConfig(base: '/kiosk/' | '/console/'): UserConfig {
  return {
    base,
    plugins: [svelte()],
    build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
    server: {
      proxy: {
        '/ws': { target: 'ws://localhost:3000', ws: true },
        '/api': 'http://localhost:3000',
      },
    },
  };
}
