import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of protocol and SDK.
    alias: [
      { find: /^@stadium\/protocol$/, replacement: src('./packages/protocol/src/index.ts') },
      { find: /^@stadium\/sdk$/, replacement: src('./packages/sdk/src/index.ts') },
      { find: /^#websocket$/, replacement: src('./packages/sdk/src/transport/websocket-node.ts') },
    ],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most integration files wait on server processes, sockets and browsers rather than
    // compute: two files at a time on a 2-core machine (the default would be one).
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // multi-node.test.ts needs several processes: it runs in the cluster project only.
        test: { name: 'single', include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'], exclude: ['test/multi-node.test.ts', 'test/storm/**'] },
      },
      {
        // The integration suite again, against `stadium start --workers 2` (a multi-process node).
        // encode-once counts encoder calls inside the server process, so it runs in-process only;
        // the fuzz properties and the fault tests read the server's log, so they do too.
        extends: true,
        test: {
          name: 'cluster',
          include: ['test/**/*.test.ts'],
          exclude: [
            'test/fanout-encode-once.test.ts',
            'test/multi-node-in-process.test.ts',
            'test/docs-errors.test.ts',
            'test/docs-configuration.test.ts',
            'test/docs-permissions.test.ts',
            'test/fuzz/**',
            'test/internal-errors.test.ts',
            // Real Chromium with several pages: in-process only, to keep CI short.
            'test/live-page.test.ts',
            'test/console.test.ts',
            // Start their own `stadium start` processes (over NATS and PostgreSQL, or two workers).
            'test/cluster-faults.test.ts',
            'test/cluster-nats-restart.test.ts',
            'test/cluster-postgres-restart.test.ts',
            'test/worker-crash.test.ts',
            'test/storm/**',
          ],
          env: { STADIUM_TEST_WORKERS: '2' },
        },
      },
      {
        // 20,000 clients against `stadium start --workers 2`: it needs both cores, so `npm test`
        // runs it on its own after the other projects.
        extends: true,
        test: { name: 'storm', include: ['test/storm/**/*.test.ts'], env: { STADIUM_TEST_WORKERS: '2' } },
      },
    ],
  },
});
