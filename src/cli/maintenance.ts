import type { Config } from '../config.js';

/** backup, restore and demo (filled in by their own change). */
export async function runMaintenance(_config: Config, command: string, _args: string[]): Promise<number> {
  console.error(`${command} is not available yet`);
  return 2;
}
