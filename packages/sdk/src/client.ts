/**
 * An SDK instance: the compatible SDK's methods on top of one {@link Connection}.
 * Promises resolve to `{ code: 0, data }` and reject with a {@link StadiumError}
 * (`code`, `message`, `data`).
 */
import {
  CLOSE_CODES,
  StadiumError,
  TIM_EVENT,
  TIM_TYPES,
  type ErrorName,
  type GroupInfo,
  type Profile,
  type ProfileUpdate,
  type RoomSettings,
  type WireMessage,
} from '@stadium/protocol';
import { defaultWebSocket } from '#websocket';
import { Connection, type NetState, type PushFrame, type Requester } from './connection.js';
import { CounterTotals, GroupCounters, type CounterChange } from './counters.js';
import { connectionUrl } from './connection-url.js';
import { Emitter, type TimEventHandler } from './emitter.js';
import type { CreateGroupOptions, IMResponse, LoginData, UpdateRoomSettingsOptions } from './client-types.js';
import { receiveMessages } from './inbox.js';
import { JoinedGroups } from './joined-groups.js';
import { Logger } from './logger.js';
import {
  Message,
  createOutgoingMessage,
  customPayload,
  isSendableType,
  textPayload,
  toOutgoing,
  type CreateCustomMessageOptions,
  type CreateTextMessageOptions,
} from './message.js';
import { resolveTimOptions, type ResolvedTimOptions, type TimOptions } from './options.js';
import { RecentIds } from './recent-ids.js';

/** Hooks for the owner of the instance (the `TIM.create` cache). */
export interface ClientHooks {
  /** Called once by `destroy()`. */
  destroyed?: () => void;
}

/** States of the login session. */
type Session = { kind: 'guest' } | { kind: 'loggingIn'; userID: string; promise: Promise<IMResponse<LoginData>> } | { kind: 'ready'; userID: string; userSig: string };

const ME_DEFAULT_PROFILE = { nick: '', avatar: '' };

/** One SDK instance, as returned by `TIM.create` / `TIM.createInstance`. */
export class Client {
  private readonly options: ResolvedTimOptions;
  private readonly logger: Logger;
  private readonly emitter: Emitter;
  private readonly connection: Connection;
  private readonly joined = new JoinedGroups();
  private readonly sentIds = new RecentIds();
  private readonly counterTotals = new CounterTotals();
  private readonly counters = new GroupCounters((request) => this.connection.request('group.counters', request));
  private session: Session = { kind: 'guest' };
  private profile: Pick<Profile, 'nick' | 'avatar'> = { ...ME_DEFAULT_PROFILE };
  private destroyed = false;

  constructor(options: TimOptions, private readonly hooks: ClientHooks = {}) {
    this.options = resolveTimOptions(options);
    this.logger = new Logger(this.options.logger, this.options.logLevel);
    this.emitter = new Emitter(this.logger);
    this.connection = new Connection(
      {
        url: connectionUrl(this.options.server, this.options.SDKAppID, this.options.platform),
        reconnectBaseMs: this.options.reconnectBaseMs,
        reconnectMaxMs: this.options.reconnectMaxMs,
        requestTimeoutMs: this.options.requestTimeoutMs,
        maxQueuedRequests: this.options.maxQueuedRequests,
      },
      {
        WebSocket: this.options.WebSocket ?? defaultWebSocket(),
        logger: this.logger,
        now: Date.now,
        random: Math.random,
        setTimeout: (fn, ms) => setTimeout(fn, ms),
        clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      },
      {
        stateChanged: (state) => this.onNetState(state),
        sessionStart: (request, reconnect) => this.restoreSession(request, reconnect),
        push: (frame) => this.onPush(frame),
        ended: (code, reason) => this.onEnded(code, reason),
      },
    );
  }

  /** The SDKAppID of this instance. */
  get SDKAppID(): number {
    return this.options.SDKAppID;
  }

  /** Set the log level: 0 normal, 1 release, 2 warnings, 3 errors, 4 none. */
  setLogLevel(level: number): void {
    this.logger.setLevel(level);
  }

  /** Listen to `TIM.EVENT.*`; the handler gets `{ name, data }`. */
  on<T = unknown>(eventName: string, handler: TimEventHandler<T>, context?: unknown): void {
    this.emitter.on(eventName, handler, context);
  }

  /** Stop listening. */
  off<T = unknown>(eventName: string, handler: TimEventHandler<T>, context?: unknown): void {
    this.emitter.off(eventName, handler, context);
  }

  /** Log in. Emits `SDK_READY` on success; resolves with `repeatLogin: true` when already logged in as this user. */
  login(options: { userID: string; userSig: string }): Promise<IMResponse<LoginData>> {
    if (this.destroyed) return fail('SDK_DESTROYED');
    const userID = options?.userID;
    const userSig = options?.userSig;
    if (typeof userID !== 'string' || userID === '') return fail('SDK_NO_USERID');
    if (typeof userSig !== 'string' || userSig === '') return fail('SDK_NO_USERSIG');
    const session = this.session;
    if (session.kind === 'ready' || session.kind === 'loggingIn') {
      if (session.userID !== userID) return fail('LOGIN_CONFLICT');
      if (session.kind === 'loggingIn') return session.promise;
      return Promise.resolve(ok({ actionStatus: 'OK', errorCode: 0, errorInfo: '', repeatLogin: true }));
    }
    const promise = this.connection.request('login', { userID, userSig }).then(
      (result) => {
        this.session = { kind: 'ready', userID, userSig };
        this.profile = { nick: result.profile?.nick ?? '', avatar: result.profile?.avatar ?? '' };
        this.logger.info(`logged in as ${userID}`);
        this.emitter.emit(TIM_EVENT.SDK_READY);
        return ok<LoginData>({ actionStatus: 'OK', errorCode: 0, errorInfo: '', repeatLogin: false });
      },
      (error: unknown) => {
        if (this.session.kind === 'loggingIn' && this.session.promise === promise) this.session = { kind: 'guest' };
        throw error;
      },
    );
    this.session = { kind: 'loggingIn', userID, promise };
    return promise;
  }

  /** Log out: leaves every room, closes the connection and emits `SDK_NOT_READY`. */
  async logout(): Promise<IMResponse<Record<string, never>>> {
    if (this.destroyed) throw new StadiumError('SDK_DESTROYED');
    if (this.session.kind !== 'ready') throw new StadiumError('NOT_LOGGED_IN');
    try {
      await this.connection.request('logout', {});
    } catch (error) {
      this.logger.warn('logout request failed; closing anyway', error);
    }
    this.connection.close();
    this.joined.clear();
    this.endSession();
    return ok({});
  }

  /** Close the connection, fail pending calls with 2905 and forget this instance in `TIM.create`'s cache. */
  async destroy(): Promise<IMResponse<Record<string, never>>> {
    if (this.destroyed) return ok({});
    this.destroyed = true;
    this.connection.close('SDK_DESTROYED');
    this.joined.clear();
    this.session = { kind: 'guest' };
    this.emitter.clear();
    this.hooks.destroyed?.();
    return ok({});
  }

  /** Update the logged-in user's profile; resolves with the updated profile. */
  async updateMyProfile(fields: ProfileUpdate): Promise<IMResponse<Profile>> {
    this.requireReady();
    const profile = await this.connection.request('profile.update', { ...(fields ?? {}) });
    this.profile = { nick: profile.nick ?? '', avatar: profile.avatar ?? '' };
    return ok(profile);
  }

  /** The logged-in user's profile. */
  async getMyProfile(): Promise<IMResponse<Profile>> {
    const userID = this.requireReady();
    const { profiles } = await this.connection.request('profile.get', { userIDList: [userID] });
    const profile = profiles[0];
    if (!profile) throw new StadiumError('INVALID_USER_ID', `No profile for ${userID}`);
    return ok(profile);
  }

  /** Profiles of the given users. */
  async getUserProfile(options: { userIDList: string[] }): Promise<IMResponse<Profile[]>> {
    this.requireReady();
    const { profiles } = await this.connection.request('profile.get', { userIDList: [...(options?.userIDList ?? [])] });
    return ok(profiles);
  }

  /** Create a live-broadcast group (type must be `TIM.TYPES.GRP_AVCHATROOM`); join it afterwards. */
  async createGroup(options: CreateGroupOptions): Promise<IMResponse<{ group: GroupInfo }>> {
    this.requireReady();
    if (options?.type !== TIM_TYPES.GRP_AVCHATROOM) throw new StadiumError('SDK_ILLEGAL_GROUP_TYPE');
    const { memberList: _ignored, ...request } = options;
    return ok(await this.connection.request('group.create', request));
  }

  /** Join a room; works without login (guests receive only). Status `JoinedSuccess` or `AlreadyInGroup`. */
  async joinGroup(options: { groupID: string; type?: string; applyMessage?: string }): Promise<IMResponse<{ status: string; group: GroupInfo }>> {
    this.requireAlive();
    const groupID = options?.groupID;
    if (typeof groupID !== 'string' || groupID === '') throw new StadiumError('INVALID_GROUP_ID', 'joinGroup needs a groupID');
    if (options.type !== undefined && options.type !== TIM_TYPES.GRP_AVCHATROOM) throw new StadiumError('SDK_ILLEGAL_GROUP_TYPE');
    const began = this.joined.begin(groupID);
    try {
      const result = await this.connection.request('group.join', { groupID });
      this.joined.confirm(groupID, result.lastSeq ?? 0);
      return ok({ status: result.status, group: result.group });
    } catch (error) {
      if (began && !this.joined.isConfirmed(groupID)) this.joined.remove(groupID);
      throw error;
    }
  }

  /** Leave a room (guests too). */
  async quitGroup(groupID: string): Promise<IMResponse<{ groupID: string }>> {
    this.requireAlive();
    if (!this.joined.has(groupID)) throw new StadiumError('SDK_MEMBER_NOT_IN_GROUP');
    if (this.connection.getState() === 'disconnected') {
      this.joined.remove(groupID);
      return ok({ groupID });
    }
    const result = await this.connection.request('group.quit', { groupID });
    this.joined.remove(groupID);
    this.counterTotals.forget(groupID);
    return ok({ groupID: result.groupID ?? groupID });
  }

  /** Dismiss a room (owner or app admin); every member is told. */
  async dismissGroup(groupID: string): Promise<IMResponse<{ groupID: string }>> {
    this.requireReady();
    const result = await this.connection.request('group.dismiss', { groupID });
    this.joined.remove(groupID);
    return ok({ groupID: result.groupID ?? groupID });
  }

  /** A room's profile. */
  async getGroupProfile(options: { groupID: string }): Promise<IMResponse<{ group: GroupInfo }>> {
    this.requireAlive();
    return ok(await this.connection.request('group.get', { groupID: options?.groupID }));
  }

  /** Members online in a room now. */
  async getGroupOnlineMemberCount(groupID: string): Promise<IMResponse<{ memberCount: number }>> {
    this.requireAlive();
    return ok(await this.connection.request('group.online', { groupID }));
  }

  /** Stadium extension: change a room's settings (owner or app admin). */
  async updateRoomSettings(options: UpdateRoomSettingsOptions): Promise<IMResponse<{ settings: RoomSettings }>> {
    this.requireReady();
    return ok(await this.connection.request('group.settings', { ...options }));
  }

  /** Set several group counters at once (logged-in members, owner or app admin). */
  async setGroupCounters(options: { groupID: string; counters: Record<string, number> }): Promise<IMResponse<{ groupID: string; counters: Record<string, number> }>> {
    this.requireReady();
    return ok(await this.counters.set(options));
  }

  /** Add to a group counter; members see the new total in an aggregate GROUP_COUNTER_UPDATED. */
  async increaseGroupCounter(options: { groupID: string; key: string; value: number }): Promise<IMResponse<CounterChange>> {
    this.requireReady();
    return ok(await this.counters.change('increase', options));
  }

  /** Subtract from a group counter. */
  async decreaseGroupCounter(options: { groupID: string; key: string; value: number }): Promise<IMResponse<CounterChange>> {
    this.requireReady();
    return ok(await this.counters.change('decrease', options));
  }

  /** Read group counters (all when `keyList` is empty); guests may read. */
  async getGroupCounters(options: { groupID: string; keyList?: string[] }): Promise<IMResponse<{ groupID: string; counters: Record<string, number> }>> {
    this.requireAlive();
    return ok(await this.counters.get(options));
  }

  /** Live rooms keep no history for this call: always an empty, completed list. */
  async getMessageList(_options?: { conversationID: string; nextReqMessageID?: string }): Promise<IMResponse<{ messageList: Message[]; nextReqMessageID: string; isCompleted: boolean }>> {
    this.requireReady();
    return ok({ messageList: [], nextReqMessageID: '', isCompleted: true });
  }

  /** Make a text message (not sent yet). */
  createTextMessage(options: CreateTextMessageOptions): Message {
    return createOutgoingMessage(TIM_TYPES.MSG_TEXT, options, textPayload(options), this.messageContext());
  }

  /** Make a custom message (`data`, `description`, `extension`; not sent yet). */
  createCustomMessage(options: CreateCustomMessageOptions): Message {
    return createOutgoingMessage(TIM_TYPES.MSG_CUSTOM, options, customPayload(options), this.messageContext());
  }

  /**
   * Send a message made by `createTextMessage` / `createCustomMessage`. Resolves with the
   * message (status `success`, `sequence` and `time` from the server); on failure the message
   * gets status `fail` and the error's `data` is `{ message }`.
   */
  async sendMessage(message: Message, _options?: unknown): Promise<IMResponse<{ message: Message }>> {
    const isMessage = message instanceof Message;
    try {
      const userID = this.requireReady();
      if (!isMessage) throw new StadiumError('SDK_NEED_MESSAGE_INSTANCE');
      if (message.conversationType !== TIM_TYPES.CONV_GROUP) throw new StadiumError('SDK_INVALID_CONVERSATION_TYPE');
      if (!isSendableType(message.type)) throw new StadiumError('UNSUPPORTED_MESSAGE_TYPE');
      if (!this.joined.has(message.to)) throw new StadiumError('SDK_NOT_IN_ROOM');
      message.from = userID;
      message.flow = 'out';
      message.nick = this.profile.nick;
      message.avatar = this.profile.avatar;
      message.status = 'unSend';
      this.sentIds.add(message.ID);
      try {
        const result = await this.connection.request('msg.send', { groupID: message.to, message: toOutgoing(message) });
        message.sequence = result.seq;
        message.time = result.time;
        message.status = 'success';
        if (result.sampled) {
          // Accepted, but the room's downstream cap kept it from the other members: no echo comes.
          message.isSampled = true;
          this.sentIds.delete(message.ID);
        }
        return ok({ message });
      } catch (error) {
        this.sentIds.delete(message.ID);
        throw error;
      }
    } catch (error) {
      if (isMessage) message.status = 'fail';
      throw withData(error, { message });
    }
  }

  /** Live rooms cannot recall messages: the server answers 10035. */
  async revokeMessage(message: Message): Promise<IMResponse<{ message: Message }>> {
    this.requireReady();
    if (!(message instanceof Message)) throw new StadiumError('SDK_NEED_MESSAGE_INSTANCE');
    try {
      await this.connection.request('msg.revoke', { groupID: message.to, id: message.ID });
    } catch (error) {
      throw withData(error, { message });
    }
    message.isRevoked = true;
    return ok({ message });
  }

  // ── Internals ──────────────────────────────────────────────────────────

  private requireAlive(): void {
    if (this.destroyed) throw new StadiumError('SDK_DESTROYED');
  }

  /** The logged-in userID, or throws 2999 (2905 after destroy). */
  private requireReady(): string {
    this.requireAlive();
    if (this.session.kind !== 'ready') throw new StadiumError('SDK_NOT_READY');
    return this.session.userID;
  }

  private myUserID(): string {
    return this.session.kind === 'ready' ? this.session.userID : '';
  }

  private messageContext(): { userID: string; nick: string; avatar: string; now: number; random: number } {
    return {
      userID: this.myUserID(),
      nick: this.profile.nick,
      avatar: this.profile.avatar,
      now: Date.now(),
      random: Math.floor(Math.random() * 0x1_0000_0000),
    };
  }

  private onNetState(state: NetState): void {
    this.emitter.emit(TIM_EVENT.NET_STATE_CHANGE, { state });
  }

  /** After a reconnect: log in again and rejoin every room with `sinceSeq` so the server resends what was missed. */
  private async restoreSession(request: Requester, reconnect: boolean): Promise<void> {
    if (!reconnect) return;
    const session = this.session;
    if (session.kind === 'ready') {
      try {
        await request('login', { userID: session.userID, userSig: session.userSig });
      } catch (error) {
        if (!isServerRejection(error)) throw error;
        this.logger.error('logging in again after reconnect failed', error);
        this.emitter.emit(TIM_EVENT.ERROR, { code: (error as StadiumError).code, message: (error as StadiumError).message });
        this.endSession();
      }
    }
    for (const { groupID, lastSeq } of this.joined.confirmedEntries()) {
      try {
        const result = await request('group.join', { groupID, sinceSeq: lastSeq });
        // Do not take the room's lastSeq here: missed messages may still be on their way
        // (held behind a backlog), and taking it would make them look like duplicates.
        this.joined.confirm(groupID, 0);
        if (result.resumed === false) this.logger.warn(`${groupID}: some messages sent while disconnected are no longer held by the server`);
      } catch (error) {
        if (!isServerRejection(error)) throw error;
        this.logger.warn(`rejoining ${groupID} failed; leaving it`, error);
        this.joined.remove(groupID);
      }
    }
  }

  private onPush(frame: PushFrame): void {
    switch (frame.t) {
      case 'msgs':
        this.onMessages(frame.g, frame.m, frame.lost);
        return;
      case 'counters':
        if (!this.joined.has(frame.g)) return;
        for (const data of this.counterTotals.changes(frame.g, frame.c)) this.emitter.emit(TIM_EVENT.GROUP_COUNTER_UPDATED, data);
        return;
      case 'err':
        this.logger.warn(`server error ${frame.code} ${frame.name}: ${frame.message}`);
        this.emitter.emit(TIM_EVENT.ERROR, { code: frame.code, message: frame.message });
        return;
      case 'kick':
        this.logger.warn(`kicked out (${frame.type}): ${frame.message}`);
        this.joined.clear();
        this.emitter.emit(TIM_EVENT.KICKED_OUT, { type: frame.type });
        if (this.session.kind === 'ready') this.endSession();
        else this.session = { kind: 'guest' };
        return;
    }
  }

  private onMessages(groupID: string, wires: WireMessage[], lost: number | undefined): void {
    if (!this.joined.has(groupID)) {
      this.logger.debug(`dropping messages of ${groupID}: not joined`);
      return;
    }
    if (lost !== undefined && lost > 0) this.logger.warn(`${groupID}: the server dropped ${lost} messages because this client read too slowly`);
    const { messages, leave } = receiveMessages(groupID, Array.isArray(wires) ? wires : [], this.joined, this.sentIds, this.myUserID());
    if (messages.length > 0) this.emitter.emit(TIM_EVENT.MESSAGE_RECEIVED, messages);
    if (!leave) return;
    this.joined.remove(groupID);
    this.counterTotals.forget(groupID);
  }

  private onEnded(code: number, reason: string): void {
    if (this.destroyed) return;
    if (code !== CLOSE_CODES.KICKED) {
      this.logger.error(`connection closed by the server (${code}${reason ? ` ${reason}` : ''}); not reconnecting`);
      this.emitter.emit(TIM_EVENT.ERROR, { code, message: reason || `connection closed (${code})` });
    }
    this.joined.clear();
    if (this.session.kind === 'ready') this.endSession();
    else this.session = { kind: 'guest' };
  }

  private endSession(): void {
    const wasReady = this.session.kind === 'ready';
    this.session = { kind: 'guest' };
    this.profile = { ...ME_DEFAULT_PROFILE };
    if (wasReady) this.emitter.emit(TIM_EVENT.SDK_NOT_READY);
  }
}

function ok<T>(data: T): IMResponse<T> {
  return { code: 0, data };
}

function fail(name: ErrorName): Promise<never> {
  return Promise.reject(new StadiumError(name));
}

/** A server answer (not a local network failure or timeout). */
function isServerRejection(error: unknown): boolean {
  return error instanceof StadiumError && error.reason !== 'SDK_NETWORK_ERROR' && error.reason !== 'SDK_NETWORK_TIMEOUT';
}

function withData(error: unknown, data: unknown): unknown {
  if (error instanceof StadiumError) error.data = data;
  return error;
}
