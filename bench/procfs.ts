/** Reading /proc on Linux: memory of a process, CPU time of processes and of the machine. */
import fs from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** VmRSS and VmHWM (peak RSS) of a process, in MiB; null when the process is gone. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** User + system CPU time of a process so far, in ms. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU time of all processes named `postgres` (the server and its backends), in ms. */
export function postgresCpuMs(): number {
  let total = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') total += cpuMsOf(Number(d));
    } catch {
      /* gone */
    }
  }
  return total;
}

/** Busy and total CPU time of the whole machine (all cores), in ms. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((s, x) => s + x, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
}

export interface CpuWindow {
  /** Shares of one core over the window, in percent (200 % = both cores of a 2-core machine). */
  server: number;
  postgres: number;
  loadGenerator: number;
  machine: number;
}

/** Starts measuring CPU use; `stop()` gives the shares over the window. */
export function cpuWindow(serverPid: number | null): { stop(): CpuWindow } {
  const t0 = Date.now();
  const s0 = serverPid ? cpuMsOf(serverPid) : 0;
  const p0 = postgresCpuMs();
  const l0 = process.cpuUsage();
  const m0 = machineCpuMs();
  return {
    stop() {
      const wall = Date.now() - t0 || 1;
      const l = process.cpuUsage(l0);
      const m1 = machineCpuMs();
      return {
        server: serverPid ? (100 * (cpuMsOf(serverPid) - s0)) / wall : 0,
        postgres: (100 * (postgresCpuMs() - p0)) / wall,
        loadGenerator: (100 * (l.user + l.system)) / 1000 / wall,
        machine: (100 * (m1.busy - m0.busy)) / wall,
      };
    },
  };
}
