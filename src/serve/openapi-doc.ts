/**
 * The OpenAPI document of the model being served. @fastify/swagger builds the document once from
 * the routes registered at start; after a hot reload the input record (features, train ranges,
 * categories) and the title belong to the new model, so both are replaced here, per model, in a
 * copy — the plugin's cached document is never modified.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../version.js';
import type { ModelView } from './model-view.js';
import { invocationsBodySchema, predictBodySchema } from './openapi-schemas.js';

type Doc = Record<string, unknown> & {
  info?: Record<string, unknown>;
  paths?: Record<string, Record<string, Record<string, unknown>>>;
};

const cache = new WeakMap<object, WeakMap<ModelView, Doc>>();

/**
 * Registers @fastify/swagger (on the root instance, before the routes, so it sees all of them)
 * and the Swagger UI at /docs, whose document names the model `current()` serves now.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  current: () => ModelView,
  o: { adminToken: boolean },
): Promise<void> {
  const first = current().summary;
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `tabflow model ${first.name ?? first.family} (run ${first.run_id})`,
        version: VERSION,
        description:
          'Predictions from a tabflow model. Input records follow the data contract learned at training.',
      },
      ...(o.adminToken
        ? { components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } } } }
        : {}),
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    transformSpecificationClone: false,
    transformSpecification: (spec) => docForModel(spec as never, current()),
  });
}

/** `base` (the plugin's document) with the title and request bodies of the model `view`. */
export function docForModel(base: Doc, view: ModelView): Doc {
  let byView = cache.get(base);
  if (!byView) {
    byView = new WeakMap();
    cache.set(base, byView);
  }
  const hit = byView.get(view);
  if (hit) return hit;
  const m = view.summary;
  const version = m.version === null ? '' : `, version ${m.version}`;
  const doc: Doc = {
    ...base,
    info: {
      ...base.info,
      title: `tabflow model ${m.name ?? m.family} (${m.family}, run ${m.run_id}${version})`,
      'x-tabflow-model': m,
    },
    paths: {
      ...base.paths,
      ...withBody(base, '/predict', predictBodySchema(view.record)),
      ...withBody(base, '/invocations', invocationsBodySchema(view.record)),
    },
  };
  byView.set(view, doc);
  return doc;
}

/** `paths[path]` with the JSON request body of its POST replaced (nothing when absent). */
function withBody(base: Doc, path: string, schema: unknown): Doc['paths'] {
  const item = base.paths?.[path];
  const post = item?.post as { requestBody?: { content?: Record<string, object> } } | undefined;
  if (!item || !post?.requestBody?.content?.['application/json']) return {};
  return {
    [path]: {
      ...item,
      post: {
        ...post,
        requestBody: {
          ...post.requestBody,
          content: {
            ...post.requestBody.content,
            'application/json': {
              ...post.requestBody.content['application/json'],
              schema: JSON.parse(JSON.stringify(schema)),
            },
          },
        },
      },
    },
  };
}
