/**
 * The `stadium` CLI entry (`bin/stadium.js` calls {@link main}). The CLI is the composition
 * root: the only code that reads flags and `process.env`.
 */
import { runApp } from './app.js';
import { EXIT, reportError, UsageError } from './args.js';
import { runConsole } from './console.js';
import { processIo, type CliIo } from './io.js';
import { runStart } from './start.js';
import { MAIN_USAGE } from './usage.js';
import { runUsersig } from './usersig.js';
import { runWords } from './words.js';

/**
 * Run the CLI with `argv` (arguments after the program name). Resolves with the exit code:
 * 0 success, 1 error (printed as `error <code> <NAME>: <message>`), 2 bad command line.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await runStart(rest, io);
      case 'app':
        return await runApp(rest, io);
      case 'console':
        return await runConsole(rest, io);
      case 'usersig':
        return await runUsersig(rest, io);
      case 'words':
        return await runWords(rest, io);
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(MAIN_USAGE);
        return EXIT.OK;
      case undefined:
        throw new UsageError('missing command', MAIN_USAGE);
      default:
        throw new UsageError(`unknown command "${command}"`, MAIN_USAGE);
    }
  } catch (err) {
    return reportError(err, io);
  }
}
