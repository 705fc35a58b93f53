/** A CliIo for in-process CLI tests: captured output, a chosen environment, manual signals. */
import { EventEmitter } from 'node:events';
import type { CliIo } from './io.js';

/** Captured io plus accessors for what was written. */
export interface TestIo {
  io: CliIo;
  signals: EventEmitter;
  stdout(): string;
  stderr(): string;
  exitCodes: number[];
}

/** Make a {@link TestIo} with environment `env`. */
export function testIo(env: Record<string, string | undefined> = {}): TestIo {
  let out = '';
  let err = '';
  const signals = new EventEmitter();
  const exitCodes: number[] = [];
  return {
    io: {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env,
      signals,
      exit: (code) => exitCodes.push(code),
    },
    signals,
    stdout: () => out,
    stderr: () => err,
    exitCodes,
  };
}
