/**
 * Progress for `tabflow train`: a live bar per model on a terminal, plain lines in CI and pipes.
 */
import cliProgress from 'cli-progress';
import type { PipelineEvent } from '../train/training-pipeline.js';

export interface Reporter {
  onEvent(e: PipelineEvent): void;
  stop(): void;
}

const fmtS = (s: number) => (s < 10 ? s.toFixed(2) : s.toFixed(1));

export function createReporter(out: NodeJS.WriteStream = process.stderr): Reporter {
  const live = out.isTTY === true && !process.env.CI;
  let bar: cliProgress.SingleBar | undefined;
  const line = (s: string) => out.write(`${s}\n`);
  return {
    onEvent(e) {
      switch (e.type) {
        case 'stage_start':
          if (!live) line(`• ${e.stage} …`);
          break;
        case 'stage_end':
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
