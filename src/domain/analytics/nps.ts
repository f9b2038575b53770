/**
 * Net Promoter Score: members answer "how likely are you to recommend us?" from 0 to 10.
 * Promoters answer 9–10, passives 7–8, detractors 0–6; NPS = % promoters − % detractors, from
 * −100 to 100.
 */
import { roundHalfUp } from './kpis.js';

export type NpsClass = 'promoter' | 'passive' | 'detractor';

export function npsClass(score: number): NpsClass {
  if (!(Number.isInteger(score) && score >= 0 && score <= 10)) throw new RangeError(`NPS: a score is a whole number 0–10, got ${score}`);
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface NpsFigures extends NpsCounts {
  responses: number;
  /** % promoters − % detractors, one decimal; null without responses. */
  score: number | null;
}

/** Example: 5 promoters, 3 passives, 2 detractors → score 30. */
export function npsOf(c: NpsCounts): NpsFigures {
  const responses = c.promoters + c.passives + c.detractors;
  const score = responses === 0 ? null : roundHalfUp(((c.promoters - c.detractors) / responses) * 1000) / 10;
  return { ...c, responses, score };
}

/** Counts of a list of scores. */
export function countScores(scores: Iterable<number>): NpsCounts {
  const groups: { score: number; n: number }[] = [];
  for (const score of scores) groups.push({ score, n: 1 });
  return countScoreGroups(groups);
}

/** Counts of scores given as (score, how many answers) pairs. */
export function countScoreGroups(groups: Iterable<{ score: number; n: number }>): NpsCounts {
  const c = { promoters: 0, passives: 0, detractors: 0 };
  for (const { score, n } of groups) {
    const k = npsClass(score);
    if (k === 'promoter') c.promoters += n;
    else if (k === 'passive') c.passives += n;
    else c.detractors += n;
  }
  return c;
}

export interface NpsPoint extends NpsFigures {
  period: string;
  /** Score minus the previous period's score that had responses; null for the first. */
  change: number | null;
}

/**
 * The trend: each period's figures and the change of the score against the last earlier period
 * that had responses.
 */
export function npsTrend(periods: readonly ({ period: string } & NpsCounts)[]): NpsPoint[] {
  let previous: number | null = null;
  return periods.map((p) => {
    const f = npsOf(p);
    const change = f.score === null || previous === null ? null : roundHalfUp((f.score - previous) * 10) / 10;
    if (f.score !== null) previous = f.score;
    return { period: p.period, ...f, change };
  });
}
