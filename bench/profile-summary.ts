/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package.
 * Usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [TOP]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Which package or part of the program a script URL belongs to. */
export function moduleOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node internals';
  const m = /\/(?:dist|\.build)\/(.*)$/.exec(url);
  if (m) return `kopilka ${m[1]!.split('/').slice(0, -1).join('/') || '.'}`;
  return url;
}

export function summariseProfile(file: string, top = 25): string {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  if (p.samples && p.timeDeltas) {
    // Each sample's time runs until the next sample.
    for (let i = 0; i < p.samples.length; i++) {
      const dt = p.timeDeltas[i + 1] ?? 0;
      self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
    }
  } else {
    const total = p.endTime - p.startTime;
    const hits = p.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1;
    for (const n of p.nodes) self.set(n.id, ((n.hitCount ?? 0) * total) / hits);
  }
  const totalUs = [...self.values()].reduce((s, v) => s + v, 0);
  const idleUs = [...self.entries()].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((s, [, v]) => s + v, 0);
  const busyUs = totalUs - idleUs || 1;

  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** The package of the nearest caller that is not native code or Node's own JavaScript. */
  const charged = (id: number): string => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      if (cf.url && !cf.url.startsWith('node:')) return moduleOf(cf.url, cf.functionName);
    }
    const own = byId.get(id)!.callFrame;
    return own.url.startsWith('node:') ? 'node internals (no package above: HTTP server, sockets, timers)' : moduleOf(own.url, own.functionName);
  };
  const fns = new Map<string, number>();
  const mods = new Map<string, number>();
  const callers = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const cf = n.callFrame;
    if (cf.functionName === '(idle)') continue;
    const where = cf.url ? `${moduleOf(cf.url, cf.functionName)} ${path.basename(cf.url)}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'}  ${where}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const mod = moduleOf(cf.url, cf.functionName);
    mods.set(mod, (mods.get(mod) ?? 0) + us);
    const by = charged(id);
    callers.set(by, (callers.get(by) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / busyUs).toFixed(1).padStart(5)} %`;
  const out: string[] = [];
  out.push(`profile ${path.basename(file)}: ${(totalUs / 1e6).toFixed(1)} s sampled, ${(busyUs / 1e6).toFixed(1)} s busy (${((100 * busyUs) / (totalUs || 1)).toFixed(0)} % of one core), shares below are of busy time`);
  out.push('', 'self time by package / part:');
  for (const [m, us] of [...mods.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) out.push(`  ${pct(us)}  ${m}`);
  out.push('', 'the same, with native and Node-internal time charged to the package that called it (e.g. socket writes to the caller that sent):');
  for (const [m, us] of [...callers.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) out.push(`  ${pct(us)}  ${m}`);
  out.push('', `top ${top} functions by self time:`);
  for (const [f, us] of [...fns.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`  ${pct(us)}  ${f}`);
  return out.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: profile-summary FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  console.log(summariseProfile(file, top ? Number(top) : 25));
}
