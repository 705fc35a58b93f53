/**
 * The one error registry. Every error Stadium returns (WebSocket responses, REST envelopes,
 * CLI output) and every error the SDK raises by itself is listed here with:
 * - a stable name (the key), which never changes and is what code should match on;
 * - the numeric `code` of the compatible service, so migrated apps keep working
 *   (Stadium-only conditions use 19000–19099, a range the compatible service does not use);
 * - a message that says what to do;
 * - where it applies, the WebSocket close code it ends the connection with.
 *
 * `docs/errors.md` lists exactly these entries; a test keeps the two in step.
 */
import { CLOSE_CODES, type CloseCode } from './close-codes.js';

/** One registry entry. */
export interface ErrorSpec {
  /** Numeric error code (compatible service's value where one exists). */
  readonly code: number;
  /** HTTP status for Stadium's own HTTP endpoints (REST envelopes of the compatible API are always 200). Absent for SDK-side errors. */
  readonly http?: number;
  /** What happened and what to do about it. */
  readonly message: string;
  /** Close code when this error ends the WebSocket connection. */
  readonly close?: CloseCode;
  /** Raised by the SDK itself rather than the server. */
  readonly side?: 'sdk';
}

/** The registry. Keys are the stable error names. */
export const ERRORS = {
  // ── Frames and connections ───────────────────────────────────────────────
  BAD_FRAME: {
    code: 60003,
    http: 400,
    message: 'The frame is not a JSON object of the form {"t":"req","id":<integer>,"cmd":"<command>","body":{…}}; fix the client (see docs/protocol.md).',
  },
  FRAME_TOO_LARGE: {
    code: 60008,
    http: 413,
    message: 'The frame is larger than the server accepts (maxFrameBytes); keep messages under 12,000 bytes.',
    close: CLOSE_CODES.FRAME_TOO_LARGE,
  },
  INVALID_UTF8: {
    code: 60003,
    http: 400,
    message: 'A text frame is not valid UTF-8; send JSON text encoded as UTF-8.',
  },
  WEBSOCKET_PROTOCOL_ERROR: {
    code: 60003,
    http: 400,
    message: 'The WebSocket framing was invalid (for example an unmasked client frame or a reserved opcode); use a conforming WebSocket client.',
    close: CLOSE_CODES.PROTOCOL_ERROR,
  },
  UNKNOWN_COMMAND: {
    code: 10003,
    http: 404,
    message: 'Unknown command; see docs/protocol.md for the commands this protocol version accepts.',
  },
  INVALID_PARAMETER: {
    code: 10004,
    http: 400,
    message: 'A parameter is missing or has the wrong type or format; check the request against docs/protocol.md.',
  },
  UNSUPPORTED_VERSION: {
    code: 19001,
    http: 400,
    message: 'The server does not speak the protocol version the client asked for; upgrade the SDK or the server.',
    close: CLOSE_CODES.UNSUPPORTED_VERSION,
  },
  TOO_MANY_BAD_FRAMES: {
    code: 19002,
    http: 400,
    message: 'The client sent too many malformed frames in a short time and was disconnected; fix the client.',
    close: CLOSE_CODES.TOO_MANY_BAD_FRAMES,
  },
  HEARTBEAT_TIMEOUT: {
    code: 19003,
    http: 408,
    message: 'No frame arrived within the heartbeat timeout; the client should send {"t":"ping"} every heartbeatMs.',
    close: CLOSE_CODES.HEARTBEAT_TIMEOUT,
  },
  SLOW_CONSUMER: {
    code: 19004,
    http: 429,
    message: 'The client did not read messages fast enough and its backlog passed the server limit; it may reconnect.',
    close: CLOSE_CODES.SLOW_CONSUMER,
  },
  REQUESTS_RATE_LIMITED: {
    code: 2996,
    http: 429,
    message: 'This connection is over its request budget (requestsPerSec, requestBurst; some commands cost more, see docs/protocol.md); wait a moment and retry.',
  },
  TOO_MANY_REQUESTS_IN_FLIGHT: {
    code: 60018,
    http: 429,
    message: 'This connection has as many requests awaiting an answer as the server allows (maxRequestsInFlight); wait for answers before sending more.',
  },
  REQUEST_FLOOD: {
    code: 19020,
    http: 429,
    message: 'The connection kept sending requests after they were refused for its request budget (maxRefusedRequestsPerMinute) and was closed; slow down before reconnecting.',
    close: CLOSE_CODES.REQUEST_FLOOD,
  },
  FRAME_RATE_LIMITED: {
    code: 19090,
    http: 429,
    message:
      'This connection sends frames faster than the server reads them (maxFramesPerSec, frameBurst; pings and malformed frames count too); frames were dropped unread, so slow down and resend what needs an answer.',
  },
  FRAME_FLOOD: {
    code: 19091,
    http: 429,
    message: 'The connection kept sending frames past its frame rate (maxFramesPerSec) after frames were dropped and was closed; slow down before reconnecting.',
    close: CLOSE_CODES.FRAME_FLOOD,
  },
  TOO_MANY_CONNECTIONS_FROM_IP: {
    code: 19092,
    http: 429,
    message:
      'The client address already has as many connections to this server as allowed (maxConnectionsPerIp); close some before opening more, or set trustedProxies when a proxy connects for many clients.',
    close: CLOSE_CODES.IP_CONNECTION_LIMIT,
  },
  APP_CONNECTION_LIMIT: {
    code: 19093,
    http: 503,
    message: 'The app already has as many connections to this server as allowed (maxConnectionsPerApp); reconnect later or to another node.',
    close: CLOSE_CODES.APP_CONNECTION_LIMIT,
  },
  HANDSHAKE_RATE_LIMITED: {
    code: 19094,
    http: 429,
    message:
      'The client address opened connections faster than the server admits them (handshakesPerIpPerSec, handshakeBurstPerIp); the upgrade was refused with HTTP 429, so retry after Retry-After seconds.',
  },
  SERVER_SHUTTING_DOWN: {
    code: 19005,
    http: 503,
    message: 'The server is shutting down; reconnect in a moment.',
    close: CLOSE_CODES.GOING_AWAY,
  },
  SERVER_DRAINING: {
    code: 19081,
    http: 503,
    message: 'This node is draining (a restart or scale-in); reconnect to another server after the suggested delay (retryAfterMs), with jitter.',
    close: CLOSE_CODES.DRAINING,
  },
  INTERNAL_ERROR: {
    code: 10002,
    http: 500,
    message: 'Internal server error; retry, and report it with the server log if it persists.',
  },
  OVERLOADED: {
    code: 60022,
    http: 503,
    message: 'The server is overloaded and did not confirm in time; the request may still take effect (a message may still be delivered), so check before repeating it.',
  },
  SERVICE_UNAVAILABLE: {
    code: 19013,
    http: 503,
    message: 'The node that decides for this room is not reachable right now (it is starting or restarting); retry in a moment.',
  },
  STORE_UNAVAILABLE: {
    code: 19080,
    http: 503,
    message:
      'The database (the shared store) is not reachable right now (it is restarting or down); retry in a moment (the detail says whether the request may have taken effect).',
  },
  // ── REST API ───────────────────────────────────────────────────────────
  REST_SDKAPPID_MISSING: {
    code: 60012,
    http: 400,
    message: 'The REST URL needs ?sdkappid=<SDKAppID>&identifier=<admin>&usersig=<admin userSig>&random=<uint32>&contenttype=json.',
  },
  REST_IDENTIFIER_INVALID: {
    code: 60004,
    http: 401,
    message: 'The REST URL needs identifier=<the app admin account> and usersig=<a userSig made for it>.',
  },
  REST_NOT_ADMIN: {
    code: 60010,
    http: 403,
    message: 'REST calls must be made as the app admin account (identifier); make a userSig for that account.',
  },
  REST_BAD_JSON: {
    code: 60003,
    http: 400,
    message: "The request body is not a JSON object; send a JSON object (at least {}) with the command's fields.",
  },
  REST_BODY_TOO_LARGE: {
    code: 60008,
    http: 413,
    message: 'The request body is larger than the REST API accepts (restMaxBodyBytes, default 1 MiB); send less per request.',
  },
  REST_UNKNOWN_COMMAND: {
    code: 60009,
    http: 404,
    message: 'No such REST command; check the /v4/<service>/<command> path against docs/rest-api.md (POST only).',
  },
  REST_RATE_LIMITED: {
    code: 60007,
    http: 429,
    message: "Too many REST calls of this command for this app; slow down and retry (see docs/rest-api.md for each command's rate).",
  },
  // ── Apps and accounts ────────────────────────────────────────────────────
  UNKNOWN_APP: {
    code: 70020,
    http: 404,
    message: 'No application has this SDKAppID; check the SDKAppID or create the app with `stadium app create`.',
    close: CLOSE_CODES.UNKNOWN_APP,
  },
  APP_NOT_FOUND: {
    code: 60006,
    http: 404,
    message: 'No application has this SDKAppID; list apps with `stadium app list`.',
  },
  APP_LIMIT_REACHED: {
    code: 19010,
    http: 409,
    message: 'An account may own at most 300 applications; delete one before creating another.',
  },
  INVALID_APP_NAME: {
    code: 19011,
    http: 400,
    message: 'An application name must be 1–64 characters.',
  },
  DEV_LOGIN_DISABLED: {
    code: 19060,
    http: 403,
    message:
      'Development login is off for this app (app setting devLogin). It hands out userSigs to anyone, so it is for development only: have your backend make userSigs, or enable it on a development app with `stadium app update --sdkappid <SDKAppID> --dev-login on`.',
  },
  CONSOLE_SIGN_IN_FAILED: {
    code: 19070,
    http: 401,
    message: 'Wrong operator name or password. The password was printed once by the first `stadium start`; set a new one with `stadium console password`.',
  },
  CONSOLE_SIGN_IN_LIMITED: {
    code: 19071,
    http: 429,
    message: 'Too many console sign-in attempts from this address or for this account. Wait the seconds given in Retry-After, then try again.',
  },
  CONSOLE_SESSION_REQUIRED: {
    code: 19072,
    http: 401,
    message: 'The console request has no valid session (never signed in, expired, or the password changed since). Sign in again.',
  },
  CONSOLE_CSRF_FAILED: {
    code: 19073,
    http: 403,
    message: "A state-changing console request without the session's CSRF token in the x-csrf-token header. Reload the console and repeat.",
  },
  CONSOLE_CONFIRMATION_MISMATCH: {
    code: 19074,
    http: 400,
    message: "Deleting an app needs its exact name typed as confirmation; the typed text does not match the app's name.",
  },
  INVALID_USER_ID: {
    code: 70402,
    http: 400,
    message: 'A userID must be 1–32 bytes of printable ASCII without spaces.',
  },
  NOT_LOGGED_IN: {
    code: 2024,
    http: 401,
    message: 'This needs a logged-in user: guests can only join rooms and receive. Call login({ userID, userSig }) first.',
  },
  LOGIN_CONFLICT: {
    code: 19006,
    http: 409,
    message: 'This connection is already logged in as another user; log out first.',
  },
  KICKED: {
    code: 19007,
    http: 401,
    message: 'The server ended this session (for example, its userSig expired); log in again with a fresh userSig.',
    close: CLOSE_CODES.KICKED,
  },
  KICKED_BY_ADMIN: {
    code: 3006,
    http: 401,
    message: "The app's backend ended this user's sessions (REST im_open_login_svc/kick); log in again to start a new one.",
    close: CLOSE_CODES.KICKED,
  },
  ACCOUNT_BAD_REQUEST: {
    code: 70402,
    http: 400,
    message: 'The account request is missing a field or has one of the wrong type; check it against docs/rest-api.md (UserID: 1–32 bytes of printable ASCII).',
  },
  // ── userSig ──────────────────────────────────────────────────────────────
  USERSIG_EXPIRED: {
    code: 70001,
    http: 401,
    message: 'The userSig has expired; generate a new one with the app secret key.',
  },
  USERSIG_REVOKED: {
    code: 70001,
    http: 401,
    message: 'The userSig was issued before the account was kicked (REST im_open_login_svc/kick); generate a new one with the app secret key.',
  },
  USERSIG_EMPTY: {
    code: 70002,
    http: 401,
    message: 'The userSig is empty; pass the userSig generated for this user.',
  },
  USERSIG_INVALID: {
    code: 70003,
    http: 401,
    message: 'The userSig is malformed (not a TLSSigAPIv2 userSig); generate it with a TLSSigAPIv2 library or `stadium usersig`.',
  },
  USERSIG_BAD_SIGNATURE: {
    code: 70009,
    http: 401,
    message: "The userSig signature does not match; it was made with another key. Use this app's secret key.",
  },
  USERSIG_USER_MISMATCH: {
    code: 70013,
    http: 401,
    message: 'The userSig was made for another userID; generate one for the userID that logs in.',
  },
  USERSIG_APP_MISMATCH: {
    code: 70014,
    http: 401,
    message: "The userSig was made for another SDKAppID; generate one with this app's SDKAppID and key.",
  },
  // ── Profiles ─────────────────────────────────────────────────────────────
  PROFILE_VALUE_TOO_LONG: {
    code: 40601,
    http: 400,
    message: 'A profile value is longer than 500 bytes; shorten it.',
  },
  INVALID_PROFILE_FIELD: {
    code: 40605,
    http: 400,
    message:
      'A standard profile field has a value the server does not take: location ≤ 16 bytes; gender, allowType and adminForbidType one of their TIM constants; birthday, language, level, role and messageSettings integers 0–4294967295.',
  },
  INVALID_PROFILE_CUSTOM_KEY: {
    code: 40009,
    http: 400,
    message: 'A custom profile field name must be "Tag_Profile_Custom_" followed by 1–8 letters, digits or "_", and appear once per update.',
  },
  PROFILE_TOO_LARGE: {
    code: 19014,
    http: 413,
    message: 'The profile would be too large: at most 20 custom fields and 8,192 bytes of strings in all (UTF-8); remove or shorten some fields.',
  },
  PROFILE_QUOTA_REACHED: {
    code: 19015,
    http: 429,
    message: 'This application stores as many profiles as the server allows (maxProfilesPerApp); ask the operator to raise the limit.',
  },
  PROFILE_BAD_REQUEST: {
    code: 40001,
    http: 400,
    message: 'The profile request is missing a field or has one of the wrong type; check it against docs/rest-api.md.',
  },
  PROFILE_UNKNOWN_TAG: {
    code: 40009,
    http: 400,
    message: 'Unknown profile tag: use a Tag_Profile_IM_* tag listed in docs/rest-api.md or Tag_Profile_Custom_<1–8 letters, digits or _>.',
  },
  PROFILE_VALUE_TYPE: {
    code: 40610,
    http: 400,
    message: 'A profile tag has a value of the wrong type: string tags take a string, number tags an integer (see docs/rest-api.md).',
  },
  ACCOUNT_NOT_FOUND: {
    code: 40003,
    http: 404,
    message: 'No profile is stored for this account; import it (im_open_login_svc/account_import) or set its profile first.',
  },
  // ── Groups ───────────────────────────────────────────────────────────────
  GROUP_NOT_FOUND: {
    code: 10010,
    http: 404,
    message: 'The group does not exist or was dismissed; check the groupID.',
  },
  INVALID_GROUP_ID: {
    code: 10015,
    http: 400,
    message: 'Invalid groupID: custom IDs are 1–48 bytes of printable ASCII and must not start with "@TGS#".',
  },
  GROUP_ID_IN_USE: {
    code: 10025,
    http: 409,
    message: 'You already own a group with this groupID; dismiss it first or pick another ID.',
  },
  GROUP_ID_TAKEN: {
    code: 10021,
    http: 409,
    message: 'Another user already owns a group with this groupID; pick another ID.',
  },
  GROUP_TYPE_NOT_SUPPORTED: {
    code: 10004,
    http: 400,
    message: 'Stadium hosts live-broadcast groups only; create the group with type "AVChatRoom".',
  },
  INVALID_GROUP_FIELD: {
    code: 10004,
    http: 400,
    message: 'A group field is too long: name ≤ 30 bytes, introduction ≤ 240, notification ≤ 300, avatar URL ≤ 100.',
  },
  NO_PERMISSION: {
    code: 10007,
    http: 403,
    message: 'Only the group owner or an app admin may do this.',
  },
  NOT_GROUP_MEMBER: {
    code: 10007,
    http: 403,
    message: 'You are not in this group: join it first.',
  },
  TOO_MANY_ROOMS: {
    code: 19012,
    http: 429,
    message: 'This connection has joined as many rooms as the server allows (maxRoomsPerConnection); quit one first.',
  },
  ROOM_CREATE_RATE_LIMITED: {
    code: 10006,
    http: 429,
    message: 'This user created as many rooms in the last hour as the server allows (maxRoomsCreatedPerUserPerHour); reuse a room or wait.',
  },
  USER_ROOM_LIMIT: {
    code: 10036,
    http: 429,
    message: 'This user owns as many live rooms as the server allows (maxRoomsPerUser); dismiss one before creating another.',
  },
  APP_ROOM_LIMIT: {
    code: 10036,
    http: 429,
    message: 'This application has as many live rooms as the server allows (maxRoomsPerApp); dismiss some or ask the operator to raise the limit.',
  },
  OWNER_CANNOT_QUIT: {
    code: 10009,
    http: 403,
    message: 'The owner cannot quit a live-broadcast group; dismiss it instead.',
  },
  BANNED_FROM_GROUP: {
    code: 10007,
    http: 403,
    message: 'You are banned from this room until the time given; wait for the ban to end, or ask the app admin to lift it (REST unban_group_member).',
  },
  NOT_GROUP_OWNER: {
    code: 2681,
    http: 403,
    message: "Only the room's owner (or the app admin) may set or unset admins.",
  },
  INVALID_MEMBER_ROLE: {
    code: 2683,
    http: 400,
    message: 'role must be TIM.TYPES.GRP_MBR_ROLE_ADMIN ("Admin") or TIM.TYPES.GRP_MBR_ROLE_MEMBER ("Member"); the owner\'s role cannot change.',
  },
  CANNOT_SET_SELF_ROLE: {
    code: 2684,
    http: 400,
    message: 'You cannot change your own role; the owner sets and unsets admins.',
  },
  CANNOT_MUTE_SELF: {
    code: 2685,
    http: 400,
    message: 'You cannot mute yourself; name another member.',
  },
  BAN_DURATION_INVALID: {
    code: 2686,
    http: 400,
    message: 'A ban needs duration: its length in seconds, an integer from 1 to 4294967295.',
  },
  TOO_MANY_ACCOUNTS: {
    code: 10005,
    http: 400,
    message: 'Too many accounts in one request: at most 20 per ban or unban and 500 per mute; split the list.',
  },
  OUTRANKED: {
    code: 10007,
    http: 403,
    message: 'You may only mute or ban members below your role: admins act on members, the owner on admins and members; nobody acts on the owner or the app admin.',
  },
  ADMIN_LIMIT_REACHED: {
    code: 19016,
    http: 409,
    message: 'The room has as many admins as the server allows (maxAdminsPerRoom, default 50); unset one first.',
  },
  MODERATION_LIST_FULL: {
    code: 19017,
    http: 409,
    message: 'The room holds as many muted and banned members as the server allows (10,000); lift some mutes or bans first (expired ones are dropped by themselves).',
  },
  COUNTER_KEY_LIMIT: {
    code: 10063,
    http: 409,
    message: 'A group has at most 20 counters; delete one or reuse a key.',
  },
  INVALID_COUNTER: {
    code: 10004,
    http: 400,
    message: 'Counter keys are 1–128 bytes and values are integers within ±2^53; check the key and value.',
  },
  ATTRIBUTE_KEY_TOO_LONG: {
    code: 10045,
    http: 400,
    message: 'A group attribute key is empty or longer than 32 bytes (UTF-8); use a shorter key.',
  },
  ATTRIBUTE_VALUE_TOO_LONG: {
    code: 10046,
    http: 400,
    message: 'A group attribute value is longer than 4,096 bytes (UTF-8); shorten it.',
  },
  ATTRIBUTE_KEY_LIMIT: {
    code: 10047,
    http: 409,
    message: 'A group has at most 16 attributes; delete one or reuse a key.',
  },
  ATTRIBUTES_TOO_LARGE: {
    code: 10048,
    http: 413,
    message: "A group's attributes (keys and values, UTF-8) would pass 16,384 bytes in all; delete some or shorten the values.",
  },
  ATTRIBUTES_RATE_LIMITED: {
    code: 10049,
    http: 429,
    message: "The group's attributes were written 5 times in the last second; wait a second and retry.",
  },
  ATTRIBUTE_NOT_FOUND: {
    code: 10050,
    http: 404,
    message: 'A key to delete is not among the group attributes; read them (getGroupAttributes) and delete only existing keys.',
  },
  ATTRIBUTES_CONFLICT: {
    code: 10056,
    http: 409,
    message: 'Someone else changed the group attributes since this client last read them; read them again (getGroupAttributes) and retry.',
  },
  PIN_LIMIT: {
    code: 10070,
    http: 409,
    message: 'The room already has its most pinned messages (3 by default, option maxPinnedMessages); unpin one first.',
  },
  PIN_MESSAGE_NOT_FOUND: {
    code: 10071,
    http: 404,
    message: 'The message to pin is not among the recent messages of this room (or a message to unpin is not pinned); pin a message of this room by its sequence number.',
  },
  // ── Messages ─────────────────────────────────────────────────────────────
  MESSAGE_TOO_LONG: {
    code: 80002,
    http: 413,
    message: 'The message is larger than 12,000 bytes (payload and custom data, UTF-8); shorten it.',
  },
  EMPTY_MESSAGE: {
    code: 10004,
    http: 400,
    message: 'The message is empty: text messages need non-empty payload.text.',
  },
  UNSUPPORTED_MESSAGE_TYPE: {
    code: 10004,
    http: 400,
    message: 'Unsupported message type: live rooms accept TIMTextElem, TIMCustomElem, TIMFaceElem and TIMLocationElem.',
  },
  INVALID_PRIORITY: {
    code: 10004,
    http: 400,
    message: 'Invalid priority: use "High", "Normal", "Low" or "Lowest".',
  },
  GROUP_MUTED_ALL: {
    code: 10017,
    http: 403,
    message: 'The room is muted for all members: only its owner and admins may speak until mute-all is lifted.',
  },
  MEMBER_MUTED: {
    code: 10017,
    http: 403,
    message: 'You are muted in this room for the seconds given; wait for the mute to end, or ask the owner or an admin to lift it.',
  },
  SLOW_MODE: {
    code: 19018,
    http: 429,
    message: 'The room is in slow mode: wait the seconds given before sending your next message (owners and admins are exempt).',
  },
  RATE_LIMITED: {
    code: 10023,
    http: 429,
    message: 'The room is over its message rate limit and this message was shed (lowest priority goes first); retry later or send with a higher priority.',
  },
  CALLBACK_REJECTED: {
    code: 10016,
    http: 403,
    message: "The app's before-send callback refused this message; the callback's reason follows. Change the message or ask the app's backend.",
  },
  CALLBACK_FAILED: {
    code: 80003,
    http: 502,
    message: "The app's before-send callback failed or did not answer in time, and the app refuses messages then (fail policy reject); retry later.",
  },
  SENSITIVE_WORD: {
    code: 80001,
    http: 403,
    message: "The message contains a word the app's word filter refuses; change the text and send again.",
  },
  WORD_LIST_LIMIT: {
    code: 19040,
    http: 409,
    message: 'Word lists are bounded: 16 lists per app, 10,000 words per list, 50,000 in all; delete a list or shorten it.',
  },
  WORD_LIST_NOT_FOUND: {
    code: 19041,
    http: 404,
    message: 'No word list of that name in this app; list them with stadium_admin/get_word_lists.',
  },
  MESSAGE_HELD: {
    code: 19042,
    http: 202,
    message:
      "The message contains a word of one of the app's review lists and is held for the room's owner or admins: nothing was published yet. The error's message gives the hold ID; you get a notice when it is approved (then published as a new message) or denied.",
  },
  REVIEW_QUEUE_FULL: {
    code: 19043,
    http: 429,
    message:
      "The room's review queue is full (option reviewQueueMax): the message was not held or published. Owners and admins must approve or deny held messages first; send again later.",
  },
  HOLD_NOT_FOUND: {
    code: 19044,
    http: 404,
    message:
      'No held message with that hold ID in this room: it was already approved or denied, or it expired (option reviewHoldMs). Read the queue again with getReviewQueue / stadium_admin/get_review_queue.',
  },
  REVOKE_NOT_SUPPORTED: {
    code: 10035,
    http: 405,
    message: 'Messages in live-broadcast groups cannot be recalled; send a correction instead.',
  },
  C2C_BAD_REQUEST: {
    code: 20001,
    http: 400,
    message: 'The one-to-one message request is missing a field or has one of the wrong type; check it against docs/rest-api.md (openim/sendmsg).',
  },
  C2C_MSG_RANDOM_INVALID: {
    code: 90005,
    http: 400,
    message: 'openim/sendmsg needs MsgRandom, an integer 0–4294967295; send a fresh random number with each message.',
  },
  C2C_TO_ACCOUNT_NOT_IMPORTED: {
    code: 90012,
    http: 404,
    message: 'To_Account is not a known account of this app; import it first (im_open_login_svc/account_import) or let it log in once.',
  },
  C2C_FROM_ACCOUNT_NOT_FOUND: {
    code: 90048,
    http: 404,
    message: 'From_Account is not a known account of this app; import it first (im_open_login_svc/account_import), or leave it out to send as the admin.',
  },
  // ── SDK-side (raised by @stadium/sdk without a server round trip) ────────
  SDK_NO_SDKAPPID: {
    code: 2000,
    message: 'TIM.create needs a numeric SDKAppID.',
    side: 'sdk',
  },
  SDK_NO_USERID: {
    code: 2002,
    message: 'login needs a userID.',
    side: 'sdk',
  },
  SDK_NO_USERSIG: {
    code: 2003,
    message: 'login needs a userSig.',
    side: 'sdk',
  },
  SDK_NOT_READY: {
    code: 2999,
    message: 'The SDK is not ready: log in and wait for SDK_READY (guests can only join and receive).',
    side: 'sdk',
  },
  SDK_NOT_IN_ROOM: {
    code: 2101,
    message: 'Join the live-broadcast group before sending to it.',
    side: 'sdk',
  },
  SDK_NEED_MESSAGE_INSTANCE: {
    code: 2105,
    message: 'sendMessage needs a message made by createTextMessage or createCustomMessage.',
    side: 'sdk',
  },
  SDK_INVALID_CONVERSATION_TYPE: {
    code: 2106,
    message: 'Live rooms take conversationType TIM.TYPES.CONV_GROUP.',
    side: 'sdk',
  },
  SDK_ILLEGAL_GROUP_TYPE: {
    code: 2600,
    message: 'Stadium hosts live-broadcast groups only: use type TIM.TYPES.GRP_AVCHATROOM.',
    side: 'sdk',
  },
  SDK_MEMBER_NOT_IN_GROUP: {
    code: 2623,
    message: 'You are not in this group.',
    side: 'sdk',
  },
  SDK_NETWORK_ERROR: {
    code: 2800,
    message: 'The connection to the server is down; the SDK is reconnecting. Retry when NET_STATE_CHANGE reports connected.',
    side: 'sdk',
  },
  SDK_NETWORK_TIMEOUT: {
    code: 2801,
    message: 'The server did not answer in time; retry.',
    side: 'sdk',
  },
  SDK_DESTROYED: {
    code: 2905,
    message: 'This SDK instance was destroyed; create a new one.',
    side: 'sdk',
  },
} as const satisfies Record<string, ErrorSpec>;

/** A stable error name. */
export type ErrorName = keyof typeof ERRORS;

/** Look up an error's spec by name. */
export function errorSpec(name: ErrorName): ErrorSpec {
  return ERRORS[name];
}

/** True when `value` is a registered error name. */
export function isErrorName(value: unknown): value is ErrorName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, value);
}

/**
 * An error carrying a registry name and its numeric code. Servers throw it from command
 * handlers; the SDK rejects promises with it (it has the `code`, `message` and `data`
 * fields of the compatible SDK's IMError).
 */
export class StadiumError extends Error {
  /** Numeric code (compatible service's value). */
  readonly code: number;
  /** Stable registry name. */
  readonly reason: ErrorName;
  /** What was wrong in this case, without the registry text (it is in `message` too). */
  readonly detail: string | undefined;
  /** Extra data (for example the message that failed to send). */
  data: unknown;

  constructor(reason: ErrorName, detail?: string, data?: unknown) {
    const spec = ERRORS[reason];
    super(detail ? `${detail}: ${spec.message}` : spec.message);
    this.name = 'StadiumError';
    this.code = spec.code;
    this.reason = reason;
    this.detail = detail || undefined;
    this.data = data;
  }
}

/**
 * `error` with a numeric code other than its registry entry's (a before-send callback may
 * refuse with a code of its own, 10100–10200, which the sender receives). The name and the
 * message stay the registry's.
 */
export function withCode(error: StadiumError, code: number): StadiumError {
  if (code !== error.code) Object.defineProperty(error, 'code', { value: code, enumerable: true });
  return error;
}
