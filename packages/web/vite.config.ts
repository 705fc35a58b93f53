// Vite builds the live page into dist/ for the server to serve under /live/, and the console
// (console.html, served at /console/) as a second entry of the same build; both share the
// hashed files under /live/assets/. The SDK is not bundled: index.html loads the server's
// /sdk/stadium.js (global TIM) with a script tag; the console only calls HTTP endpoints.
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/live/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    rollupOptions: { input: { index: 'index.html', console: 'console.html' } },
  },
});
