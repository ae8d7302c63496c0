/**
 * `tabflow ab start <challenger> | status | stop | conclude`: A/B experiments between the
 * production version and a challenger version of a models folder (src/experiment/ab-service.ts).
 * A running `tabflow serve --stage production` picks a start or stop up within its poll period.
 *
 * The stopping rule is the `experiment` section of --config (with --env), else of the production
 * run's own config.yaml, else the defaults. Exit codes: 0 done, 2 bad usage (no champion, an
 * experiment already running, not ready to conclude, ...), 3 conclude kept the champion.
 */
import { join } from 'node:path';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { readConfigFile, resolveConfigUnknown } from '../config/config.js';
import { applyEnvironment, selectedEnvironment } from '../config/environments.js';
import { UsageError } from '../core/errors.js';
import {
  type ArmStatus,
  concludeExperiment,
  type ExperimentStatus,
  experimentStatus,
  startExperiment,
  stopExperiment,
} from '../experiment/ab-service.js';
import { type ExperimentConfig, productionStoppingRule } from '../experiment/experiment-config.js';
import { LOG_FILE } from '../log/default-log-path.js';
import { type GateConfig, gateConfigOf } from '../promotion/gate.js';
import { resolveRegistryConfig } from '../registry/registry-config.js';
import { logStoreOf } from '../store/storage-setting.js';
import { pathOrUri } from '../store/store-uri.js';
import { addModelsDirOption, type ModelsDirFlags, modelsRootOf } from './models-dir.js';

/** Exit code of a conclusion that kept the champion. */
export const EXIT_KEPT_CHAMPION = 3;

interface Common extends ModelsDirFlags {
  db?: string;
  config?: string;
  env?: string;
  json?: boolean;
}

export function addAbCommand(program: Command, setCode: (code: number) => void): void {
  const common = (c: Command) =>
    addModelsDirOption(
      c,
      'models folder: registry, production stage, prediction log (default: output.dir of --config, else models)',
      ['--dir'],
    )
      .option('--db <file>', 'prediction log (default: <models dir>/predictions.sqlite)')
      .option('--config <file>', 'stopping rule (experiment section) and gate (registry section)')
      .option('--env <name>', 'apply environments.<name> of --config (or TABFLOW_ENV)')
      .option('--json', 'print JSON');
  const ab = program
    .command('ab')
    .description('A/B test a challenger version against production: start | status | stop | conclude');
  common(
    ab
      .command('start <challenger>')
      .description('start an experiment: the challenger (7, v7 or an alias) answers --weight of the traffic')
      .option(
        '--weight <share>',
        'share of traffic for the challenger, 0 < w < 1 (default: experiment.weight)',
      )
      .option('--shadow', 'the challenger scores every request but only production answers')
      .option('--key <field>', 'input field (an entity id) that keeps an entity on one arm')
      .option('--reason <text>', 'why: recorded in the history'),
  ).action(
    async (ref: string, o: Common & { weight?: string; shadow?: boolean; key?: string; reason?: string }) => {
      const cfg = experimentConfig(o);
      const weight = o.weight === undefined ? cfg.weight : Number(o.weight);
      const e = await startExperiment(root(o), {
        challenger: ref,
        weight,
        shadow: o.shadow,
        key: o.key,
        reason: o.reason,
      });
      if (o.json) process.stdout.write(`${JSON.stringify(e, null, 2)}\n`);
      else {
        const how = e.shadow
          ? 'in shadow (it scores every request; production answers)'
          : `on ${pct(e.weight)} of rows`;
        process.stdout.write(
          `started ${e.id}: challenger v${e.challenger.version} vs champion v${e.champion.version} ${how}` +
            `${e.key_field ? `, sticky by ${e.key_field}` : ''}\n` +
            'a server following production picks it up within its poll period; send feedback, then `tabflow ab status`\n',
        );
      }
      setCode(0);
    },
  );
  common(
    ab.command('status').description('per-arm live accuracy from feedback and the significance test'),
  ).action(async (o: Common) => {
    const s = await experimentStatus(root(o), { config: experimentConfig(o), logFile: logFile(o) });
    process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : statusText(s));
    setCode(0);
  });
  common(
    ab
      .command('stop')
      .description('stop the experiment: production alone answers again (numbers recorded)')
      .option('--reason <text>', 'why: recorded in the history'),
  ).action(async (o: Common & { reason?: string }) => {
    const r = await stopExperiment(root(o), {
      config: experimentConfig(o),
      logFile: logFile(o),
      reason: o.reason,
    });
    if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else process.stdout.write(`stopped ${r.experiment.id} (event ${r.event_id}); production answers alone\n`);
    setCode(0);
  });
  common(
    ab
      .command('conclude')
      .description(
        'judge once: promote a significantly better challenger through the gate, else keep production',
      )
      .option('--force', 'conclude before the planned sample size (experiment.max_samples)')
      .option('--eval-data <file>', "score the gate on this file instead of the challenger's TEST rows"),
  ).action(async (o: Common & { force?: boolean; evalData?: string }) => {
    const r = await concludeExperiment(root(o), {
      config: experimentConfig(o),
      logFile: logFile(o),
      force: o.force,
      evalData: o.evalData,
      gate: gateOf(o),
    });
    if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else {
      process.stdout.write(statusText(r.status));
      const what =
        r.outcome === 'promoted' ? `PROMOTED v${r.status.challenger.version}` : 'KEPT the champion';
      process.stdout.write(`${what}: ${r.reason}\nexperiment stopped (event ${r.event_id})\n`);
    }
    setCode(r.outcome === 'promoted' ? 0 : EXIT_KEPT_CHAMPION);
  });
}

function root(o: Common): string {
  return modelsRootOf(o, o.config ? rawConfig(o) : null);
}

function logFile(o: Common): string {
  return o.db !== undefined ? pathOrUri(o.db) : logStoreOf(join(root(o), LOG_FILE));
}

function rawConfig(o: Common): Record<string, unknown> | null {
  if (!o.config) {
    if (o.env)
      throw new UsageError('env_without_config', `--env ${o.env} needs --config: the overrides live there`);
    return null;
  }
  return applyEnvironment(readConfigFile(o.config), selectedEnvironment(o.env));
}

/** --config's experiment section, else the production run's, else the defaults. */
function experimentConfig(o: Common): ExperimentConfig {
  const raw = rawConfig(o);
  if (raw) return resolveConfigUnknown(raw).experiment;
  return productionStoppingRule(root(o));
}

function gateOf(o: Common): GateConfig | undefined {
  const raw = rawConfig(o);
  return raw?.registry !== undefined ? gateConfigOf(resolveRegistryConfig(raw.registry)) : undefined;
}

function statusText(s: ExperimentStatus): string {
  const e = s.experiment;
  const out: string[] = [];
  const how = e.shadow ? 'shadow (paired)' : `split, challenger ${pct(e.weight)}`;
  out.push(
    `${e.id}: challenger v${e.challenger.version} vs champion v${e.champion.version} — ${how}` +
      `${e.key_field ? `, sticky by ${e.key_field}` : ''}, since ${e.started_at}`,
  );
  const t = new Table({
    head: ['arm', 'version', 'rows', 'actuals', 'MAE', 'RMSE', 'R²', 'coverage'],
    style: { head: [], border: [] },
  });
  const row = (name: string, a: ArmStatus) => [
    name,
    `v${a.version}`,
    a.rows_logged,
    a.n,
    fmt(a.mae),
    fmt(a.rmse),
    fmt(a.r2),
    a.coverage === null ? '—' : pct(a.coverage),
  ];
  t.push(row('champion', s.champion), row(e.shadow ? 'challenger (shadow)' : 'challenger', s.challenger));
  out.push(t.toString());
  const c = s.comparison;
  if (c.t_test) {
    out.push(
      `${c.t_test.name} t-test on |error|: difference ${fmt(c.t_test.mean_difference)}, p = ${fmt(c.t_test.p_value)}`,
    );
  }
  if (c.bootstrap) {
    const b = c.bootstrap;
    out.push(
      `bootstrap RMSE difference ${fmt(b.estimate)}, ${Math.round(b.level * 100)}% interval [${fmt(b.lower)}, ${fmt(b.upper)}]`,
    );
  }
  out.push(`verdict: ${s.verdict.toUpperCase()} — ${s.reason}`);
  out.push(s.advice);
  if (s.production.moved) {
    out.push(`warning: production is now v${s.production.version ?? 'none'}, not the experiment's champion`);
  }
  return `${out.join('\n')}\n`;
}

function fmt(x: number | null): string {
  return x === null || !Number.isFinite(x) ? '—' : Number(x.toPrecision(4)).toString();
}

function pct(x: number): string {
  return `${Number((x * 100).toPrecision(3))}%`;
}
