// ESLint flat config: type-aware rules for the TypeScript sources and tests, plain rules for the
// JavaScript scripts, and the server's layering (which folder may import which) as
// `no-restricted-imports` patterns. Formatting is prettier's job, not ESLint's.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS_FILES = ['packages/*/src/**/*.ts', 'packages/web/src/**/*.tsx', 'packages/web/vite.config.ts', 'test/**/*.ts', 'vitest.config.ts'];
const JS_FILES = ['bench/**/*.mjs', 'packages/*/scripts/*.mjs', 'packages/server/bin/*.js', 'eslint.config.js'];
const TESTS = ['**/*.test.ts', '**/*.contract.ts'];

// ---------------------------------------------------------------------------------------------
// Layering of packages/server/src (house style, "Layout shows the architecture"). Patterns match
// the import specifier as written, so each is given for any depth of `../` (`**/x/**`). Folders
// that do not exist yet (core/, wire/, authority/, rest/, bus/cluster/) are covered already.
// ESLint keeps only the last matching options for a rule, so every block below lists all the
// restrictions that apply to its files (see `layers()`), and later blocks are more specific.
// ---------------------------------------------------------------------------------------------
const SRC = 'packages/server/src';

/** Front doors and the composition root: nothing in the engine may import them. */
const FRONT_DOORS = {
  group: ['**/gateway/**', '**/rest/**', '**/http/**', '**/cli/**', '**/server.js', '**/server.ts'],
  message: 'The engine must not know its front doors (gateway, rest, http, cli) or the composition root (server.ts); pass what it needs in through deps.',
};

/** Adapters: only the composition root (cli/, server.ts), storage/open-store.ts, bus/open-bus.ts and tests pick them. */
const ADAPTER_FILES = ['storage/sqlite-*', 'storage/memory-store*', 'bus/local-bus*', 'bus/local-hub*', 'bus/cluster/**'];
const ADAPTERS = {
  group: ADAPTER_FILES.flatMap((f) => [`**/${f}`, `./${f.slice(f.indexOf('/') + 1)}`]),
  message: 'Adapters are wired in by the composition root (cli/, server.ts), storage/open-store.ts or bus/open-bus.ts; depend on the port (Store, Bus, Clock) instead.',
};

/** The authority decides a room's rules alone; it does not call back into the node side. */
const NODE_SIDE = {
  group: ['**/groups/**', '**/users/**', '**/messages/**'],
  message: 'authority/ must not import the node side (groups/, users/, messages/); share types through wire/ or core/.',
};

/** The node side reaches an authority over the bus, through wire/ types only. */
const AUTHORITY = {
  group: ['**/authority/**'],
  message: 'The node side reaches a room authority over the bus; import the shared types from wire/ or core/, not authority/.',
};

/** Ports and core/, wire/: an allow-list (protocol, node: builtins, core/, wire/). */
const portOnly = (sameFolderAllowed) => ({
  regex: sameFolderAllowed ? String.raw`^(?!@stadium/protocol$|node:|(\.\./)+(core|wire)/|\./)` : String.raw`^(?!@stadium/protocol$|node:|(\.\./)+(core|wire)/)`,
  message: 'Ports, core/ and wire/ may import only @stadium/protocol, node: builtins, core/ and wire/ (no adapters, nothing above them).',
});

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

const ENGINE = ['core', 'wire', 'authority', 'groups', 'users', 'messages', 'fanout', 'bus', 'storage', 'apps', 'auth', 'metrics', 'clock', 'config'];
const FRONT = ['gateway', 'rest', 'http', 'callbacks'];

/** The restrictions for the non-test files of one top-level folder of packages/server/src. */
const layers = (folder) => {
  const extra = folder === 'authority' ? [NODE_SIDE] : ['groups', 'users', 'messages'].includes(folder) ? [AUTHORITY] : [];
  return ENGINE.includes(folder) ? [FRONT_DOORS, ADAPTERS, ...extra] : [ADAPTERS];
};

// Files that break a direction and only warn while they are being fixed (none today).
const LAYERING_DEBT = [];

const serverLayering = [
  ...[...ENGINE, ...FRONT].map((folder) => ({
    name: `layering/${folder}`,
    files: [`${SRC}/${folder}/**/*.ts`],
    ignores: TESTS,
    rules: restrict(...layers(folder)),
  })),
  {
    // Adapters may import their own parts and the ports; they still sit below the front doors.
    name: 'layering/adapters',
    files: [...ADAPTER_FILES.map((f) => `${SRC}/${f}`), `${SRC}/storage/open-store.ts`, `${SRC}/bus/open-bus.ts`],
    ignores: TESTS,
    rules: restrict(FRONT_DOORS),
  },
  ...ENGINE.map((folder) => ({
    // Tests may pick adapters; they still respect the directions of the folder they test.
    name: `layering/tests-${folder}`,
    files: TESTS.map((t) => `${SRC}/${folder}/${t}`),
    rules: restrict(...layers(folder).filter((r) => r !== ADAPTERS)),
  })),
  {
    name: 'layering/ports',
    files: [`${SRC}/storage/store.ts`, `${SRC}/bus/bus.ts`, `${SRC}/clock/clock.ts`],
    rules: restrict(portOnly(false)),
  },
  {
    name: 'layering/core-wire',
    files: [`${SRC}/core/**/*.ts`, `${SRC}/wire/**/*.ts`],
    ignores: TESTS,
    rules: restrict(portOnly(true)),
  },
  {
    // Configuration is resolved once at start (config/, cli/); nothing below reads the environment.
    name: 'layering/no-process-env',
    files: ENGINE.filter((f) => f !== 'config').map((f) => `${SRC}/${f}/**/*.ts`),
    ignores: TESTS,
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in config/ (resolved once at start) and pass it in.' }] },
  },
  ...(LAYERING_DEBT.length > 0 ? [{ name: 'layering/debt', files: LAYERING_DEBT, rules: { 'no-restricted-imports': 'warn' } }] : []),
];

const packageLayering = [
  {
    name: 'layering/protocol',
    files: ['packages/protocol/src/**/*.ts'],
    rules: restrict({
      group: ['@stadium/sdk', '@stadium/sdk/**', '@stadium/server', '@stadium/server/**', '**/sdk/**', '**/server/**'],
      message: '@stadium/protocol depends on nothing: the SDK and the server depend on it.',
    }),
  },
  {
    name: 'layering/sdk',
    files: ['packages/sdk/src/**/*.ts'],
    rules: restrict({
      group: ['@stadium/server', '@stadium/server/**', '**/packages/server/**', '../../server/**'],
      message: 'The SDK must not depend on the server; shared vocabulary lives in @stadium/protocol.',
    }),
  },
];

export default defineConfig(
  globalIgnores(['**/dist/', '**/node_modules/', 'bench/results/', '**/coverage/']),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    name: 'js',
    files: JS_FILES,
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: { ...globals.node } },
  },
  {
    name: 'ts',
    files: TS_FILES,
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The type-aware safety rules this config exists for.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { requireDefaultForNonUnion: false, considerDefaultExhaustiveForUnions: false }],
      // Adapters and fakes implement Promise-returning ports (Store, Bus.close) with async methods that need no await; a throw still becomes a rejection.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore marks a value that is dropped on purpose (unused parameter, rest-sibling omission).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // ws hands listeners RawData (Buffer | ArrayBuffer | Buffer[]); with the default binaryType it is a Buffer, so toString() is the text.
      '@typescript-eslint/no-base-to-string': ['error', { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', 'ArrayBuffer'] }],
      // The gateway's shared ws listeners (no closure per connection) get the socket as `this`, so they reach the gateway through this alias.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['gateway'] }],
    },
  },
  {
    name: 'ts/tests',
    files: [...TESTS.map((t) => `packages/*/src/${t}`), 'test/**/*.ts'],
    rules: {
      // Tests read parsed JSON frames, vi.fn() calls and expect.any() matchers, which are `any` by design; the assertions check their shape.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    // The chart is drawn by a function that runs inside the browser page (page.evaluate).
    name: 'js/bench-chart',
    files: ['bench/chart.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  ...serverLayering,
  ...packageLayering,
);
