/**
 * Prometheus metrics, on a registry of their own (never prom-client's global one, so
 * several servers in one test process do not collide). Hot paths increment counters once
 * per batch, never once per recipient.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CALLBACK_COMMANDS } from '../core/app-callbacks.js';

/** The server's metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({ name: 'stadium_connections', help: 'Open WebSocket connections', registers: [this.registry] });
  readonly rooms = new Gauge({ name: 'stadium_rooms', help: 'Rooms with members on this node', registers: [this.registry] });
  readonly authorities = new Gauge({ name: 'stadium_room_authorities', help: 'Rooms this node is the authority for', registers: [this.registry] });
  readonly members = new Gauge({ name: 'stadium_members', help: 'Room memberships held on this node (connections × rooms joined)', registers: [this.registry] });
  readonly messagesIn = new Counter({
    name: 'stadium_messages_in_total',
    help: 'Messages offered by senders',
    labelNames: ['priority'] as const,
    registers: [this.registry],
  });
  readonly messagesOut = new Counter({
    name: 'stadium_messages_out_total',
    help: 'Messages admitted and published to a room (including tips and notices)',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({ name: 'stadium_deliveries_total', help: 'Messages written to member sockets', registers: [this.registry] });
  readonly fanoutLatency = new Histogram({
    name: 'stadium_fanout_latency_seconds',
    help: "Time from a room's authority publishing a batch to this node having handed it to its members' connections (across machines it includes their clocks' difference)",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly fanoutLagSteps = new Counter({
    name: 'stadium_fanout_lag_steps_total',
    help: "Steps of a room's fan-out degrading (up: a longer merged window or a higher level) or recovering (down) because its passes ran late",
    labelNames: ['direction'] as const,
    registers: [this.registry],
  });
  readonly fanoutMerged = new Counter({
    name: 'stadium_fanout_merged_batches_total',
    help: 'Batches written in the same pass as an earlier one because the room ran late',
    registers: [this.registry],
  });
  readonly frames = new Counter({ name: 'stadium_frames_written_total', help: 'Frames written to member sockets', registers: [this.registry] });
  readonly shed = new Counter({
    name: 'stadium_messages_shed_total',
    help: 'Messages refused by a room rate limit (the sender got RATE_LIMITED), by priority',
    labelNames: ['priority'] as const,
    registers: [this.registry],
  });
  readonly sampled = new Counter({
    name: 'stadium_downstream_sampled_total',
    help: 'Messages accepted but not broadcast because of a room downstream cap, by priority',
    labelNames: ['priority'] as const,
    registers: [this.registry],
  });
  readonly tipsDropped = new Counter({ name: 'stadium_tips_dropped_total', help: 'Join / quit tips dropped by the per-room tip rate', registers: [this.registry] });
  readonly slowDrops = new Counter({
    name: 'stadium_slow_consumer_drops_total',
    help: 'Messages dropped from slow connections’ backlogs, by priority',
    labelNames: ['priority'] as const,
    registers: [this.registry],
  });
  readonly slowCloses = new Counter({ name: 'stadium_slow_consumer_closes_total', help: 'Connections closed as slow consumers', registers: [this.registry] });
  readonly floodCloses = new Counter({
    name: 'stadium_request_flood_closes_total',
    help: 'Connections closed for flooding requests past their budget (4029) or frames past their frame rate (4030)',
    registers: [this.registry],
  });
  readonly drainCloses = new Counter({
    name: 'stadium_drain_closes_total',
    help: 'Connections sent to other nodes by a drain (close 4012)',
    registers: [this.registry],
  });
  readonly handshakesRefused = new Counter({
    name: 'stadium_handshakes_refused_total',
    help: 'WebSocket handshakes answered 503 by admission control (handshakesPerSec)',
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'stadium_auth_failures_total',
    help: 'Failed logins, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly badFrames = new Counter({ name: 'stadium_bad_frames_total', help: 'Malformed or unknown frames received', registers: [this.registry] });
  readonly requestErrors = new Counter({
    name: 'stadium_request_errors_total',
    help: 'Requests answered with an error, by error name',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });

  readonly admissionRefusals = new Counter({
    name: 'stadium_admission_refusals_total',
    help: 'Messages refused by a room authority admission step (mute-all, …), by error name',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });

  readonly duplicateSends = new Counter({
    name: 'stadium_duplicate_sends_total',
    help: 'Resends of a message a room already had (same sender and client message ID, or REST Random) answered with the first answer',
    registers: [this.registry],
  });

  readonly callbackRequests = new Counter({
    name: 'stadium_callback_requests_total',
    help: 'Callback requests sent to apps, by command and outcome (ok, error, timeout)',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly callbackLatency = new Histogram({
    name: 'stadium_callback_latency_seconds',
    help: 'Time from sending a callback request to its answer (answered requests only), by command',
    labelNames: ['command'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  readonly callbackTimeouts = new Counter({
    name: 'stadium_callback_timeouts_total',
    help: "Callback requests that got no answer within the app's callback timeout, by command",
    labelNames: ['command'] as const,
    registers: [this.registry],
  });
  readonly callbackFailures = new Counter({
    name: 'stadium_callback_failures_total',
    help: 'Callback requests that failed otherwise (connection error, HTTP status other than 200, answer not JSON), by command',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });
  readonly callbackRetries = new Counter({
    name: 'stadium_callback_retries_total',
    help: 'After-event callback requests sent again after a failure, by command',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });
  readonly callbackGivenUp = new Counter({
    name: 'stadium_callback_given_up_total',
    help: 'After-event callbacks dropped after their last attempt failed, by command',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });
  readonly callbackQueue = new Gauge({ name: 'stadium_callback_queue', help: 'After-event callbacks waiting to be sent or retried on this node', registers: [this.registry] });
  readonly callbackOverflow = new Counter({
    name: 'stadium_callback_queue_overflow_total',
    help: 'After-event callbacks dropped because the queue was full (callbackQueueMax), by command',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });

  readonly leasesAcquired = new Counter({
    name: 'stadium_room_leases_acquired_total',
    help: 'Room leases this node acquired (over NATS): it became the authority of a room',
    registers: [this.registry],
  });
  readonly leasesLost = new Counter({
    name: 'stadium_room_leases_lost_total',
    help: 'Rooms this node stopped acting for without giving the lease back: "taken" (another node holds it) or "lapsed" (not renewed in time)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly leaseRenewFailures = new Counter({
    name: 'stadium_room_lease_renew_failures_total',
    help: 'Room lease renewals that failed (the store could not be reached); the room lapses once they fail for roomLeaseMs - roomLeaseRenewMs',
    registers: [this.registry],
  });
  readonly catchUps = new Counter({
    name: 'stadium_room_catchups_total',
    help: 'Catch-ups of rooms after the bus lost their traffic: "complete", "gap" (members told of messages no longer held) or "failed" (authority unreachable)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'stadium_process_' });
    // Every per-priority series exists from the start (at 0), so dashboards and rate() work
    // before the first message is shed, sampled or dropped.
    for (const priority of PRIORITY_LABELS) {
      for (const counter of [this.messagesIn, this.shed, this.sampled, this.slowDrops]) counter.inc({ priority }, 0);
    }
    for (const reason of ['taken', 'lapsed'] as const) this.leasesLost.inc({ reason }, 0);
    for (const direction of ['up', 'down'] as const) this.fanoutLagSteps.inc({ direction }, 0);
    for (const outcome of ['complete', 'gap', 'failed'] as const) this.catchUps.inc({ outcome }, 0);
    for (const command of CALLBACK_COMMANDS) {
      for (const outcome of CALLBACK_OUTCOMES) this.callbackRequests.inc({ command, outcome }, 0);
      for (const counter of [this.callbackTimeouts, this.callbackFailures, this.callbackRetries, this.callbackGivenUp, this.callbackOverflow]) counter.inc({ command }, 0);
    }
  }
}

/** Index of priority label values by rank, so hot paths need no string building. */
export const PRIORITY_LABELS = ['High', 'Normal', 'Low', 'Lowest'] as const;

/** Outcomes of one callback request. */
export const CALLBACK_OUTCOMES = ['ok', 'error', 'timeout'] as const;
