/**
 * The ArtifactStore conformance suite on the `postgres:` backend (each test in a fresh schema,
 * dropped after), and what only it has: the schema's migration record, `?schema=` checks, and a
 * clear error for a server that cannot be reached.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openArtifactStore } from '../../src/store/artifacts/index.js';
import { freshSchema, pgQuery, pgSkip } from '../helpers/pg-schema.js';
import { artifactStoreConformance } from './artifact-store-conformance.js';

const skip = await pgSkip();

artifactStoreConformance(
  'postgres',
  async (t) => {
    const { schema, uri } = freshSchema(t);
    return {
      store: await openArtifactStore(uri),
      // Flip the first byte of the blob's first chunk.
      tamper: async (sha) => {
        await pgQuery(
          `UPDATE "${schema}".artifact_chunks c SET data = set_byte(data, 0, (get_byte(data, 0) + 1) % 256)
           FROM "${schema}".artifact_blobs b WHERE b.sha256 = $1 AND c.upload = b.upload AND c.idx = 0`,
          [sha],
        );
      },
      reopen: () => openArtifactStore(uri),
    };
  },
  skip,
);

test('postgres: the schema is created with its version, and a newer one is refused', { skip }, async (t) => {
  const { schema, uri } = freshSchema(t);
  await (await openArtifactStore(uri)).close();
  await (await openArtifactStore(uri)).close(); // a second open migrates nothing
  const v = await pgQuery(`SELECT value FROM "${schema}".artifact_store_meta WHERE key = 'schema_version'`);
  assert.equal(v.rows[0].value, '1');
  await pgQuery(`UPDATE "${schema}".artifact_store_meta SET value = '99' WHERE key = 'schema_version'`);
  await assert.rejects(openArtifactStore(uri), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'artifact_store_newer');
    assert.match(e.message, /schema version 99; this tabflow reads up to 1/);
    return true;
  });
});

test('postgres: a bad ?schema= and an unreachable server are clear errors', { skip }, async () => {
  await assert.rejects(openArtifactStore('postgres://u@127.0.0.1/test?schema=Drop;Table'), {
    code: 'bad_store_uri',
  });
  await assert.rejects(
    openArtifactStore('postgres://nobody:hunter2@127.0.0.1:1/test'),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'artifact_store_open');
      assert.match(
        e.message,
        /Cannot open the artifact store postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/test/,
      );
      assert.doesNotMatch(e.message, /hunter2/);
      return true;
    },
  );
});
