/**
 * Every REST command, in the order docs/rest-api.md lists them. test/rest-commands.test.ts
 * fails when a command here has no schema, no doc entry or no test.
 */
import type { AnyRestCommand } from '../rest-command.js';
import { ADMIN_COMMANDS } from './admin-commands.js';
import { GROUP_COMMANDS } from './group-commands.js';

/** The REST API. */
export const REST_COMMANDS: readonly AnyRestCommand[] = [...GROUP_COMMANDS, ...ADMIN_COMMANDS];
