// Vite builds the live page into dist/ for the server to serve under /live/. The SDK is not
// bundled: index.html loads the server's /sdk/stadium.js (global TIM) with a script tag.
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/live/',
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020', assetsInlineLimit: 0, reportCompressedSize: false },
});
