/**
 * OpenAPI schemas generated from the model's data contract: one input record with every feature
 * (type, train range or seen categories, an example), and the response shapes. They document the
 * API; values are checked by the data contract at predict time, which reports every issue per row
 * instead of refusing a whole batch the way schema validation would.
 */
import { type TSchema, Type } from 'typebox';
import type { ContractFeature } from './pipeline-port.js';

/** The OpenAPI schema of one input record, from the contract's features. */
export function recordSchema(features: readonly ContractFeature[]): TSchema {
  const props: Record<string, TSchema> = {};
  const example: Record<string, unknown> = {};
  for (const f of features) {
    const { schema, sample } = featureSchema(f);
    props[f.name] = f.nullable ? Type.Union([schema, Type.Null()]) : schema;
    example[f.name] = sample;
  }
  return Type.Object(props, {
    additionalProperties: true,
    description: 'One input row: feature name → value. Extra fields are reported as warnings.',
    examples: [example],
  });
}

function featureSchema(f: ContractFeature): { schema: TSchema; sample: unknown } {
  if (f.type === 'numeric') {
    const lo = typeof f.min === 'number' ? f.min : null;
    const hi = typeof f.max === 'number' ? f.max : null;
    const range = lo !== null && hi !== null ? `; train range [${lo}, ${hi}]` : '';
    const sample = lo !== null && hi !== null ? round((lo + hi) / 2) : 0;
    return { schema: Type.Number({ description: `numeric${range}` }), sample };
  }
  if (f.type === 'boolean') return { schema: Type.Boolean(), sample: true };
  if (f.type === 'datetime') {
    return {
      schema: Type.String({ format: 'date-time', description: 'ISO 8601 date or time' }),
      sample: '2024-01-01',
    };
  }
  const cats = Array.isArray(f.categories) ? f.categories : [];
  const shown = cats.slice(0, 30).join(', ') + (cats.length > 30 ? `, … (${cats.length} in all)` : '');
  return {
    schema: Type.String({
      description: cats.length ? `categorical; seen at training: ${shown}` : 'categorical',
    }),
    sample: cats[0] ?? 'a',
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

const IssueSchema = Type.Object(
  { row: Type.Number(), field: Type.String(), code: Type.String(), message: Type.String() },
  { additionalProperties: true },
);

/** One row of a /predict answer. */
export const RowPredictionSchema = Type.Object(
  {
    row: Type.Number(),
    status: Type.Union([Type.Literal('ok'), Type.Literal('rejected')]),
    prediction: Type.Union([Type.Number(), Type.Null()]),
    interval: Type.Optional(
      Type.Object({ lower: Type.Number(), upper: Type.Number(), coverage: Type.Number() }),
    ),
    attributions: Type.Optional(Type.Record(Type.String(), Type.Number())),
    base_value: Type.Optional(Type.Number()),
    warnings: Type.Array(IssueSchema),
    errors: Type.Array(IssueSchema),
    model: Type.Object(
      {
        name: Type.Union([Type.String(), Type.Null()], { description: 'registered model name' }),
        family: Type.Optional(Type.String({ description: 'model family, e.g. gbdt' })),
        run_id: Type.String(),
        version: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
        stage: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        arm: Type.Optional(
          Type.Union([Type.Literal('champion'), Type.Literal('challenger')], {
            description: 'during an A/B experiment: the arm that answered this row',
          }),
        ),
      },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true },
);

/** How answers name the model (`ModelSummary`). */
export const ModelSummarySchema = Type.Object({
  name: Type.Union([Type.String(), Type.Null()], {
    description: 'registered model name (tabflow train --name); null for a run saved without one',
  }),
  family: Type.String({ description: 'model family selected at training, e.g. gbdt, ridge, ensemble' }),
  run_id: Type.String(),
  version: Type.Union([Type.Integer(), Type.Null()], { description: 'registered version; null if unknown' }),
  stage: Type.Union([Type.String(), Type.Null()], { description: 'stage served as; null if unknown' }),
});

/** The answer of POST /predict. */
export const PredictResponseSchema = Type.Object({
  request_id: Type.String(),
  model: ModelSummarySchema,
  experiment: Type.Optional(
    Type.Object(
      {
        id: Type.String(),
        shadow: Type.Boolean(),
        weight: Type.Number(),
        key_field: Type.Union([Type.String(), Type.Null()]),
        challenger: ModelSummarySchema,
      },
      { description: 'the A/B experiment running, if any' },
    ),
  ),
  intervals: Type.Union(
    [
      Type.Object({
        coverage: Type.Number({ description: 'nominal coverage of every interval, e.g. 0.9' }),
        mode: Type.Union([Type.String(), Type.Null()], {
          description: 'absolute (one width) or adaptive (widths scaled per row)',
        }),
      }),
      Type.Null(),
    ],
    {
      description:
        'the conformal intervals in this answer; null with interval: false or for a model without calibration',
    },
  ),
  rows: Type.Number(),
  rejected: Type.Number(),
  warned: Type.Number(),
  predictions: Type.Array(RowPredictionSchema),
});

/** Every error answer (`ErrorBody`). */
export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'stable machine-readable code' }),
    message: Type.String(),
    request_id: Type.String(),
    issues: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
  },
  { additionalProperties: true },
);

/** The JSON body of POST /predict for records shaped like `record`. */
export function predictBodySchema(record: TSchema): TSchema {
  return Type.Union([
    record,
    Type.Array(record, { description: 'several rows' }),
    Type.Object(
      {
        records: Type.Array(record),
        interval: Type.Optional(
          Type.Boolean({
            description: 'the conformal prediction interval (default true; false leaves it out)',
          }),
        ),
        explain: Type.Optional(Type.Boolean({ description: 'add per-feature attributions (default false)' })),
      },
      { description: 'rows with options' },
    ),
  ]);
}

/** The JSON body of POST /invocations (MLflow formats) for records shaped like `record`. */
export function invocationsBodySchema(record: TSchema): TSchema {
  return Type.Union([
    Type.Object({
      dataframe_split: Type.Object({
        columns: Type.Optional(Type.Array(Type.String())),
        data: Type.Array(Type.Array(Type.Unknown())),
      }),
    }),
    Type.Object({ dataframe_records: Type.Array(record) }),
    Type.Object({ instances: Type.Array(Type.Unknown()) }),
    Type.Object({ inputs: Type.Unknown() }),
  ]);
}

/** The answer of POST /invocations. */
export const InvocationsResponseSchema = Type.Object({
  predictions: Type.Array(Type.Union([Type.Number(), Type.Null(), RowPredictionSchema]), {
    description: 'one number per row; full row results when ?interval or ?explain is set',
  }),
});

/** A text/csv body: a header line, then one row per record. */
export const CsvBodySchema = Type.String({
  description:
    'text/csv: a header line naming the features, then one row per record (RFC 4180 quoting); ' +
    "cells are typed by the model's features, empty or NA cells are missing",
  examples: ['cement,water,age\n540,162,28\n'],
});

/** The `?interval=&explain=` query of the prediction routes. */
export const FlagsQuerySchema = Type.Object({
  interval: Type.Optional(
    Type.Boolean({
      description:
        '/predict: intervals unless false; /invocations: full row results with intervals when true',
    }),
  ),
  explain: Type.Optional(Type.Boolean({ description: 'per-feature attributions (default false)' })),
});
