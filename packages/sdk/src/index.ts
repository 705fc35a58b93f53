/**
 * @stadium/sdk: a client for Stadium live-broadcast chat rooms with the API of the compatible
 * Web SDK for AVChatRoom groups.
 *
 * ```ts
 * import TIM from '@stadium/sdk';
 * const tim = TIM.create({ SDKAppID, server: 'http://127.0.0.1:8080' });
 * tim.on(TIM.EVENT.MESSAGE_RECEIVED, ({ data }) => console.log(data));
 * await tim.joinGroup({ groupID, type: TIM.TYPES.GRP_AVCHATROOM });
 * ```
 *
 * `TIM.createInstance(options)` makes an independent instance that `TIM.create` does not cache.
 */
import { TIM } from './tim.js';

export { TIM, VERSION } from './tim.js';
export type { TimStatic } from './tim.js';
export { Client } from './client.js';
export type { IMResponse, LoginData, CreateGroupOptions, UpdateRoomSettingsOptions } from './client-types.js';
export { Message } from './message.js';
export type { ConversationType, MessageStatus, CreateTextMessageOptions, CreateCustomMessageOptions } from './message.js';
export type { TimOptions } from './options.js';
export type { RefreshUserSig } from './user-sig-refresher.js';
export type { NetState } from './connection.js';
export type { GroupMessagesMissed, GroupResumed } from './room-resume.js';
export type { GroupMessageHeldEvent, GroupMessageReviewedEvent } from './review-events.js';
export type { TimEvent, TimEventHandler } from './emitter.js';
export type { LogLevel, LogSink } from './logger.js';
export type { WebSocketLike, WebSocketConstructor } from './transport/websocket-like.js';
export { StadiumError, TIM_EVENT, TIM_TYPES } from '@stadium/protocol';
export type {
  ErrorName,
  Profile,
  ProfileUpdate,
  GroupInfo,
  HeldMessageInfo,
  OnlineMemberInfo,
  RoomSettings,
  UpdateGroupProfileRequest,
  Priority,
  TimEventName,
} from '@stadium/protocol';

export default TIM;
