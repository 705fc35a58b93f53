/**
 * Flag parsing shared by the commands: strict `node:util` parseArgs, a UsageError for every
 * mistake in the command line (exit 2), and the store flags every data command takes.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { StadiumError } from '@stadium/protocol';
import type { CliIo } from './io.js';
import { parseSdkAppId } from '../core/parse-sdk-app-id.js';
import { redact } from '../storage/postgres/postgres-url.js';

/** A mistake in the command line: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  /** Usage text of the command the mistake was made in. */
  readonly usage: string;

  constructor(message: string, usage: string) {
    super(message);
    this.name = 'UsageError';
    this.usage = usage;
  }
}

/** Exit codes of the CLI. */
export const EXIT = Object.freeze({ OK: 0, ERROR: 1, USAGE: 2 });

/** A command's flag definitions, as `node:util` parseArgs takes them. */
export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** The parsed flag values for definitions `O`. */
export type ParsedFlags<O extends FlagOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>['values'];

/** Parse `argv` strictly against `options` (no positionals); a parse error becomes a UsageError. */
export function parseFlags<O extends FlagOptions>(argv: string[], options: O, usage: string): ParsedFlags<O> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(err.message, usage);
    }
    throw err;
  }
}

/** The flags every command that opens the store takes. */
export const STORE_FLAGS = {
  data: { type: 'string' },
  db: { type: 'string' },
} as const satisfies FlagOptions;

/** Store location from `--data` / `--db`, falling back to STADIUM_DATA / STADIUM_DB, then the defaults. */
export function storeLocation(flags: { data?: string | undefined; db?: string | undefined }, io: CliIo): { dataDir: string; db: string } {
  return {
    dataDir: flags.data ?? io.env['STADIUM_DATA'] ?? './data',
    db: flags.db ?? io.env['STADIUM_DB'] ?? '',
  };
}

/** The flags to repeat in a hint so it reaches the same store (empty for the defaults); a database password is not repeated. */
export function storeHintFlags(location: { dataDir: string; db: string }): string {
  let hint = '';
  if (location.db !== '') hint += ` --db ${redact(location.db)}`;
  else if (location.dataDir !== './data') hint += ` --data ${location.dataDir}`;
  return hint;
}

/** Parse a required-format integer flag; `what` names it in the error. */
export function parseIntegerFlag(value: string, what: string, min: number, max: number, usage: string): number {
  const n = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${what} must be an integer ${min}–${max}, got "${value}"`, usage);
  }
  return n;
}

/** The required `--sdkappid` flag, parsed as the WebSocket and REST front doors parse it (decimal digits, 1–4294967295). */
export function sdkAppIdFlag(value: string | undefined, usage: string): number {
  const text = required(value, '--sdkappid', usage);
  const id = parseSdkAppId(text);
  if (id === undefined) throw new UsageError(`--sdkappid must be an integer 1–4294967295 in decimal digits (no sign, spaces or leading zeros), got "${text}"`, usage);
  return id;
}

/** Throw a UsageError when a required flag is missing. */
export function required<T>(value: T | undefined, flag: string, usage: string): T {
  if (value === undefined) throw new UsageError(`missing ${flag}`, usage);
  return value;
}

/** Print an error the way every command does; returns the exit code to use. */
export function reportError(err: unknown, io: CliIo): number {
  if (err instanceof UsageError) {
    io.stderr.write(`error: ${err.message}\n\n${err.usage}`);
    return EXIT.USAGE;
  }
  if (err instanceof StadiumError) {
    io.stderr.write(`error ${err.code} ${err.reason}: ${err.message}\n`);
    return EXIT.ERROR;
  }
  io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT.ERROR;
}
