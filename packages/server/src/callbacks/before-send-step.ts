/**
 * `Group.CallbackBeforeSendMsg` as an admission step at the room's authority: the last step
 * (after mutes, bans, slow mode and the word filter) and before the rate limiter, so the
 * receiver sees every message the room could deliver, including those the limiter sheds
 * (before-send without after-send = not delivered).
 *
 * The answer's `ErrorCode` decides: 0 delivers (with `MsgBody` / `CloudCustomData` from the
 * answer when present, validated like any message), 1 refuses with CALLBACK_REJECTED (10016),
 * 2 drops the message silently (the sender is told it succeeded), 10100–10200 refuses with
 * CALLBACK_REJECTED under that numeric code with the answer's `ErrorInfo`, anything else refuses like 1.
 * No answer within the app's timeout, or a failure (HTTP status, not JSON, a rewrite that is
 * not a valid message): the app's fail policy delivers the message (`allow`) or refuses it with
 * CALLBACK_FAILED, 80003 (`reject`).
 *
 * Each message waits for its own callback only: other messages of the room, and other rooms,
 * are admitted meanwhile.
 */
import { StadiumError, withCode } from '@stadium/protocol';
import type { Logger } from 'pino';
import type { AdmissionStep } from '../authority/admission.js';
import type { Clock } from '../clock/clock.js';
import { validateMessage } from '../messages/validate-message.js';
import { fromMsgBody } from '../rest/msg-body.js';
import type { UnsequencedMessage } from '../wire/authority-commands.js';
import { beforeSendBody } from './callback-bodies.js';
import { callbackEnabled, type CallbackClient } from './callback-client.js';

const COMMAND = 'Group.CallbackBeforeSendMsg';

/** The message with the answer's MsgBody and CloudCustomData applied; throws a StadiumError when they do not make a valid message. */
export function applyRewrite(message: UnsequencedMessage, answer: Record<string, unknown>): UnsequencedMessage {
  const { MsgBody: body, CloudCustomData: custom } = answer;
  if (body === undefined && custom === undefined) return message;
  let content: Pick<UnsequencedMessage, 'type' | 'payload'> = { type: message.type, payload: message.payload };
  if (body !== undefined) {
    const element: unknown = Array.isArray(body) && body.length === 1 ? body[0] : undefined;
    const shape = element as { MsgType?: unknown; MsgContent?: unknown } | undefined;
    if (typeof shape?.MsgType !== 'string' || typeof shape.MsgContent !== 'object' || shape.MsgContent === null || Array.isArray(shape.MsgContent)) {
      throw new StadiumError('INVALID_PARAMETER', 'the callback answer MsgBody must hold exactly one { MsgType, MsgContent } element');
    }
    content = fromMsgBody([{ MsgType: shape.MsgType, MsgContent: shape.MsgContent }]);
  }
  if (custom !== undefined && typeof custom !== 'string') throw new StadiumError('INVALID_PARAMETER', 'the callback answer CloudCustomData must be a string');
  const cloudCustomData = custom ?? message.cloudCustomData;
  const checked = validateMessage({
    id: message.id,
    type: content.type,
    payload: content.payload,
    priority: message.priority,
    ...(message.random !== undefined ? { random: message.random } : {}),
    ...(cloudCustomData !== undefined ? { cloudCustomData } : {}),
  });
  const rewritten: UnsequencedMessage = { ...message, type: checked.type, payload: checked.payload };
  if (checked.cloudCustomData !== undefined) rewritten.cloudCustomData = checked.cloudCustomData;
  return rewritten;
}

/** The before-send callback step. */
export function createBeforeSendStep(deps: { client: CallbackClient; clock: Clock; logger: Logger }): AdmissionStep {
  const { client, clock, logger } = deps;
  return {
    name: 'before-send-callback',
    async run(ctx) {
      const app = ctx.room.app;
      if (ctx.skipBeforeSendCallback || !callbackEnabled(app, COMMAND)) return;
      const result = await client.send(app, COMMAND, ctx.actor, beforeSendBody(ctx.room.groupId, ctx.actor, ctx.message, clock.now()));
      const failed = (detail: string): void => {
        logger.debug({ app: app.sdkAppId, group: ctx.room.groupId, detail, policy: app.callbacks.failPolicy }, 'before-send callback failed');
        if (app.callbacks.failPolicy === 'reject') throw new StadiumError('CALLBACK_FAILED', detail);
      };
      if (!result.ok) return failed(result.detail);
      const { ErrorCode: code, ErrorInfo: info } = result.answer;
      const reason = typeof info === 'string' && info !== '' ? info.slice(0, 200) : undefined;
      if (code === 0) {
        try {
          ctx.message = applyRewrite(ctx.message, result.answer);
        } catch (error) {
          return failed(`its rewrite is not a valid message (${error instanceof Error ? error.message : String(error)})`);
        }
        return;
      }
      if (code === 2) {
        ctx.discard = true;
        return;
      }
      if (typeof code === 'number' && Number.isInteger(code) && code >= 10100 && code <= 10200) {
        // The app's own code reaches the sender (as the compatible service passes it on).
        throw withCode(new StadiumError('CALLBACK_REJECTED', reason), code);
      }
      throw new StadiumError('CALLBACK_REJECTED', reason);
    },
  };
}
