/** `stadium words set | list | delete`: manage an app's word lists in the store (docs/security.md#word-filter). */
import { readFile } from 'node:fs/promises';
import { StadiumError } from '@stadium/protocol';
import { systemClock } from '../clock/clock.js';
import { putWordListChecked } from '../filter/word-lists.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { EXIT, parseFlags, required, sdkAppIdFlag, STORE_FLAGS, storeLocation, UsageError } from './args.js';
import type { CliIo } from './io.js';
import { WORDS_USAGE } from './usage.js';

/** Run `stadium words …` (argv after `words`). */
export async function runWords(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'set':
      return wordsSet(rest, io);
    case 'list':
      return wordsList(rest, io);
    case 'delete':
      return wordsDelete(rest, io);
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(WORDS_USAGE);
      return EXIT.OK;
    case undefined:
      throw new UsageError('missing words command: set, list or delete', WORDS_USAGE);
    default:
      throw new UsageError(`unknown words command "${sub}": use set, list or delete`, WORDS_USAGE);
  }
}

const FLAGS = {
  ...STORE_FLAGS,
  list: { type: 'string' },
  action: { type: 'string' },
  file: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The SDKAppID (first, positional) and the flags after it. */
function parse(argv: string[]): { sdkAppId: number | undefined; flags: ReturnType<typeof parseFlags<typeof FLAGS>> } {
  const positional = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
  const flags = parseFlags(positional === undefined ? argv : argv.slice(1), FLAGS, WORDS_USAGE);
  return { sdkAppId: flags.help ? undefined : sdkAppIdFlag(positional, WORDS_USAGE), flags };
}

async function withApp<T>(io: CliIo, flags: { data?: string | undefined; db?: string | undefined }, sdkAppId: number, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storeLocation(flags, io));
  try {
    if (!(await store.getApp(sdkAppId))) throw new StadiumError('APP_NOT_FOUND', `SDKAppID ${sdkAppId}`);
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function wordsSet(argv: string[], io: CliIo): Promise<number> {
  const { sdkAppId, flags } = parse(argv);
  if (sdkAppId === undefined) {
    io.stdout.write(WORDS_USAGE);
    return EXIT.OK;
  }
  const name = required(flags.list, '--list', WORDS_USAGE);
  const action = required(flags.action, '--action', WORDS_USAGE);
  if (action !== 'reject' && action !== 'mask' && action !== 'review') throw new UsageError(`--action must be "reject", "mask" or "review", got "${action}"`, WORDS_USAGE);
  const file = required(flags.file, '--file', WORDS_USAGE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --file ${file}: ${err instanceof Error ? err.message : String(err)}`, WORDS_USAGE);
  }
  const list = await withApp(io, flags, sdkAppId, (store) => putWordListChecked(store, sdkAppId, { name, action, words: text.split(/\r?\n/) }, systemClock.now()));
  io.stdout.write(
    flags.json
      ? `${JSON.stringify({ name: list.name, action: list.action, words: list.words.length })}\n`
      : `Set word list "${list.name}" of app ${sdkAppId}: ${list.words.length} words, action ${list.action}. A running server applies it within a few seconds.\n`,
  );
  return EXIT.OK;
}

async function wordsList(argv: string[], io: CliIo): Promise<number> {
  const { sdkAppId, flags } = parse(argv);
  if (sdkAppId === undefined) {
    io.stdout.write(WORDS_USAGE);
    return EXIT.OK;
  }
  const lists = await withApp(io, flags, sdkAppId, (store) => store.listWordLists(sdkAppId));
  if (flags.json) io.stdout.write(`${JSON.stringify(lists.map((l) => ({ name: l.name, action: l.action, words: l.words.length })))}\n`);
  else if (lists.length === 0)
    io.stdout.write(`App ${sdkAppId} has no word lists. Set one with: stadium words set ${sdkAppId} --list NAME --action reject|mask|review --file words.txt\n`);
  else for (const l of lists) io.stdout.write(`${l.name.padEnd(32)}  ${l.action.padEnd(6)}  ${l.words.length} words\n`);
  return EXIT.OK;
}

async function wordsDelete(argv: string[], io: CliIo): Promise<number> {
  const { sdkAppId, flags } = parse(argv);
  if (sdkAppId === undefined) {
    io.stdout.write(WORDS_USAGE);
    return EXIT.OK;
  }
  const name = required(flags.list, '--list', WORDS_USAGE);
  const deleted = await withApp(io, flags, sdkAppId, (store) => store.deleteWordList(sdkAppId, name));
  if (!deleted) throw new StadiumError('WORD_LIST_NOT_FOUND', `app ${sdkAppId} has no word list named ${JSON.stringify(name)}`);
  io.stdout.write(`Deleted word list "${name}" of app ${sdkAppId}. A running server applies it within a few seconds.\n`);
  return EXIT.OK;
}
