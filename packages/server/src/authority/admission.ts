/**
 * Admission: the ordered checks a message passes at its room's authority before the rate
 * limiter and the sequencer see it — mute-all, member mutes, bans and slow mode here; the
 * word filter (filter/) and the before-send callback (callbacks/) come after them, in that order (server.ts). Each step may be
 * asynchronous and has a timeout on the injected clock. A step refuses by throwing a
 * StadiumError and may rewrite the message (mask words, apply a callback's new body).
 *
 * Steps run per message: waiting in one message's admission never holds up another message,
 * another sender or another room.
 */
import { StadiumError, type ErrorName } from '@stadium/protocol';
import type { ActorStamp } from '../core/actor.js';
import { allows, type RoomRole } from '../core/permissions.js';
import type { Clock } from '../clock/clock.js';
import type { UnsequencedMessage } from '../wire/authority-commands.js';
import type { RoomAuthority } from './room-authority.js';

/** What a step sees. Steps may replace `message`. */
export interface AdmissionContext {
  readonly room: RoomAuthority;
  readonly actor: ActorStamp;
  readonly role: RoomRole;
  /** When the message arrived at the authority (the injected clock, ms). */
  readonly now: number;
  message: UnsequencedMessage;
  /** The sender asked for no before-send callback (REST ForbidBeforeSendMsgCallback). */
  readonly skipBeforeSendCallback?: boolean;
  /** Set by a step to drop the message silently: nothing is published and the sender is told it succeeded. */
  discard?: boolean;
  /**
   * Set by a step (the word filter, for a review word) to hold the message for review: the
   * later steps do not run now; they run when an owner or admin approves it (review-handlers.ts).
   */
  hold?: boolean;
  /** Set by {@link Admission.admit}: the step that held the message (the rest run on approval). */
  heldBy?: string;
}

/** One admission step. */
export interface AdmissionStep {
  /** For logs and metrics. */
  readonly name: string;
  /** Throw a StadiumError to refuse; rewrite `ctx.message` to change what is published. */
  run(ctx: AdmissionContext): void | Promise<void>;
  /** Longest an asynchronous step may take. @default no limit */
  readonly timeoutMs?: number;
  /** Past the timeout: let the message through, or refuse it with this error. @default 'OVERLOADED' */
  readonly onTimeout?: 'allow' | ErrorName;
}

/** Mute-all: while a room is muted for all, only its owner, its admins and the app admin speak. */
export const muteAllStep: AdmissionStep = {
  name: 'mute-all',
  run(ctx) {
    if (ctx.room.record.muteAll && !allows('message.sendWhileMutedAll', ctx.role)) throw new StadiumError('GROUP_MUTED_ALL', ctx.room.record.groupId);
  },
};

/** Seconds from `now` to `until` (ms), at least 1. */
function secondsLeft(until: number, now: number): number {
  return Math.max(1, Math.ceil((until - now) / 1000));
}

/** Member mute: a muted member's sends fail (MEMBER_MUTED, 10017) with the seconds left, until the mute ends by itself. */
export const memberMuteStep: AdmissionStep = {
  name: 'member-mute',
  run(ctx) {
    const userId = ctx.actor.userId;
    if (userId === null) return;
    const until = ctx.room.moderation.mutedUntil(userId, ctx.now);
    if (until !== 0) throw new StadiumError('MEMBER_MUTED', `${userId} is muted in ${ctx.room.groupId} for ${secondsLeft(until, ctx.now)} more seconds`);
  },
};

/** Ban: a banned user cannot send either (e.g. as REST From_Account) until the ban ends. */
export const banStep: AdmissionStep = {
  name: 'ban',
  run(ctx) {
    const userId = ctx.actor.userId;
    if (userId === null) return;
    const until = ctx.room.moderation.bannedUntil(userId, ctx.now);
    if (until !== 0) throw new StadiumError('BANNED_FROM_GROUP', `${userId} is banned from ${ctx.room.groupId} for ${secondsLeft(until, ctx.now)} more seconds`);
  },
};

/** Slow mode: a member waits the room's `slowModeSec` between messages (owners, admins and the app admin are exempt). */
export const slowModeStep: AdmissionStep = {
  name: 'slow-mode',
  run(ctx) {
    const sec = ctx.room.settings.slowModeSec;
    const userId = ctx.actor.userId;
    if (sec === 0 || userId === null || allows('message.skipSlowMode', ctx.role)) return;
    const wait = ctx.room.slowModeWait(userId, ctx.now, sec * 1000);
    if (wait > 0) throw new StadiumError('SLOW_MODE', `wait ${Math.ceil(wait / 1000)} more seconds (slow mode: one message per ${sec} s)`);
  },
};

/** The default steps, in order: mute-all, member mute, ban, slow mode. */
export const DEFAULT_ADMISSION_STEPS: readonly AdmissionStep[] = [muteAllStep, memberMuteStep, banStep, slowModeStep];

/** Runs a message through the steps. */
export class Admission {
  readonly #steps: readonly AdmissionStep[];
  readonly #clock: Clock;

  constructor(steps: readonly AdmissionStep[], clock: Clock) {
    this.#steps = steps;
    this.#clock = clock;
  }

  /**
   * Run every step in order (or, with `after`, only the steps after the one of that name: an
   * approved held message continues after the word filter); resolves with the message to
   * publish, rejects with the first refusal. Stops early when a step discards or holds it.
   */
  async admit(ctx: AdmissionContext, after?: string): Promise<UnsequencedMessage> {
    const from = after === undefined ? 0 : this.#steps.findIndex((s) => s.name === after) + 1;
    for (const step of this.#steps.slice(from)) {
      if (ctx.discard || ctx.hold) break;
      const pending = step.run(ctx);
      if (pending !== undefined) await this.#within(step, pending);
      if (ctx.hold && ctx.heldBy === undefined) ctx.heldBy = step.name;
    }
    return ctx.message;
  }

  #within(step: AdmissionStep, pending: Promise<void>): Promise<void> {
    if (step.timeoutMs === undefined) return pending;
    const clock = this.#clock;
    const timeoutMs = step.timeoutMs;
    return new Promise<void>((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        const policy = step.onTimeout ?? 'OVERLOADED';
        if (policy === 'allow') resolve();
        else reject(new StadiumError(policy, `${step.name} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.then(
        () => {
          clock.clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clock.clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}
