import { readdirSync, readFileSync } from "node:fs";

/** Linux clock ticks per second of /proc/<pid>/stat times (CLK_TCK, 100 on every mainstream kernel). */
const TICKS_PER_SEC = 100;

/** utime+stime(+cutime+cstime) of a process in ms, or undefined off Linux / when it is gone. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: state is field 3, utime is field 14.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
    return (ticks * 1000) / TICKS_PER_SEC;
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** CPU ms of a database server: the process and its live children (PostgreSQL backends). */
export function serverCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const own = processCpuMs(pid);
  if (own === undefined) return undefined;
  return childrenOf(pid).reduce((sum, child) => sum + (processCpuMs(child) ?? 0), own);
}

/** CPU ms of this Node.js process, all threads. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export interface CpuSample {
  readonly wall: number;
  readonly own: number;
  readonly server: number | undefined;
}

export function sampleCpu(serverPid: number | undefined): CpuSample {
  return { wall: performance.now(), own: ownCpuMs(), server: serverCpuMs(serverPid) };
}
