/**
 * Progress for `tabflow train`: a live bar per model on a terminal, plain lines in CI and pipes.
 */
import cliProgress from 'cli-progress';
import type { StoreWait } from '../promotion/register-run.js';
import type { PipelineEvent } from '../train/training-pipeline.js';

export interface Reporter {
  onEvent(e: PipelineEvent): void;
  stop(): void;
}

const fmtS = (s: number) => (s < 10 ? s.toFixed(2) : s.toFixed(1));

/** "0.9123 ± 0.0150": mean and sample sd of the folds that ran. */
function cvMean(scores: Float64Array): string {
  const v = [...scores].filter((x) => !Number.isNaN(x));
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return `${mean.toFixed(4)} ± ${sd.toFixed(4)}`;
}

/** `⟳ cannot register the run yet (Cannot reach …): trying again in 0.50 s (waited 1 of 60 s, …)`. */
function storeWaitLine(w: StoreWait): string {
  // The store's first sentence: which store, and the driver's reason.
  const end = w.error.indexOf('. ');
  const why = end < 0 ? w.error : w.error.slice(0, end);
  return (
    `  ⟳ cannot ${w.step} yet (${why}): trying again in ${fmtS(w.retryInS)} s ` +
    `(waited ${w.waitedS.toFixed(0)} of ${w.limitS} s, storage.wait_s)`
  );
}

export function createReporter(out: NodeJS.WriteStream = process.stderr): Reporter {
  const live = out.isTTY === true && !process.env.CI;
  let bar: cliProgress.SingleBar | undefined;
  // With a live bar, finished candidates are listed when cross-validation ends.
  const done: string[] = [];
  const line = (s: string) => out.write(`${s}\n`);
  return {
    onEvent(e) {
      switch (e.type) {
        case 'stage_start':
          if (!live) line(`• ${e.stage} …`);
          break;
        case 'stage_end':
          if (e.stage === 'cv') {
            bar?.stop();
            bar = undefined;
            for (const t of done.splice(0)) line(t);
          }
          line(`✓ ${e.stage.padEnd(10)} ${fmtS(e.seconds).padStart(6)} s  ${e.summary}`);
          break;
        case 'model_start':
          if (live) {
            bar = new cliProgress.SingleBar(
              {
                format: `  [${e.index + 1}/${e.total}] ${e.name.padEnd(14)} {bar} {percentage}% {duration}s`,
                barsize: 24,
                stream: out,
                hideCursor: true,
                clearOnComplete: true,
              },
              cliProgress.Presets.shades_classic,
            );
            bar.start(100, 0);
          } else {
            line(`  [${e.index + 1}/${e.total}] ${e.name} …`);
          }
          break;
        case 'model_progress':
          bar?.update(Math.round(e.fraction * 100));
          break;
        case 'store_wait':
          line(storeWaitLine(e.wait));
          break;
        case 'method':
          line(
            e.choice.method === 'cv'
              ? `  selection: ${e.choice.repeats! > 1 ? `${e.choice.repeats}×` : ''}${e.choice.folds}-fold cross-validation over TRAIN+VAL (${e.choice.reason})`
              : `  selection: on the VAL holdout (${e.choice.reason})`,
          );
          break;
        case 'cv_start':
          if (live) {
            bar = new cliProgress.SingleBar(
              {
                format: `  cross-validation {bar} {value}/{total} fits  {last}`,
                barsize: 24,
                stream: out,
                hideCursor: true,
                clearOnComplete: true,
              },
              cliProgress.Presets.shades_classic,
            );
            bar.start(e.fits, 0, { last: '' });
          } else {
            line(`  ${e.fits} fits: ${e.candidates} candidates × ${e.folds} folds, ${e.lanes} at a time`);
          }
          break;
        case 'cv_fit_end':
          bar?.update(e.done, { last: `${e.name} fold ${e.fold + 1}` });
          break;
        case 'cv_candidate_end': {
          const r = e.result;
          const text =
            r.status === 'ok'
              ? `    ✓ ${r.spec.name.padEnd(14)} ${e.metric.name} ${cvMean(r.foldScores)}  (${r.foldScores.length} folds, ${fmtS(r.seconds)} s)`
              : `    ✗ ${r.spec.name.padEnd(14)} ${r.status}: ${r.error}`;
          if (live) done.push(text);
          else line(text);
          break;
        }
        case 'model_end': {
          bar?.stop();
          bar = undefined;
          const r = e.result;
          if (r.status === 'ok')
            line(
              `    ✓ ${r.name.padEnd(14)} ${fmtS(r.fit_seconds).padStart(6)} s${r.notes.length ? `  (${r.notes.join('; ')})` : ''}`,
            );
          else line(`    ✗ ${r.name.padEnd(14)} ${r.status}: ${r.error}`);
          break;
        }
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
