/**
 * What each request costs against a connection's request budget (`request-budget.ts`).
 * Most commands cost 1; commands that write to the store or read many users cost more, so
 * the budget bounds the work a connection can ask for, not just the number of frames.
 * docs/protocol.md lists the same table.
 */
import { LIMITS, type CommandName } from '@stadium/protocol';

/** Cost of a `ping` frame. */
export const PING_COST = 1;

/** Fixed costs; commands not listed cost 1. */
const FIXED_COSTS: Partial<Record<CommandName, number>> = {
  login: 5,
  'profile.update': 5,
  'group.create': 10,
  'group.dismiss': 5,
  'group.join': 2,
  // One page of up to 500 members, gathered from every node with members of the room.
  'group.members': 5,
  'group.settings': 2,
  'msg.history': 2,
};

/** Users per extra token of a `profile.get`. */
const PROFILES_PER_TOKEN = 10;

/**
 * Cost of `cmd` with `body` (already checked to be an object or undefined): `profile.get`
 * costs 1 plus 1 per started 10 users asked for (at most 11 for the largest list).
 */
export function requestCost(cmd: CommandName, body: Record<string, unknown> | undefined): number {
  if (cmd === 'profile.get') {
    const ids = body?.['userIDList'];
    const n = Array.isArray(ids) ? Math.min(ids.length, LIMITS.maxProfileGetIds) : 0;
    return 1 + Math.ceil(n / PROFILES_PER_TOKEN);
  }
  return FIXED_COSTS[cmd] ?? 1;
}
