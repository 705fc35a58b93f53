/**
 * The JSON bodies of the callback commands, field for field as the compatible service sends
 * them (compat-spec §4). `EventTime` is in milliseconds.
 */
import type { StadiumError } from '@stadium/protocol';
import type { ActorStamp } from '../core/actor.js';
import type { UnsequencedMessage } from '../wire/authority-commands.js';
import { toMsgBody } from '../rest/msg-body.js';

/** Group type of every Stadium room. */
const TYPE = 'AVChatRoom';

/** `Group.CallbackBeforeSendMsg`: the message as the sender offered it. */
export function beforeSendBody(groupId: string, actor: ActorStamp, message: UnsequencedMessage, eventTime: number): Record<string, unknown> {
  return {
    CallbackCommand: 'Group.CallbackBeforeSendMsg',
    GroupId: groupId,
    Type: TYPE,
    From_Account: message.from,
    Operator_Account: actor.userId ?? '',
    Random: message.random ?? 0,
    OnlineOnlyFlag: 0,
    MsgBody: toMsgBody(message),
    CloudCustomData: message.cloudCustomData ?? '',
    EventTime: eventTime,
  };
}

/** `Group.CallbackAfterSendMsg`: the message as delivered, with its sequence number and time. */
export function afterSendBody(groupId: string, actor: ActorStamp, message: UnsequencedMessage, seq: number, time: number, eventTime: number): Record<string, unknown> {
  return { ...beforeSendBody(groupId, actor, message, eventTime), CallbackCommand: 'Group.CallbackAfterSendMsg', MsgSeq: seq, MsgTime: time };
}

/** `Group.CallbackSendMsgException`: a message that was not delivered, and why. */
export function sendExceptionBody(
  groupId: string,
  actor: ActorStamp,
  message: UnsequencedMessage,
  error: Pick<StadiumError, 'code' | 'message'>,
  eventTime: number,
): Record<string, unknown> {
  return { ...beforeSendBody(groupId, actor, message, eventTime), CallbackCommand: 'Group.CallbackSendMsgException', ErrorCode: error.code, ErrorInfo: error.message };
}

/** `Group.CallbackAfterNewMemberJoin`: a user joined (live rooms have no invitations). */
export function memberJoinBody(groupId: string, userId: string, eventTime: number): Record<string, unknown> {
  return {
    CallbackCommand: 'Group.CallbackAfterNewMemberJoin',
    GroupId: groupId,
    Type: TYPE,
    JoinType: 'Apply',
    Operator_Account: userId,
    NewMemberList: [{ Member_Account: userId }],
    EventTime: eventTime,
  };
}

/** `Group.CallbackAfterMemberExit`: a member quit or was removed. */
export function memberExitBody(groupId: string, userId: string, exitType: 'Quit' | 'Kicked', operatorId: string, eventTime: number): Record<string, unknown> {
  return {
    CallbackCommand: 'Group.CallbackAfterMemberExit',
    GroupId: groupId,
    Type: TYPE,
    ExitType: exitType,
    Operator_Account: operatorId,
    ExitMemberList: [{ Member_Account: userId }],
    EventTime: eventTime,
  };
}

/** `Group.CallbackAfterGroupDestroyed`. `MemberList` is empty: a live room's authority knows member counts, not members. */
export function groupDestroyedBody(groupId: string, ownerId: string, name: string, eventTime: number): Record<string, unknown> {
  return { CallbackCommand: 'Group.CallbackAfterGroupDestroyed', GroupId: groupId, Type: TYPE, Owner_Account: ownerId, Name: name, MemberList: [], EventTime: eventTime };
}

/** What `Group.CallbackAfterGroupInfoChanged` reports (only these four fields, as the compatible service). */
export interface InfoChange {
  name?: string;
  introduction?: string;
  notification?: string;
  faceUrl?: string;
}

/** `Group.CallbackAfterGroupInfoChanged`, or undefined when none of its fields changed. */
export function groupInfoChangedBody(groupId: string, operatorId: string, change: InfoChange, eventTime: number): Record<string, unknown> | undefined {
  const fields: Record<string, unknown> = {};
  if (change.name !== undefined) fields.Name = change.name;
  if (change.introduction !== undefined) fields.Introduction = change.introduction;
  if (change.notification !== undefined) fields.Notification = change.notification;
  if (change.faceUrl !== undefined) fields.FaceUrl = change.faceUrl;
  if (Object.keys(fields).length === 0) return undefined;
  return { CallbackCommand: 'Group.CallbackAfterGroupInfoChanged', GroupId: groupId, Type: TYPE, Operator_Account: operatorId, ...fields, EventTime: eventTime };
}

/** A login state change: Login / Register, Logout / Unregister, Disconnect / LinkClose or TimeOut. */
export interface StateChange {
  action: 'Login' | 'Logout' | 'Disconnect';
  reason: 'Register' | 'Unregister' | 'LinkClose' | 'TimeOut';
  userId: string;
}

/** `State.StateChange`. */
export function stateChangeBody(change: StateChange, eventTime: number): Record<string, unknown> {
  return { CallbackCommand: 'State.StateChange', EventTime: eventTime, Info: { Action: change.action, To_Account: change.userId, Reason: change.reason } };
}
