import { defineConfig } from 'vite';
import { appViteConfig } from '../shared/vite/app-config.ts';

export default defineConfig(appViteConfig('/console/'));
