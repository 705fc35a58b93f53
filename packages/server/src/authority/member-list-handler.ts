/**
 * The online member list at a room's authority. Members are held by the nodes their
 * connections are on (groups/member-index.ts); the authority knows which nodes report members
 * of the room, asks each for one page below the cursor (bus `member-page` on the node's
 * subject), merges the pages by join ordinal and adds what only it knows: role and mute.
 *
 * A user connected on two nodes is listed once, at the oldest of its entries: when more than
 * one node answered, a second request asks every node for the ordinals of the users on the
 * merged page, and an entry that is not its user's oldest is skipped (its oldest one comes on
 * a later page). Cost per call: two requests per node with members, each O(page).
 */
import { StadiumError } from '@stadium/protocol';
import { nodeSubject, type Bus } from '../bus/bus.js';
import type { Clock } from '../clock/clock.js';
import { authorize, PERMISSIONS } from '../core/permissions.js';
import type { AuthorityCommands, OnlineMember } from '../wire/authority-commands.js';
import type { NodeCommands, NodeListedMember, NodeRequest } from '../wire/node-commands.js';
import { untilSec } from './room-moderation.js';
import type { RoomAuthority } from './room-authority.js';

/** Rounds of merging one call makes at most; a page cut short by skipped duplicates still carries `next`. */
export const MEMBER_LIST_ROUNDS = 3;

/** What the handler needs. */
export interface MemberListDeps {
  bus: Bus;
  clock: Clock;
}

type Req = AuthorityCommands['member-list']['req'];
type Res = AuthorityCommands['member-list']['res'];
type Page = NodeCommands['member-page']['res'];

const EMPTY: Page = { members: [], ordinals: {} };

/** The `member-list` handler. */
export function createMemberListHandler(deps: MemberListDeps): (room: RoomAuthority, body: Req) => Promise<Res> {
  const { bus, clock } = deps;

  /** One page from a node; a node gone meanwhile has nobody to list. */
  async function ask(room: RoomAuthority, node: string, body: NodeCommands['member-page']['req']): Promise<Page> {
    const request: NodeRequest = { cmd: 'member-page', sdkAppId: room.sdkAppId, groupId: room.groupId, body };
    try {
      return (await bus.request(nodeSubject(node), request)) as Page;
    } catch (error) {
      if (error instanceof StadiumError && error.reason === 'SERVICE_UNAVAILABLE') return EMPTY;
      throw error;
    }
  }

  return async (room, { actor, joined, before, count }) => {
    const role = room.roleOf(actor);
    authorize('member.list', role, room.groupId);
    if (PERMISSIONS['member.list'].joined && !joined && role !== 'appAdmin' && role !== 'owner') throw new StadiumError('NOT_GROUP_MEMBER', `join ${room.groupId} first`);
    const nodes = room.nodesWithMembers();
    const listed: NodeListedMember[] = [];
    let cursor = before;
    let next = 0;
    for (let round = 0; round < MEMBER_LIST_ROUNDS && listed.length < count; round++) {
      const need = count - listed.length;
      // One more than needed tells whether anything is left after this page.
      const pages = await Promise.all(nodes.map((node) => ask(room, node, { before: cursor, count: need + 1 })));
      const merged = pages.flatMap((p) => p.members).sort((a, b) => b.ordinal - a.ordinal);
      const taken = merged.slice(0, need);
      const more = merged.length > need;
      let keep = taken;
      if (nodes.length > 1 && taken.length > 0) {
        const lookup = [...new Set(taken.map((m) => m.userId))];
        const answers = await Promise.all(nodes.map((node) => ask(room, node, { before: cursor, count: 0, lookup })));
        const oldest = new Map<string, number>();
        for (const { ordinals } of answers) {
          for (const [userId, ordinal] of Object.entries(ordinals)) oldest.set(userId, Math.min(ordinal, oldest.get(userId) ?? ordinal));
        }
        keep = taken.filter((m) => (oldest.get(m.userId) ?? m.ordinal) === m.ordinal);
      }
      listed.push(...keep);
      if (taken.length > 0) cursor = taken[taken.length - 1]!.ordinal;
      next = more ? cursor : 0;
      if (!more) break;
    }
    const now = clock.now();
    const members: OnlineMember[] = listed.map((m) => {
      const r = room.roleOf({ userId: m.userId, kind: 'user' });
      return { ...m, role: r === 'owner' ? 'Owner' : r === 'admin' ? 'Admin' : 'Member', mutedUntil: untilSec(room.moderation.mutedUntil(m.userId, now)) };
    });
    return { members, next };
  };
}
