/**
 * `stadium_admin/…` history commands (Stadium's own, not in the compatible API): switch a
 * room's history for late joiners and its whole record on or off, and export the record as
 * JSON lines, in sequence order, streamed and paged by sequence number (docs/rest-api.md).
 */
import { Type } from '@sinclair/typebox';
import { LIMITS } from '@stadium/protocol';
import { MAX_RECORD_MESSAGES } from '../../core/history-limits.js';
import { MAX_HISTORY_SIZE } from '../../groups/room-settings-input.js';
import { RECORD_PAGE_MAX } from '../../groups/history-input.js';
import { defineCommand, type AnyRestCommand } from '../rest-command.js';

const GroupId = Type.String({ minLength: 1, maxLength: LIMITS.maxGroupIdBytes, description: "The room's group ID" });

/** `stadium_admin/set_group_history`. */
export const setGroupHistory = defineCommand({
  path: 'stadium_admin/set_group_history',
  summary: "Set how much of a room's messages it keeps: its last HistorySize for late joiners, and with KeepRecord its whole record for export (Stadium's own command).",
  body: Type.Object({
    GroupId,
    HistorySize: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_HISTORY_SIZE, description: `Messages a joiner can read with getMessageList: 0 (off, the default)–${MAX_HISTORY_SIZE}` }),
    ),
    KeepRecord: Type.Optional(Type.Boolean({ description: `Keep every message (up to ${MAX_RECORD_MESSAGES} per room) for export_group_record` })),
  }),
  response: Type.Object({ HistorySize: Type.Integer(), KeepRecord: Type.Boolean() }),
  async handle({ actor, deps }, body) {
    const patch: Record<string, unknown> = { groupID: body.GroupId };
    if (body.HistorySize !== undefined) patch.historySize = body.HistorySize;
    if (body.KeepRecord !== undefined) patch.keepRecord = body.KeepRecord;
    const { settings } = await deps.groups.updateSettings(actor, patch);
    return { HistorySize: settings.historySize, KeepRecord: settings.keepRecord };
  },
});

/** `stadium_admin/export_group_record`. */
export const exportGroupRecord = defineCommand({
  path: 'stadium_admin/export_group_record',
  summary:
    "A room's kept messages as JSON lines (application/x-ndjson), oldest first, each as members received it, streamed; page on with AfterSeq = the last line's seq (Stadium's own command).",
  body: Type.Object({
    GroupId,
    AfterSeq: Type.Optional(Type.Integer({ minimum: 0, description: 'Only messages with a higher sequence number. Default 0 (from the start)' })),
    Limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RECORD_MESSAGES, description: `Most lines. Default ${MAX_RECORD_MESSAGES} (the whole record)` })),
  }),
  response: Type.Object({}, { description: 'On success the answer is not an envelope but JSON lines, one message per line' }),
  ndjson: true,
  ratePerSec: 10,
  async handle({ actor, deps }, body) {
    const limit = body.Limit ?? MAX_RECORD_MESSAGES;
    // The first page is read before anything is sent, so a refusal gets the error envelope.
    const first = await deps.groups.record(actor, body.GroupId, body.AfterSeq ?? 0, Math.min(limit, RECORD_PAGE_MAX));
    async function* lines(): AsyncGenerator<string> {
      let page = first.entries;
      let left = limit;
      while (page.length > 0 && left > 0) {
        for (const entry of page.slice(0, left)) yield entry.json;
        left -= page.length;
        if (left <= 0 || page.length === 0) return;
        const after = page.at(-1)!.seq;
        page = (await deps.groups.record(actor, body.GroupId, after, Math.min(left, RECORD_PAGE_MAX))).entries;
      }
    }
    return { Lines: lines() };
  },
});

/** The history commands. */
export const HISTORY_COMMANDS: readonly AnyRestCommand[] = [setGroupHistory, exportGroupRecord];
