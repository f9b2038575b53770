// Preloaded into the server by the benchmark (`node --import ./bench/probe.mjs …`): once a
// second it appends the event-loop utilisation and memory of the process to BENCH_PROBE_FILE
// as JSON lines. It reads only what Node itself measures; the server's code is untouched.
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const elu = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    const m = process.memoryUsage();
    const mb = (n) => Math.round(n / 1048576);
    fs.appendFileSync(file, `${JSON.stringify({ t: Date.now(), elu: Math.round(elu * 1000) / 1000, rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) })}\n`);
  }, 1000);
  timer.unref();
}
