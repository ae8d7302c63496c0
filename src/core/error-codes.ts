/**
 * The error catalogue: every code tabflow answers with, the class that carries it, its CLI exit
 * code, its HTTP status and what it means; then the codes of `Issue`s (`{path, code, message}`).
 * One table, as fastify's `lib/errors.js` is, so a code has one meaning and one status wherever
 * it is thrown. The error classes (errors.ts) take only their own codes from it: a code missing
 * here, or thrown as another class, fails the type check. `docs/errors.md` is generated from it.
 */

/** What a class's codes get unless their entry says otherwise. */
export interface ErrorClassInfo {
  /** CLI exit code; null for codes a server route answers with and never throws. */
  readonly exitCode: number | null;
  readonly httpStatus: number;
  readonly doc: string;
}

/** The classes of the catalogue, in the order docs/errors.md lists them. */
export const ERROR_CLASSES = {
  UsageError: {
    exitCode: 2,
    httpStatus: 400,
    doc: 'a missing, bad or conflicting option, an unknown name or version, or a state that forbids the action',
  },
  ConfigError: {
    exitCode: 2,
    httpStatus: 400,
    doc: 'config values that break their rules; `issues` lists all',
  },
  DataError: {
    exitCode: 2,
    httpStatus: 422,
    doc: 'input data that cannot be used: file, format, columns, rows',
  },
  ValidationError: {
    exitCode: 2,
    httpStatus: 400,
    doc: 'rows that do not match what a fitted component was fitted on; `issues` lists all',
  },
  ModelError: { exitCode: 1, httpStatus: 500, doc: 'a model failed to fit, tune or explain' },
  ArtifactError: {
    exitCode: 2,
    httpStatus: 500,
    doc: 'a saved file that is unreadable, of an unknown kind or newer format, or not of its run',
  },
  RequestError: {
    exitCode: 2,
    httpStatus: 400,
    doc: 'an HTTP request the server cannot read; `issues` lists all',
  },
  LogWriteError: {
    exitCode: 1,
    httpStatus: 503,
    doc: 'the prediction log could not record an `ack` request',
  },
  RegistryUnavailable: {
    exitCode: 1,
    httpStatus: 501,
    doc: 'the server has no model registry to act through',
  },
  MonitoringError: {
    exitCode: 1,
    httpStatus: 503,
    doc: 'GET /monitoring: its own codes, and those of errors carried back from its worker thread',
  },
  Reply: { exitCode: null, httpStatus: 400, doc: 'never thrown: a server route answers with it directly' },
} as const satisfies Record<string, ErrorClassInfo>;

/** The name of an error class (or `Reply`, for the server's own answers). */
export type ErrorClassName = keyof typeof ERROR_CLASSES;

/** One code: its class, what it means, and an exit code or status other than its class's. */
export interface ErrorCodeEntry {
  readonly class: ErrorClassName;
  readonly doc: string;
  readonly exitCode?: number;
  readonly httpStatus?: number;
  /** Not thrown by tabflow itself: for model families registered from outside (`registerFamily`). */
  readonly external?: boolean;
}

type Extra = Omit<ErrorCodeEntry, 'class' | 'doc'>;
const of =
  <C extends ErrorClassName>(cls: C) =>
  (doc: string, extra: Extra = {}) => ({ class: cls, doc, ...extra });
const usage = of('UsageError');
const data = of('DataError');
const model = of('ModelError');
const artifact = of('ArtifactError');
const reply = (httpStatus: number, doc: string) => of('Reply')(doc, { httpStatus });

/** Every error code; each class's codes in alphabetical order. */
export const ERROR_CODES = {
  // UsageError — exit 2, HTTP 400
  already_in_stage: usage('the version is already in the stage it is to be moved to'),
  bad_alias: usage('an alias that is not a name, or would be read as a stage or a version'),
  bad_body: usage('a UI write whose body is not a JSON object, or a field of the wrong type'),
  bad_chunk_rows: usage('--chunk-rows is not a positive integer'),
  bad_compare: usage('a comparison needs 2 to 5 distinct run ids'),
  bad_event: usage('a registry event that only a stage move records was written by hand'),
  bad_explain_threads: usage('--explain-threads is not an integer ≥ 0'),
  bad_export: usage('--export names a file of a format the log cannot be exported to'),
  bad_filter: usage('a run-list filter (min_test) that is not a number'),
  bad_key: usage('--key is not an input field name (1 to 128 characters, no spaces)'),
  bad_limit: usage('--limit is not an integer in range'),
  bad_log_durability: usage('--log-durability is neither buffered nor ack'),
  bad_log_level: usage('--log-level is not a pino level'),
  bad_model_name: usage('a model name (--name, registry.name) outside 1-64 letters, digits, . _ -'),
  bad_models: usage('--models is empty'),
  bad_option: usage('an option value outside what it allows (the message names the option)'),
  bad_output: usage('--out names a file type predictions cannot be written to'),
  bad_page: usage('page or page_size of the run list is not an integer in range'),
  bad_policy: usage('--policy is not a list of check=action'),
  bad_port: usage('--port is not an integer from 0 to 65535'),
  bad_queue_uri: usage('--queue is not a redis:// URI (host, port, database 0-15)'),
  bad_record: usage('the record to predict is not an object of input values'),
  bad_ref: usage('a version ref that is not a version (7, v7), a stage or an alias'),
  bad_seed: usage('--seed is not a non-negative integer'),
  bad_since: usage('--since is neither a duration (30m, 2d) nor an ISO date'),
  bad_sort: usage('sort or order of the run list is not one it allows'),
  bad_stage: usage('--stage is not a stage'),
  bad_store_uri: usage(
    'a store URI that names no file (sqlite:<file>), or a postgres:// URI without host, database or a usable schema',
  ),
  bad_tag: usage('a tag that is not key=value, or breaks the key and value rules'),
  bad_then: usage('--then is not one of the actions retrain takes'),
  bad_version: usage('a UI promotion whose version is not a positive integer'),
  bad_weight: usage("--weight is not the challenger's traffic share strictly between 0 and 1"),
  bad_window: usage('--window is not an integer ≥ 1'),
  cannot_listen: usage('the server cannot listen on --host/--port (in use, not allowed)'),
  conflicting_options: usage('options that cannot be combined (--model with --stage/--models-dir)'),
  empty_export: usage('no log rows match, so there is nothing to write to a Parquet file'),
  empty_stage: usage('no version is in the stage (registry); see stage_empty for the stage link'),
  env_without_config: usage('--env without --config, where the overrides live'),
  exists: usage('the output file exists; --force overwrites it'),
  experiment_changed: usage('a UI stop or conclude naming an experiment that is no longer the running one'),
  experiment_running: usage('an A/B experiment is already running in the models folder'),
  missing_option: usage('a required option is missing'),
  missing_ref: usage('tabflow models alias needs a version ref or --remove'),
  model_and_stage: usage('--model and --stage given together'),
  models_dir_conflict: usage('--models-dir and its older names (--dir, --out) name different folders'),
  no_champion: usage('no production version to run an A/B test against'),
  no_data: usage('a command or a training run was given no data file (--data, data.path)'),
  no_experiment: usage('no A/B experiment is running'),
  no_model: usage('no model at the --model folder or --stage link'),
  no_models_dir: usage('the models folder to rebuild does not exist'),
  no_new_data: usage('retrain was given neither --data nor --from-feedback'),
  no_previous: usage('the stage has no previous version to roll back to'),
  no_production: usage('retrain needs a production version to improve on'),
  no_registry: usage('the models folder has no model registry'),
  not_ready: usage('the experiment has not reached its planned sample size; --force concludes anyway'),
  other_dataset: usage('the models folder holds a model trained on another dataset'),
  other_model: usage('the models folder holds another registered model (one model per folder)'),
  preview_expired: usage('a UI promotion whose preview_id is unknown or expired: preview again'),
  preview_mismatch: usage('a UI promotion whose preview_id previewed another version or stage'),
  queue_unreachable: usage('the Redis of --queue does not answer'),
  registry_not_empty: usage('rebuild only restores an emptied or unreadable registry'),
  same_store: usage('tabflow storage migrate was given one store as both --from and --to'),
  same_as_champion: usage('the challenger is the production version'),
  stage_busy: usage('the stage kept moving while the gate ran; try again'),
  stage_empty: usage('no model is published at the stage link the server is to follow'),
  target_not_empty: usage(
    'the target of tabflow storage migrate already holds versions or log rows (--resume continues an interrupted migration)',
  ),
  ui_needs_models_dir: usage('--ui shows a models folder: serve a --stage of --models-dir, not a run folder'),
  unknown_alias: usage('the alias is not set'),
  unknown_command: usage('not a subcommand of tabflow models'),
  unknown_ref: usage('neither a version, a stage nor an alias'),
  unknown_run: usage('a run id to compare that is not in the models folder'),
  unknown_stage: usage('not a stage (dev, staging, production)'),
  unknown_store: usage('a store URI whose scheme has no backend (allowed: sqlite:, postgres://)'),
  unknown_version: usage('the version is not registered'),
  weak_admin_token: usage('TABFLOW_ADMIN_TOKEN is shorter than 16 characters'),

  // ConfigError, ValidationError, RequestError — one code each; the detail is in `issues`
  invalid_config: of('ConfigError')('config values break their rules (every problem in issues)'),
  invalid_input: of('ValidationError')('input rows do not match the model (every problem in issues)'),
  invalid_request: of('RequestError')('the request cannot be read (every problem in issues)'),

  // DataError — exit 2, HTTP 422
  bad_dialect: data('the CSV delimiter or quote is not a single character'),
  bad_input_file: data('a file to predict lacks required columns or has columns of the wrong type'),
  bad_split_column: data('split.split_column is not a text column'),
  bad_split_value: data('the split column holds a value other than train, val or test'),
  bad_time_column: data('split.time_column is neither datetime nor numeric'),
  bad_y: data('y passed to fit is not an array of numbers'),
  base_data_missing: data('retrain cannot find the data the production model was trained on'),
  column_lengths: data('training columns of different lengths'),
  columns_differ: data('new rows for retrain lack columns of the training data, or add some'),
  config_not_found: data('the --config file does not exist or cannot be read'),
  constant_target: data('the target has one value in every row: R² is undefined'),
  corrupt_parquet: data('the file is not a readable Parquet file'),
  corrupt_zip: data('the file is not a readable ZIP archive'),
  data_changed: data('the data file has changed since the run was trained (sha256)'),
  duplicate_column: data('a frame built with one column name twice'),
  duplicate_columns: data("a data file's header repeats column names"),
  empty_column: data('a column with no values in any row'),
  empty_file: data('the data file is empty'),
  empty_input: data('the file to predict has no rows'),
  empty_part: data('the split leaves TRAIN, VAL or TEST empty'),
  empty_train: data('the preprocessor was given no TRAIN rows'),
  file_not_found: data('the data file does not exist'),
  gate_data_missing: data("the gate cannot find a run's training data to rebuild its held-out rows"),
  gate_data_unpublished: data(
    "a host without a run's training data file finds none in the artifact store either (published before runs carried it, or storage.publish_data: false)",
  ),
  gate_no_rows: data('no held-out row scores both models fairly; pass --eval-data'),
  gate_target_mismatch: data('candidate and production predict different targets'),
  header_too_long: data('a CSV header line over 1 MiB'),
  invalid_encoding: data('the file is not valid in data.encoding'),
  log_closed: data('the prediction log is closed'),
  log_corrupt: data('the prediction log is damaged or not an SQLite database'),
  log_open: data('the prediction log cannot be opened'),
  malformed_json: data('the file is not JSON or NDJSON records'),
  malformed_quote: data('text after a closing quote in a CSV field'),
  matrix_too_large: data('preprocessing would build a matrix over 2 GiB (too many one-hot columns)'),
  migration_mismatch: data(
    'what tabflow storage migrate copied differs from its source (counts, checksums, artifacts)',
    { exitCode: 1 },
  ),
  missing_column: data('a column named by the config, a flag or a type declaration is absent'),
  missing_target: data('the target column is not in the data'),
  missing_time: data('split.time_column is missing in some rows'),
  no_columns: data('the training columns object has no columns'),
  no_log: data('no prediction log (the server keeps none, or none written yet)', { httpStatus: 503 }),
  no_new_rows: data('retrain found no new labelled rows'),
  no_rows: data('no data rows (in the file, or left after cleaning)'),
  no_target: data('no target given (--target, data.target)'),
  no_train_rows: data('the split left no TRAIN rows'),
  no_val_rows: data('selection on VAL, but the split left no VAL rows'),
  not_a_column: data('a training column that is not an array'),
  not_a_file: data('the data path is a directory'),
  not_a_log: data('an SQLite file that is not a prediction log'),
  not_finite: data('non-finite numbers where the preprocessor is fitted'),
  not_records: data('data given in memory is not records, columns or a Frame'),
  ragged_rows: data('a CSV row with more or fewer fields than the header'),
  record_too_long: data('a CSV record over 64 MiB'),
  registry_lost: data('the registry file holds no versions but the folder holds runs'),
  registry_newer: data('the registry has a newer schema than this tabflow reads'),
  registry_open: data('the model registry cannot be opened'),
  report_data_missing: data('the report cannot find the training data to rebuild its TEST rows'),
  run_without_data: data('a saved run names no data file or target, so its rows cannot be rebuilt'),
  split_changed: data("rebuilding a run's split gave other rows than it recorded"),
  store_unavailable: data(
    'the database server behind a store (storage.uri, storage.registry, storage.log, storage.artifacts) cannot be reached',
    { exitCode: 1, httpStatus: 503 },
  ),
  target_dropped: data('cleaning.drop_columns lists the target'),
  target_not_numeric: data('the target is not numeric'),
  target_twice: data('the target given both as a column and as y'),
  type_conversion: data('a column cannot be converted to its declared type'),
  unclosed_quote: data('a quoted CSV field is never closed'),
  unknown_extension: data('the file extension names no format tabflow reads'),
  unknown_format: data('data.format is not a format tabflow reads'),
  unreadable_file: data('the file cannot be read in its format'),
  unsupported_format: data('a format tabflow does not read (a spreadsheet workbook)'),
  unsupported_type_fix: data('cleaning.types asks for a conversion that is not supported'),
  y_length: data('y has another length than the training data'),
  zip_entry_not_data: data('data.zip_entry is not a data file'),
  zip_entry_not_found: data('data.zip_entry is not in the archive'),
  zip_no_data_file: data('the archive holds no data file'),
  zip_ratio_too_high: data('an entry compressed more than data.max_compression_ratio to 1'),
  zip_several_data_files: data('the archive holds several data files; data.zip_entry picks one'),
  zip_too_large: data('an entry unpacks to more than data.max_uncompressed_bytes'),
  zip_too_many_entries: data('the archive holds more than data.max_zip_entries entries'),

  // ModelError — exit 1, HTTP 500
  aborted: model('training was aborted (time budget, cancel)'),
  all_failed: model('no candidate trained successfully'),
  bad_ensemble: model('an ensemble whose members do not fit together'),
  calibration_failed: model('the interval difficulty model failed'),
  fit_failed: model('a model family failed to fit', { external: true }),
  histogram_thread: model('the histogram helper thread failed; threads: 1 avoids it'),
  no_background: model('explaining this model needs a background sample'),
  no_finite_member: model('no ensemble member has finite predictions on every row'),
  no_reference: model('the artifact stores no column means; pass a background sample'),
  no_val: model('tuning needs VAL rows'),
  no_validation: model('early stopping needs validation rows'),
  not_linear: model('a linear explanation asked of a model that is not linear'),
  nystroem_singular: model('the Nyström landmark kernel matrix is not positive definite'),
  refit_failed: model('the final models could not be built'),
  too_few_rows: model('too few rows for K-fold ensemble selection'),
  too_many_features: model('more features than a dense normal-equation solve handles'),
  tuning_failed: model('no tuning trial succeeded'),

  // ArtifactError — exit 2, HTTP 500
  artifact_mismatch: artifact('a file of a run folder does not belong to its run (sha256, run id)'),
  artifact_store_newer: artifact('the artifact store was written by a newer tabflow (its schema version)'),
  artifact_store_open: artifact('the artifact store cannot be reached (host, port, database, user)'),
  bad_array: artifact('an encoded array that cannot be decoded'),
  bad_background: artifact('the explain background does not match the model'),
  bad_blob_key: artifact('a blob key that is not a sha256, or a ref name outside <kind>/<name>'),
  bad_calibration: artifact('metadata.json calibration is not a split-conformal calibration'),
  bad_config: artifact("a run's config.yaml is not valid YAML"),
  bad_envelope: artifact('not a tabflow artifact ({kind, formatVersion, params, state})'),
  bad_experiment: artifact('experiment.json is not a tabflow experiment'),
  bad_json: artifact('a run file is not valid JSON'),
  bad_manifest: artifact('a published manifest that is garbled, of a newer format, or names a path'),
  bad_metadata: artifact('metadata.json lacks or garbles the data contract'),
  bad_number: artifact('an encoded number that is not a number'),
  bad_preprocessor: artifact('preprocessor.json is inconsistent'),
  bad_seal: artifact('the metadata seal is not a sha256 line'),
  bad_stamp: artifact('registry.json of a release folder is incomplete or garbled'),
  bad_state: artifact("a model's saved state is garbled"),
  bad_tree: artifact('a saved tree is garbled'),
  bad_wire_version: artifact('a queued fit job written by another tabflow version than the worker'),
  blob_corrupt: artifact(
    'bytes whose sha256 is not the recorded one (artifact store, cache, or shipped through the queue)',
  ),
  blob_missing: artifact('a blob asked for is not stored (artifact store; queue: expired or deleted)'),
  copied_run: artifact('a run folder copied from a registered run (quarantined on recovery)'),
  invalid_profile: artifact('the reference profile is garbled'),
  missing_artifact: artifact('a run folder lacks one of its files'),
  missing_artifacts: artifact('no run folder (metadata.json) at the path'),
  newer_format: artifact('a release stamp from a newer tabflow'),
  ref_conflict: artifact('a run id already published to the artifact store with other files'),
  stage_missing: artifact('the stage link cannot be resolved to a model'),
  ui_not_built: artifact('the web UI is not built (npm run build builds it)'),
  unknown_kind: artifact('a model kind this tabflow does not know'),
  unpublished_run: artifact('the run is not in the artifact store (trained without storage.artifacts)'),
  unsupported_version: artifact('an artifact from a newer tabflow'),
  unverified_metadata: artifact('metadata.json has no seal or registry stamp to verify it against'),
  wrong_kind: artifact('an artifact of another kind than expected'),

  // One class each
  log_write_failed: of('LogWriteError')('an ack request whose prediction could not be logged'),
  monitoring_busy: of('MonitoringError')('more GET /monitoring reports waiting than the thread queues'),
  registry_not_available: of('RegistryUnavailable')('POST /admin/promote without a model registry'),

  // Reply — the server's own answers, and fastify's 4xx under stable codes
  bad_content_length: reply(400, 'the body size does not match Content-Length'),
  bad_request: reply(400, 'a 4xx from fastify without a code of its own'),
  body_too_large: reply(413, 'the body is over the limit (--body-limit raises it)'),
  cross_origin: reply(403, 'a UI write from another origin (Origin / Sec-Fetch-Site)'),
  empty_body: reply(400, 'a JSON request with an empty body'),
  feedback_rejected: reply(400, 'every feedback item was rejected (each reason in issues)'),
  forbidden: reply(403, 'the admin token is wrong'),
  gate_refused: reply(409, 'the gate refused the promotion (force: true overrides)'),
  internal_error: reply(500, 'an unexpected error; the server log has it under the request id'),
  invalid_json: reply(400, 'the body is not valid JSON'),
  method_not_allowed: reply(405, 'a known path asked with another method (Allow lists them)'),
  missing_ui_header: reply(403, 'a UI write without the X-Tabflow-UI header'),
  no_model_dir: reply(503, 'the served model has no folder, so no reference profile'),
  no_such_run: reply(404, 'GET /api/runs/:id of a run that is not in the models folder'),
  not_found: reply(404, 'no such route'),
  read_only: reply(403, 'a UI write when the UI was started without TABFLOW_ADMIN_TOKEN'),
  reload_failed: reply(500, 'the new model did not load; the old one keeps serving'),
  unauthorized: reply(401, 'an admin route without a Bearer token'),
  unsupported_media_type: reply(415, 'a Content-Type the route does not read'),
} as const satisfies Record<string, ErrorCodeEntry>;

/** Every code an error (or a server answer) can carry. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes of one class: what its constructor accepts. */
export type CodeOf<C extends ErrorClassName> = {
  [K in ErrorCode]: (typeof ERROR_CODES)[K]['class'] extends C ? K : never;
}[ErrorCode];

/** A code's entry, its exit code and status resolved; undefined for a code not in the catalogue. */
export function errorCodeInfo(code: string): Required<Omit<ErrorCodeEntry, 'external'>> | undefined {
  const e: ErrorCodeEntry | undefined = Object.hasOwn(ERROR_CODES, code)
    ? ERROR_CODES[code as ErrorCode]
    : undefined;
  if (!e) return undefined;
  const cls: ErrorClassInfo = ERROR_CLASSES[e.class];
  return {
    class: e.class,
    doc: e.doc,
    exitCode: e.exitCode ?? cls.exitCode ?? 1,
    httpStatus: e.httpStatus ?? cls.httpStatus,
  };
}

/**
 * Codes of `Issue.code` (config keys, request fields, input columns) and of the rows a prediction
 * rejects or warns about (`ContractIssue`), the feedback verdicts included: they reach users in
 * the `issues`, `errors` and `warnings` of answers, so they are catalogued too.
 */
export const ISSUE_CODE_DOCS = {
  bad_category_code: 'a categorical code outside the levels the model was fitted with',
  bad_column_name: 'a column name that is not allowed (__proto__)',
  bad_csv: 'a CSV body that cannot be parsed',
  bad_format: 'an MLflow body in none of its formats',
  bad_model_name: 'registry.name outside 1-64 letters, digits, . _ -',
  bad_request_id: 'a feedback item without the request id a prediction returned',
  bad_row: 'a feedback row that is not a row index',
  bad_time: 'a time that is neither a duration nor an ISO date',
  bad_window: 'a window size out of range',
  budget_too_small: 'training.time_budget_s too small for one fold of cross-validation',
  composite_member: 'an ensemble member that is itself built from candidates',
  composite_model: 'a candidate the run builds itself (the ensemble)',
  conflict: 'settings that contradict each other',
  duplicate: 'listed twice; for feedback, a row that already has its actual',
  duplicate_column: 'a CSV body header naming a column twice',
  empty: 'an empty list where one item is needed',
  empty_body: 'an empty request body',
  feature_count: 'another number of features than the model was fitted with',
  fractions_sum: 'split fractions that do not sum to 1',
  invalid: 'a garbled field of a saved profile',
  invalid_combination: 'parameters that cannot be combined',
  invalid_type: 'a value of the wrong type',
  invalid_value: 'a value outside what the key allows',
  missing: 'a required part of a saved profile is missing',
  missing_column: 'a column the fitted component needs is absent',
  missing_feature: 'a model feature absent from a record or a file (data contract)',
  nested_value: 'a record field holding an object or a list',
  no_items: 'no feedback items',
  no_rows: 'a request with no rows',
  not_a_record: 'a record that is not an object',
  not_finite: 'a value that is not a finite number',
  not_numeric: 'a feedback actual that is not a finite number',
  not_paired: 'A/B samples that do not pair up',
  not_tunable: 'a tuning range for a parameter that cannot be tuned',
  null_not_allowed: 'a missing value where TRAIN had none (data contract)',
  out_of_range: 'a number outside its allowed range, or outside the TRAIN range (data contract)',
  required: 'a required key is missing',
  row_required: 'a feedback item for a multi-row request without its row',
  too_many_items: 'more feedback items than one request takes',
  too_many_rows: 'more rows than one request takes',
  unexpected_field: 'a field that is not a model feature (ignored)',
  unknown_category: 'a category not seen in TRAIN',
  unknown_key: 'a key that is not a setting',
  unknown_metric: 'not a metric tabflow computes',
  unknown_model: 'not a model family',
  unknown_request: 'feedback for a request id the log does not hold',
  unknown_row: 'feedback for a row the request did not have',
  unknown_strategy: 'not a split strategy',
  unused: 'a setting the chosen strategy does not use',
  window_mismatch: 'a monitoring window built for another reference profile',
  wrong_shape: 'a body of the wrong shape',
  wrong_type: 'a value of the wrong type (request field, record value, data contract)',
  wrong_width: 'a row with another number of values than the header',
  yaml_aliases: 'a config file whose aliases expand past the limit (a "billion laughs" document)',
  yaml_syntax: 'a config file that is not valid YAML',
  yaml_tag: 'a YAML tag beyond the core ones (!!str, !!int, ...) in a config file',
} as const satisfies Record<string, string>;

/** A code `Issue.code` can carry. */
export type FieldIssueCode = keyof typeof ISSUE_CODE_DOCS;
