/**
 * MemoryStore: the Store port kept in process memory. For tests and `--db memory:`; nothing
 * survives a restart. Records are copied in and out so callers never share state with it.
 */
import type { Profile } from '@stadium/protocol';
import { assertBelowAppLimit, chooseSdkAppId } from './app-ids.js';
import { noCallbacks } from '../core/app-callbacks.js';
import type { AppPatch, AppRecord, GroupPatch, GroupRecord, HeldMessage, HistoryEntry, MemberState, NewApp, OperatorRecord, ResumeWindowEntry, Store, WordList } from './store.js';

/** A room lease as the memory store keeps it. */
interface HeldLease {
  node: string;
  epoch: number;
  untilMs: number;
}

/** A {@link Store} in memory. */
export class MemoryStore implements Store {
  readonly #apps = new Map<number, AppRecord>();
  readonly #profiles = new Map<number, Map<string, Profile>>();
  readonly #groups = new Map<number, Map<string, GroupRecord>>();
  /** Sequence high-water marks by app, then group ID (outlive the groups). */
  readonly #seqs = new Map<number, Map<string, number>>();
  /** Room leases by app, then group ID. */
  readonly #leases = new Map<number, Map<string, HeldLease>>();
  /** Moderation states by app, then group ID, then user ID. */
  readonly #members = new Map<number, Map<string, Map<string, MemberState>>>();
  /** Word lists by app, then name. */
  readonly #wordLists = new Map<number, Map<string, WordList>>();
  /** Held messages by app, then group, then hold ID. */
  readonly #held = new Map<number, Map<string, Map<string, HeldMessage>>>();
  /** Kept messages per app and group, oldest first. */
  readonly #history = new Map<number, Map<string, HistoryEntry[]>>();
  readonly #resume = new Map<number, Map<string, ResumeWindowEntry[]>>();
  readonly #sigFloors = new Map<number, Map<string, number>>();
  /** Console operator accounts by name. */
  readonly #operators = new Map<string, OperatorRecord>();

  async createApp(app: NewApp): Promise<AppRecord> {
    assertBelowAppLimit(this.#apps.size);
    const sdkAppId = await chooseSdkAppId(app.sdkAppId, (id) => this.#apps.has(id));
    const record: AppRecord = {
      sdkAppId,
      name: app.name,
      secretKey: app.secretKey,
      adminUserId: app.adminUserId,
      callbackUrl: app.callbackUrl ?? null,
      callbacks: structuredClone(app.callbacks ?? noCallbacks()),
      createdAt: app.createdAt,
      settings: structuredClone(app.settings),
    };
    this.#apps.set(sdkAppId, record);
    return structuredClone(record);
  }

  async getApp(sdkAppId: number): Promise<AppRecord | undefined> {
    const app = this.#apps.get(sdkAppId);
    return app && structuredClone(app);
  }

  async listApps(): Promise<AppRecord[]> {
    return [...this.#apps.values()].sort((a, b) => a.createdAt - b.createdAt || a.sdkAppId - b.sdkAppId).map((a) => structuredClone(a));
  }

  async updateApp(sdkAppId: number, patch: AppPatch): Promise<AppRecord | undefined> {
    const app = this.#apps.get(sdkAppId);
    if (!app) return undefined;
    if (patch.name !== undefined) app.name = patch.name;
    if (patch.callbackUrl !== undefined) app.callbackUrl = patch.callbackUrl;
    if (patch.callbacks !== undefined) app.callbacks = structuredClone(patch.callbacks);
    if (patch.settings !== undefined) app.settings = structuredClone(patch.settings);
    return structuredClone(app);
  }

  async deleteApp(sdkAppId: number): Promise<boolean> {
    const existed = this.#apps.delete(sdkAppId);
    this.#profiles.delete(sdkAppId);
    this.#groups.delete(sdkAppId);
    this.#seqs.delete(sdkAppId);
    this.#leases.delete(sdkAppId);
    this.#members.delete(sdkAppId);
    this.#wordLists.delete(sdkAppId);
    this.#held.delete(sdkAppId);
    this.#history.delete(sdkAppId);
    this.#resume.delete(sdkAppId);
    this.#sigFloors.delete(sdkAppId);
    return existed;
  }

  async getProfile(sdkAppId: number, userId: string): Promise<Profile | undefined> {
    const profile = this.#profiles.get(sdkAppId)?.get(userId);
    return profile && structuredClone(profile);
  }

  async getProfiles(sdkAppId: number, userIds: readonly string[]): Promise<Profile[]> {
    const profiles = this.#profiles.get(sdkAppId);
    if (!profiles) return [];
    const out: Profile[] = [];
    for (const userId of new Set(userIds)) {
      const profile = profiles.get(userId);
      if (profile) out.push(structuredClone(profile));
    }
    return out;
  }

  async putProfile(sdkAppId: number, profile: Profile): Promise<void> {
    let profiles = this.#profiles.get(sdkAppId);
    if (!profiles) this.#profiles.set(sdkAppId, (profiles = new Map<string, Profile>()));
    profiles.set(profile.userID, structuredClone(profile));
  }

  async countProfiles(sdkAppId: number): Promise<number> {
    return this.#profiles.get(sdkAppId)?.size ?? 0;
  }

  async createGroup(group: GroupRecord): Promise<boolean> {
    let groups = this.#groups.get(group.sdkAppId);
    if (!groups) this.#groups.set(group.sdkAppId, (groups = new Map<string, GroupRecord>()));
    if (groups.has(group.groupId)) return false;
    groups.set(group.groupId, { ...structuredClone(group), firstSeq: this.#seqs.get(group.sdkAppId)?.get(group.groupId) ?? 1 });
    return true;
  }

  async getGroup(sdkAppId: number, groupId: string): Promise<GroupRecord | undefined> {
    const group = this.#groups.get(sdkAppId)?.get(groupId);
    return group && structuredClone(group);
  }

  async updateGroup(sdkAppId: number, groupId: string, patch: GroupPatch): Promise<GroupRecord | undefined> {
    const groups = this.#groups.get(sdkAppId);
    const group = groups?.get(groupId);
    if (!groups || !group) return undefined;
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as GroupPatch;
    const updated: GroupRecord = { ...group, ...structuredClone(defined) };
    groups.set(groupId, updated);
    return structuredClone(updated);
  }

  async deleteGroup(sdkAppId: number, groupId: string): Promise<boolean> {
    this.#members.get(sdkAppId)?.delete(groupId);
    this.#held.get(sdkAppId)?.delete(groupId);
    this.#history.get(sdkAppId)?.delete(groupId);
    this.#resume.get(sdkAppId)?.delete(groupId);
    return this.#groups.get(sdkAppId)?.delete(groupId) ?? false;
  }

  async listMemberStates(sdkAppId: number, groupId: string): Promise<MemberState[]> {
    const states = this.#members.get(sdkAppId)?.get(groupId);
    if (!states) return [];
    return [...states.values()].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0)).map((m) => ({ ...m }));
  }

  async putMemberState(sdkAppId: number, groupId: string, state: MemberState, now: number): Promise<void> {
    let groups = this.#members.get(sdkAppId);
    if (!groups) this.#members.set(sdkAppId, (groups = new Map<string, Map<string, MemberState>>()));
    let states = groups.get(groupId);
    if (!states) groups.set(groupId, (states = new Map<string, MemberState>()));
    if (!state.admin && state.mutedUntil <= now && state.bannedUntil <= now) states.delete(state.userId);
    else states.set(state.userId, { ...state });
  }

  async listGroups(sdkAppId: number): Promise<GroupRecord[]> {
    const groups = this.#groups.get(sdkAppId);
    if (!groups) return [];
    return [...groups.values()].sort((a, b) => a.createdAt - b.createdAt || (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0)).map((g) => structuredClone(g));
  }

  async countGroups(sdkAppId: number, ownerId?: string): Promise<number> {
    const groups = this.#groups.get(sdkAppId);
    if (!groups) return 0;
    if (ownerId === undefined) return groups.size;
    let count = 0;
    for (const group of groups.values()) if (group.ownerId === ownerId) count++;
    return count;
  }

  async listWordLists(sdkAppId: number): Promise<WordList[]> {
    const lists = [...(this.#wordLists.get(sdkAppId)?.values() ?? [])];
    return lists.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((l) => structuredClone(l));
  }

  async putWordList(sdkAppId: number, list: WordList): Promise<void> {
    let lists = this.#wordLists.get(sdkAppId);
    if (!lists) this.#wordLists.set(sdkAppId, (lists = new Map<string, WordList>()));
    lists.set(list.name, structuredClone(list));
  }

  async deleteWordList(sdkAppId: number, name: string): Promise<boolean> {
    return this.#wordLists.get(sdkAppId)?.delete(name) ?? false;
  }

  async listHeldMessages(sdkAppId: number, groupId: string): Promise<HeldMessage[]> {
    const held = [...(this.#held.get(sdkAppId)?.get(groupId)?.values() ?? [])];
    return held.sort((a, b) => a.heldAt - b.heldAt || (a.holdId < b.holdId ? -1 : a.holdId > b.holdId ? 1 : 0)).map((h) => structuredClone(h));
  }

  async putHeldMessage(sdkAppId: number, groupId: string, held: HeldMessage): Promise<void> {
    let groups = this.#held.get(sdkAppId);
    if (!groups) this.#held.set(sdkAppId, (groups = new Map<string, Map<string, HeldMessage>>()));
    let room = groups.get(groupId);
    if (!room) groups.set(groupId, (room = new Map<string, HeldMessage>()));
    room.set(held.holdId, structuredClone(held));
  }

  async deleteHeldMessages(sdkAppId: number, groupId: string, holdIds: readonly string[]): Promise<number> {
    const room = this.#held.get(sdkAppId)?.get(groupId);
    if (!room) return 0;
    let n = 0;
    for (const id of new Set(holdIds)) if (room.delete(id)) n++;
    return n;
  }

  async appendHistory(sdkAppId: number, groupId: string, entries: readonly HistoryEntry[], keep: number): Promise<void> {
    let groups = this.#history.get(sdkAppId);
    if (!groups) this.#history.set(sdkAppId, (groups = new Map<string, HistoryEntry[]>()));
    const kept = groups.get(groupId) ?? [];
    for (const { seq, json } of entries) kept.push({ seq, json });
    if (kept.length > keep) kept.splice(0, kept.length - keep);
    if (kept.length === 0) groups.delete(groupId);
    else groups.set(groupId, kept);
  }

  async listHistory(sdkAppId: number, groupId: string, afterSeq: number, limit: number): Promise<HistoryEntry[]> {
    const kept = this.#history.get(sdkAppId)?.get(groupId) ?? [];
    const out: HistoryEntry[] = [];
    for (const entry of kept) {
      if (out.length >= limit) break;
      if (entry.seq > afterSeq) out.push({ ...entry });
    }
    return out;
  }

  async lastHistory(sdkAppId: number, groupId: string, limit: number): Promise<HistoryEntry[]> {
    const kept = this.#history.get(sdkAppId)?.get(groupId) ?? [];
    return limit <= 0 ? [] : kept.slice(-limit).map((e) => ({ ...e }));
  }

  async appendResumeWindow(sdkAppId: number, groupId: string, entries: readonly ResumeWindowEntry[], keep: number, notBeforeMs: number): Promise<void> {
    let groups = this.#resume.get(sdkAppId);
    if (!groups) this.#resume.set(sdkAppId, (groups = new Map<string, ResumeWindowEntry[]>()));
    const kept = groups.get(groupId) ?? [];
    for (const entry of entries) kept.push({ ...entry });
    if (kept.length > keep) kept.splice(0, kept.length - Math.max(0, keep));
    const fresh = kept.filter((e, i) => i === kept.length - 1 || e.atMs >= notBeforeMs);
    if (fresh.length === 0) groups.delete(groupId);
    else groups.set(groupId, fresh);
  }

  async lastResumeWindow(sdkAppId: number, groupId: string, limit: number): Promise<ResumeWindowEntry[]> {
    const kept = this.#resume.get(sdkAppId)?.get(groupId) ?? [];
    return limit <= 0 ? [] : kept.slice(-limit).map((e) => ({ ...e }));
  }

  async getUserSigFloor(sdkAppId: number, userId: string): Promise<number> {
    return this.#sigFloors.get(sdkAppId)?.get(userId) ?? 0;
  }

  async raiseUserSigFloor(sdkAppId: number, userId: string, floorSec: number): Promise<void> {
    let floors = this.#sigFloors.get(sdkAppId);
    if (!floors) this.#sigFloors.set(sdkAppId, (floors = new Map<string, number>()));
    floors.set(userId, Math.max(floors.get(userId) ?? 0, floorSec));
  }

  async getOperator(name: string): Promise<OperatorRecord | undefined> {
    const operator = this.#operators.get(name);
    return operator && { ...operator };
  }

  async createOperator(operator: OperatorRecord): Promise<boolean> {
    if (this.#operators.has(operator.name)) return false;
    this.#operators.set(operator.name, { ...operator });
    return true;
  }

  async setOperatorPassword(name: string, passwordHash: string, updatedAt: number): Promise<boolean> {
    const operator = this.#operators.get(name);
    if (!operator) return false;
    this.#operators.set(name, { ...operator, passwordHash, updatedAt });
    return true;
  }

  async close(): Promise<void> {}

  async reserveSeq(sdkAppId: number, groupId: string, count: number): Promise<number> {
    let marks = this.#seqs.get(sdkAppId);
    if (!marks) this.#seqs.set(sdkAppId, (marks = new Map<string, number>()));
    const first = marks.get(groupId) ?? 1;
    marks.set(groupId, first + count);
    return first;
  }

  async reserveSeqFenced(sdkAppId: number, groupId: string, count: number, epoch: number): Promise<number> {
    if (this.#leases.get(sdkAppId)?.get(groupId)?.epoch !== epoch) return 0;
    return this.reserveSeq(sdkAppId, groupId, count);
  }

  async acquireRoomLease(sdkAppId: number, groupId: string, node: string, epoch: number, nowMs: number, untilMs: number): Promise<number> {
    let leases = this.#leases.get(sdkAppId);
    if (!leases) this.#leases.set(sdkAppId, (leases = new Map<string, HeldLease>()));
    const held = leases.get(groupId);
    if (!held) {
      leases.set(groupId, { node, epoch: 1, untilMs });
      return 1;
    }
    if (held.node === node && held.epoch === epoch) {
      held.untilMs = untilMs;
      return epoch;
    }
    if (held.untilMs > nowMs) return 0;
    leases.set(groupId, { node, epoch: held.epoch + 1, untilMs });
    return held.epoch + 1;
  }

  async releaseRoomLease(sdkAppId: number, groupId: string, node: string, epoch: number): Promise<boolean> {
    const held = this.#leases.get(sdkAppId)?.get(groupId);
    if (held?.node !== node || held.epoch !== epoch) return false;
    held.untilMs = 0;
    return true;
  }

  async releaseSeq(sdkAppId: number, groupId: string, reservedEnd: number, nextSeq: number): Promise<boolean> {
    const marks = this.#seqs.get(sdkAppId);
    if (marks?.get(groupId) !== reservedEnd) return false;
    marks.set(groupId, nextSeq);
    return true;
  }
}
