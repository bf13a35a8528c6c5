import { DruidError } from '../druid-error';
import type {
  DimensionSpec,
  ExpressionTransform,
  FlattenSpec,
  Granularity,
  MetricSpec,
  TimestampFormat,
  TimestampSpec,
} from '../spec-types';
import {
  readRecordSchema,
  type AvroShape,
  type FieldShape,
  type RecordSchemaInput,
} from './avro-fields';

/** What a Druid column holds, in terms a UI (Turnilo) understands. */
export type ColumnKind = 'string' | 'number' | 'boolean' | 'json' | 'array';

/** One planned Druid dimension. */
export interface PlannedDimension {
  readonly spec: DimensionSpec;
  readonly kind: ColumnKind;
  readonly doc?: string;
}

/** One planned metric with what it measures. */
export interface PlannedMetric {
  readonly spec: MetricSpec;
  readonly role: 'count' | 'sum' | 'uniqueParties' | 'uniqueSessions';
}

/**
 * The rule that decided what became of a field; {@link ColumnDecision} carries one.
 * - `timestamp`: the timestamp column, read into `__time`.
 * - `typed`: a dimension typed from its Avro type (every field of a raw datasource).
 * - `number-dimension`: with rollup, a number stays a dimension unless `metrics` names it.
 * - `named-metric`: with rollup, a number named in `metrics`, summed as `sum_<field>`.
 * - `named-dimension`: with rollup, named in `dimensions`, kept though a rollup rule would drop it.
 * - `exclude`: named in `exclude`.
 * - `rollup-exclude`: with rollup, named in `rollupExclude`.
 * - `rollup-id`: with rollup, a name ending in `Id` (unique per event or visitor).
 * - `rollup-timestamp`: with rollup, another timestamp.
 * - `rollup-client`: with rollup, `userAgentString` or `remoteHost` (unique per client).
 * - `rollup-derived-url`: with rollup, a URL whose derived column (`pagePath`, `referrerHost`) stays.
 * - `rollup-sketched`: with rollup, the party or session field, counted by its sketch.
 * - `count`: with rollup, the `count` metric of events per row.
 * - `party-sketch`, `session-sketch`: with rollup, the HLL sketch of the party or session field.
 * - `derived`: `pagePath` or `referrerHost`, derived from a URL field.
 * - `transform`: an expression transform from `transforms`.
 */
export type ColumnRule =
  | 'timestamp'
  | 'typed'
  | 'number-dimension'
  | 'named-metric'
  | 'named-dimension'
  | 'exclude'
  | 'rollup-exclude'
  | 'rollup-id'
  | 'rollup-timestamp'
  | 'rollup-client'
  | 'rollup-derived-url'
  | 'rollup-sketched'
  | 'count'
  | 'party-sketch'
  | 'session-sketch'
  | 'derived'
  | 'transform';

/** What became of one field (or what made one column), and by which rule. */
export interface ColumnDecision {
  /**
   * The record field (`<field>_<sub>` for a flattened one); the URL field for a derived column,
   * the transform's name for a transform; null for the `count` metric.
   */
  readonly field: string | null;
  /** What the field became. A field may have two decisions (the party id: left out and sketched). */
  readonly outcome: 'time' | 'dimension' | 'metric' | 'sketch' | 'left-out';
  /** The Druid column (`__time`, the dimension or the metric); null when left out. */
  readonly column: string | null;
  /**
   * The timestamp format, the dimension type (`castToType` for `auto`) or the aggregator; null
   * when left out.
   */
  readonly type: string | null;
  /** Why. */
  readonly rule: ColumnRule;
}

/** The options the planner reads (a subset of `SupervisorSpecOptions`). */
export interface PlanOptions {
  schema: RecordSchemaInput;
  timestampColumn?: string | undefined;
  timestampFormat?: TimestampFormat | undefined;
  booleans?: 'long' | 'string' | undefined;
  nested?: 'json' | 'flatten' | undefined;
  exclude?: readonly string[] | undefined;
  rollup?: boolean | undefined;
  rollupExclude?: readonly string[] | undefined;
  dimensions?: readonly string[] | undefined;
  metrics?: readonly string[] | undefined;
  queryGranularity?: Granularity | undefined;
  partyIdField?: string | null | undefined;
  sessionIdField?: string | null | undefined;
  derivedColumns?: boolean | undefined;
  transforms?: readonly ExpressionTransform[] | undefined;
}

/**
 * The options that shape a datasource's columns, shared by the spec, the explanation, Turnilo and
 * Superset (each adds its own).
 */
export type ColumnOptionName =
  | 'schema'
  | 'timestampColumn'
  | 'booleans'
  | 'nested'
  | 'exclude'
  | 'rollup'
  | 'rollupExclude'
  | 'dimensions'
  | 'metrics'
  | 'partyIdField'
  | 'sessionIdField'
  | 'derivedColumns'
  | 'transforms';

/** The columns, metrics and transforms of a datasource, derived from the record schema. */
export interface Plan {
  readonly schema: unknown;
  readonly timestampSpec: TimestampSpec;
  readonly dimensions: readonly PlannedDimension[];
  readonly metrics: readonly PlannedMetric[];
  readonly transforms: readonly ExpressionTransform[];
  readonly flattenSpec: FlattenSpec | undefined;
  readonly rollup: boolean;
  readonly queryGranularity: Granularity;
  /** Per field, what it became and why, in schema order; derived columns and metrics last. */
  readonly decisions: readonly ColumnDecision[];
}

// A URL's scheme://authority prefix; the path follows up to ? or #. Java regular expressions.
const PAGE_PATH = String.raw`^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*([^?#]*)`;
const URL_HOST = String.raw`^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]*)`;

function invalidOption(message: string): never {
  throw new DruidError('invalid_option', message);
}

function isTimestampLike(field: FieldShape): boolean {
  return (
    field.shape.kind === 'long' &&
    (field.shape.logicalType?.startsWith('timestamp-') === true || /timestamp$/i.test(field.name))
  );
}

function timestampFormatOf(field: FieldShape): TimestampFormat {
  const { shape } = field;
  if (shape.kind === 'string') return 'auto';
  if (shape.kind === 'long') {
    if (shape.logicalType === 'timestamp-micros') return 'micro';
    if (shape.logicalType === 'timestamp-nanos') return 'nano';
    return 'millis';
  }
  return invalidOption(
    `The timestamp column ${field.name} is a ${shape.kind}; Druid needs a long (epoch ms) or a string.`,
  );
}

function chooseTimestamp(fields: readonly FieldShape[], column: string | undefined): FieldShape {
  if (column !== undefined) {
    const field = fields.find((candidate) => candidate.name === column);
    if (field === undefined) invalidOption(`The record has no field ${column} for the timestamp.`);
    return field;
  }
  const field =
    fields.find((candidate) => candidate.name === 'timestamp') ??
    fields.find(
      (candidate) =>
        candidate.shape.kind === 'long' && candidate.shape.logicalType?.startsWith('timestamp-'),
    );
  if (field === undefined) {
    invalidOption('The record has no field named timestamp: name the timestamp column.');
  }
  return field;
}

function arrayCast(items: AvroShape): string | undefined {
  switch (items.kind) {
    case 'string':
    case 'bytes':
      return 'ARRAY<STRING>';
    case 'long':
    case 'boolean':
      return 'ARRAY<LONG>';
    case 'double':
      return 'ARRAY<DOUBLE>';
    default:
      return undefined;
  }
}

function dimensionOf(
  name: string,
  shape: AvroShape,
  booleans: 'long' | 'string',
  doc: string | undefined,
): PlannedDimension {
  const withDoc = (dimension: Omit<PlannedDimension, 'doc'>): PlannedDimension =>
    doc === undefined ? dimension : { ...dimension, doc };
  switch (shape.kind) {
    case 'string':
    case 'bytes':
      return withDoc({ spec: { type: 'string', name }, kind: 'string' });
    case 'long':
      return withDoc({ spec: { type: 'long', name }, kind: 'number' });
    case 'double':
      return withDoc({ spec: { type: 'double', name }, kind: 'number' });
    case 'boolean':
      return withDoc({
        spec: booleans === 'long' ? { type: 'long', name } : { type: 'string', name },
        kind: 'boolean',
      });
    case 'array': {
      const castToType = arrayCast(shape.items);
      return castToType === undefined
        ? withDoc({ spec: { type: 'json', name }, kind: 'json' })
        : withDoc({ spec: { type: 'auto', name, castToType }, kind: 'array' });
    }
    case 'record':
    case 'map':
    case 'union':
      return withDoc({ spec: { type: 'json', name }, kind: 'json' });
  }
}

interface Leaf {
  readonly name: string;
  readonly path: string | undefined;
  readonly field: FieldShape;
}

// Flattening turns record fields into `<field>_<sub>` columns read with a JSONPath; maps, arrays
// and unions stay json, since their keys are not known from the schema.
function leaves(fields: readonly FieldShape[], nested: 'json' | 'flatten'): Leaf[] {
  const out: Leaf[] = [];
  const visit = (field: FieldShape, name: string, path: string[]): void => {
    if (nested === 'flatten' && field.shape.kind === 'record') {
      for (const sub of field.shape.fields) visit(sub, `${name}_${sub.name}`, [...path, sub.name]);
      return;
    }
    out.push({
      name,
      path: path.length > 1 ? `$.${path.map((part) => part).join('.')}` : undefined,
      field,
    });
  };
  for (const field of fields) visit(field, field.name, [field.name]);
  return out;
}

function isNumeric(shape: AvroShape): boolean {
  return shape.kind === 'long' || shape.kind === 'double';
}

function typeName(spec: DimensionSpec): string {
  return spec.type === 'auto' && spec.castToType !== undefined ? spec.castToType : spec.type;
}

// Druid keeps the row time in __time; a second column of that name would be read as the time
// or refused, depending on the version, so the planner refuses it with a way out.
const TIME_COLUMN = '__time';

/** Plans a datasource from a record schema: the single place where Avro meets Druid types. */
export function planDatasource(options: PlanOptions): Plan {
  const record = readRecordSchema(options.schema);
  const booleans = options.booleans ?? 'long';
  const nested = options.nested ?? 'json';
  const rollup = options.rollup ?? false;
  const queryGranularity = options.queryGranularity ?? (rollup ? 'minute' : 'none');
  const timestampField = chooseTimestamp(record.fields, options.timestampColumn);
  const timestampSpec: TimestampSpec = {
    column: timestampField.name,
    format: options.timestampFormat ?? timestampFormatOf(timestampField),
  };
  const allLeaves = leaves(record.fields, nested);
  const names = new Set(record.fields.map((field) => field.name));
  const columnNames = new Set([...names, ...allLeaves.map((leaf) => leaf.name)]);
  const listed = (option: string, values: readonly string[] | undefined): Set<string> => {
    for (const name of values ?? []) {
      if (!(option === 'exclude' ? names : columnNames).has(name)) {
        invalidOption(`${option} names ${name}, which the record lacks.`);
      }
    }
    return new Set(values ?? []);
  };
  const excluded = listed('exclude', options.exclude);
  const kept = listed('dimensions', options.dimensions);
  const summed = listed('metrics', options.metrics);
  for (const name of summed) {
    const leaf = allLeaves.find((candidate) => candidate.name === name);
    if (leaf === undefined || !isNumeric(leaf.field.shape) || name === timestampField.name) {
      invalidOption(`metrics names ${name}, which is not a number that can be summed.`);
    }
  }
  // Contradictions are refused rather than resolved by an order nobody can see.
  const topOf = (name: string): string =>
    allLeaves.find((leaf) => leaf.name === name)?.path?.split('.')[1] ?? name;
  const rollupExcluded = new Set(options.rollupExclude ?? []);
  for (const name of kept) {
    if (summed.has(name)) invalidOption(`${name} is named in both dimensions and metrics.`);
    if (rollupExcluded.has(name)) {
      invalidOption(`${name} is named in both dimensions and rollupExclude.`);
    }
  }
  for (const [option, named] of [
    ['dimensions', kept],
    ['metrics', summed],
  ] as const) {
    for (const name of named) {
      if (excluded.has(topOf(name))) {
        invalidOption(`${name} is named in both ${option} and exclude.`);
      }
    }
  }
  const pick = (option: string | null | undefined, fallback: string): string | undefined => {
    if (option === null) return undefined;
    if (option !== undefined) {
      if (!names.has(option))
        invalidOption(`The record has no field ${option} to count uniques of.`);
      return option;
    }
    return names.has(fallback) ? fallback : undefined;
  };
  const partyId = pick(options.partyIdField, 'partyId');
  const sessionId = pick(options.sessionIdField, 'sessionId');

  const transforms: ExpressionTransform[] = [];
  const derived: PlannedDimension[] = [];
  const derivedDecisions: ColumnDecision[] = [];
  const derivedFrom = new Set<string>();
  const derive = (from: string, transform: ExpressionTransform, doc: string): void => {
    transforms.push(transform);
    derived.push({ spec: { type: 'string', name: transform.name }, kind: 'string', doc });
    derivedDecisions.push({
      field: from,
      outcome: 'dimension',
      column: transform.name,
      type: 'string',
      rule: 'derived',
    });
    derivedFrom.add(from);
  };
  if (options.derivedColumns ?? true) {
    const stringField = (name: string): boolean => {
      const field = record.fields.find((candidate) => candidate.name === name);
      return field !== undefined && field.shape.kind === 'string' && !excluded.has(name);
    };
    if (stringField('location')) {
      derive(
        'location',
        {
          type: 'expression',
          name: 'pagePath',
          expression: `regexp_extract("location", '${PAGE_PATH}', 1)`,
        },
        'The path of the page URL.',
      );
    }
    const referrer = ['referrer', 'referer'].find(stringField);
    if (referrer !== undefined) {
      derive(
        referrer,
        {
          type: 'expression',
          name: 'referrerHost',
          expression: `lower(regexp_extract("${referrer}", '${URL_HOST}', 1))`,
        },
        'The host of the referring URL.',
      );
    }
  }
  for (const transform of options.transforms ?? []) {
    if (transform.name === TIME_COLUMN) {
      invalidOption(
        `A transform named ${TIME_COLUMN} would replace the row time, not add a column; use timestampColumn.`,
      );
    }
    transforms.push(transform);
    derived.push({ spec: { type: 'string', name: transform.name }, kind: 'string' });
    derivedDecisions.push({
      field: transform.name,
      outcome: 'dimension',
      column: transform.name,
      type: 'string',
      rule: 'transform',
    });
  }

  // With rollup, columns unique per event keep rows from combining: the sketched ids, other ids,
  // other timestamps, the raw user agent and address, and URLs whose derived columns stay.
  const sketched = new Set([partyId, sessionId].filter((name) => name !== undefined));
  const explicitDrops =
    options.rollupExclude === undefined ? undefined : new Set(options.rollupExclude);
  const rollupDrop = (field: FieldShape): ColumnRule | undefined => {
    if (explicitDrops !== undefined) {
      return explicitDrops.has(field.name) ? 'rollup-exclude' : undefined;
    }
    if (sketched.has(field.name)) return 'rollup-sketched';
    if (/Id$/.test(field.name)) return 'rollup-id';
    if (field.name !== timestampField.name && isTimestampLike(field)) return 'rollup-timestamp';
    if (field.name === 'userAgentString' || field.name === 'remoteHost') return 'rollup-client';
    if (derivedFrom.has(field.name)) return 'rollup-derived-url';
    return undefined;
  };

  const dimensions: PlannedDimension[] = [];
  const metrics: PlannedMetric[] = [];
  const decisions: ColumnDecision[] = [];
  const leftOut = (field: string, rule: ColumnRule): ColumnDecision => ({
    field,
    outcome: 'left-out',
    column: null,
    type: null,
    rule,
  });
  if (rollup) metrics.push({ spec: { type: 'count', name: 'count' }, role: 'count' });
  const flattenFields: FlattenSpec['fields'] = [];
  for (const leaf of allLeaves) {
    const topField =
      leaf.path === undefined
        ? leaf.field
        : record.fields.find((field) => field.name === leaf.path!.split('.')[1])!;
    const top = topField.name;
    if (top === timestampField.name) {
      decisions.push({
        field: top,
        outcome: 'time',
        column: TIME_COLUMN,
        type: timestampSpec.format,
        rule: 'timestamp',
      });
      continue;
    }
    if (excluded.has(top)) {
      decisions.push(leftOut(leaf.name, 'exclude'));
      continue;
    }
    if (leaf.name === TIME_COLUMN) {
      throw new DruidError(
        'invalid_schema',
        `The field ${leaf.name} would become a second ${TIME_COLUMN} column, the name Druid keeps for the row time: exclude it (exclude: ['${top}'], --exclude ${top}) or read the time from it (timestampColumn: '${top}', --timestamp ${top}).`,
      );
    }
    if (leaf.path !== undefined)
      flattenFields.push({ type: 'path', name: leaf.name, expr: leaf.path });
    let rule: ColumnRule = 'typed';
    if (rollup) {
      const named = kept.has(leaf.name) || kept.has(top);
      const drop = rollupDrop(topField);
      if (summed.has(leaf.name)) {
        const type = leaf.field.shape.kind === 'long' ? 'longSum' : 'doubleSum';
        const name = `sum_${leaf.name}`;
        metrics.push({ spec: { type, name, fieldName: leaf.name }, role: 'sum' });
        decisions.push({
          field: leaf.name,
          outcome: 'metric',
          column: name,
          type,
          rule: 'named-metric',
        });
        continue;
      }
      if (drop !== undefined && !named) {
        decisions.push(leftOut(leaf.name, drop));
        continue;
      }
      if (named) rule = 'named-dimension';
      else if (isNumeric(leaf.field.shape) && !isTimestampLike(leaf.field)) {
        rule = 'number-dimension';
      }
    }
    const dimension = dimensionOf(leaf.name, leaf.field.shape, booleans, leaf.field.doc);
    dimensions.push(dimension);
    decisions.push({
      field: leaf.name,
      outcome: 'dimension',
      column: leaf.name,
      type: typeName(dimension.spec),
      rule,
    });
  }
  dimensions.push(...derived);
  decisions.push(...derivedDecisions);
  if (rollup) {
    decisions.push({
      field: null,
      outcome: 'metric',
      column: 'count',
      type: 'count',
      rule: 'count',
    });
    const sketch = (name: string, fieldName: string): MetricSpec => ({
      type: 'HLLSketchBuild',
      name,
      fieldName,
      lgK: 12,
      tgtHllType: 'HLL_4',
    });
    for (const [field, name, role, rule] of [
      [partyId, 'unique_parties', 'uniqueParties', 'party-sketch'],
      [sessionId, 'unique_sessions', 'uniqueSessions', 'session-sketch'],
    ] as const) {
      if (field === undefined) continue;
      metrics.push({ spec: sketch(name, field), role });
      decisions.push({ field, outcome: 'sketch', column: name, type: 'HLLSketchBuild', rule });
    }
  }
  const seen = new Set<string>([TIME_COLUMN]);
  for (const name of [
    ...dimensions.map((dimension) => dimension.spec.name),
    ...metrics.map((metric) => metric.spec.name),
  ]) {
    if (seen.has(name)) invalidOption(`Two columns are both named ${name}.`);
    seen.add(name);
  }
  return {
    schema: record.schema,
    timestampSpec,
    dimensions,
    metrics,
    transforms,
    flattenSpec:
      flattenFields.length === 0 ? undefined : { useFieldDiscovery: true, fields: flattenFields },
    rollup,
    queryGranularity,
    decisions,
  };
}

/**
 * The dimensions a raw datasource counts distinct visitors and sessions of: the party and session
 * fields (`partyId` and `sessionId` unless named otherwise; none when null) if they are columns.
 */
export function distinctIdColumns(
  plan: Plan,
  options: Pick<PlanOptions, 'partyIdField' | 'sessionIdField'>,
): { readonly party: string | undefined; readonly session: string | undefined } {
  const columns = new Set(plan.dimensions.map((dimension) => dimension.spec.name));
  const column = (option: string | null | undefined, fallback: string): string | undefined => {
    const name = option === undefined ? fallback : option;
    return name !== null && columns.has(name) ? name : undefined;
  };
  return {
    party: column(options.partyIdField, 'partyId'),
    session: column(options.sessionIdField, 'sessionId'),
  };
}
