/**
 * Frames on the WebSocket, both directions, and the commands a client may send.
 * docs/protocol.md describes each frame; this file is the single definition.
 */
import type { ErrorName } from './errors.js';
import type { OutgoingMessage, WireMessage } from './messages.js';

/**
 * What was published instead of the message sent, when the room rewrote it (a before-send
 * callback's new MsgBody, a masking word list): the sender's SDK puts it on the sent Message.
 */
export interface RewrittenMessage {
  type: OutgoingMessage['type'];
  payload: OutgoingMessage['payload'];
  /** Present when the published message carries one. */
  cloudCustomData?: string;
}

/** Protocol version this build speaks by default. */
export const PROTOCOL_VERSION = 1;
/** Versions the server accepts (`?v=` on the WebSocket URL). */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1];
/** Path of the WebSocket endpoint: `ws://host:port/ws?sdkappid=<n>&v=<version>&platform=<Web|…>`. */
export const WS_PATH = '/ws';

// ── Command bodies and results ─────────────────────────────────────────────

/** A user profile. */
export interface Profile {
  userID: string;
  nick: string;
  avatar: string;
  gender: string;
  selfSignature: string;
  location: string;
  birthday: number;
  language: number;
  level: number;
  role: number;
  allowType: string;
  adminForbidType: string;
  messageSettings: number;
  profileCustomField: Array<{ key: string; value: string }>;
  lastUpdatedNumber?: number;
}

/** Fields `profile.update` may set. */
export type ProfileUpdate = Partial<Omit<Profile, 'userID' | 'lastUpdatedNumber'>>;

/** Per-room settings as they are in force (app default merged with room override). */
export interface RoomSettings {
  /** Messages per second the room accepts from senders (default 40). */
  rateLimitPerSec: number;
  /** Whether members receive join / quit tips. */
  memberTips: boolean;
  /**
   * Messages per second each member receives at most (High is never held back): 0 = no cap;
   * null = the server's automatic cap, which applies once the room is big.
   */
  downstreamCapPerSec: number | null;
  /**
   * Slow mode: the fewest seconds between two messages of one member (0 = off, at most 3600);
   * owners, admins and the app admin are exempt.
   */
  slowModeSec: number;
  /**
   * History for late joiners: the room keeps its last `historySize` published messages (0 =
   * off, at most 1,000) and a joiner reads them with `msg.history` (`getMessageList`).
   */
  historySize: number;
  /** Keep the room's whole record (every published message, bounded) for export in order. */
  keepRecord: boolean;
}

/** A live room's profile, in the compatible SDK's `Group` shape. */
export interface GroupInfo {
  groupID: string;
  name: string;
  type: 'AVChatRoom';
  avatar: string;
  introduction: string;
  notification: string;
  ownerID: string;
  createTime: number;
  lastInfoTime: number;
  /** Sequence number the next message in the room will get. */
  nextMessageSeq: number;
  /** Members online now (connections joined). */
  memberCount: number;
  maxMemberCount: number;
  muteAllMembers: boolean;
  joinOption: 'FreeAccess';
  groupCustomField: Array<{ key: string; value: string }>;
  selfInfo?: { role: 'Owner' | 'Admin' | 'Member'; joinTime: number; messageRemindType: 'AcceptAndNotify' };
  settings: RoomSettings;
}

/** Request of `group.create`. */
export interface CreateGroupRequest {
  name: string;
  type: string;
  groupID?: string;
  introduction?: string;
  notification?: string;
  avatar?: string;
  /** Stadium extension: room settings overrides. */
  settings?: Partial<RoomSettings>;
}

/** Request of `group.update` (the compatible SDK's `updateGroupProfile` options). */
export interface UpdateGroupProfileRequest {
  groupID: string;
  name?: string;
  introduction?: string;
  notification?: string;
  avatar?: string;
  muteAllMembers?: boolean;
  /** Live rooms are always `FreeAccess`; any other value is refused. */
  joinOption?: string;
  groupCustomField?: Array<{ key: string; value: string }>;
}

/** Result of `login`. */
export interface LoginResult {
  userID: string;
  profile: Profile;
  /** True when the user is the app's admin account. */
  isAdmin: boolean;
  /** Server time in seconds. */
  time: number;
  /**
   * When the userSig this login used expires, in ms since the epoch (server time). The server
   * kicks the connection (`userSigExpired`) soon after unless a new `login` replaces the userSig.
   */
  expireAt: number;
}

/** Result of `group.join`. */
export interface JoinResult {
  status: 'JoinedSuccess' | 'AlreadyInGroup';
  group: GroupInfo;
  /** Sequence number of the newest message in the room at join time (0 if none). */
  lastSeq: number;
  /**
   * When the request carried `sinceSeq`: true when every message after it that the server
   * still held was sent (in `msgs` frames before this response), false when some were gone.
   */
  resumed?: boolean;
  /**
   * With `resumed: false`, when the server knows which messages it could no longer send: the
   * sequence numbers `fromSeq` to `toSeq` (inclusive) are gone; what it still held after them
   * was sent before this response. Absent when `sinceSeq` cannot be placed in the room's
   * numbering (it is past the room's last message, or from an earlier room created again
   * under the same ID).
   */
  missed?: { fromSeq: number; toSeq: number };
  /** The room's pinned messages at join time, oldest pin first (later changes come as `pins` frames). */
  pinnedMessages?: PinnedMessage[];
}

/** Request of `group.counters`: read or change a room's counters (likes, viewers, …). */
export type CountersRequest = { groupID: string } & (
  | { op: 'get'; keys?: string[] }
  | { op: 'set'; counters: Record<string, number> }
  | { op: 'increase' | 'decrease'; key: string; value: number }
  /** Remove counters (all when `keys` is absent or empty); REST `delete_group_counter`. */
  | { op: 'delete'; keys?: string[] }
);

/**
 * Request of `group.attributes`: read or write a room's attributes (compatible `GroupAttr`).
 * `init` replaces every attribute, `set` adds or changes the given ones, `delete` removes the
 * given keys (all when `keys` is absent or empty). A write may carry `version`, the attribute
 * version the client last saw: when the room's is newer the write is refused with
 * ATTRIBUTES_CONFLICT (10056) and changes nothing.
 */
export type AttributesRequest = { groupID: string } & (
  { op: 'get'; keys?: string[] } | { op: 'init' | 'set'; attributes: Record<string, string>; version?: number } | { op: 'delete'; keys?: string[]; version?: number }
);

/** Result of `group.attributes`: the room's attributes after the operation (only the asked keys for `get` with `keys`) and their version. */
export interface AttributesResult {
  attributes: Record<string, string>;
  version: number;
}

/**
 * A pinned message of a live room: the message as the room published it (sender, seq, time,
 * payload), who pinned it and when, and when the pin lapses by itself (0: until unpinned).
 */
export interface PinnedMessage {
  message: WireMessage;
  /** userID of the owner, admin or app admin that pinned it. */
  pinnedBy: string;
  /** When it was pinned (ms since the epoch). */
  pinnedAt: number;
  /** When the pin lapses by itself (ms since the epoch); 0 for never. */
  expireAt: number;
}

/**
 * Request of `group.pins`: list a room's pins, pin one of its recent messages (by `seq`,
 * optionally for `duration` seconds, Stadium's own option) or unpin one.
 */
export type PinsRequest = { groupID: string } & ({ op: 'list' } | { op: 'pin'; seq: number; duration?: number } | { op: 'unpin'; seq: number });

/** Result of `group.pins`: the room's pins after the operation, oldest pin first. */
export interface PinsResult {
  pinnedMessages: PinnedMessage[];
}

/** `operationType` of a pins change: 1 pinned, 2 unpinned (also when a pin lapsed). */
export const PIN_OPERATION = Object.freeze({ PIN: 1, UNPIN: 2 } as const);

/** A room member as the moderation commands answer (the compatible SDK's `GroupMember`, the fields a live room has). */
export interface GroupMemberInfo {
  userID: string;
  role: 'Owner' | 'Admin' | 'Member';
  /** Muted until this time (UNIX seconds); 0 when not muted, 4294967295 when muted for ever. */
  muteUntil: number;
}

/** An online member as `group.members` lists it (the compatible SDK's `GroupMember` for a live room, plus role and mute). */
export interface OnlineMemberInfo {
  userID: string;
  nick: string;
  avatar: string;
  /** When the member joined (UNIX seconds): its first connection still in the room. */
  joinTime: number;
  role: 'Owner' | 'Admin' | 'Member';
  /** Muted until this time (UNIX seconds); 0 when not muted, 4294967295 when muted for ever. */
  muteUntil: number;
}

/** A message held for review (review queue): what owners and admins see. Times in UNIX seconds. */
export interface HeldMessageInfo {
  holdID: string;
  /** The message as it would be published (masks applied), without a sequence number yet. */
  message: Omit<WireMessage, 'seq' | 'time'>;
  heldAt: number;
  expiresAt: number;
}

/** Every command: its request body and its result. */
export interface Commands {
  login: { req: { userID: string; userSig: string }; res: LoginResult };
  logout: { req: Record<string, never>; res: Record<string, never> };
  'profile.update': { req: ProfileUpdate; res: Profile };
  'profile.get': { req: { userIDList: string[] }; res: { profiles: Profile[] } };
  'group.create': { req: CreateGroupRequest; res: { group: GroupInfo } };
  'group.join': { req: { groupID: string; sinceSeq?: number }; res: JoinResult };
  'group.quit': { req: { groupID: string }; res: { groupID: string } };
  'group.dismiss': { req: { groupID: string }; res: { groupID: string } };
  'group.get': { req: { groupID: string }; res: { group: GroupInfo } };
  'group.online': { req: { groupID: string }; res: { memberCount: number } };
  'group.settings': { req: { groupID: string } & Partial<RoomSettings>; res: { settings: RoomSettings } };
  'group.counters': { req: CountersRequest; res: { counters: Record<string, number> } };
  /** Read (any joined member, guests too) or write (joined logged-in members) a room's attributes; members get an `attrs` frame after each write. */
  'group.attributes': { req: AttributesRequest; res: AttributesResult };
  /** List (any joined member, guests too), pin or unpin (owner, admins) a room's pinned messages; members get a `pins` frame after each change. */
  'group.pins': { req: PinsRequest; res: PinsResult };
  /**
   * `sampled: true` (and `seq: 0`) when the room accepted the message but its downstream cap
   * kept it from being broadcast (only in big rooms with a cap; High is never sampled away).
   */
  /**
   * Change a room's profile (owner, admins, app admin): members get a group-profile-updated tip
   * with `newGroupProfile`. `groupCustomField` entries with an empty value delete the key.
   */
  'group.update': { req: UpdateGroupProfileRequest; res: { group: GroupInfo } };
  /** Set (`Admin`) or unset (`Member`) a room admin: the owner (or the app admin) only. */
  'group.role': { req: { groupID: string; userID: string; role: 'Admin' | 'Member' }; res: { group: GroupInfo; member: GroupMemberInfo } };
  /** Mute a member for `muteTime` seconds (0 unmutes, 4294967295 for ever): owner and admins. */
  'group.mute': { req: { groupID: string; userID: string; muteTime: number }; res: { group: GroupInfo; member: GroupMemberInfo } };
  /** Remove members and ban them from rejoining for `duration` seconds: owner and admins. */
  'group.ban': { req: { groupID: string; userIDList: string[]; duration: number; reason?: string }; res: { group: GroupInfo; userIDList: string[] } };
  /**
   * One page of a room's online logged-in members, newest first (guests are counted, not
   * listed): at most `count` (default and most: 500); `offset` 0 for the first page, then the
   * `offset` of the last answer, which is 0 when there is nothing more.
   */
  'group.members': { req: { groupID: string; count?: number; offset?: number }; res: { memberList: OnlineMemberInfo[]; offset: number } };
  /** The room's messages held for review, oldest first: owner and admins. */
  'group.reviewQueue': { req: { groupID: string }; res: { groupID: string; heldMessageList: HeldMessageInfo[] } };
  /** Approve (publish as a new message; `seq` is its number) or deny (drop; `seq` 0) a held message: owner and admins. */
  'group.review': { req: { groupID: string; holdID: string; action: 'Approve' | 'Deny' }; res: { groupID: string; holdID: string; seq: number; time: number } };
  /** A resend with the same `message.id` within the window gets the first send's answer (idempotent sends); `id` is the published message's ID. */
  'msg.send': { req: { groupID: string; message: OutgoingMessage }; res: { seq: number; time: number; id?: string; sampled?: true; rewritten?: RewrittenMessage } };
  'msg.revoke': { req: { groupID: string; id: string }; res: Record<string, never> };
  /**
   * The room's history (its last `historySize` messages), newest page first: at most `count`
   * messages with sequence numbers up to `toSeq` (inclusive; the join answer's `lastSeq`, so
   * history and live messages meet without gap or duplicate) and below `beforeSeq`, oldest
   * first. `isCompleted` when no older kept message remains.
   */
  'msg.history': { req: { groupID: string; toSeq?: number; beforeSeq?: number; count?: number }; res: { messages: WireMessage[]; isCompleted: boolean } };
}

/** A command name. */
export type CommandName = keyof Commands;

/** All command names, for validation. */
export const COMMAND_NAMES: readonly CommandName[] = [
  'login',
  'logout',
  'profile.update',
  'profile.get',
  'group.create',
  'group.join',
  'group.quit',
  'group.dismiss',
  'group.get',
  'group.online',
  'group.settings',
  'group.counters',
  'group.attributes',
  'group.pins',
  'group.update',
  'group.role',
  'group.mute',
  'group.ban',
  'group.members',
  'group.reviewQueue',
  'group.review',
  'msg.send',
  'msg.revoke',
  'msg.history',
];

/** True when `value` names a command. */
export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && (COMMAND_NAMES as readonly string[]).includes(value);
}

// ── Frames ─────────────────────────────────────────────────────────────────

/** Client → server: a request, answered by exactly one `res` with the same `id`. */
export interface RequestFrame<C extends CommandName = CommandName> {
  t: 'req';
  id: number;
  cmd: C;
  body: Commands[C]['req'];
}

/** Client → server: keepalive; the server answers `pong`. */
export interface PingFrame {
  t: 'ping';
}

/** Any frame a client sends. */
export type ClientFrame = RequestFrame | PingFrame;

/** Server → client, first frame on every connection. */
export interface HelloFrame {
  t: 'hello';
  /** Protocol version in use. */
  v: number;
  /** Node that holds this connection (for logs). */
  node: string;
  /** Send a ping at least this often; the server closes after 2.5× this without a frame. */
  heartbeatMs: number;
  maxMessageBytes: number;
  /** Server time in milliseconds. */
  time: number;
}

/** Server → client: successful result of a request. */
export interface OkResponseFrame<C extends CommandName = CommandName> {
  t: 'res';
  id: number;
  code: 0;
  data: Commands[C]['res'];
}

/** Server → client: failed request. */
export interface ErrorResponseFrame {
  t: 'res';
  id: number;
  code: number;
  name: ErrorName;
  message: string;
}

/** Server → client: messages of one room, in sequence order. */
export interface MessagesFrame {
  t: 'msgs';
  /** groupID. */
  g: string;
  m: WireMessage[];
  /**
   * Present when the server dropped messages for this connection because it read too slowly
   * (lowest priority first): how many were dropped since the last frame.
   */
  lost?: number;
}

/**
 * Server → client: a room's counters, as totals, after some changed. Taps are aggregated at
 * the room's authority and pushed at most once per `counterPushMs`, never one frame per tap.
 */
export interface CountersFrame {
  t: 'counters';
  /** groupID. */
  g: string;
  /** Every counter of the room and its value. */
  c: Record<string, number>;
}

/** Server → client: every attribute of a room and their version, after a write. */
export interface AttributesFrame {
  t: 'attrs';
  /** groupID. */
  g: string;
  /** Every attribute of the room. */
  a: Record<string, string>;
  /** The attribute version. */
  v: number;
}

/** Server → client: every pin of a room after a change (a pin, an unpin, a pin that lapsed). */
export interface PinsFrame {
  t: 'pins';
  /** groupID. */
  g: string;
  /** Every pin of the room, oldest first. */
  p: PinnedMessage[];
  /** What changed: 1 pinned, 2 unpinned ({@link PIN_OPERATION}). */
  o: 1 | 2;
  /** Sequence number of the message pinned or unpinned. */
  s: number;
}

/**
 * Server → client: a one-to-one message for this connection's user (REST `openim/sendmsg`), or,
 * with the sender's other connections, the sender's own copy. Online only: a connection that is
 * not logged in as `to` or `m.from` never receives it, and nothing is kept for later.
 */
export interface C2CFrame {
  t: 'c2c';
  /** The recipient's userID. */
  to: string;
  /** The message; `seq` is the request's `MsgSeq` (outside every room's numbering). */
  m: WireMessage;
}

/** Server → client: answer to `ping`. */
export interface PongFrame {
  t: 'pong';
  time: number;
}

/** Server → client: a frame that could not be answered by `res` (no usable `id`). */
export interface ErrorFrame {
  t: 'err';
  code: number;
  name: ErrorName;
  message: string;
  /** With `SERVER_DRAINING`: the delay in ms the server suggests before reconnecting (spread it with jitter). */
  retryAfterMs?: number;
}

/** Server → client: the session ends on purpose; the close follows. */
export interface KickFrame {
  t: 'kick';
  /** `TIM.TYPES.KICKED_OUT_*` value. */
  type: 'multipleAccount' | 'multipleDevice' | 'userSigExpired' | 'REST_API_Kick';
  code: number;
  name: ErrorName;
  message: string;
}

/** Any frame a server sends. */
export type ServerFrame =
  HelloFrame | OkResponseFrame | ErrorResponseFrame | MessagesFrame | C2CFrame | CountersFrame | AttributesFrame | PinsFrame | PongFrame | ErrorFrame | KickFrame;
