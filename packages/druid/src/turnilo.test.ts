import { tributaryEventRecord } from '@tributary/schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createTurniloConfig } from './index';

interface Cube {
  name: string;
  source: string;
  clusterName: string;
  timeAttribute: string;
  attributeOverrides?: { name: string; nativeType: string }[];
  dimensions: { name: string; kind: string; formula: string }[];
  measures: { name: string; formula: string }[];
}

function cube(yaml: string): { clusters: { name: string; url: string }[]; dataCubes: Cube[] } {
  return parse(yaml) as { clusters: { name: string; url: string }[]; dataCubes: Cube[] };
}

const options = {
  schema: tributaryEventRecord,
  dataSource: 'clicks',
  brokerUrl: 'http://broker:8082',
};

describe('createTurniloConfig', () => {
  it('describes the raw datasource: dimensions by kind, events and distinct ids', () => {
    const config = cube(createTurniloConfig(options));
    expect(config.clusters).toEqual([
      { name: 'druid', type: 'druid', url: 'http://broker:8082', sourceListScan: 'disable' },
    ]);
    const [dataCube] = config.dataCubes;
    expect(dataCube).toMatchObject({
      name: 'clicks',
      source: 'clicks',
      clusterName: 'druid',
      timeAttribute: 'time',
    });
    const byName = Object.fromEntries(dataCube!.dimensions.map((d) => [d.name, d]));
    expect(byName.time).toMatchObject({ kind: 'time', formula: '$__time' });
    expect(byName.eventType).toMatchObject({ kind: 'string', formula: '$eventType' });
    expect(byName.isBot).toMatchObject({ kind: 'boolean', formula: '$isBot == 1' });
    expect(byName.viewportPixelWidth).toMatchObject({ kind: 'number' });
    expect(byName.pagePath).toMatchObject({ kind: 'string' });
    expect(dataCube!.measures).toEqual([
      { name: 'events', title: 'Events', formula: '$main.count()' },
      {
        name: 'uniqueVisitors',
        title: 'Unique visitors',
        formula: '$main.countDistinct($partyId)',
      },
      { name: 'sessions', title: 'Sessions', formula: '$main.countDistinct($sessionId)' },
    ]);
  });

  it('describes the rolled-up datasource: summed counts and the HLL sketches', () => {
    const [dataCube] = cube(
      createTurniloConfig({
        ...options,
        rollup: true,
        booleans: 'string',
        title: 'Clicks',
        metrics: ['viewportPixelWidth'],
      }),
    ).dataCubes;
    expect(dataCube!.attributeOverrides).toEqual([
      { name: 'unique_parties', type: 'NUMBER', nativeType: 'HLLSketch' },
      { name: 'unique_sessions', type: 'NUMBER', nativeType: 'HLLSketch' },
    ]);
    expect(dataCube!.measures[0]).toEqual({
      name: 'events',
      title: 'Events',
      formula: '$main.sum($count)',
    });
    expect(dataCube!.measures).toContainEqual({
      name: 'uniqueVisitors',
      title: 'Unique visitors',
      formula: '$main.countDistinct($unique_parties)',
    });
    expect(dataCube!.measures).toContainEqual({
      name: 'sum_viewportPixelWidth',
      title: 'Viewport pixel width',
      formula: '$main.sum($sum_viewportPixelWidth)',
    });
    expect(dataCube!.dimensions.find((d) => d.name === 'isBot')).toMatchObject({
      kind: 'boolean',
      formula: "$isBot == 'true'",
    });
    expect(dataCube!.dimensions.map((d) => d.name)).not.toContain('partyId');
  });
});
