/**
 * What a CLI command touches outside itself, passed in so tests run commands in-process with
 * captured output, their own environment and their own signals.
 */

/** A writable text sink (process.stdout, or a test buffer). */
export interface TextSink {
  write(chunk: string): unknown;
}

/** Where termination signals come from (process, or an EventEmitter in tests). */
export interface SignalSource {
  on(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  once(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  off(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
}

/** The outside world of one CLI run. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Environment variables (`STADIUM_*`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Termination signals for `stadium start`. @default process */
  signals?: SignalSource;
  /** Called with the exit code once `stadium start` has shut down; omitted, `main` just returns it. */
  exit?: (code: number) => void;
}

/** The real process's io. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signals: process,
    exit: (code) => process.exit(code),
  };
}
