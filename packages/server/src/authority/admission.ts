/**
 * Admission: the ordered checks a message passes at its room's authority before the rate
 * limiter and the sequencer see it — room state such as mute-all today; member mutes, bans,
 * slow mode, the word filter and the before-send callback as they are added. Each step may be
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
  message: UnsequencedMessage;
  /** The sender asked for no before-send callback (REST ForbidBeforeSendMsgCallback). */
  readonly skipBeforeSendCallback?: boolean;
  /** Set by a step to drop the message silently: nothing is published and the sender is told it succeeded. */
  discard?: boolean;
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

/** The default steps, in order. */
export const DEFAULT_ADMISSION_STEPS: readonly AdmissionStep[] = [muteAllStep];

/** Runs a message through the steps. */
export class Admission {
  readonly #steps: readonly AdmissionStep[];
  readonly #clock: Clock;

  constructor(steps: readonly AdmissionStep[], clock: Clock) {
    this.#steps = steps;
    this.#clock = clock;
  }

  /** Run every step in order; resolves with the message to publish, rejects with the first refusal. */
  async admit(ctx: AdmissionContext): Promise<UnsequencedMessage> {
    for (const step of this.#steps) {
      if (ctx.discard) break;
      const pending = step.run(ctx);
      if (pending !== undefined) await this.#within(step, pending);
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
