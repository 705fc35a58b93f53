/**
 * Every REST command, in the order docs/rest-api.md lists them. test/rest-commands-meta.test.ts
 * fails when a command here has no schema, no doc entry or no test.
 */
import type { AnyRestCommand } from '../rest-command.js';
import { ACCOUNT_COMMANDS } from './account-commands.js';
import { C2C_COMMANDS } from './c2c-commands.js';
import { ADMIN_COMMANDS } from './admin-commands.js';
import { GROUP_COMMANDS } from './group-commands.js';
import { MEMBER_LIST_COMMANDS } from './member-list-commands.js';
import { MODERATION_COMMANDS } from './moderation-commands.js';
import { PIN_COMMANDS } from './pin-commands.js';
import { PROFILE_COMMANDS } from './profile-commands.js';
import { REVIEW_COMMANDS } from './review-commands.js';
import { ROOM_ADMIN_COMMANDS } from './room-admin-commands.js';
import { WORD_LIST_COMMANDS } from './word-list-commands.js';
import { HISTORY_COMMANDS } from './history-commands.js';

/** The REST API. */
export const REST_COMMANDS: readonly AnyRestCommand[] = [
  ...GROUP_COMMANDS,
  ...MODERATION_COMMANDS,
  ...MEMBER_LIST_COMMANDS,
  ...C2C_COMMANDS,
  ...ACCOUNT_COMMANDS,
  ...PROFILE_COMMANDS,
  ...ADMIN_COMMANDS,
  ...WORD_LIST_COMMANDS,
  ...REVIEW_COMMANDS,
  ...PIN_COMMANDS,
  ...HISTORY_COMMANDS,
  ...ROOM_ADMIN_COMMANDS,
];
