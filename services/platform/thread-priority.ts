/**
 * Scheduling priority of the calling thread. On Linux a thread is a task with its own id
 * (/proc/thread-self names it) whose niceness can be set alone, so a runner thread can yield the
 * CPU to the HTTP server's thread of the same process. Elsewhere nothing changes.
 */
import { readlinkSync } from 'node:fs';
import os from 'node:os';

/** Sets this thread's niceness (0-19, higher yields more); false where the system does not allow it. */
export function setThreadNiceness(niceness: number): boolean {
  if (niceness === 0 || process.platform !== 'linux') return false;
  try {
    const taskId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(taskId) || taskId <= 0) return false;
    os.setPriority(taskId, niceness);
    return true;
  } catch {
    return false;
  }
}

/** This thread's niceness, or undefined where it cannot be read. */
export function threadNiceness(): number | undefined {
  try {
    const stat = readlinkSync('/proc/thread-self');
    return os.getPriority(Number(stat.split('/').pop()));
  } catch {
    return undefined;
  }
}
