// tabflow as a library: train from records in memory, then load the saved run and predict one
// record with its interval and attributions. In this repository: npm run build, then node --import tsx examples/library.ts
import { readFileSync } from 'node:fs';
import { InferencePipeline, resolveConfig, TrainingPipeline } from 'tabflow';

// Records as an API or a database would give them (here: the concrete data set, all numeric).
const csv = readFileSync(new URL('./data/concrete.csv', import.meta.url), 'utf8').trim().split('\n');
const names = csv[0].split(',').map((name) => name.replaceAll('"', ''));
const records = csv.slice(1).map((line) => {
  const cells = line.split(',').map(Number);
  return Object.fromEntries(names.map((name, j) => [name, cells[j]]));
});

const config = resolveConfig({
  data: { target: 'compressive_strength' }, // typed: a misspelt key or model name fails tsc
  models: ['ridge', { model: 'gbdt', params: { max_iter: 100 } }],
  output: { dir: 'models-concrete' },
});
const run = await new TrainingPipeline(config).fit(records); // or .fit(features, y)
const r2 = run.best.result.metrics?.test?.r2;
console.log(`run ${run.runId}: ${run.results.selection.best} selected, TEST R² ${r2?.toFixed(3)}`);

const model = InferencePipeline.load(run.runDir);
const mix = { cement: 540, blast_furnace_slag: 0, fly_ash: 0, water: 162, superplasticizer: 2.5,
  coarse_aggregate: 1040, fine_aggregate: 676, age: 28 };
const [p] = model.predict([mix], { interval: true, explain: true });
console.log(p.prediction, p.interval, p.attributions);
