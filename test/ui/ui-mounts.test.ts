/**
 * Where the UI mounts: beside the model server (`tabflow serve --ui`, startServer({ui: true})),
 * which keeps predicting; on its own (`tabflow ui`), whose bad flags fail with the flag named.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startServer } from '../../src/serve/start-server.js';
import { startUi } from '../../src/ui/index.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { CONCRETE_RECORD, uiModels } from './fixture.js';

describe('tabflow serve --ui', () => {
  it('serves the UI and its API beside /predict', async () => {
    const models = await uiModels();
    const server = await startServer({ modelsDir: models, port: 0, ui: true, logFile: false, signals: [] });
    try {
      const page = await fetch(`${server.url}/ui/`);
      assert.equal(page.status, 200);
      const runs = (await (await fetch(`${server.url}/api/runs`)).json()) as { total: number };
      assert.equal(runs.total, readdirSync(join(models, 'runs')).length);
      const p = await fetch(`${server.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(CONCRETE_RECORD),
      });
      assert.equal(p.status, 200, await p.clone().text());
      const body = (await p.json()) as { predictions: { prediction: number }[] };
      assert.ok(Number.isFinite(body.predictions[0].prediction), JSON.stringify(body));
    } finally {
      await server.close();
    }
  });

  it('refuses --ui for a run folder served alone, saying what to do', async () => {
    const models = await uiModels();
    const run = join(models, 'runs', readdirSync(join(models, 'runs'))[0]);
    await assert.rejects(
      startServer({ model: run, port: 0, ui: true, logFile: false, signals: [] }),
      (e: Error) => {
        assert.match(
          e.message,
          /--ui shows the runs of a models folder; .* serve a --stage of --models-dir instead/,
        );
        return true;
      },
    );
  });
});

describe('tabflow ui', () => {
  it('refuses a bad --port, naming it and what is allowed', async () => {
    const r = await tabflowInProcess(['ui', '--port', 'eighty'], process.cwd());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--port must be an integer from 0 to 65535; got "eighty"/);
  });
});

describe('startUi', () => {
  it('documents the JSON API at /api/openapi.json', async () => {
    const ui = await startUi({ modelsDir: await uiModels(), port: 0 });
    try {
      const doc = (await (await fetch(new URL('/api/openapi.json', ui.url))).json()) as {
        paths: Record<string, unknown>;
      };
      for (const p of [
        '/api/runs',
        '/api/runs/{id}',
        '/api/compare',
        '/api/models',
        '/api/models/promote',
        '/api/predict',
        '/api/production',
        '/api/experiments',
        '/api/experiments/start',
        '/api/experiments/stop',
        '/api/experiments/conclude',
      ]) {
        assert.ok(p in doc.paths, `${p} in ${Object.keys(doc.paths).join(', ')}`);
      }
      const runs = doc.paths['/api/runs'] as { get: { parameters: { name: string }[] } };
      assert.ok(runs.get.parameters.some((x) => x.name === 'sort'));
    } finally {
      await ui.close();
    }
  });
});
