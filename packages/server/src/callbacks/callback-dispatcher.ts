/**
 * The callbacks of one node, wired to the engine: the before-send admission step for the rooms
 * this node is the authority of, the authority observer (after-send, send exceptions,
 * dismissals, profile changes), and the node's membership and session listeners (joins,
 * exits, login state). Each event becomes a request only when the app has a callback URL and
 * that command enabled; after-events go through the node's bounded AfterEventQueue.
 */
import type { Logger } from 'pino';
import type { AppCache } from '../apps/app-cache.js';
import type { AdmissionStep } from '../authority/admission.js';
import type { AuthorityObserver } from '../authority/authority-observer.js';
import type { Clock } from '../clock/clock.js';
import type { CallbackCommand } from '../core/app-callbacks.js';
import type { AppRecord } from '../core/records.js';
import type { SessionEvent } from '../gateway/session-event.js';
import type { MembershipEvent } from '../groups/membership-event.js';
import type { Metrics } from '../metrics/metrics.js';
import type { AfterEventQueueOptions } from './after-event-queue.js';
import { AfterEventQueue } from './after-event-queue.js';
import { createBeforeSendStep } from './before-send-step.js';
import { afterSendBody, groupDestroyedBody, groupInfoChangedBody, memberExitBody, memberJoinBody, sendExceptionBody, stateChangeBody } from './callback-bodies.js';
import { CallbackClient, callbackEnabled, type CallbackOrigin } from './callback-client.js';
import { sendTestCallback, type TestCallbackResult } from './test-callback.js';
import type { CallbackTransport } from './callback-transport.js';

/** What the dispatcher needs. */
export interface CallbackDispatcherDeps {
  transport: CallbackTransport;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  /** Current app records for node-side events (a connection keeps the record it connected with). */
  apps: AppCache;
}

/** Where the app's own actions come from in the query string. */
const REST_ORIGIN: CallbackOrigin = { clientIp: '', platform: 'RESTAPI' };

/** A node's callbacks. */
export class CallbackDispatcher {
  readonly #d: CallbackDispatcherDeps;
  readonly #client: CallbackClient;
  readonly #queue: AfterEventQueue;
  /** The before-send step, to put last in the admission steps. */
  readonly beforeSendStep: AdmissionStep;
  /** The listener to give the authority host. */
  readonly observer: AuthorityObserver;

  /** Send the app's test callback (REST `stadium_admin/send_test_callback`) and report status and latency. */
  sendTest(app: AppRecord & { callbackUrl: string }): Promise<TestCallbackResult> {
    return sendTestCallback(this.#d.transport, this.#d.clock, app);
  }

  constructor(deps: CallbackDispatcherDeps, queueOptions: AfterEventQueueOptions) {
    this.#d = deps;
    this.#client = new CallbackClient(deps);
    this.#queue = new AfterEventQueue({ client: this.#client, clock: deps.clock, metrics: deps.metrics, logger: deps.logger }, queueOptions);
    this.beforeSendStep = createBeforeSendStep({ client: this.#client, clock: deps.clock, logger: deps.logger });
    const now = (): number => deps.clock.now();
    this.observer = {
      sendSettled: ({ app, groupId, actor, message, outcome, skipAfterSendCallback }) => {
        switch (outcome.kind) {
          case 'published':
            if (!skipAfterSendCallback) this.#after(app, 'Group.CallbackAfterSendMsg', actor, () => afterSendBody(groupId, actor, message, outcome.seq, outcome.time, now()));
            return;
          case 'sampled':
            this.#after(app, 'Group.CallbackSendMsgException', actor, () =>
              sendExceptionBody(groupId, actor, message, { code: 10023, message: "sampled away by the room's downstream cap (accepted, delivered to nobody)" }, now()),
            );
            return;
          case 'refused':
            // The receiver refused it itself: it knows.
            if (outcome.error.reason === 'CALLBACK_REJECTED') return;
            this.#after(app, 'Group.CallbackSendMsgException', actor, () => sendExceptionBody(groupId, actor, message, outcome.error, now()));
            return;
          case 'discarded':
            return;
        }
      },
      dismissed: (app, record, actor) => {
        this.#after(app, 'Group.CallbackAfterGroupDestroyed', actor, () => groupDestroyedBody(record.groupId, record.ownerId, record.name, now()));
      },
      profileChanged: (app, record, actor, patch) => {
        const body = groupInfoChangedBody(record.groupId, actor.userId ?? '', patch, now());
        if (body) this.#after(app, 'Group.CallbackAfterGroupInfoChanged', actor, () => body);
      },
    };
  }

  /** Events held in the after-event queue now. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Resolves once the after-event queue has nothing waiting or in flight. */
  drained(): Promise<void> {
    return this.#queue.drained();
  }

  /** A member joined or left on this node. */
  onMembership = (event: MembershipEvent): void => {
    const { actor, groupId } = event;
    const userId = actor.userId;
    if (userId === null) return;
    const command = event.kind === 'join' ? 'Group.CallbackAfterNewMemberJoin' : 'Group.CallbackAfterMemberExit';
    const at = this.#d.clock.now();
    void this.#current(actor.app).then((app) => {
      this.#after(app, command, actor, () =>
        event.kind === 'join' ? memberJoinBody(groupId, userId, at) : memberExitBody(groupId, userId, event.exitType ?? 'Quit', event.operatorId ?? userId, at),
      );
    });
  };

  /** A login state changed on this node. */
  onSession = (event: SessionEvent): void => {
    const at = this.#d.clock.now();
    void this.#current(event.app).then((app) => {
      this.#after(app, 'State.StateChange', event, () => stateChangeBody({ action: event.action, reason: event.reason, userId: event.userId }, at));
    });
  };

  /** Stop sending; events still held are dropped (and logged). */
  async close(): Promise<void> {
    this.#queue.close();
    await this.#d.transport.close();
  }

  #after(app: AppRecord, command: CallbackCommand, origin: CallbackOrigin, body: () => Record<string, unknown>): void {
    if (!callbackEnabled(app, command)) return;
    this.#queue.push(app, command, origin.platform === 'Server' ? REST_ORIGIN : origin, body());
  }

  /** The app's newest record (the cached one), or `app` when it cannot be read. */
  async #current(app: AppRecord): Promise<AppRecord> {
    try {
      return (await this.#d.apps.get(app.sdkAppId)) ?? app;
    } catch {
      return app;
    }
  }
}
