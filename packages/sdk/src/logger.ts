/**
 * Leveled logging through an injected sink (the console by default), with the compatible
 * SDK's `setLogLevel` levels.
 */

/** 0 normal (everything), 1 release (info and up), 2 warnings and errors, 3 errors, 4 none. */
export type LogLevel = 0 | 1 | 2 | 3 | 4;

/** Where log lines go. `console` is one. */
export interface LogSink {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** A logger that drops lines below its level. */
export class Logger {
  private level: LogLevel;

  constructor(
    private readonly sink: LogSink,
    level: LogLevel = 0,
    private readonly prefix = '[stadium]',
  ) {
    this.level = level;
  }

  /** Change the level; values outside 0–4 are clamped. */
  setLevel(level: number): void {
    const clamped = Math.min(4, Math.max(0, Math.trunc(Number.isFinite(level) ? level : 0)));
    this.level = clamped as LogLevel;
  }

  /** Current level. */
  getLevel(): LogLevel {
    return this.level;
  }

  /** Detail for debugging (level 0 only). */
  debug(...args: unknown[]): void {
    if (this.level <= 0) this.sink.debug(this.prefix, ...args);
  }

  /** Normal operation (levels 0–1). */
  info(...args: unknown[]): void {
    if (this.level <= 1) this.sink.info(this.prefix, ...args);
  }

  /** Something went wrong but the SDK carries on (levels 0–2). */
  warn(...args: unknown[]): void {
    if (this.level <= 2) this.sink.warn(this.prefix, ...args);
  }

  /** A failure (levels 0–3). */
  error(...args: unknown[]): void {
    if (this.level <= 3) this.sink.error(this.prefix, ...args);
  }
}
