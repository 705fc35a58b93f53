/**
 * The exact constant values of the compatible client SDK (`TIM.EVENT`, `TIM.TYPES`).
 * Applications compare against these strings, so they must never change.
 */

/** `TIM.EVENT`: event names emitted by the SDK. */
export const TIM_EVENT = {
  SDK_READY: 'sdkStateReady',
  SDK_NOT_READY: 'sdkStateNotReady',
  MESSAGE_RECEIVED: 'onMessageReceived',
  ROOM_CUSTOM_DATA_RECEIVED: 'onRoomCustomDataReceived',
  MESSAGE_MODIFIED: 'onMessageModified',
  MESSAGE_REVOKED: 'onMessageRevoked',
  MESSAGE_READ_BY_PEER: 'onMessageReadByPeer',
  MESSAGE_READ_RECEIPT_RECEIVED: 'onMessageReadReceiptReceived',
  CONVERSATION_LIST_UPDATED: 'onConversationListUpdated',
  TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: 'onTotalUnreadMessageCountUpdated',
  CONVERSATION_GROUP_LIST_UPDATED: 'onConversationGroupListUpdated',
  CONVERSATION_IN_GROUP_UPDATED: 'onConversationInGroupUpdated',
  GROUP_LIST_UPDATED: 'onGroupListUpdated',
  GROUP_ATTRIBUTES_UPDATED: 'groupAttributesUpdated',
  GROUP_COUNTER_UPDATED: 'onGroupCounterUpdated',
  TOPIC_CREATED: 'onTopicCreated',
  TOPIC_DELETED: 'onTopicDeleted',
  TOPIC_UPDATED: 'onTopicUpdated',
  PROFILE_UPDATED: 'onProfileUpdated',
  USER_STATUS_UPDATED: 'onUserStatusUpdated',
  BLACKLIST_UPDATED: 'blacklistUpdated',
  FRIEND_LIST_UPDATED: 'onFriendListUpdated',
  FRIEND_GROUP_LIST_UPDATED: 'onFriendGroupListUpdated',
  FRIEND_APPLICATION_LIST_UPDATED: 'onFriendApplicationListUpdated',
  MY_FOLLOWERS_LIST_UPDATED: 'onMyFollowersListUpdated',
  MY_FOLLOWING_LIST_UPDATED: 'onMyFollowingListUpdated',
  MUTUAL_FOLLOWERS_LIST_UPDATED: 'onMutualFollowersListUpdated',
  KICKED_OUT: 'kickedOut',
  ERROR: 'error',
  NET_STATE_CHANGE: 'netStateChange',
  ALL_RECEIVE_MESSAGE_OPT_UPDATED: 'onAllReceiveMessageOptUpdated',
  PINNED_GROUP_MESSAGE_UPDATED: 'onPinnedGroupMessageUpdated',
  SDK_RELOAD: 'sdkReload',
  /**
   * Stadium extension: after a reconnect, the server could not resend every message a room
   * got while this client was away. Data: `{ groupID, fromSeq, toSeq, reason }`, `reason`
   * 'expired' (the range is known) or 'unknown-position' (`fromSeq` and `toSeq` null).
   */
  GROUP_MESSAGES_MISSED: 'stadiumGroupMessagesMissed',
  /**
   * Stadium extension: after a reconnect, a room was rejoined and every message the server
   * resent has been delivered. Data: `{ groupID, complete }`: `complete` true when nothing the
   * room got while this client was away is missing, false when some is (then
   * GROUP_MESSAGES_MISSED came first, with the range).
   */
  GROUP_RESUMED: 'stadiumGroupResumed',
  /**
   * Stadium extension (review queue): a message of a room where this user is owner or admin is
   * held for review. Data: `{ groupID, holdID, message, heldAt, expiresAt }` (`message` is a
   * Message without a sequence number; times in UNIX seconds). Approve or deny it with
   * `reviewMessage`.
   */
  GROUP_MESSAGE_HELD: 'stadiumGroupMessageHeld',
  /**
   * Stadium extension (review queue): the outcome of a held message. The sender gets it for
   * its own message, and so do the room's owner and admins online. Data:
   * `{ groupID, holdID, action: 'Approve' | 'Deny', operatorID, sequence }` (`sequence`: the
   * new message's number when approved, else 0).
   */
  GROUP_MESSAGE_REVIEWED: 'stadiumGroupMessageReviewed',
} as const;

/** Any value of {@link TIM_EVENT}. */
export type TimEventName = (typeof TIM_EVENT)[keyof typeof TIM_EVENT];

/** `TIM.TYPES`: message types, conversation types, group types, roles, priorities and more. */
export const TIM_TYPES = {
  MSG_TEXT: 'TIMTextElem',
  MSG_IMAGE: 'TIMImageElem',
  MSG_AUDIO: 'TIMSoundElem',
  MSG_SOUND: 'TIMSoundElem',
  MSG_FILE: 'TIMFileElem',
  MSG_FACE: 'TIMFaceElem',
  MSG_VIDEO: 'TIMVideoFileElem',
  MSG_LOCATION: 'TIMLocationElem',
  MSG_GEO: 'TIMLocationElem',
  MSG_GRP_TIP: 'TIMGroupTipElem',
  MSG_GRP_SYS_NOTICE: 'TIMGroupSystemNoticeElem',
  MSG_CUSTOM: 'TIMCustomElem',
  MSG_MERGER: 'TIMRelayElem',

  CONV_C2C: 'C2C',
  CONV_GROUP: 'GROUP',
  CONV_TOPIC: 'TOPIC',
  CONV_SYSTEM: '@TIM#SYSTEM',

  GRP_WORK: 'Private',
  GRP_PUBLIC: 'Public',
  GRP_MEETING: 'ChatRoom',
  GRP_AVCHATROOM: 'AVChatRoom',
  GRP_COMMUNITY: 'Community',

  GRP_MBR_ROLE_OWNER: 'Owner',
  GRP_MBR_ROLE_ADMIN: 'Admin',
  GRP_MBR_ROLE_MEMBER: 'Member',
  GRP_MBR_ROLE_CUSTOM: 'Custom',

  MSG_PRIORITY_HIGH: 'High',
  MSG_PRIORITY_NORMAL: 'Normal',
  MSG_PRIORITY_LOW: 'Low',
  MSG_PRIORITY_LOWEST: 'Lowest',

  GRP_TIP_MBR_JOIN: 1,
  GRP_TIP_MBR_QUIT: 2,
  GRP_TIP_MBR_KICKED_OUT: 3,
  GRP_TIP_MBR_SET_ADMIN: 4,
  GRP_TIP_MBR_CANCELED_ADMIN: 5,
  GRP_TIP_GRP_PROFILE_UPDATED: 6,
  GRP_TIP_MBR_PROFILE_UPDATED: 7,
  GRP_TIP_BAN_AVCHATROOM_MEMBER: 10,
  GRP_TIP_UNBAN_AVCHATROOM_MEMBER: 11,

  JOIN_OPTIONS_FREE_ACCESS: 'FreeAccess',
  JOIN_OPTIONS_NEED_PERMISSION: 'NeedPermission',
  JOIN_OPTIONS_DISABLE_APPLY: 'DisableApply',
  JOIN_STATUS_SUCCESS: 'JoinedSuccess',
  JOIN_STATUS_ALREADY_IN_GROUP: 'AlreadyInGroup',
  JOIN_STATUS_WAIT_APPROVAL: 'WaitAdminApproval',
  INVITE_OPTIONS_FREE_ACCESS: 'FreeAccess',
  INVITE_OPTIONS_NEED_PERMISSION: 'NeedPermission',
  INVITE_OPTIONS_DISABLE_INVITE: 'DisableInvite',

  GRP_PROFILE_OWNER_ID: 'ownerID',
  GRP_PROFILE_CREATE_TIME: 'createTime',
  GRP_PROFILE_LAST_INFO_TIME: 'lastInfoTime',
  GRP_PROFILE_MEMBER_NUM: 'memberNum',
  GRP_PROFILE_MAX_MEMBER_NUM: 'maxMemberNum',
  GRP_PROFILE_JOIN_OPTION: 'joinOption',
  GRP_PROFILE_INVITE_OPTION: 'inviteOption',
  GRP_PROFILE_INTRODUCTION: 'introduction',
  GRP_PROFILE_NOTIFICATION: 'notification',
  GRP_PROFILE_MUTE_ALL_MBRS: 'muteAllMembers',

  MSG_REMIND_ACPT_AND_NOTE: 'AcceptAndNotify',
  MSG_REMIND_ACPT_NOT_NOTE: 'AcceptNotNotify',
  MSG_REMIND_DISCARD: 'Discard',

  KICKED_OUT_MULT_ACCOUNT: 'multipleAccount',
  KICKED_OUT_MULT_DEVICE: 'multipleDevice',
  KICKED_OUT_USERSIG_EXPIRED: 'userSigExpired',
  KICKED_OUT_REST_API: 'REST_API_Kick',

  NET_STATE_CONNECTED: 'connected',
  NET_STATE_CONNECTING: 'connecting',
  NET_STATE_DISCONNECTED: 'disconnected',

  GENDER_UNKNOWN: 'Gender_Type_Unknown',
  GENDER_FEMALE: 'Gender_Type_Female',
  GENDER_MALE: 'Gender_Type_Male',

  ALLOW_TYPE_ALLOW_ANY: 'AllowType_Type_AllowAny',
  ALLOW_TYPE_NEED_CONFIRM: 'AllowType_Type_NeedConfirm',
  ALLOW_TYPE_DENY_ANY: 'AllowType_Type_DenyAny',
  FORBID_TYPE_NONE: 'AdminForbid_Type_None',
  FORBID_TYPE_SEND_OUT: 'AdminForbid_Type_SendOut',

  MSG_AT_ALL: '__kImSDK_MesssageAtALL__',

  USER_STATUS_UNKNOWN: 0,
  USER_STATUS_ONLINE: 1,
  USER_STATUS_OFFLINE: 2,
  USER_STATUS_UNLOGINED: 3,

  CONV_AT_ME: 1,
  CONV_AT_ALL: 2,
  CONV_AT_ALL_AT_ME: 3,
} as const;

/** Message priorities, highest first. */
export const PRIORITIES = ['High', 'Normal', 'Low', 'Lowest'] as const;
/** A message priority as the compatible SDK spells it. */
export type Priority = (typeof PRIORITIES)[number];

/** Rank of a priority: 0 = High … 3 = Lowest. Lower rank is delivered first and shed last. */
export function priorityRank(priority: Priority): 0 | 1 | 2 | 3 {
  switch (priority) {
    case 'High':
      return 0;
    case 'Normal':
      return 1;
    case 'Low':
      return 2;
    case 'Lowest':
      return 3;
  }
}

/** True when `value` is one of the four priority strings. */
export function isPriority(value: unknown): value is Priority {
  return value === 'High' || value === 'Normal' || value === 'Low' || value === 'Lowest';
}

/** Group system notice operation types used by live rooms (the `@TIM#SYSTEM` conversation). */
export const GROUP_SYSTEM_NOTICE = {
  KICKED_OUT: 4,
  DISMISSED: 5,
  CREATED: 6,
  QUIT: 8,
  BANNED: 21,
  /** Stadium: a message is held for review (to the room's owner and admins online; not in the room's numbering). */
  REVIEW_HELD: 240,
  /** Stadium: a held message was approved or denied (to its sender and the owner and admins online). */
  REVIEW_RESULT: 241,
  /**
   * Stadium: the room's messages `fromSeq`…`toSeq` (payload) never reached this connection's
   * node and its authority no longer holds them (a NATS outage); not in the room's numbering.
   */
  MESSAGES_MISSED: 242,
  CUSTOM: 255,
} as const;

/** Client platform names used in callbacks (`OptPlatform`). */
export const PLATFORMS = ['Web', 'Android', 'iOS', 'Windows', 'macOS', 'iPad', 'RESTAPI', 'Unknown'] as const;
/** A client platform. */
export type Platform = (typeof PLATFORMS)[number];
