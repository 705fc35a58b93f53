/**
 * Rejoining rooms after a reconnect: each confirmed room is joined again with
 * `sinceSeq` = the last sequence number delivered, so the server resends what it still holds.
 */
import type { Requester } from './connection.js';
import type { JoinedGroups } from './joined-groups.js';
import type { Logger } from './logger.js';
import { isServerRejection } from './server-error.js';

/** What a {@link RoomResume} needs. */
export interface RoomResumeDeps {
  joined: JoinedGroups;
  logger: Logger;
}

/** Rejoins the instance's rooms on a new connection. */
export class RoomResume {
  constructor(private readonly deps: RoomResumeDeps) {}

  /** Rejoin every confirmed room, one after the other; a room the server refuses is left. */
  async rejoinAll(request: Requester): Promise<void> {
    const { joined, logger } = this.deps;
    for (const { groupID, lastSeq } of joined.confirmedEntries()) {
      try {
        const result = await request('group.join', { groupID, sinceSeq: lastSeq });
        // Do not take the room's lastSeq here: missed messages may still be on their way
        // (held behind a backlog), and taking it would make them look like duplicates.
        joined.confirm(groupID, 0);
        if (result.resumed === false) logger.warn(`${groupID}: some messages sent while disconnected are no longer held by the server`);
      } catch (error) {
        if (!isServerRejection(error)) throw error;
        logger.warn(`rejoining ${groupID} failed; leaving it`, error);
        joined.remove(groupID);
      }
    }
  }
}
