/** @stadium/protocol: the wire between the Stadium server and its SDK. */
export { TIM_EVENT, TIM_TYPES, PRIORITIES, GROUP_SYSTEM_NOTICE, PLATFORMS, priorityRank, isPriority } from './tim-constants.js';
export type { TimEventName, Priority, Platform } from './tim-constants.js';
export { CLOSE_CODES, shouldReconnect } from './close-codes.js';
export type { CloseCode } from './close-codes.js';
export { ERRORS, StadiumError, errorSpec, isErrorName, withCode } from './errors.js';
export type { ErrorSpec, ErrorName } from './errors.js';
export { LIMITS, AUTO_GROUP_ID_PREFIX, utf8Length, isValidUserId, isValidCustomGroupId, isValidGroupId, isValidProfileCustomKey, PROFILE_CUSTOM_PREFIX } from './limits.js';
export { SENDABLE_MESSAGE_TYPES } from './messages.js';
export { emptyProfile } from './profile.js';
export type {
  TextPayload,
  CustomPayload,
  FacePayload,
  LocationPayload,
  GroupTipPayload,
  GroupSystemNoticePayload,
  SendableMessageType,
  OutgoingMessage,
  WireMessage,
} from './messages.js';
export { PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, WS_PATH, COMMAND_NAMES, PIN_OPERATION, isCommandName } from './frames.js';
export type {
  Profile,
  ProfileUpdate,
  RoomSettings,
  GroupInfo,
  GroupMemberInfo,
  OnlineMemberInfo,
  HeldMessageInfo,
  CreateGroupRequest,
  CountersRequest,
  AttributesRequest,
  UpdateGroupProfileRequest,
  AttributesResult,
  AttributesFrame,
  PinnedMessage,
  PinsRequest,
  PinsResult,
  PinsFrame,
  CountersFrame,
  LoginResult,
  JoinResult,
  Commands,
  CommandName,
  RequestFrame,
  PingFrame,
  ClientFrame,
  HelloFrame,
  OkResponseFrame,
  ErrorResponseFrame,
  MessagesFrame,
  PongFrame,
  ErrorFrame,
  KickFrame,
  C2CFrame,
  ServerFrame,
  RewrittenMessage,
} from './frames.js';
