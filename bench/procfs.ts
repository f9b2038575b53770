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

/** Context switches of a process so far: voluntary (it waited) and involuntary (it was preempted). */
export function contextSwitchesOf(pid: number): { voluntary: number; involuntary: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const n = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { voluntary: n('voluntary_ctxt_switches'), involuntary: n('nonvoluntary_ctxt_switches') };
  } catch {
    return { voluntary: 0, involuntary: 0 };
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

/**
 * CPU time of PostgreSQL's processes by pid, split into ours (the auxiliary processes and the
 * backends of the databases named) and others (backends of other databases: someone else's
 * tests on the same server).
 */
function postgresProcesses(databases: readonly string[]): Map<number, { ms: number; ours: boolean }> {
  const out = new Map<number, { ms: number; ours: boolean }>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== 'postgres') continue;
      // A backend's title: "postgres: [CLUSTER: ]USER DATABASE HOST(PORT) STATE" (Debian sets
      // cluster_name, e.g. "15/main"); an autovacuum worker's "postgres: [CLUSTER: ]autovacuum
      // worker DATABASE"; other auxiliary processes (checkpointer, walwriter, …) name no database.
      const title = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const m =
        /^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])/.exec(title) ?? /^postgres: (?:\S+: )?autovacuum worker (\S+)/.exec(title);
      out.set(Number(d), { ms: cpuMsOf(Number(d)), ours: !m || databases.includes(m[1]!) });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Busy and total CPU time of the whole machine (all cores), in ms. */
export function machineCpuMs(): { busy: number; total: number; steal: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((s, x) => s + x, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle - (v[7] ?? 0)) * TICK_MS, total: total * TICK_MS, steal: (v[7] ?? 0) * TICK_MS };
}

export interface CpuWindow {
  /** Shares of one core over the window, in percent (200 % = both cores of a 2-core machine). */
  server: number;
  /** PostgreSQL's auxiliary processes and the backends of the benchmark's databases. */
  postgres: number;
  loadGenerator: number;
  machine: number;
  /** Everything else that ran meanwhile (e.g. other people's tests). */
  other: number;
  /** Time the hypervisor gave our virtual CPUs to someone else. */
  steal: number;
}

/**
 * Starts measuring CPU use; `stop()` gives the shares over the window. PostgreSQL's processes
 * are polled, so backends that end within the window (pgbench's) are still counted.
 */
export function cpuWindow(serverPid: number | null, databases: readonly string[]): { stop(): CpuWindow } {
  const t0 = Date.now();
  const s0 = serverPid ? cpuMsOf(serverPid) : 0;
  const pgStart = postgresProcesses(databases);
  const pgLast = new Map(pgStart);
  const poll = () => {
    for (const [pid, v] of postgresProcesses(databases)) pgLast.set(pid, v);
  };
  const timer = setInterval(poll, 500);
  const l0 = process.cpuUsage();
  const m0 = machineCpuMs();
  return {
    stop() {
      clearInterval(timer);
      poll();
      const wall = Date.now() - t0 || 1;
      const l = process.cpuUsage(l0);
      const m1 = machineCpuMs();
      let pgMs = 0;
      for (const [pid, v] of pgLast) if (v.ours) pgMs += v.ms - (pgStart.get(pid)?.ms ?? 0);
      const server = serverPid ? (100 * (cpuMsOf(serverPid) - s0)) / wall : 0;
      const postgres = (100 * pgMs) / wall;
      const loadGenerator = (100 * (l.user + l.system)) / 1000 / wall;
      const machine = (100 * (m1.busy - m0.busy)) / wall;
      const steal = (100 * (m1.steal - m0.steal)) / wall;
      return { server, postgres, loadGenerator, machine, other: Math.max(0, machine - server - postgres - loadGenerator), steal };
    },
  };
}
