/**
 * One handler per authority command (the typed map of wire/authority-commands.ts). Every
 * decision here is made once for the room, from the authority's own current record: roles
 * and permissions, admission, rate and sequence, counters, settings, dismissal.
 */
import { GROUP_SYSTEM_NOTICE, StadiumError, TIM_TYPES, type GroupTipPayload, type RewrittenMessage } from '@stadium/protocol';
import type { Logger } from 'pino';
import type { ActorStamp } from '../core/actor.js';
import { authorize, PERMISSIONS, type Operation, type RoomRole } from '../core/permissions.js';
import type { Bus } from '../bus/bus.js';
import { roomSubject } from '../bus/bus.js';
import type { Clock } from '../clock/clock.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Store } from '../storage/store.js';
import type { GroupPatch } from '../storage/store.js';
import type { Admitted, AuthorityCommandName, AuthorityCommands, CallbackControl, RoomProfilePatch, UnsequencedMessage } from '../wire/authority-commands.js';
import { encodeMessage } from '../wire/batch-entry.js';
import type { Admission, AdmissionContext } from './admission.js';
import type { AuthorityObserver, SendOutcome } from './authority-observer.js';
import { createAttributeHandler } from './attribute-handlers.js';
import { createMemberListHandler } from './member-list-handler.js';
import { createModerationHandlers } from './moderation-handlers.js';
import { createReviewHandlers } from './review-handlers.js';
import type { PinKeeper } from './pin-handlers.js';
import type { RoomAuthority } from './room-authority.js';
import { messageIdKey, randomKey } from './recent-sends.js';

/** Each plain profile field of a patch (stored under the same name) and its name in the profile-updated tip. */
const PROFILE_TIP_NAMES = [
  ['name', 'name'],
  ['introduction', 'introduction'],
  ['notification', 'notification'],
  ['faceUrl', 'avatar'],
  ['muteAll', 'muteAllMembers'],
] as const satisfies ReadonlyArray<readonly [Exclude<keyof RoomProfilePatch, 'customFields'> & keyof GroupPatch, string]>;

/** A handler: the room it is about, and the request body. */
type Handler<C extends AuthorityCommandName> = (room: RoomAuthority, body: AuthorityCommands[C]['req']) => Promise<AuthorityCommands[C]['res']>;

/** Handlers for every authority command. */
export type AuthorityHandlers = { [C in AuthorityCommandName]: Handler<C> };

/** What the handlers need. */
export interface AuthorityHandlerDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  admission: Admission;
  /** Most admins a room may have (option `maxAdminsPerRoom`). */
  maxAdminsPerRoom: number;
  /** Most messages a room holds for review (option `reviewQueueMax`). */
  reviewQueueMax: number;
  /** How long a message stays held for review, ms (option `reviewHoldMs`). */
  reviewHoldMs: number;
  /** Pinned messages and their expiry timers. */
  pins: PinKeeper;
  /** Told of every user message's outcome, dismissals and profile changes (callbacks). @default none */
  observer?: AuthorityObserver;
  /** Push the room's counters to members within the push interval. */
  schedulePush(room: RoomAuthority): void;
  /** Forget the room at once (it was dismissed). */
  drop(room: RoomAuthority): void;
}

/** Refuse unless `role` may perform `operation`; where the rule needs a joined member, owners and app admins are exempt. */
function authorizeMember(operation: Operation, role: RoomRole, joined: boolean, groupId: string): void {
  authorize(operation, role, groupId);
  if (PERMISSIONS[operation].joined && !joined && role !== 'appAdmin' && role !== 'owner') throw new StadiumError('NOT_GROUP_MEMBER', `join ${groupId} first`);
}

/** The body published when admission changed the message's type, payload or cloud data (so the sender can show it), else undefined. */
function rewriteOf(offered: UnsequencedMessage, admitted: UnsequencedMessage): RewrittenMessage | undefined {
  if (offered === admitted) return undefined;
  const same = offered.type === admitted.type && offered.cloudCustomData === admitted.cloudCustomData && JSON.stringify(offered.payload) === JSON.stringify(admitted.payload);
  if (same) return undefined;
  const rewritten: RewrittenMessage = { type: admitted.type as RewrittenMessage['type'], payload: admitted.payload as RewrittenMessage['payload'] };
  if (admitted.cloudCustomData !== undefined) rewritten.cloudCustomData = admitted.cloudCustomData;
  return rewritten;
}

/** Build the handler map. */
export function createAuthorityHandlers(deps: AuthorityHandlerDeps): AuthorityHandlers {
  const { store, bus, clock, logger, metrics, admission } = deps;

  const review = createReviewHandlers({
    store,
    bus,
    clock,
    reviewQueueMax: deps.reviewQueueMax,
    reviewHoldMs: deps.reviewHoldMs,
    resume: (room, actor, message, afterStep, control) => admitAndSubmit(room, actor, room.roleOf(actor), message, control, afterStep),
  });

  /**
   * Admission steps (all, or with `afterStep` those after it: an approved held message), then
   * the rate limiter and the sequencer; the observer hears the outcome. A message a step holds
   * for review goes to the room's review queue instead (review-handlers.ts).
   */
  async function admitAndSubmit(
    room: RoomAuthority,
    actor: ActorStamp,
    role: RoomRole,
    message: UnsequencedMessage,
    control: CallbackControl = {},
    afterStep?: string,
  ): Promise<Admitted> {
    const settled = (admittedMessage: UnsequencedMessage, outcome: SendOutcome): void => {
      deps.observer?.sendSettled?.({ app: room.app, groupId: room.groupId, actor, message: admittedMessage, outcome, skipAfterSendCallback: control.skipAfterSend === true });
    };
    const ctx: AdmissionContext = { room, actor, role, message, now: clock.now(), ...(control.skipBeforeSend ? { skipBeforeSendCallback: true } : {}) };
    let admitted;
    try {
      admitted = await admission.admit(ctx, afterStep);
    } catch (error) {
      if (error instanceof StadiumError) {
        metrics.admissionRefusals.inc({ name: error.reason });
        settled(ctx.message, { kind: 'refused', error });
      }
      throw error;
    }
    if (ctx.hold && !room.closed) return review.hold(room, actor, admitted, ctx.heldBy ?? '', control);
    if (ctx.discard) {
      settled(admitted, { kind: 'discarded' });
      return { seq: 0, time: Math.floor(clock.now() / 1000), id: admitted.id, sampled: true };
    }
    if (room.closed) {
      const error = new StadiumError('GROUP_NOT_FOUND', room.groupId);
      settled(admitted, { kind: 'refused', error });
      throw error;
    }
    const rewritten = rewriteOf(message, admitted);
    const answer = (result: Admitted): Admitted => ({ ...result, id: admitted.id, ...(rewritten ? { rewritten } : {}) });
    if (!deps.observer?.sendSettled) return room.sequencer.submit(admitted).then(answer);
    return room.sequencer.submit(admitted).then(
      (result) => {
        settled(admitted, result.sampled ? { kind: 'sampled', time: result.time } : { kind: 'published', seq: result.seq, time: result.time });
        return answer(result);
      },
      (error: unknown) => {
        if (error instanceof StadiumError) settled(admitted, { kind: 'refused', error });
        throw error;
      },
    );
  }

  return {
    ...createModerationHandlers({ store, bus, clock, maxAdminsPerRoom: deps.maxAdminsPerRoom }),
    reviewQueue: (room, body) => review.reviewQueue(room, body),
    review: (room, body) => review.review(room, body),

    async submit(room, { actor, message, dedupeByRandom, callbackControl }) {
      const role = room.roleOf(actor);
      authorize('message.send', role, room.groupId);
      // One message per key within the window: a resend gets the first send's answer (recent-sends.ts).
      const keys = [dedupeByRandom ? randomKey(message.from, message.random ?? 0) : messageIdKey(message.from, message.id)];
      const earlier = room.sends.find(keys, clock.now());
      if (earlier) {
        metrics.duplicateSends.inc();
        return earlier;
      }
      const pending = admitAndSubmit(room, actor, role, message, callbackControl);
      room.sends.remember(keys, pending, clock.now());
      return pending;
    },

    async members(room, { node, count, lag, sinceSeq, tip, joining, listed, join }) {
      if (joining?.userId) {
        const now = clock.now();
        const until = room.moderation.bannedUntil(joining.userId, now);
        if (until !== 0) throw new StadiumError('BANNED_FROM_GROUP', `${joining.userId} is banned from ${room.groupId} for ${Math.ceil((until - now) / 1000)} more seconds`);
      }
      room.setCount(node, count, lag);
      const result: AuthorityCommands['members']['res'] = { memberCount: room.memberCount, lastSeq: room.sequencer.lastSeq };
      if (joining) {
        const role = room.roleOf(joining);
        result.role = role === 'owner' ? 'Owner' : role === 'admin' ? 'Admin' : 'Member';
      }
      if (listed) result.ordinal = room.nextOrdinal(clock.now());
      if (sinceSeq !== undefined) result.resume = room.sequencer.since(sinceSeq);
      if (join) result.pinnedMessages = deps.pins.current(room);
      if (tip && room.settings.memberTips) {
        (tip.payload as GroupTipPayload).memberNum = room.memberCount;
        room.sequencer.submitTip(tip);
      }
      return result;
    },

    async info(room) {
      return {
        memberCount: room.memberCount,
        lastSeq: room.sequencer.lastSeq,
        record: room.record,
        settings: room.settings,
        stats: room.sequencer.stats,
        admins: room.moderation.admins(),
      };
    },

    async counters(room, { actor, joined, request }) {
      const role = room.roleOf(actor);
      if (request.op === 'get') authorize('counters.read', role, room.groupId);
      else if (request.op === 'delete') authorize('room.profile', role, room.groupId);
      else authorizeMember('counters.write', role, joined, room.groupId);
      const counters = room.counters.apply(request);
      if (room.counters.changed) deps.schedulePush(room);
      return { counters };
    },

    attributes: createAttributeHandler({ store, bus, clock }),

    'member-list': createMemberListHandler({ bus, clock }),
    pins: (room, body) => deps.pins.handle(room, body),

    async history(room, { actor, joined, toSeq, beforeSeq, count }) {
      authorizeMember('history.read', room.roleOf(actor), joined, room.groupId);
      return room.history.page(toSeq, beforeSeq, count);
    },

    async record(room, { actor, afterSeq, limit }) {
      authorize('record.export', room.roleOf(actor), room.groupId);
      return { entries: await room.history.stored(afterSeq, limit), keepRecord: room.settings.keepRecord };
    },

    async settings(room, { actor, settings: patch }) {
      authorize('room.settings', room.roleOf(actor), room.groupId);
      const settings = { ...room.record.settings, ...patch };
      const record = (await store.updateGroup(room.sdkAppId, room.groupId, { settings })) ?? { ...room.record, settings };
      room.record = record;
      room.sequencer.setRate(room.settings.rateLimitPerSec);
      bus.publish(roomSubject(room.sdkAppId, room.groupId), { kind: 'room-updated', sdkAppId: room.sdkAppId, groupId: room.groupId, record });
      return { settings: room.settings };
    },

    async dismiss(room, { actor }) {
      authorize('room.dismiss', room.roleOf(actor), room.groupId);
      const operatorId = actor.userId ?? '';
      room.sequencer.submitNotice({
        id: `notice-${room.sequencer.nextSeq}-${clock.now()}`,
        type: 'TIMGroupSystemNoticeElem',
        payload: { operationType: GROUP_SYSTEM_NOTICE.DISMISSED, operatorID: operatorId },
        from: operatorId,
        priority: 'High',
      });
      bus.publish(roomSubject(room.sdkAppId, room.groupId), { kind: 'room-closed', sdkAppId: room.sdkAppId, groupId: room.groupId });
      deps.drop(room);
      // Nothing of the room's history may be written after its rows are deleted.
      await Promise.all([room.history.discard(), room.resumeWindow.discard()]);
      await store.deleteGroup(room.sdkAppId, room.groupId);
      logger.info({ app: room.sdkAppId, group: room.groupId, operator: operatorId }, 'room dismissed');
      deps.observer?.dismissed?.(room.app, room.record, actor);
      return {};
    },

    async profile(room, { actor, patch }) {
      authorize('room.profile', room.roleOf(actor), room.groupId);
      const now = clock.now();
      const changes: GroupPatch = { lastInfoAt: now };
      const shown: Record<string, unknown> = {};
      for (const [field, tipName] of PROFILE_TIP_NAMES) {
        const value = patch[field];
        if (value === undefined) continue;
        Object.assign(changes, { [field]: value });
        shown[tipName] = value;
      }
      if (patch.customFields !== undefined) {
        const fields = new Map(room.record.customFields.map((f) => [f.key, f.value]));
        for (const { key, value } of patch.customFields) {
          if (value === '') fields.delete(key);
          else fields.set(key, value);
        }
        if (fields.size > MAX_GROUP_CUSTOM_FIELDS) throw new StadiumError('INVALID_GROUP_FIELD', `a room has at most ${MAX_GROUP_CUSTOM_FIELDS} custom fields`);
        changes.customFields = [...fields].map(([key, value]) => ({ key, value }));
        shown.groupCustomField = patch.customFields;
      }
      const record = (await store.updateGroup(room.sdkAppId, room.groupId, changes)) ?? { ...room.record, ...changes };
      room.record = record;
      bus.publish(roomSubject(room.sdkAppId, room.groupId), { kind: 'room-updated', sdkAppId: room.sdkAppId, groupId: room.groupId, record });
      const operatorId = actor.userId ?? '';
      room.sequencer.submitNotice({
        id: `tip-6-${now}-${room.sequencer.nextSeq}`,
        type: 'TIMGroupTipElem',
        payload: { operationType: TIM_TYPES.GRP_TIP_GRP_PROFILE_UPDATED, operatorID: operatorId, userIDList: [], newGroupProfile: shown },
        from: operatorId,
        priority: 'High',
      });
      deps.observer?.profileChanged?.(room.app, record, actor, patch);
      return { record };
    },

    async notice(room, { actor, content, userIds }) {
      authorize('room.notice', room.roleOf(actor), room.groupId);
      const operatorId = actor.userId ?? '';
      const message: UnsequencedMessage = {
        id: `notice-255-${clock.now()}-${room.sequencer.nextSeq}`,
        type: 'TIMGroupSystemNoticeElem',
        payload: { operationType: GROUP_SYSTEM_NOTICE.CUSTOM, operatorID: operatorId, userDefinedField: content },
        from: operatorId,
        priority: 'High',
      };
      if (userIds === undefined || userIds.length === 0) {
        room.sequencer.submitNotice(message);
        return {};
      }
      // For some members only: outside the room's numbering (seq 0), so nobody else sees a gap.
      const entry = encodeMessage({ ...message, seq: 0, time: Math.floor(clock.now() / 1000) });
      bus.publish(roomSubject(room.sdkAppId, room.groupId), { kind: 'direct', sdkAppId: room.sdkAppId, groupId: room.groupId, userIds, entries: [entry] });
      return {};
    },
  };
}

/** Most custom fields a room keeps. */
export const MAX_GROUP_CUSTOM_FIELDS = 16;
