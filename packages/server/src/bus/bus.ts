/**
 * The Bus port: how room traffic moves between the processes and nodes that hold a room's
 * members. A room's authority publishes each admitted batch once; every node with local
 * members subscribes to the room's subject and fans the batch out to its own sockets.
 * The in-process adapter passes objects through untouched; networked adapters (NATS)
 * encode {@link BusMessage} once per batch, never per recipient.
 */
import type { BatchEntry } from '../fanout/room-batch.js';

/** Traffic on the bus: a discriminated union, handled exhaustively. */
export type BusMessage =
  | {
      kind: 'batch';
      sdkAppId: number;
      groupId: string;
      /** The `msgs` frame, WebSocket-framed, ready to write to any member's socket. */
      wsFrame: Uint8Array;
      /** The messages in the frame, for members that are backlogged (slow path). */
      entries: readonly BatchEntry[];
    }
  | {
      kind: 'room-closed';
      sdkAppId: number;
      groupId: string;
    };

/** Unsubscribes when called. */
export type Unsubscribe = () => void;

/** The bus port. */
export interface Bus {
  /** Deliver `message` to every subscriber of `subject` (on every node). */
  publish(subject: string, message: BusMessage): void;
  /** Receive messages published to `subject`. */
  subscribe(subject: string, handler: (message: BusMessage) => void): Unsubscribe;
  close(): Promise<void>;
}

/** Subject of a room's traffic. */
export function roomSubject(sdkAppId: number, groupId: string): string {
  return `room.${sdkAppId}.${Buffer.from(groupId).toString('base64url')}`;
}
