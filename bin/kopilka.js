#!/usr/bin/env node
// Entry point for `npx kopilka …`: runs the compiled CLI (built by `npm run build`, or by `prepare` on install).
import('../dist/cli/main.js').catch((err) => {
  console.error(err?.code === 'ERR_MODULE_NOT_FOUND' ? 'kopilka is not built yet: run `npm run build` first.' : err);
  process.exit(1);
});
