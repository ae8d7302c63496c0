/**
 * An experiment's joined feedback split into its two arms' scored rows: in a traffic split each
 * row was answered by one arm; in shadow mode the champion's answer and the challenger's shadow
 * prediction of the same row are paired (rows without both are left out), which is what the
 * paired test needs. `tabflow ab status` and the UI's experiments page both read arms this way.
 */
import type { JoinedFeedback } from '../log/feedback.js';
import type { Scored } from '../monitor/live-metrics.js';

const EMPTY: Scored = { prediction: new Float64Array(0), actual: new Float64Array(0) };

/** Champion's and challenger's scored rows of an experiment's join (empty arms without a join). */
export function armScores(j: JoinedFeedback | null, shadow: boolean): [Scored, Scored] {
  if (!j) return [EMPTY, EMPTY];
  return shadow ? pairedArms(j) : splitArms(j);
}

function gather(j: JoinedFeedback, idx: number[]): Scored {
  return {
    prediction: Float64Array.from(idx, (i) => j.prediction[i]),
    actual: Float64Array.from(idx, (i) => j.actual[i]),
    lower: Float64Array.from(idx, (i) => j.lower[i]),
    upper: Float64Array.from(idx, (i) => j.upper[i]),
  };
}

/** Traffic split: each row was answered by one arm. */
function splitArms(j: JoinedFeedback): [Scored, Scored] {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < j.n; i++) {
    if (j.arm[i] === 'champion') a.push(i);
    else if (j.arm[i] === 'challenger') b.push(i);
  }
  return [gather(j, a), gather(j, b)];
}

/** Shadow: the champion's answer and the challenger's shadow prediction of the same row, paired. */
function pairedArms(j: JoinedFeedback): [Scored, Scored] {
  const champ = new Map<string, number>();
  for (let i = 0; i < j.n; i++) if (j.arm[i] === 'champion') champ.set(`${j.requestId[i]}\0${j.row[i]}`, i);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < j.n; i++) {
    if (j.arm[i] !== 'shadow') continue;
    const k = champ.get(`${j.requestId[i]}\0${j.row[i]}`);
    if (k === undefined) continue;
    a.push(k);
    b.push(i);
  }
  return [gather(j, a), gather(j, b)];
}
