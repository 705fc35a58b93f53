import type { TestCallbackResult } from '../callbacks/test-callback.js';
import type { Clock } from '../clock/clock.js';
import type { AppRecord } from '../core/records.js';
import type { GroupService } from '../groups/group-service.js';
import type { DirectMessageService } from '../messages/direct-message-service.js';
import type { MessageService } from '../messages/message-service.js';
import type { Store } from '../storage/store.js';
import type { ProfileService } from '../users/profile-service.js';
import type { UserSessions } from '../users/user-sessions.js';

/** What REST commands call: the same operations as the WebSocket front door. */
export interface RestDeps {
  clock: Clock;
  store: Store;
  groups: GroupService;
  messages: MessageService;
  profiles: ProfileService;
  directMessages: DirectMessageService;
  userSessions: UserSessions;
  /** An app's record changed through the REST API: apply it on this node at once (others follow within appRefreshMs). @default none */
  appChanged?: (app: AppRecord) => void;
  /** An app's word lists changed through the REST API: this node's filter reloads them at once (others within appRefreshMs). @default none */
  wordListsChanged?: (sdkAppId: number) => void;
  /** Send an app's test callback (`stadium_admin/send_test_callback`). @default none: the command answers SERVICE_UNAVAILABLE */
  sendTestCallback?: (app: AppRecord & { callbackUrl: string }) => Promise<TestCallbackResult>;
}
