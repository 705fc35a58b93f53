import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, so `npm test` needs no build step.
    alias: [
      { find: /^@stadium\/protocol$/, replacement: src('./packages/protocol/src/index.ts') },
      { find: /^@stadium\/sdk$/, replacement: src('./packages/sdk/src/index.ts') },
      { find: /^#websocket$/, replacement: src('./packages/sdk/src/transport/websocket-node.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
