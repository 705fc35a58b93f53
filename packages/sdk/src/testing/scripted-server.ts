/**
 * A scripted server speaking the Stadium protocol on an ephemeral port, for the SDK's tests.
 * It records every request and ping, keeps each room's messages, and answers resuming joins
 * as docs/protocol.md says (resend what is held before the answer; `resumed`, `missed`).
 */
import type { AddressInfo } from 'node:net';
import type { ClientFrame, GroupInfo, RequestFrame, WireMessage } from '@stadium/protocol';
import { WebSocket, WebSocketServer } from 'ws';

/** A scripted server; see the module comment. */
export class ScriptedServer {
  readonly wss: WebSocketServer;
  readonly sockets: WebSocket[] = [];
  readonly requests: Array<{ socket: WebSocket; frame: RequestFrame }> = [];
  /** Every ping received, answered or not, with its socket. */
  readonly pings: WebSocket[] = [];
  readonly history = new Map<string, WireMessage[]>();
  readonly members = new Map<WebSocket, Set<string>>();
  readonly urls: string[] = [];
  heartbeatMs = 25_000;
  /** Commands (and 'ping') to leave unanswered. */
  readonly ignore = new Set<string>();
  /** Commands to answer with this error instead. */
  readonly failures = new Map<string, { code: number; name: string; message: string }>();
  /** Commands to answer with this result instead (nothing else happens: no publish, no membership). */
  readonly results = new Map<string, (body: Record<string, unknown>) => unknown>();
  /** Called right after a join answer went out, on the same socket (to push live traffic right behind it). */
  afterJoin: ((socket: WebSocket, groupID: string) => void) | null = null;
  /** Per room, the oldest sequence number still held for resuming (default: all are held). */
  private readonly heldFrom = new Map<string, number>();
  private waiters: Array<() => void> = [];

  private constructor(wss: WebSocketServer) {
    this.wss = wss;
    wss.on('connection', (socket, request) => {
      this.urls.push(request.url ?? '');
      this.sockets.push(socket);
      this.members.set(socket, new Set());
      socket.send(JSON.stringify({ t: 'hello', v: 1, node: 'test', heartbeatMs: this.heartbeatMs, maxMessageBytes: 12000, time: Date.now() }));
      socket.on('message', (raw) => this.onFrame(socket, JSON.parse(String(raw)) as ClientFrame));
      this.notify();
    });
  }

  /** Listen on 127.0.0.1, port 0. */
  static async start(): Promise<ScriptedServer> {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    return new ScriptedServer(wss);
  }

  /** Base URL for the SDK's `server` option. */
  get url(): string {
    return `http://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  /** Wait until `predicate` holds (checked after every frame and connection, and every few ms for client-side state). */
  async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 5);
      });
    }
  }

  /** Request frames of one command, in arrival order. */
  requestsOf(cmd: string): RequestFrame[] {
    return this.requests.filter((r) => r.frame.cmd === cmd).map((r) => r.frame);
  }

  /** Append a message to a room and push it to every member socket. */
  publish(groupID: string, fields: Partial<WireMessage> & { id: string }): WireMessage {
    const list = this.history.get(groupID) ?? [];
    const message: WireMessage = { seq: list.length + 1, type: 'TIMTextElem', payload: { text: 'x' }, from: 'someone', time: 1_700_000_000, priority: 'Normal', ...fields };
    list.push(message);
    this.history.set(groupID, list);
    for (const [socket, groups] of this.members) if (groups.has(groupID)) socket.send(JSON.stringify({ t: 'msgs', g: groupID, m: [message] }));
    return message;
  }

  /** Stop holding a room's messages up to `throughSeq` (a resume from before them reports them `missed`). */
  expire(groupID: string, throughSeq: number): void {
    this.heldFrom.set(groupID, throughSeq + 1);
  }

  /** Delete a room's messages, as if it was dismissed and created again: numbering restarts at 1. */
  recreate(groupID: string): void {
    this.history.delete(groupID);
    this.heldFrom.delete(groupID);
  }

  /** Send one frame as JSON. */
  send(socket: WebSocket, frame: unknown): void {
    socket.send(JSON.stringify(frame));
  }

  /** Drop every socket and stop listening. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private onFrame(socket: WebSocket, frame: ClientFrame): void {
    if (frame.t === 'ping') {
      this.pings.push(socket);
      if (!this.ignore.has('ping')) this.send(socket, { t: 'pong', time: Date.now() });
      this.notify();
      return;
    }
    this.requests.push({ socket, frame });
    if (!this.ignore.has(frame.cmd)) this.answer(socket, frame);
    this.notify();
  }

  private answer(socket: WebSocket, frame: RequestFrame): void {
    const ok = (data: unknown) => this.send(socket, { t: 'res', id: frame.id, code: 0, data });
    const error = (code: number, name: string, message: string) => this.send(socket, { t: 'res', id: frame.id, code, name, message });
    const body = frame.body as Record<string, unknown>;
    const failure = this.failures.get(frame.cmd);
    if (failure) return error(failure.code, failure.name, failure.message);
    const result = this.results.get(frame.cmd);
    if (result) return ok(result(body));
    switch (frame.cmd) {
      case 'login':
        if (body.userSig === 'bad') return error(70009, 'USERSIG_BAD_SIGNATURE', 'signature mismatch (test)');
        return ok({ userID: body.userID, profile: { userID: body.userID, nick: `nick-${String(body.userID)}`, avatar: '' }, isAdmin: false, time: 1, expireAt: 86_401_000 });
      case 'group.join': {
        const groupID = String(body.groupID);
        const groups = this.members.get(socket) ?? new Set<string>();
        const already = groups.has(groupID);
        groups.add(groupID);
        const resume = typeof body.sinceSeq === 'number' ? this.resume(socket, groupID, body.sinceSeq) : {};
        ok({ status: already ? 'AlreadyInGroup' : 'JoinedSuccess', group: group(groupID), lastSeq: this.history.get(groupID)?.length ?? 0, ...resume });
        this.afterJoin?.(socket, groupID);
        return;
      }
      case 'group.quit':
        this.members.get(socket)?.delete(String(body.groupID));
        return ok({ groupID: body.groupID });
      case 'group.online':
        return ok({ memberCount: 3 });
      case 'msg.send': {
        const message = (body.message ?? {}) as Record<string, unknown>;
        const wire = this.publish(String(body.groupID), { id: String(message.id), from: 'alice', payload: message.payload as WireMessage['payload'] });
        return ok({ seq: wire.seq, time: wire.time, id: wire.id });
      }
      case 'msg.revoke':
        return error(10035, 'REVOKE_NOT_SUPPORTED', 'no recall in live rooms (test)');
      case 'msg.history':
        return ok({ messages: [], isCompleted: true });
      case 'logout':
        return ok({});
      // Not scripted: tests that need them script them with `results` / `failures`.
      case 'group.counters':
      case 'group.create':
      case 'group.dismiss':
      case 'group.get':
      case 'group.settings':
      case 'group.role':
      case 'group.mute':
      case 'group.ban':
      case 'group.members':
      case 'group.reviewQueue':
      case 'group.review':
      case 'group.attributes':
      case 'group.pins':
      case 'group.update':
      case 'profile.get':
      case 'profile.update':
        return error(10003, 'UNKNOWN_COMMAND', `${frame.cmd} is not scripted (test)`);
    }
  }

  /** Resend what is held after `sinceSeq` (before the answer) and say whether that was everything. */
  private resume(socket: WebSocket, groupID: string, sinceSeq: number): { resumed: boolean; missed?: { fromSeq: number; toSeq: number } } {
    const list = this.history.get(groupID) ?? [];
    // A position past the room's last message cannot be placed (the room was created again).
    if (sinceSeq > list.length) return { resumed: false };
    const heldFrom = this.heldFrom.get(groupID) ?? 1;
    const resend = list.filter((m) => m.seq > sinceSeq && m.seq >= heldFrom);
    if (resend.length > 0) this.send(socket, { t: 'msgs', g: groupID, m: resend });
    if (sinceSeq + 1 < heldFrom) return { resumed: false, missed: { fromSeq: sinceSeq + 1, toSeq: heldFrom - 1 } };
    return { resumed: true };
  }
}

/** A room profile for the scripted answers. */
export function group(groupID: string): GroupInfo {
  return {
    groupID,
    name: groupID,
    type: 'AVChatRoom',
    avatar: '',
    introduction: '',
    notification: '',
    ownerID: 'owner',
    createTime: 1,
    lastInfoTime: 1,
    nextMessageSeq: 1,
    memberCount: 1,
    maxMemberCount: 0,
    muteAllMembers: false,
    joinOption: 'FreeAccess',
    groupCustomField: [],
    settings: { rateLimitPerSec: 40, memberTips: true, downstreamCapPerSec: null, slowModeSec: 0, historySize: 0, keepRecord: false },
  };
}
