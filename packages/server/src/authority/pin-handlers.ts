/**
 * Pinned messages of a live room, decided at its authority (command `pins`).
 *
 * Owners, admins and the app admin pin a message the room published, named by its sequence
 * number: the authority takes it from the room's resume buffer, exactly as it was published
 * (sender, seq, time, payload), so nobody can pin a message the room never carried. A room
 * holds at most `maxPinnedMessages` pins (option, default 3); a pin may lapse after `duration`
 * seconds (at most MAX_PIN_DURATION_SEC, core/room-pins.ts), measured on the injected clock: a timer for
 * the earliest expiry removes it and tells the members as an unpin. Every change is stored
 * before it answers and pushed to every member on every node (bus `pins`, one frame of all
 * pins per change). Joiners get the current pins in the join answer (see `members`).
 */
import { PIN_OPERATION, StadiumError, type PinnedMessage, type PinsRequest, type PinsResult, type WireMessage } from '@stadium/protocol';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import { roomSubject } from '../bus/bus.js';
import type { Clock } from '../clock/clock.js';
import { authorize, PERMISSIONS, type Operation, type RoomRole } from '../core/permissions.js';
import type { Store } from '../storage/store.js';
import type { AuthorityCommands } from '../wire/authority-commands.js';
import type { RoomAuthority } from './room-authority.js';

/** What the pin keeper needs. */
export interface PinHandlerDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  logger: Logger;
  /** Most pins a room holds (option `maxPinnedMessages`). */
  maxPinnedMessages: number;
}

/** As for attributes: where the rule needs a joined member, owners and app admins are exempt. */
function authorizeJoined(operation: Operation, role: RoomRole, joined: boolean, groupId: string): void {
  authorize(operation, role, groupId);
  if (PERMISSIONS[operation].joined && !joined && role !== 'appAdmin' && role !== 'owner') throw new StadiumError('NOT_GROUP_MEMBER', `join ${groupId} first`);
}

function copy(pins: readonly PinnedMessage[]): PinnedMessage[] {
  return pins.map((p) => ({ ...p }));
}

/** The `pins` command and the expiry timers of every room this node is the authority of. */
export class PinKeeper {
  readonly #d: PinHandlerDeps;

  constructor(deps: PinHandlerDeps) {
    this.#d = deps;
  }

  /** The room's pins now (lapsed ones left out, even before their timer ran). */
  current(room: RoomAuthority): PinnedMessage[] {
    const now = this.#d.clock.now();
    return copy(room.pins.filter((p) => p.expireAt === 0 || p.expireAt > now));
  }

  /** The `pins` handler. */
  async handle(room: RoomAuthority, { actor, joined, request }: AuthorityCommands['pins']['req']): Promise<AuthorityCommands['pins']['res']> {
    const role = room.roleOf(actor);
    if (request.op === 'list') {
      authorizeJoined('pins.read', role, joined, room.groupId);
      return { pinnedMessages: this.current(room) };
    }
    authorizeJoined('pins.write', role, joined, room.groupId);
    const by = actor.userId ?? 'administrator';
    // One change at a time per room, each deciding from the pins the previous one left.
    const run = room.pinChain.then(() => this.#change(room, request, by));
    room.pinChain = run.catch(() => undefined);
    return run;
  }

  /** Schedule the removal of the room's earliest expiring pin (after a load or a change). */
  arm(room: RoomAuthority): void {
    this.disarm(room);
    if (room.closed) return;
    let next = Infinity;
    for (const pin of room.pins) if (pin.expireAt !== 0 && pin.expireAt < next) next = pin.expireAt;
    if (next === Infinity) return;
    const { clock } = this.#d;
    room.pinTimer = clock.setTimeout(
      () => {
        room.pinTimer = null;
        const run = room.pinChain.then(() => this.#expire(room));
        room.pinChain = run.catch((error: unknown) => {
          this.#d.logger.warn({ err: error, app: room.sdkAppId, group: room.groupId }, 'could not remove lapsed pins');
        });
      },
      Math.max(0, next - clock.now()),
    );
  }

  /** Stop the room's expiry timer (the room is unloaded or dismissed). */
  disarm(room: RoomAuthority): void {
    if (room.pinTimer !== null) this.#d.clock.clearTimeout(room.pinTimer);
    room.pinTimer = null;
  }

  async #change(room: RoomAuthority, request: Exclude<PinsRequest, { op: 'list' }>, by: string): Promise<PinsResult> {
    const now = this.#d.clock.now();
    const live = room.pins.filter((p) => p.expireAt === 0 || p.expireAt > now);
    const at = live.findIndex((p) => p.message.seq === request.seq);
    let next: PinnedMessage[];
    if (request.op === 'unpin') {
      if (at < 0) throw new StadiumError('PIN_MESSAGE_NOT_FOUND', `message ${request.seq} is not pinned in ${room.groupId}`);
      next = live.filter((_, i) => i !== at);
    } else {
      const expireAt = request.duration === undefined ? 0 : now + request.duration * 1000;
      if (at >= 0) {
        // Pinning a pinned message again changes its expiry only.
        next = live.map((p, i) => (i === at ? { ...p, pinnedBy: by, pinnedAt: now, expireAt } : p));
      } else {
        if (live.length >= this.#d.maxPinnedMessages) throw new StadiumError('PIN_LIMIT', `${room.groupId} has ${live.length} pinned messages`);
        const entry = room.sequencer.published(request.seq);
        if (!entry) throw new StadiumError('PIN_MESSAGE_NOT_FOUND', `message ${request.seq} is not among the recent messages of ${room.groupId}`);
        const message = JSON.parse(entry.json) as WireMessage;
        next = [...live, { message, pinnedBy: by, pinnedAt: now, expireAt }];
      }
    }
    await this.#commit(room, next, request.op === 'pin' ? PIN_OPERATION.PIN : PIN_OPERATION.UNPIN, request.seq);
    return { pinnedMessages: copy(next) };
  }

  async #expire(room: RoomAuthority): Promise<void> {
    if (room.closed) return;
    const now = this.#d.clock.now();
    const lapsed = room.pins.filter((p) => p.expireAt !== 0 && p.expireAt <= now);
    if (lapsed.length === 0) {
      this.arm(room);
      return;
    }
    let pins = room.pins;
    for (const pin of lapsed) {
      pins = pins.filter((p) => p !== pin);
      await this.#commit(room, pins, PIN_OPERATION.UNPIN, pin.message.seq);
    }
  }

  /** Store the room's new pins, keep them, re-arm the expiry and tell every member. */
  async #commit(room: RoomAuthority, pins: PinnedMessage[], operation: 1 | 2, seq: number): Promise<void> {
    await this.#d.store.updateGroup(room.sdkAppId, room.groupId, { pinnedMessages: pins });
    room.pins = pins;
    room.record = { ...room.record, pinnedMessages: pins };
    this.arm(room);
    this.#d.bus.publish(roomSubject(room.sdkAppId, room.groupId), { kind: 'pins', sdkAppId: room.sdkAppId, groupId: room.groupId, pins: copy(pins), operation, seq });
  }
}
