/** The machine a result was measured on: CPU, cores, RAM, kernel, Node, fd limit. */
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

export function machineInfo() {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = readFileSync('/proc/cpuinfo', 'latin1').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? model;
  } catch {
    /* not Linux */
  }
  let nofile = null;
  try {
    nofile = Number(readFileSync('/proc/self/limits', 'latin1').match(/Max open files\s+(\d+)/)?.[1]);
  } catch {
    /* not Linux */
  }
  return {
    nproc: cpus().length,
    cpuModel: model,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    maxOpenFiles: nofile,
    date: new Date().toISOString(),
  };
}
