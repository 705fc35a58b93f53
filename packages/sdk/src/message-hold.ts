/**
 * `msgs` frames of rooms whose rejoin is not answered yet. The answer may move the room's
 * position back (its numbering restarted), and frames that arrive right behind the answer can
 * be handled before the code awaiting the answer runs, so they wait here until the answer has
 * been applied and are then delivered in arrival order.
 */
import type { MessagesFrame } from '@stadium/protocol';

/** Held `msgs` frames per room. */
export class MessageHold {
  private readonly held = new Map<string, MessagesFrame[]>();

  /** Start holding the room's frames. */
  start(groupID: string): void {
    if (!this.held.has(groupID)) this.held.set(groupID, []);
  }

  /** Keep `frame` when its room is held; false when it should be delivered now. */
  offer(frame: MessagesFrame): boolean {
    const frames = this.held.get(frame.g);
    if (!frames) return false;
    frames.push(frame);
    return true;
  }

  /** Stop holding the room; returns its held frames in arrival order. */
  release(groupID: string): MessagesFrame[] {
    const frames = this.held.get(groupID) ?? [];
    this.held.delete(groupID);
    return frames;
  }
}
