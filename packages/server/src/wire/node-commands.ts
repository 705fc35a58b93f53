/**
 * What a room's authority asks the nodes that hold its members (request / reply on a node's
 * subject, `node.<nodeId>`), as a typed map like the authority's commands. Plain data.
 */

/** A member as a node lists it for a room (see groups/member-index.ts). */
export interface NodeListedMember {
  userId: string;
  /** Room-wide join order, larger is newer; the offset of the online member list. */
  ordinal: number;
  /** UNIX seconds. */
  joinTime: number;
  nick: string;
  avatar: string;
}

/** Every node command: request body and result. */
export interface NodeCommands {
  /**
   * Up to `count` of the room's logged-in members on this node with an ordinal below `before`
   * (0: from the newest), newest first; and for each of `lookup` listed here, its ordinal.
   */
  'member-page': {
    req: { before: number; count: number; lookup?: string[] };
    res: { members: NodeListedMember[]; ordinals: Record<string, number> };
  };
}

/** A node command name. */
export type NodeCommandName = keyof NodeCommands;

/** Every node command name. */
export const NODE_COMMANDS: readonly NodeCommandName[] = ['member-page'];

/** A request to a node: the command, its room and its body. */
export type NodeRequest = {
  [C in NodeCommandName]: { cmd: C; sdkAppId: number; groupId: string; body: NodeCommands[C]['req'] };
}[NodeCommandName];

/** True when `request` is for a node rather than a room's authority. */
export function isNodeRequest(request: { cmd: string }): request is NodeRequest {
  return (NODE_COMMANDS as readonly string[]).includes(request.cmd);
}
