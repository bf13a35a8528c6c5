// The article's questions, asked of Druid with SQL through @tributary/druid's client. The data
// source is rolled up per minute (the generated spec with `rollup: true`): events are
// SUM("count"), visitors are HLL sketches of the party id, merged at query time.
import type { DruidClient } from '@tributary/druid';

const DAY = 86_400_000;

/** What the questions are asked about. */
export interface QuestionOptions {
  readonly dataSource: string;
  /** The campaign whose traffic "right now" is asked for. */
  readonly campaign: string;
  /** The site's own host: referrers from it are navigation inside the site, not referrers. */
  readonly siteHost: string;
  /** "Now". @default Date.now() */
  readonly asOf?: number;
  /** The start of "today". @default the start of `asOf`'s UTC day */
  readonly dayStart?: number;
  /** When the change went live. @default two days before `asOf` */
  readonly deployedAt?: number;
  /** How far back "right now" reaches. @default 30 minutes */
  readonly nowWindowMs?: number;
}

/** A distinct count from an HLL sketch: the estimate and its bounds at three standard deviations. */
export interface Estimate {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/** Events (exact) and visitors (estimated) of one group. */
export interface Breakdown {
  readonly key: string;
  readonly events: number;
  readonly visitors: Estimate;
}

/** A funnel step count before or after the deploy. */
export interface Conversion {
  readonly pricingViews: number;
  readonly signups: number;
  /** signups / pricing page views, 0 without views. */
  readonly rate: number;
}

/** The article's answers. */
export interface Answers {
  readonly asOf: number;
  readonly dayStart: number;
  readonly deployedAt: number;
  readonly campaign: string;
  /** Is the campaign working right now: its events and visitors per minute and in total. */
  readonly campaignNow: {
    readonly total: Breakdown;
    readonly perMinute: readonly { minute: Date; events: number; visitors: number }[];
  };
  /** More visitors today than by this time last week? */
  readonly todayVsLastWeek: { readonly today: Estimate; readonly lastWeek: Estimate };
  /** Visitors today by country (`(none)` when the GeoIP database has no answer). */
  readonly countriesToday: readonly Breakdown[];
  /** External referrers of today's page views. */
  readonly referrersToday: readonly Breakdown[];
  /** The sign-up conversion before and after the deploy. */
  readonly beforeAfter: { readonly before: Conversion; readonly after: Conversion };
  /** Browsers of the last seven days. */
  readonly browsersThisWeek: readonly Breakdown[];
}

/** The bounded estimate column of a sketch column; Druid answers `[estimate, lower, upper]`. */
const VISITORS = `HLL_SKETCH_ESTIMATE_WITH_ERROR_BOUNDS(DS_HLL("unique_parties"), 3)`;
const PEOPLE = `"isBot" = 0`;

function estimate(value: unknown): Estimate {
  if (!Array.isArray(value) || value.length !== 3) return { estimate: 0, lower: 0, upper: 0 };
  const [estimateValue, lower, upper] = value.map(Number) as [number, number, number];
  return { estimate: estimateValue, lower, upper };
}

interface GroupRow {
  key: string;
  events: number;
  visitors: unknown;
}

const breakdown = (row: GroupRow): Breakdown => ({
  key: row.key,
  events: row.events,
  visitors: estimate(row.visitors),
});

/** Asks every question; all queries run against the same `asOf`. */
export async function askQuestions(druid: DruidClient, options: QuestionOptions): Promise<Answers> {
  const asOf = options.asOf ?? Date.now();
  const dayStart = options.dayStart ?? Math.floor(asOf / DAY) * DAY;
  const deployedAt = options.deployedAt ?? asOf - 2 * DAY;
  const nowWindow = options.nowWindowMs ?? 30 * 60_000;
  const table = `"${options.dataSource.replaceAll('"', '""')}"`;
  const grouped = async (
    keyExpression: string,
    where: string,
    parameters: (string | number)[],
  ): Promise<Breakdown[]> => {
    const { rows } = await druid.sql<GroupRow>(
      `SELECT ${keyExpression} AS "key", SUM("count") AS events, ${VISITORS} AS visitors
       FROM ${table} WHERE ${PEOPLE} AND ${where}
       GROUP BY 1 ORDER BY events DESC, "key"`,
      { parameters },
    );
    return rows.map(breakdown);
  };
  const between = `__time >= MILLIS_TO_TIMESTAMP(?) AND __time <= MILLIS_TO_TIMESTAMP(?)`;

  const [campaignTotal] = await grouped(`"utmCampaign"`, `"utmCampaign" = ? AND ${between}`, [
    options.campaign,
    asOf - nowWindow,
    asOf,
  ]);
  const perMinute = await druid.sql<{ minute: Date; events: number; visitors: number }>(
    `SELECT TIME_FLOOR(__time, 'PT1M') AS "minute", SUM("count") AS events,
       APPROX_COUNT_DISTINCT_DS_HLL("unique_parties") AS visitors
     FROM ${table} WHERE ${PEOPLE} AND "utmCampaign" = ? AND ${between}
     GROUP BY 1 ORDER BY 1`,
    { parameters: [options.campaign, asOf - nowWindow, asOf] },
  );

  const periods = await druid.sql<{ period: string; visitors: unknown }>(
    `SELECT CASE WHEN __time >= MILLIS_TO_TIMESTAMP(?) THEN 'today' ELSE 'lastWeek' END AS "period",
       ${VISITORS} AS visitors
     FROM ${table}
     WHERE ${PEOPLE} AND ((${between}) OR (${between}))
     GROUP BY 1`,
    { parameters: [dayStart, dayStart, asOf, dayStart - 7 * DAY, asOf - 7 * DAY] },
  );
  const period = (name: string): Estimate =>
    estimate(periods.rows.find((row) => row.period === name)?.visitors);

  const countriesToday = await grouped(`COALESCE("geoCountryCode", '(none)')`, between, [
    dayStart,
    asOf,
  ]);
  const referrersToday = await grouped(
    `"referrerHost"`,
    `"referrerHost" IS NOT NULL AND "referrerHost" <> ? AND ${between}`,
    [options.siteHost, dayStart, asOf],
  );

  const funnel = await druid.sql<{
    period: string;
    pricingViews: number | null;
    signups: number | null;
  }>(
    `SELECT CASE WHEN __time < MILLIS_TO_TIMESTAMP(?) THEN 'before' ELSE 'after' END AS "period",
       SUM("count") FILTER (WHERE "eventType" = 'pageView' AND "pagePath" = '/pricing.html')
         AS "pricingViews",
       SUM("count") FILTER (WHERE "eventType" = 'signup') AS signups
     FROM ${table} WHERE ${PEOPLE} AND ${between}
     GROUP BY 1`,
    { parameters: [deployedAt, deployedAt - 2 * DAY, asOf] },
  );
  const conversion = (name: string): Conversion => {
    const row = funnel.rows.find((candidate) => candidate.period === name);
    const pricingViews = row?.pricingViews ?? 0;
    const signups = row?.signups ?? 0;
    return { pricingViews, signups, rate: pricingViews === 0 ? 0 : signups / pricingViews };
  };

  const browsersThisWeek = await grouped(`COALESCE("browserName", '(unknown)')`, between, [
    asOf - 7 * DAY,
    asOf,
  ]);

  return {
    asOf,
    dayStart,
    deployedAt,
    campaign: options.campaign,
    campaignNow: {
      total: campaignTotal ?? {
        key: options.campaign,
        events: 0,
        visitors: { estimate: 0, lower: 0, upper: 0 },
      },
      perMinute: perMinute.rows.map((row) => ({
        minute: row.minute,
        events: row.events,
        visitors: row.visitors,
      })),
    },
    todayVsLastWeek: { today: period('today'), lastWeek: period('lastWeek') },
    countriesToday,
    referrersToday,
    beforeAfter: { before: conversion('before'), after: conversion('after') },
    browsersThisWeek,
  };
}

/** What the dashboard is asked about. */
export interface DashboardQuestionOptions {
  readonly dataSource: string;
  /** "Now". @default Date.now() */
  readonly asOf?: number;
  /**
   * How far back the dashboard looks: `createSupersetBundle`'s default time range is the last six
   * hours. @default 6 hours
   */
  readonly rangeMs?: number;
  /** Rows of the top pages table (`createSupersetBundle`'s `topN`). @default 20 */
  readonly topN?: number;
}

/** One row of the top pages table. */
export interface PageRow {
  readonly page: string | null;
  readonly events: number;
  readonly visitors: number;
}

/**
 * What the generated Superset dashboard shows, asked with the example's own SQL: its big numbers
 * and its top pages over its time range. The dashboard has no bot filter, so neither have these.
 */
export interface DashboardAnswers {
  readonly from: number;
  readonly to: number;
  readonly events: number;
  /** The dataset's `unique_visitors` metric on a rolled-up data source: the sketch's estimate. */
  readonly visitors: number;
  /** Most events first (ties by page, as Superset leaves their order open). */
  readonly topPages: readonly PageRow[];
}

/**
 * Asks what the dashboard's "Events" and "Unique visitors" numbers and its "Top pages" table
 * show, with the expressions of the dataset's metrics (`SUM("count")`,
 * `APPROX_COUNT_DISTINCT_DS_HLL("unique_parties")`).
 */
export async function askDashboardQuestions(
  druid: DruidClient,
  options: DashboardQuestionOptions,
): Promise<DashboardAnswers> {
  const to = options.asOf ?? Date.now();
  const from = to - (options.rangeMs ?? 6 * 3_600_000);
  const topN = options.topN ?? 20;
  if (!Number.isInteger(topN) || topN < 1) throw new RangeError('topN must be a positive integer');
  const table = `"${options.dataSource.replaceAll('"', '""')}"`;
  const range = `__time >= MILLIS_TO_TIMESTAMP(?) AND __time < MILLIS_TO_TIMESTAMP(?)`;
  const measures = `SUM("count") AS events, APPROX_COUNT_DISTINCT_DS_HLL("unique_parties") AS visitors`;
  const totals = await druid.sql<{ events: number | null; visitors: number | null }>(
    `SELECT ${measures} FROM ${table} WHERE ${range}`,
    { parameters: [from, to] },
  );
  const pages = await druid.sql<PageRow>(
    `SELECT "pagePath" AS "page", ${measures} FROM ${table} WHERE ${range}
     GROUP BY 1 ORDER BY events DESC, "page" LIMIT ${topN}`,
    { parameters: [from, to] },
  );
  return {
    from,
    to,
    events: totals.rows[0]?.events ?? 0,
    visitors: totals.rows[0]?.visitors ?? 0,
    topPages: pages.rows,
  };
}

/** A plain-text table: a header row, a rule, then the rows, columns padded. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)]
    .map((text) => `  ${text}`)
    .join('\n');
}

const round = (value: number): string => String(Math.round(value));
const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;
const time = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

function breakdownTable(title: string, rows: readonly Breakdown[]): string {
  const visitors = rows.reduce((sum, row) => sum + row.visitors.estimate, 0);
  return formatTable(
    [title, 'events', 'visitors', 'share of visitors'],
    rows.map((row) => [
      row.key,
      String(row.events),
      round(row.visitors.estimate),
      percent(visitors === 0 ? 0 : row.visitors.estimate / visitors),
    ]),
  );
}

/** The dashboard's numbers as the example's SQL answers them. */
export function formatDashboardAnswers(answers: DashboardAnswers): string {
  return [
    `What the Superset dashboard shows (${time(answers.from)} → ${time(answers.to)} UTC, bots included)`,
    formatTable(
      ['page', 'events', 'visitors'],
      [
        ...answers.topPages.map((row) => [
          row.page ?? '(none)',
          String(row.events),
          String(row.visitors),
        ]),
        ['total', String(answers.events), String(answers.visitors)],
      ],
    ),
  ].join('\n');
}

/** The answers as the article would print them. */
export function formatAnswers(answers: Answers): string {
  const { campaignNow, todayVsLastWeek, beforeAfter } = answers;
  const today = todayVsLastWeek.today.estimate;
  const lastWeek = todayVsLastWeek.lastWeek.estimate;
  const change =
    lastWeek === 0 ? 'n/a' : `${today >= lastWeek ? '+' : ''}${percent(today / lastWeek - 1)}`;
  return [
    `Is "${answers.campaign}" working right now? (the last 30 minutes, until ${time(answers.asOf)} UTC)`,
    formatTable(
      ['minute (UTC)', 'events', 'visitors'],
      [
        ...campaignNow.perMinute.map((row) => [
          row.minute.toISOString().slice(11, 16),
          String(row.events),
          round(row.visitors),
        ]),
        ['total', String(campaignNow.total.events), round(campaignNow.total.visitors.estimate)],
      ],
    ),
    '',
    'More visitors today than by this time last week?',
    formatTable(
      ['period', 'from', 'until', 'visitors'],
      [
        ['today', time(answers.dayStart), time(answers.asOf), round(today)],
        [
          'last week',
          time(answers.dayStart - 7 * DAY),
          time(answers.asOf - 7 * DAY),
          round(lastWeek),
        ],
        ['change', '', '', change],
      ],
    ),
    '',
    'Visitors today by country',
    breakdownTable('country', answers.countriesToday),
    '',
    'Referrers today (page views that arrived from another site)',
    breakdownTable('referrer', answers.referrersToday),
    '',
    `Before and after the pricing page change (deployed ${time(answers.deployedAt)} UTC; two days each side)`,
    formatTable(
      ['period', 'pricing views', 'sign-ups', 'conversion'],
      [
        [
          'before',
          String(beforeAfter.before.pricingViews),
          String(beforeAfter.before.signups),
          percent(beforeAfter.before.rate),
        ],
        [
          'after',
          String(beforeAfter.after.pricingViews),
          String(beforeAfter.after.signups),
          percent(beforeAfter.after.rate),
        ],
      ],
    ),
    '',
    'Browser mix this week (the last seven days)',
    breakdownTable('browser', answers.browsersThisWeek),
  ].join('\n');
}
