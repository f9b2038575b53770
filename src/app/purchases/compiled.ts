import { compileRules, type CompiledRules } from '../../domain/rules/compile.js';
import type { RuleSet } from '../../domain/rules/types.js';
import type { ProgramSettings } from '../../domain/settings.js';

// Compiled once per (version, settings object): the program cache hands out a new settings
// object when it re-reads the program, so a change of settings recompiles.
const compiledBySettings = new WeakMap<ProgramSettings, Map<string, CompiledRules>>();

export function compile(key: string, rules: RuleSet, settings: ProgramSettings): CompiledRules {
  let byKey = compiledBySettings.get(settings);
  if (!byKey) compiledBySettings.set(settings, (byKey = new Map()));
  let hit = byKey.get(key);
  if (!hit) byKey.set(key, (hit = compileRules(rules, settings)));
  return hit;
}
