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
  queryGranularity?: Granularity | undefined;
  partyIdField?: string | null | undefined;
  sessionIdField?: string | null | undefined;
  derivedColumns?: boolean | undefined;
  transforms?: readonly ExpressionTransform[] | undefined;
}

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
  const names = new Set(record.fields.map((field) => field.name));
  for (const name of options.exclude ?? []) {
    if (!names.has(name)) invalidOption(`exclude names ${name}, which the record lacks.`);
  }
  const excluded = new Set(options.exclude ?? []);
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
  const derivedFrom = new Set<string>();
  if (options.derivedColumns ?? true) {
    const stringField = (name: string): boolean => {
      const field = record.fields.find((candidate) => candidate.name === name);
      return field !== undefined && field.shape.kind === 'string' && !excluded.has(name);
    };
    if (stringField('location')) {
      transforms.push({
        type: 'expression',
        name: 'pagePath',
        expression: `regexp_extract("location", '${PAGE_PATH}', 1)`,
      });
      derived.push({
        spec: { type: 'string', name: 'pagePath' },
        kind: 'string',
        doc: 'The path of the page URL.',
      });
      derivedFrom.add('location');
    }
    const referrer = ['referrer', 'referer'].find(stringField);
    if (referrer !== undefined) {
      transforms.push({
        type: 'expression',
        name: 'referrerHost',
        expression: `lower(regexp_extract("${referrer}", '${URL_HOST}', 1))`,
      });
      derived.push({
        spec: { type: 'string', name: 'referrerHost' },
        kind: 'string',
        doc: 'The host of the referring URL.',
      });
      derivedFrom.add(referrer);
    }
  }
  for (const transform of options.transforms ?? []) {
    transforms.push(transform);
    derived.push({ spec: { type: 'string', name: transform.name }, kind: 'string' });
  }

  // With rollup, columns unique per event keep rows from combining: ids (sketched instead),
  // other timestamps, the raw user agent and address, and URLs whose derived columns stay.
  const rollupExclude = new Set(
    options.rollupExclude ??
      record.fields
        .filter(
          (field) =>
            /Id$/.test(field.name) ||
            (field.name !== timestampField.name && isTimestampLike(field)) ||
            field.name === 'userAgentString' ||
            field.name === 'remoteHost' ||
            derivedFrom.has(field.name),
        )
        .map((field) => field.name),
  );

  const dimensions: PlannedDimension[] = [];
  const metrics: PlannedMetric[] = [];
  if (rollup) metrics.push({ spec: { type: 'count', name: 'count' }, role: 'count' });
  const flattenFields: FlattenSpec['fields'] = [];
  for (const leaf of leaves(record.fields, nested)) {
    const top = leaf.path === undefined ? leaf.name : leaf.path.split('.')[1]!;
    if (top === timestampField.name || excluded.has(top)) continue;
    if (leaf.path !== undefined)
      flattenFields.push({ type: 'path', name: leaf.name, expr: leaf.path });
    if (rollup && rollupExclude.has(top)) continue;
    if (rollup && isNumeric(leaf.field.shape) && !isTimestampLike(leaf.field)) {
      metrics.push({
        spec: {
          type: leaf.field.shape.kind === 'long' ? 'longSum' : 'doubleSum',
          name: `sum_${leaf.name}`,
          fieldName: leaf.name,
        },
        role: 'sum',
      });
      continue;
    }
    dimensions.push(dimensionOf(leaf.name, leaf.field.shape, booleans, leaf.field.doc));
  }
  dimensions.push(...derived);
  if (rollup) {
    const sketch = (name: string, fieldName: string): MetricSpec => ({
      type: 'HLLSketchBuild',
      name,
      fieldName,
      lgK: 12,
      tgtHllType: 'HLL_4',
    });
    if (partyId !== undefined) {
      metrics.push({ spec: sketch('unique_parties', partyId), role: 'uniqueParties' });
    }
    if (sessionId !== undefined) {
      metrics.push({ spec: sketch('unique_sessions', sessionId), role: 'uniqueSessions' });
    }
  }
  const seen = new Set<string>();
  for (const dimension of dimensions) {
    if (seen.has(dimension.spec.name)) {
      invalidOption(`Two columns are both named ${dimension.spec.name}.`);
    }
    seen.add(dimension.spec.name);
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
  };
}
