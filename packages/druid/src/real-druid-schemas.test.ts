// The generator against a schema nobody tuned it to (issue #17), on a real Druid
// (infra/druid/druid.sh) fed by a real Kafka broker (infra/kafka/kafka.sh): the sampler, the CLI's
// `submit`, ingestion raw and rolled up, and every field read back with Druid SQL. Under CI=true a
// missing service fails the suite.
import { randomUUID } from 'node:crypto';
import type { AvroRecordSchema } from '@tributary/schema';
import avsc from 'avsc';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../../../test/services';
import {
  bootstrapServers,
  brokerUrl,
  druidNeed,
  eventually,
  kafkaNeed,
  overlordUrl,
} from '../test/services';
import {
  createDruidClient,
  createSupervisorSpec,
  explainColumns,
  runCli,
  type SupervisorSpecOptions,
} from './index';

const needs = [await druidNeed(), await kafkaNeed()];

// A schema nobody tuned to the generator: arrays of every primitive, a nullable array,
// an array of records, a map, a nested record, an enum, a fixed, booleans and nullable numbers,
// ids that end in Id and coordinates. Arrays made Druid's sampler refuse every record before the
// avro_stream extension stopped converting through Druid's JSON flattener (ClassCastException:
// ArrayList cannot be cast to ArrayNode), so `tributary-druid submit` refused the spec.
const orderSchema: AvroRecordSchema = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'timestamp', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'orderId', type: 'string' },
    { name: 'customerId', type: 'string' },
    { name: 'visitorId', type: 'string' },
    {
      name: 'status',
      type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'SHIPPED'] },
    },
    { name: 'express', type: 'boolean' },
    { name: 'giftWrap', type: ['null', 'boolean'], default: null },
    { name: 'quantity', type: 'int' },
    { name: 'price', type: 'double' },
    { name: 'discount', type: ['null', 'float'], default: null },
    { name: 'loyaltyPoints', type: ['null', 'long'], default: null },
    { name: 'latitude', type: ['null', 'double'], default: null },
    { name: 'longitude', type: ['null', 'double'], default: null },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'itemCounts', type: { type: 'array', items: 'int' } },
    { name: 'weights', type: { type: 'array', items: 'double' } },
    { name: 'flags', type: { type: 'array', items: 'boolean' } },
    { name: 'coupons', type: ['null', { type: 'array', items: 'string' }], default: null },
    {
      name: 'lines',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Line',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'qty', type: 'int' },
          ],
        },
      },
    },
    { name: 'attributes', type: { type: 'map', values: 'string' } },
    {
      name: 'shipping',
      type: {
        type: 'record',
        name: 'Shipping',
        fields: [
          { name: 'country', type: 'string' },
          { name: 'cost', type: 'double' },
          { name: 'zone', type: ['null', 'string'], default: null },
        ],
      },
    },
    { name: 'checksum', type: { type: 'fixed', name: 'Checksum', size: 4 } },
  ],
};

interface Order {
  timestamp: number;
  orderId: string;
  customerId: string;
  visitorId: string;
  status: 'NEW' | 'PAID' | 'SHIPPED';
  express: boolean;
  giftWrap: boolean | null;
  quantity: number;
  price: number;
  discount: number | null;
  loyaltyPoints: number | null;
  latitude: number | null;
  longitude: number | null;
  tags: string[];
  itemCounts: number[];
  weights: number[];
  flags: boolean[];
  coupons: string[] | null;
  lines: { sku: string; qty: number }[];
  attributes: Record<string, string>;
  shipping: { country: string; cost: number; zone: string | null };
  checksum: Buffer;
}

// Values exact in binary (quarters), so float and double sums compare exactly.
function makeOrders(count: number, base: number): Order[] {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: base + i * 1000,
    orderId: `order-${i}`,
    customerId: `customer-${i % 7}`,
    visitorId: `visitor-${i % 23}`,
    status: (['NEW', 'PAID', 'SHIPPED'] as const)[i % 3]!,
    express: i % 2 === 0,
    giftWrap: i % 3 === 0 ? null : i % 3 === 1,
    quantity: 1 + (i % 5),
    price: 10 + (i % 8) * 0.25,
    discount: i % 4 === 0 ? null : (i % 4) * 0.25,
    loyaltyPoints: i % 5 === 0 ? null : i * 10,
    latitude: i % 6 === 0 ? null : 52.25 + (i % 2),
    longitude: i % 6 === 0 ? null : 4.75 + (i % 2),
    tags: ['a', 'b', 'c', 'd'].slice(0, 1 + (i % 4)),
    itemCounts: [i % 3, (i % 5) + 1],
    weights: [0.5, 1.25 * (i % 3)],
    flags: [i % 2 === 0, i % 3 === 0],
    coupons: i % 4 === 0 ? null : [`coupon-${i % 4}`],
    lines: [
      { sku: `sku-${i % 9}`, qty: 1 + (i % 2) },
      { sku: 'sku-x', qty: 3 },
    ],
    attributes: i % 2 === 0 ? { channel: 'web', locale: 'nl-NL' } : { channel: 'app' },
    shipping: {
      country: ['NL', 'DE', 'FR'][i % 3]!,
      cost: 4.5 + (i % 2),
      zone: i % 3 ? 'eu' : null,
    },
    checksum: Buffer.from([i % 256, 1, 2, 3]),
  }));
}

async function withKafkaRetry<T>(action: () => Promise<T>): Promise<T> {
  // The broker is shared with suites that kill and restart it; a few seconds without it are normal.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

describeWithServices(
  needs,
  'a real Druid ingests, samples and queries a schema with arrays, maps, nested records, enums and nullable numbers',
  () => {
    const druid = createDruidClient({ overlordUrl, brokerUrl });
    const run = randomUUID().slice(0, 8);
    const topic = `tributary-druid-orders-${run}`;
    const supervisors: string[] = [];
    const orders = makeOrders(120, Date.UTC(2026, 0, 16, 9, 0, 0));
    const common = {
      schema: orderSchema,
      topic,
      bootstrapServers,
      useEarliestOffset: true,
      startDelay: 'PT1S',
      period: 'PT5S',
      taskDuration: 'PT10M',
    } as const;

    beforeAll(async () => {
      const type = avsc.Type.forSchema(orderSchema as avsc.Schema);
      await withKafkaRetry(async () => {
        const kafka = new Kafka({ brokers: [bootstrapServers], logLevel: logLevel.NOTHING });
        const admin = kafka.admin();
        await admin.connect();
        let empty: boolean;
        try {
          if (!(await admin.listTopics()).includes(topic)) {
            await admin.createTopics({
              topics: [{ topic, numPartitions: 1 }],
              waitForLeaders: true,
            });
          }
          // A retry after a broker restart must not write the batch twice.
          const [partition] = await admin.fetchTopicOffsets(topic);
          empty = partition?.high === '0';
        } finally {
          await admin.disconnect();
        }
        if (!empty) return;
        const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        try {
          await producer.send({
            topic,
            messages: orders.map((order) => ({ value: type.toBuffer(order) })),
          });
        } finally {
          await producer.disconnect();
        }
      });
    }, 120_000);

    afterAll(async () => {
      for (const id of supervisors) {
        await druid.terminateSupervisor(id).catch(() => undefined);
        await druid.shutdownTasks(id);
      }
    }, 60_000);

    it('samples every record through `tributary-druid submit`, ingests them raw and reads every field back', async () => {
      const dataSource = `orders_raw_${run}`;
      const spec = createSupervisorSpec({ ...common, dataSource });
      const sampled = await druid.sample(spec, { numRows: orders.length });
      expect(sampled.data.filter((row) => row.unparseable === true)).toEqual([]);
      expect(sampled.numRowsIndexed).toBe(orders.length);

      // The CLI samples before it submits and refuses a spec with unparseable rows.
      const err: string[] = [];
      const out: string[] = [];
      const code = await runCli({
        argv: ['submit', 'orders.json', '--overlord', overlordUrl, '--broker', brokerUrl],
        env: {},
        stdout: (text) => out.push(text),
        stderr: (text) => err.push(text),
        readFile: () => Promise.resolve(JSON.stringify(spec)),
        writeFile: () => Promise.resolve(),
      });
      expect(err.join('')).toContain('none unparseable');
      expect(code).toBe(0);
      supervisors.push(out.join('').trim());

      await druid.waitForRows(dataSource, { minRows: orders.length, timeoutMs: 180_000 });
      const { rows, columns } = await druid.sql(`SELECT * FROM "${dataSource}" ORDER BY __time`);
      const types = Object.fromEntries(columns.map((column) => [column.name, column.type]));
      expect(types).toMatchObject({
        status: 'STRING',
        express: 'LONG',
        giftWrap: 'LONG',
        quantity: 'LONG',
        price: 'DOUBLE',
        discount: 'DOUBLE',
        latitude: 'DOUBLE',
        tags: 'ARRAY<STRING>',
        itemCounts: 'ARRAY<LONG>',
        weights: 'ARRAY<DOUBLE>',
        flags: 'ARRAY<LONG>',
        coupons: 'ARRAY<STRING>',
        lines: 'COMPLEX<json>',
        attributes: 'COMPLEX<json>',
        shipping: 'COMPLEX<json>',
        checksum: 'STRING',
      });
      expect(rows).toHaveLength(orders.length);
      const bit = (value: boolean | null) => (value === null ? null : value ? 1 : 0);
      // Druid SQL answers a json column with its JSON text.
      const json = (value: unknown): unknown => JSON.parse(value as string);
      rows.forEach((row, i) => {
        const order = orders[i]!;
        const read = {
          ...row,
          __time: (row.__time as Date).getTime(),
          lines: json(row.lines),
          attributes: json(row.attributes),
          shipping: json(row.shipping),
        };
        expect(read, order.orderId).toEqual({
          __time: order.timestamp,
          orderId: order.orderId,
          customerId: order.customerId,
          visitorId: order.visitorId,
          status: order.status,
          express: bit(order.express),
          giftWrap: bit(order.giftWrap),
          quantity: order.quantity,
          price: order.price,
          discount: order.discount,
          loyaltyPoints: order.loyaltyPoints,
          latitude: order.latitude,
          longitude: order.longitude,
          tags: order.tags,
          itemCounts: order.itemCounts,
          weights: order.weights,
          flags: order.flags.map(bit),
          coupons: order.coupons,
          lines: order.lines,
          attributes: order.attributes,
          shipping: order.shipping,
          checksum: order.checksum.toString('base64'),
        });
      });
      const stats = await eventually(
        () => druid.supervisorStats(dataSource),
        (value) => value.processed >= orders.length,
      );
      expect(stats).toMatchObject({ processed: orders.length, unparseable: 0, thrownAway: 0 });
    }, 240_000);

    it('rolls up with named metrics and dimensions: sums only what was named, keeps coordinates and customerId as dimensions', async () => {
      const dataSource = `orders_rollup_${run}`;
      const options = {
        ...common,
        dataSource,
        rollup: true,
        nested: 'flatten',
        queryGranularity: 'hour',
        partyIdField: 'visitorId',
        sessionIdField: null,
        dimensions: ['customerId'],
        metrics: ['quantity', 'price', 'shipping_cost'],
        exclude: ['lines', 'attributes'],
      } satisfies SupervisorSpecOptions;
      const decisions = explainColumns(options);
      expect(decisions.find((decision) => decision.field === 'latitude')).toMatchObject({
        outcome: 'dimension',
        rule: 'number-dimension',
      });
      const spec = createSupervisorSpec(options);
      const checked = await druid.checkSpec(spec, { numRows: orders.length });
      if (!checked.ok) throw new Error(JSON.stringify(checked.issues, null, 2));
      supervisors.push((await druid.submitSupervisor(spec)).id);
      await druid.waitForRows(dataSource, {
        minRows: orders.length,
        countExpression: 'SUM("count")',
        timeoutMs: 180_000,
      });

      const { rows: totals } = await druid.sql<{
        events: number;
        quantity: number;
        price: number;
        shippingCost: number;
        visitors: [number, number, number];
      }>(
        `SELECT SUM("count") AS events, SUM("sum_quantity") AS quantity, SUM("sum_price") AS price,
                SUM("sum_shipping_cost") AS "shippingCost",
                HLL_SKETCH_ESTIMATE_WITH_ERROR_BOUNDS(DS_HLL("unique_parties"), 3) AS visitors
         FROM "${dataSource}"`,
      );
      const sum = (pick: (order: Order) => number) =>
        orders.reduce((total, order) => total + pick(order), 0);
      const total = totals[0]!;
      expect(total.events).toBe(orders.length);
      expect(total.quantity).toBe(sum((order) => order.quantity));
      expect(total.price).toBe(sum((order) => order.price));
      expect(total.shippingCost).toBe(sum((order) => order.shipping.cost));
      const distinctVisitors = new Set(orders.map((order) => order.visitorId)).size;
      expect(total.visitors[1]).toBeLessThanOrEqual(distinctVisitors);
      expect(total.visitors[2]).toBeGreaterThanOrEqual(distinctVisitors);

      // Coordinates and the named customerId are dimensions to group by, never summed.
      const { rows: byPlace } = await druid.sql<{
        customerId: string;
        latitude: number | null;
        shipping_country: string;
        events: number;
      }>(
        `SELECT "customerId", "latitude", "shipping_country", SUM("count") AS events
         FROM "${dataSource}" GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      );
      const expected = new Map<string, number>();
      for (const order of orders) {
        const key = JSON.stringify([order.customerId, order.latitude, order.shipping.country]);
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      expect(
        Object.fromEntries(
          byPlace.map((row) => [
            JSON.stringify([row.customerId, row.latitude, row.shipping_country]),
            row.events,
          ]),
        ),
      ).toEqual(Object.fromEntries(expected));
      const { columns } = await druid.sql(`SELECT * FROM "${dataSource}" LIMIT 1`);
      const names = columns.map((column) => column.name);
      expect(names).not.toContain('sum_latitude');
      expect(names).not.toContain('orderId');
      expect(names).not.toContain('visitorId');
    }, 240_000);
  },
);
