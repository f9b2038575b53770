/** A campaign with everything optional left at its neutral value. */
export function campaign(id: string, over: Record<string, unknown>) {
  return {
    id,
    name: `Campaign ${id}`,
    kind: 'purchase',
    block: 'mass',
    schedule: {},
    audience: [],
    conditions: [],
    effects: [],
    limits: {},
    priority: 0,
    stacking: 'stack',
    controlGroupPercent: 0,
    ...over,
  };
}
