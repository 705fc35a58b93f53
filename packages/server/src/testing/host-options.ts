/**
 * The options the authority's unit tests give an {@link AuthorityHost}: no batch window, small
 * buffers and reservations, one node; a test spreads its own changes over them.
 */
import type { AuthorityHostOptions } from '../authority/authority-host.js';

export function testHostOptions(nodeId = 'n1'): AuthorityHostOptions {
  return {
    nodeId,
    idleUnloadMs: 300_000,
    batchWindowMs: 0,
    batchWindowMaxMs: 0,
    fanoutWritesPerSec: 100_000,
    downstreamCapPerSec: 20,
    downstreamCapMinMembers: 1000,
    memberTipsPerSec: 10,
    resumeBufferSize: 10,
    seqReserve: 100,
  };
}
