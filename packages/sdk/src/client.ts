/**
 * An SDK instance: the compatible SDK's methods on top of one {@link Connection}.
 * Promises resolve to `{ code: 0, data }` and reject with a {@link StadiumError}
 * (`code`, `message`, `data`).
 *
 * This class is the facade only: it wires the modules together and delegates each method.
 * {@link Session} (login, logout, re-login), {@link Rooms} (join, quit, counters …),
 * {@link RoomResume} (rejoin after a reconnect), {@link MessageSender} (create, send,
 * revoke), {@link UserProfiles} and {@link PushDispatcher} (pushed frames → events).
 */
import {
  CLOSE_CODES,
  TIM_EVENT,
  type GroupInfo,
  type GroupMemberInfo,
  type OnlineMemberInfo,
  type HeldMessageInfo,
  type Profile,
  type ProfileUpdate,
  type RoomSettings,
  type UpdateGroupProfileRequest,
} from '@stadium/protocol';
import { defaultWebSocket } from '#websocket';
import { resolveClientEnvironment, type ClientEnvironment } from './client-environment.js';
import type { CreateGroupOptions, IMResponse, LoginData, UpdateRoomSettingsOptions } from './client-types.js';
import { Connection, type Requester } from './connection.js';
import { connectionUrl } from './connection-url.js';
import { CounterTotals, type CounterChange } from './counters.js';
import { GroupAttributes } from './group-attributes.js';
import { PinnedMessages, type PinGroupMessageOptions } from './pinned-messages.js';
import { Emitter, type TimEventHandler } from './emitter.js';
import { ok } from './im-response.js';
import { JoinedGroups } from './joined-groups.js';
import { Logger } from './logger.js';
import { MessageHold } from './message-hold.js';
import { MessageSender } from './message-sender.js';
import type { CreateCustomMessageOptions, CreateTextMessageOptions, Message } from './message.js';
import { resolveTimOptions, type ResolvedTimOptions, type TimOptions } from './options.js';
import { PushDispatcher } from './push-dispatcher.js';
import { RecentIds } from './recent-ids.js';
import { RoomResume } from './room-resume.js';
import { Rooms } from './rooms.js';
import { Session } from './session.js';
import { UserProfiles } from './user-profiles.js';
import { UserSigRefresher } from './user-sig-refresher.js';

/** Hooks for the owner of the instance (the `TIM.create` cache). */
export interface ClientHooks {
  /** Called once by `destroy()`. */
  destroyed?: () => void;
}

/** One SDK instance, as returned by `TIM.create` / `TIM.createInstance`. */
export class Client {
  private readonly options: ResolvedTimOptions;
  private readonly logger: Logger;
  private readonly emitter: Emitter;
  private readonly connection: Connection;
  private readonly joined = new JoinedGroups();
  private readonly session: Session;
  private readonly rooms: Rooms;
  private readonly resume: RoomResume;
  private readonly sender: MessageSender;
  private readonly profiles: UserProfiles;
  private readonly push: PushDispatcher;
  private readonly pins: PinnedMessages;

  /**
   * @param hooks for the owner of the instance.
   * @param environment internal: clock, randomness and timers (tests pass a manual clock).
   */
  constructor(
    options: TimOptions,
    private readonly hooks: ClientHooks = {},
    environment: Partial<ClientEnvironment> = {},
  ) {
    this.options = resolveTimOptions(options);
    const env = resolveClientEnvironment(environment);
    const logger = (this.logger = new Logger(this.options.logger, this.options.logLevel));
    const emitter = (this.emitter = new Emitter(logger));
    this.connection = new Connection(
      {
        urls: this.options.servers.map((server) => connectionUrl(server, this.options.SDKAppID, this.options.platform)),
        reconnectBaseMs: this.options.reconnectBaseMs,
        reconnectMaxMs: this.options.reconnectMaxMs,
        requestTimeoutMs: this.options.requestTimeoutMs,
        maxQueuedRequests: this.options.maxQueuedRequests,
      },
      { WebSocket: this.options.WebSocket ?? defaultWebSocket(), logger, ...env },
      {
        stateChanged: (state) => emitter.emit(TIM_EVENT.NET_STATE_CHANGE, { state }),
        sessionStart: (request, reconnect) => this.restoreSession(request, reconnect),
        push: (frame) => this.push.dispatch(frame),
        ended: (code, reason) => this.onEnded(code, reason),
      },
    );
    const request: Requester = (cmd, body) => this.connection.request(cmd, body);
    const joined = this.joined;
    const sentIds = new RecentIds();
    const counterTotals = new CounterTotals();
    const attributes = new GroupAttributes((body) => request('group.attributes', body));
    const refreshUserSig = this.options.refreshUserSig;
    const refresher = refreshUserSig
      ? new UserSigRefresher({
          refreshUserSig,
          renew: (userSig) => session.renew(userSig),
          marginMs: this.options.userSigRefreshMarginMs,
          retries: this.options.userSigRefreshRetries,
          hookTimeoutMs: this.options.requestTimeoutMs,
          environment: env,
          logger,
        })
      : undefined;
    const session: Session = (this.session = new Session({
      request,
      closeConnection: () => this.connection.close(),
      joined,
      emitter,
      logger,
      ...(refresher ? { lifecycle: refresher } : {}),
    }));
    const pins = (this.pins = new PinnedMessages(
      (body) => request('group.pins', body),
      () => session.userID,
      (groupID) => joined.has(groupID),
    ));
    this.rooms = new Rooms({ request, netState: () => this.connection.getState(), session, joined, counterTotals, attributes, pins });
    const hold = new MessageHold();
    const push = (this.push = new PushDispatcher({ session, joined, sentIds, counterTotals, attributes, pins, emitter, logger, hold }));
    this.resume = new RoomResume({
      joined,
      hold,
      pins,
      emitter,
      logger,
      deliver: (frame) => push.deliver(frame),
      wait: (ms) => new Promise<void>((resolve) => void env.setTimeout(resolve, ms)),
    });
    this.sender = new MessageSender({ request, session, joined, sentIds, environment: env });
    this.profiles = new UserProfiles(request, session);
  }

  /** The SDKAppID of this instance. */
  get SDKAppID(): number {
    return this.options.SDKAppID;
  }

  /** Set the log level: 0 normal, 1 release, 2 warnings, 3 errors, 4 none. */
  setLogLevel(level: number): void {
    this.logger.setLevel(level);
  }

  /**
   * Listen to `TIM.EVENT.*`; the handler gets `{ name, data }`. Besides the compatible events,
   * `TIM.EVENT.GROUP_MESSAGES_MISSED` (Stadium extension) reports messages of a room that this
   * client will not receive: sent while it was away, or lost on the way to its server node
   * (see `GroupMessagesMissed` in room-resume.ts, missed-notice.ts), and
   * `TIM.EVENT.GROUP_RESUMED` whether a rejoined room's recovery was complete (`GroupResumed`).
   */
  on<T = unknown>(eventName: string, handler: TimEventHandler<T>, context?: unknown): void {
    this.emitter.on(eventName, handler, context);
  }

  /** Stop listening. */
  off<T = unknown>(eventName: string, handler: TimEventHandler<T>, context?: unknown): void {
    this.emitter.off(eventName, handler, context);
  }

  /** Log in. Emits `SDK_READY` on success; resolves with `repeatLogin: true` when already logged in as this user. */
  login(options: { userID: string; userSig: string }): Promise<IMResponse<LoginData>> {
    return this.session.login(options);
  }

  /** Log out: leaves every room, closes the connection and emits `SDK_NOT_READY`. */
  logout(): Promise<IMResponse<Record<string, never>>> {
    return this.session.logout();
  }

  /** Close the connection, fail pending calls with 2905 and forget this instance in `TIM.create`'s cache. */
  async destroy(): Promise<IMResponse<Record<string, never>>> {
    if (this.session.destroyed) return ok({});
    this.session.destroy();
    this.connection.close('SDK_DESTROYED');
    this.joined.clear();
    this.emitter.clear();
    this.hooks.destroyed?.();
    return ok({});
  }

  /** Update the logged-in user's profile; resolves with the updated profile. */
  updateMyProfile(fields: ProfileUpdate): Promise<IMResponse<Profile>> {
    return this.profiles.updateMine(fields);
  }

  /** The logged-in user's profile. */
  getMyProfile(): Promise<IMResponse<Profile>> {
    return this.profiles.getMine();
  }

  /** Profiles of the given users. */
  getUserProfile(options: { userIDList: string[] }): Promise<IMResponse<Profile[]>> {
    return this.profiles.get(options);
  }

  /** Create a live-broadcast group (type must be `TIM.TYPES.GRP_AVCHATROOM`); join it afterwards. */
  createGroup(options: CreateGroupOptions): Promise<IMResponse<{ group: GroupInfo }>> {
    return this.rooms.create(options);
  }

  /** Join a room; works without login (guests receive only). Status `JoinedSuccess` or `AlreadyInGroup`. */
  joinGroup(options: { groupID: string; type?: string; applyMessage?: string }): Promise<IMResponse<{ status: string; group: GroupInfo }>> {
    return this.rooms.join(options);
  }

  /** Leave a room (guests too). */
  quitGroup(groupID: string): Promise<IMResponse<{ groupID: string }>> {
    return this.rooms.quit(groupID);
  }

  /** Dismiss a room (owner or app admin); every member is told. */
  dismissGroup(groupID: string): Promise<IMResponse<{ groupID: string }>> {
    return this.rooms.dismiss(groupID);
  }

  /** A room's profile. */
  getGroupProfile(options: { groupID: string }): Promise<IMResponse<{ group: GroupInfo }>> {
    return this.rooms.getProfile(options);
  }

  /** Members online in a room now. */
  getGroupOnlineMemberCount(groupID: string): Promise<IMResponse<{ memberCount: number }>> {
    return this.rooms.onlineMemberCount(groupID);
  }

  /** Stadium extension: change a room's settings (owner or app admin). */
  updateRoomSettings(options: UpdateRoomSettingsOptions): Promise<IMResponse<{ settings: RoomSettings }>> {
    return this.rooms.updateSettings(options);
  }

  /** Set several group counters at once (logged-in members, owner or app admin). */
  setGroupCounters(options: { groupID: string; counters: Record<string, number> }): Promise<IMResponse<{ groupID: string; counters: Record<string, number> }>> {
    return this.rooms.setCounters(options);
  }

  /** Add to a group counter; members see the new total in an aggregate GROUP_COUNTER_UPDATED. */
  increaseGroupCounter(options: { groupID: string; key: string; value: number }): Promise<IMResponse<CounterChange>> {
    return this.rooms.changeCounter('increase', options);
  }

  /** Subtract from a group counter. */
  decreaseGroupCounter(options: { groupID: string; key: string; value: number }): Promise<IMResponse<CounterChange>> {
    return this.rooms.changeCounter('decrease', options);
  }

  /** Read group counters (all when `keyList` is empty); guests may read. */
  getGroupCounters(options: { groupID: string; keyList?: string[] }): Promise<IMResponse<{ groupID: string; counters: Record<string, number> }>> {
    return this.rooms.getCounters(options);
  }

  /**
   * Change a room's profile: `name`, `introduction`, `notification`, `avatar`,
   * `muteAllMembers`, `groupCustomField` (an empty value deletes the key). Owner and admins
   * only (others get 10007); every member gets a group-profile-updated tip
   * (`GRP_TIP_GRP_PROFILE_UPDATED`) whose `newGroupProfile` holds what changed.
   */
  updateGroupProfile(options: UpdateGroupProfileRequest): Promise<IMResponse<{ group: GroupInfo }>> {
    return this.rooms.updateProfile(options);
  }

  /**
   * Replace every attribute of a live room (joined, logged-in members): at most 16 keys, key
   * ≤ 32 bytes, value ≤ 4 KB, 16 KB in all. Members get GROUP_ATTRIBUTES_UPDATED. A write made
   * after someone else's that this client has not seen fails with 10056: read and retry.
   */
  initGroupAttributes(options: { groupID: string; groupAttributes: Record<string, string> }): Promise<IMResponse<{ groupAttributes: Record<string, string> }>> {
    return this.rooms.initAttributes(options);
  }

  /** Add or change some attributes of a live room (as initGroupAttributes; other keys stay). */
  setGroupAttributes(options: { groupID: string; groupAttributes: Record<string, string> }): Promise<IMResponse<{ groupAttributes: Record<string, string> }>> {
    return this.rooms.setAttributes(options);
  }

  /** Delete attributes of a live room (all when `keyList` is empty); a key the room lacks fails with 10050. */
  deleteGroupAttributes(options: { groupID: string; keyList?: string[] }): Promise<IMResponse<{ keyList: string[] }>> {
    return this.rooms.deleteAttributes(options);
  }

  /** Read attributes of a joined live room (all when `keyList` is empty). */
  getGroupAttributes(options: { groupID: string; keyList?: string[] }): Promise<IMResponse<{ groupAttributes: Record<string, string> }>> {
    return this.rooms.getAttributes(options);
  }

  /**
   * Pin (`isPinned: true`) or unpin (`false`) a message of a live room: owner and admins (others
   * get 10007). At most 3 pins per room by default (10070); the message must still be among the
   * room's recent ones (10071). Stadium's own `duration` (seconds) makes the pin lapse by itself.
   * Every member gets PINNED_GROUP_MESSAGE_UPDATED `{ groupID, messageList, operationType }`.
   */
  async pinGroupMessage(options: PinGroupMessageOptions): Promise<IMResponse<Record<string, never>>> {
    this.session.requireReady();
    return ok(await this.pins.pin(options));
  }

  /** The pinned messages of a joined live room, oldest pin first (guests too): `data.messageList`. */
  async getPinnedGroupMessageList(groupID: string): Promise<IMResponse<{ messageList: Message[] }>> {
    this.session.requireAlive();
    return ok(await this.pins.list(groupID));
  }

  /**
   * Set (`TIM.TYPES.GRP_MBR_ROLE_ADMIN`) or unset (`GRP_MBR_ROLE_MEMBER`) a room admin: the
   * owner only (others get 2681). The room gets a set-admin / canceled-admin tip.
   */
  setGroupMemberRole(options: { groupID: string; userID: string; role: string }): Promise<IMResponse<{ group: GroupInfo; member: GroupMemberInfo }>> {
    return this.rooms.setMemberRole(options);
  }

  /**
   * Live rooms: one page of the online logged-in members (guests are not listed), newest
   * first, with nick, avatar, joinTime, role and muteUntil. `count` at most 500 (the default);
   * pass the answer's `offset` to get the next page; `offset` 0 in an answer means the end.
   */
  getGroupMemberList(options: { groupID: string; count?: number; offset?: number }): Promise<IMResponse<{ memberList: OnlineMemberInfo[]; offset: number }>> {
    return this.rooms.memberList(options);
  }

  /** Mute a member for `muteTime` seconds (0 unmutes): owner and admins. The mute lifts by itself. */
  setGroupMemberMuteTime(options: { groupID: string; userID: string; muteTime: number }): Promise<IMResponse<{ group: GroupInfo; member: GroupMemberInfo }>> {
    return this.rooms.setMemberMuteTime(options);
  }

  /**
   * Live rooms: remove members and ban them from rejoining for `duration` seconds (owner and
   * admins). Each banned client gets a group system notice (operationType 21) and leaves the room.
   */
  deleteGroupMember(options: { groupID: string; userIDList: string[]; duration?: number; reason?: string }): Promise<IMResponse<{ group: GroupInfo; userIDList: string[] }>> {
    return this.rooms.deleteMember(options);
  }

  /**
   * Stadium (review queue): the room's messages held for review by the app's word lists, oldest
   * first. Owner and admins only (others get 10007). Held messages also arrive as
   * `TIM.EVENT.GROUP_MESSAGE_HELD` while the room is joined.
   */
  getReviewQueue(options: { groupID: string }): Promise<IMResponse<{ groupID: string; heldMessageList: HeldMessageInfo[] }>> {
    return this.rooms.getReviewQueue(options);
  }

  /**
   * Stadium (review queue): `action` `'Approve'` publishes a held message in order as a new
   * message (`seq` is its number); `'Deny'` drops it. Owner and admins only. The sender gets
   * `TIM.EVENT.GROUP_MESSAGE_REVIEWED`.
   */
  reviewMessage(options: { groupID: string; holdID: string; action: 'Approve' | 'Deny' }): Promise<IMResponse<{ groupID: string; holdID: string; seq: number; time: number }>> {
    return this.rooms.reviewMessage(options);
  }

  /** Approve a held message: `reviewMessage` with `action: 'Approve'`. */
  approveMessage(options: { groupID: string; holdID: string }): Promise<IMResponse<{ groupID: string; holdID: string; seq: number; time: number }>> {
    return this.rooms.reviewMessage({ ...options, action: 'Approve' });
  }

  /** Deny a held message: `reviewMessage` with `action: 'Deny'`. */
  denyMessage(options: { groupID: string; holdID: string }): Promise<IMResponse<{ groupID: string; holdID: string; seq: number; time: number }>> {
    return this.rooms.reviewMessage({ ...options, action: 'Deny' });
  }

  /**
   * A page of a joined live room's history (`conversationID` `'GROUP' + groupID`), oldest
   * first, older than every live message this client got; page back with `nextReqMessageID`.
   * Empty and completed when the room keeps no history (its `historySize` is 0).
   */
  getMessageList(options?: {
    conversationID: string;
    nextReqMessageID?: string;
    count?: number;
  }): Promise<IMResponse<{ messageList: Message[]; nextReqMessageID: string; isCompleted: boolean }>> {
    return this.sender.messageList(options);
  }

  /** Make a text message (not sent yet). */
  createTextMessage(options: CreateTextMessageOptions): Message {
    return this.sender.createText(options);
  }

  /** Make a custom message (`data`, `description`, `extension`; not sent yet). */
  createCustomMessage(options: CreateCustomMessageOptions): Message {
    return this.sender.createCustom(options);
  }

  /**
   * Send a message made by `createTextMessage` / `createCustomMessage`. Resolves with the
   * message (status `success`, `sequence` and `time` from the server); on failure the message
   * gets status `fail` and the error's `data` is `{ message }`.
   */
  sendMessage(message: Message, _options?: unknown): Promise<IMResponse<{ message: Message }>> {
    return this.sender.send(message);
  }

  /** Live rooms cannot recall messages: the server answers 10035. */
  revokeMessage(message: Message): Promise<IMResponse<{ message: Message }>> {
    return this.sender.revoke(message);
  }

  /** After a reconnect: log in again, then rejoin every room with `sinceSeq` so the server resends what was missed. */
  private async restoreSession(request: Requester, reconnect: boolean): Promise<void> {
    if (!reconnect) return;
    await this.session.relogin(request);
    await this.resume.rejoinAll(request);
  }

  /** The connection ended for good (not by `close()`): report it unless kicked, and drop rooms and session. */
  private onEnded(code: number, reason: string): void {
    if (this.session.destroyed) return;
    if (code !== CLOSE_CODES.KICKED) {
      this.logger.error(`connection closed by the server (${code}${reason ? ` ${reason}` : ''}); not reconnecting`);
      this.emitter.emit(TIM_EVENT.ERROR, { code, message: reason || `connection closed (${code})` });
    }
    this.joined.clear();
    this.session.end();
  }
}
