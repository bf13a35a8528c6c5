// The seed article end to end against real services: Kafka and Druid (infra/), headless Chromium.
// Every answer Druid gives is checked against the visits this test generated: event counts
// exactly, visitor counts (HLL sketches) within the bounds Druid reports at three standard
// deviations. With Superset (infra/superset) too, the generated dashboard is imported and opened
// in Chromium through Superset's login page, and its charts must show the numbers the example's
// own SQL answers. Under CI=true a missing service fails the suite; elsewhere it is skipped.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importSupersetBundle } from '@tributary/druid';
import { openGeoIpDatabase } from '@tributary/mapping';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../src/browser';
import {
  askDashboardQuestions,
  type Breakdown,
  type DashboardAnswers,
  type Estimate,
} from '../src/questions';
import { runScenario, type ScenarioResult } from '../src/scenario';
import {
  druidAnswers,
  kafkaAnswers,
  serviceUrls,
  supersetAnswers,
  supersetSettings,
} from '../src/services';
import { quietLogger, startDkdStack, type DkdStack } from '../src/stack';
import type { Tally } from '../src/traffic';
import { chromiumLaunchOptions, chromiumService } from '../../../test/chromium';
import { describeWithServices } from '../../../test/services';
import {
  bigNumberText,
  chartError,
  chartNames,
  logInToDashboard,
  removeDashboard,
  screenshotDashboard,
  smartNumber,
  tableText,
  waitForChart,
} from './superset-dashboard';

const require = createRequire(import.meta.url);
const urls = serviceUrls(process.env);
const superset = supersetSettings(process.env);
const found = {
  kafka: await kafkaAnswers(urls.kafkaBrokers),
  druid: await druidAnswers(urls),
  superset: await supersetAnswers(superset.url),
};
const needs = [
  {
    name: `Kafka at ${urls.kafkaBrokers.join(',')}`,
    available: found.kafka,
    start: 'infra/kafka/kafka.sh start',
  },
  {
    name: `Druid at ${urls.overlordUrl} and ${urls.brokerUrl}`,
    available: found.druid,
    start: 'infra/druid/druid.sh start',
  },
  chromiumService,
];
const supersetNeed = {
  name: `Superset at ${superset.url}`,
  available: found.superset,
  start: 'infra/superset/superset.sh start',
};
/** Where the example writes its output (main.ts's default OUTPUT_DIR; git-ignored). */
const exampleOutputDir = fileURLToPath(new URL('../data/', import.meta.url));

/** The exact distinct count lies within the sketch's reported bounds. */
function expectVisitors(estimate: Estimate | undefined, exact: number, what: string): void {
  expect(estimate, what).toBeDefined();
  expect(
    exact,
    `${what}: ${exact} visitors, Druid estimates ${JSON.stringify(estimate)}`,
  ).toBeGreaterThanOrEqual(Math.floor(estimate!.lower));
  expect(
    exact,
    `${what}: ${exact} visitors, Druid estimates ${JSON.stringify(estimate)}`,
  ).toBeLessThanOrEqual(Math.ceil(estimate!.upper));
}

/** Druid's rows against the plan's tallies: the same keys, exact events, visitors in bounds. */
function expectBreakdown(
  rows: readonly Breakdown[],
  expected: Record<string, Tally>,
  what: string,
): void {
  expect(Object.fromEntries(rows.map((row) => [row.key, row.events])), what).toEqual(
    Object.fromEntries(Object.entries(expected).map(([key, tally]) => [key, tally.events])),
  );
  for (const row of rows)
    expectVisitors(row.visitors, expected[row.key]!.visitors, `${what} ${row.key}`);
}

describeWithServices(needs, 'the seed article on Kafka and Druid, end to end', () => {
  let outputDir: string;
  let stack: DkdStack | undefined;
  let browser: Browser | undefined;
  let result: ScenarioResult;

  beforeAll(async () => {
    outputDir = await mkdtemp(join(tmpdir(), 'tributary-dkd-'));
    stack = await startDkdStack({
      ...urls,
      outputDir,
      trackerScript: await readFile(
        join(dirname(require.resolve('@tributary/tracker/package.json')), 'dist', 'tributary.js'),
      ),
      logger: quietLogger,
    });
    browser = await launchChromium();
    result = await runScenario(stack, { browser, ingestTimeoutMs: 120_000 });
    console.log(`${result.report}\n\nfigures: ${JSON.stringify(result.figures)}`);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close({ cleanUp: true });
    if (outputDir) await rm(outputDir, { recursive: true, force: true });
  }, 120_000);

  it('has every generated event in Druid, bots included, and nothing unparseable', async () => {
    const { rows } = await stack!.druid.sql<{ events: number; bots: number | null }>(
      `SELECT SUM("count") AS events, SUM("count") FILTER (WHERE "isBot" = 1) AS bots FROM "${stack!.dataSource}"`,
    );
    expect(rows).toEqual([
      { events: result.expected.totalEvents, bots: result.expected.botEvents },
    ]);
    expect(result.expected.botEvents).toBeGreaterThan(0);
    expect(result.figures.browserEvents).toBe(10); // 2 + 1, 2, 3 + 1, 1 (page views + sign-ups)
    expect(new Set(result.figures.browserPartyIds).size).toBe(4);
    const stats = await stack!.druid.supervisorStats(stack!.dataSource);
    expect(stats).toMatchObject({ unparseable: 0, processedWithError: 0, thrownAway: 0 });
  });

  it('answers whether the campaign is working right now', () => {
    const { campaignNow } = result.answers;
    expect(campaignNow.total.events).toBe(result.expected.campaignNow.events);
    expect(result.expected.campaignNow.events).toBeGreaterThan(0);
    expect(campaignNow.perMinute.reduce((sum, row) => sum + row.events, 0)).toBe(
      result.expected.campaignNow.events,
    );
    expectVisitors(campaignNow.total.visitors, result.expected.campaignNow.visitors, 'campaign');
  });

  it('compares visitors today with this time last week', () => {
    const { today, lastWeek } = result.answers.todayVsLastWeek;
    expectVisitors(today, result.expected.visitorsToday, 'today');
    expectVisitors(lastWeek, result.expected.visitorsLastWeek, 'last week');
    expect(result.expected.visitorsLastWeek).toBeGreaterThan(0);
  });

  it('counts visitors today by country from the GeoIP database', () => {
    expectBreakdown(result.answers.countriesToday, result.expected.countriesToday, 'country');
    expect(Object.keys(result.expected.countriesToday)).toEqual(
      expect.arrayContaining(['NL', 'DE', 'US', 'JP', '(none)']),
    );
  });

  it('lists today’s referrers', () => {
    expectBreakdown(result.answers.referrersToday, result.expected.referrersToday, 'referrer');
    expect(result.answers.referrersToday.length).toBeGreaterThanOrEqual(3);
  });

  it('compares the sign-up conversion before and after the deploy', () => {
    const { before, after } = result.answers.beforeAfter;
    expect({ pricingViews: before.pricingViews, signups: before.signups }).toEqual(
      result.expected.beforeDeploy,
    );
    expect({ pricingViews: after.pricingViews, signups: after.signups }).toEqual(
      result.expected.afterDeploy,
    );
    expect(before.pricingViews).toBeGreaterThan(0);
    expect(after.signups).toBeGreaterThan(0);
  });

  it('shows the browser mix of the week', () => {
    expectBreakdown(result.answers.browsersThisWeek, result.expected.browsersThisWeek, 'browser');
    expect(result.answers.browsersThisWeek.map((row) => row.key)).toContain('Chrome');
  });

  it('writes the supervisor spec, a Turnilo config and the demo GeoIP database', async () => {
    const spec = JSON.parse(await readFile(stack!.files.spec, 'utf8')) as DkdStack['spec'];
    expect(spec).toEqual(stack!.spec);
    expect(spec.spec.ioConfig).not.toHaveProperty('lateMessageRejectionPeriod');
    const turnilo = await readFile(stack!.files.turnilo, 'utf8');
    expect(turnilo).toContain(`source: "${stack!.dataSource}"`);
    expect(turnilo).toContain(urls.brokerUrl);
    const geo = openGeoIpDatabase(await readFile(stack!.files.geoIp));
    expect(geo.get('198.18.1.10')?.country?.iso_code).toBe('NL');
  });

  describeWithServices([supersetNeed], 'the generated Superset dashboard, in Chromium', () => {
    let dashboardBrowser: Browser | undefined;
    let page: Page;
    let shown: DashboardAnswers;
    let imported = false;

    beforeAll(async () => {
      const started = Date.now();
      const dashboard = await importSupersetBundle({ ...superset, bundle: stack!.dashboard });
      imported = true;
      const importMs = Date.now() - started;
      shown = await askDashboardQuestions(stack!.druid, { dataSource: stack!.dataSource });
      dashboardBrowser = await chromium.launch(chromiumLaunchOptions());
      page = await dashboardBrowser.newPage({ viewport: { width: 1400, height: 1000 } });
      const opened = Date.now();
      await logInToDashboard(page, superset, dashboard.url);
      for (const chart of stack!.dashboard.charts) {
        await waitForChart(page, chart.name, chart.vizType);
      }
      console.log(
        `Superset: imported in ${importMs} ms; login page → every chart drawn in ${Date.now() - opened} ms (${dashboard.url})`,
      );
    }, 300_000);

    afterAll(async () => {
      await dashboardBrowser?.close();
      if (imported) await removeDashboard(superset, stack!.dashboard, stack!.dataSource);
    }, 120_000);

    it('draws every chart of the generated bundle, none with an error', async () => {
      expect((await chartNames(page)).sort()).toEqual(
        stack!.dashboard.charts.map((chart) => chart.name).sort(),
      );
      for (const chart of stack!.dashboard.charts) {
        expect(await chartError(page, chart.name), chart.name).toBe('');
      }
    });

    it('shows the events and unique visitors the example’s SQL answers', async () => {
      // The dashboard's six hours hold today's traffic (bots included; the dashboard has no bot
      // filter), and none of three days ago or last week.
      expect(shown.events).toBe(result.figures.events.today);
      expect(shown.visitors).toBeGreaterThan(0);
      expect(await bigNumberText(page, 'Events')).toBe(smartNumber(shown.events));
      expect(await bigNumberText(page, 'Unique visitors')).toBe(smartNumber(shown.visitors));
    });

    it('lists the top pages with the events and visitors the SQL answers', async () => {
      const table = await tableText(page, 'Top pages');
      expect(table.header).toEqual(['pagePath', 'Events', 'Unique visitors']);
      expect(shown.topPages.length).toBeGreaterThanOrEqual(3);
      // Superset orders by events only, so pages with as many events may come in either order.
      const byPage = (rows: readonly string[][]): string[][] =>
        [...rows].sort((a, b) => a[0]!.localeCompare(b[0]!));
      expect(byPage(table.rows)).toEqual(
        byPage(
          shown.topPages.map((row) => [
            row.page ?? 'N/A',
            smartNumber(row.events),
            smartNumber(row.visitors),
          ]),
        ),
      );
      expect(shown.topPages.reduce((sum, row) => sum + row.events, 0)).toBe(shown.events);
    });

    it('saves a screenshot of the drawn dashboard in the example’s output folder', async () => {
      await mkdir(exampleOutputDir, { recursive: true });
      const path = join(exampleOutputDir, 'superset-dashboard.png');
      const png = await screenshotDashboard(page, path);
      const saved = await readFile(path);
      expect(saved.equals(png)).toBe(true);
      // A PNG as wide as the page: the signature, then IHDR's width.
      expect(saved.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(saved.readUInt32BE(16)).toBe(1400);
    });
  });
});
