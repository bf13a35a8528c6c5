// The article's scenario on a running stack: real Chromium visits, the supervisor submitted, the
// synthetic load for today, three days ago and last week, then the questions once Druid has every
// event. Returns the plan's exact expectations beside Druid's answers, and the measured figures.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { desktopUserAgent, planBrowserVisits, runBrowserVisits } from './browser';
import { askQuestions, formatAnswers, type Answers } from './questions';
import type { DkdStack } from './stack';
import {
  CAMPAIGNS,
  eventsOf,
  expectedAnswers,
  planTraffic,
  sendVisits,
  type ExpectedAnswers,
  type TrafficPlanOptions,
  type TrafficWindow,
  type Visit,
} from './traffic';

/** Options of {@link runScenario}. */
export interface ScenarioOptions {
  /** Headless Chromium for the real visits; none: synthetic load only. */
  readonly browser?: Browser;
  /** The synthetic plan. @default planTraffic's defaults */
  readonly plan?: TrafficPlanOptions;
  /** How long Druid may take to show every event. @default 180_000 */
  readonly ingestTimeoutMs?: number;
  /** Progress lines. @default nothing */
  readonly progress?: (line: string) => void;
}

/** What the scenario measured. */
export interface ScenarioFigures {
  readonly events: Readonly<Record<TrafficWindow, number>> & { readonly total: number };
  readonly browserEvents: number;
  readonly browserPartyIds: readonly string[];
  /** Druid's sampler reading and parsing records of the topic with the generated spec. */
  readonly sampleMs: number;
  /** Supervisor submitted → the first row answered by Druid SQL. */
  readonly submitToFirstRowMs: number;
  /** The sink flushed the last event to Kafka → Druid SQL counts every event. */
  readonly lastEventToQueryableMs: number;
  /** Sending the synthetic load through the collectors into the sink. */
  readonly syntheticLoadMs: number;
  readonly questionsMs: number;
}

/** The scenario's result. */
export interface ScenarioResult {
  readonly visits: readonly Visit[];
  readonly expected: ExpectedAnswers;
  readonly answers: Answers;
  /** The answers as printed tables. */
  readonly report: string;
  readonly figures: ScenarioFigures;
}

const WINDOWS: readonly TrafficWindow[] = ['today', 'threeDaysAgo', 'lastWeek'];

/** Runs the scenario; the stack's supervisor is submitted here. */
export async function runScenario(
  stack: DkdStack,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  const progress = options.progress ?? (() => undefined);
  const campaign = CAMPAIGNS[0]!.campaign;

  // 1. Real visits first, so the sampler finds records when the spec is checked.
  let browserVisits: readonly Visit[] = [];
  let browserPartyIds: string[] = [];
  if (options.browser) {
    browserVisits = planBrowserVisits(desktopUserAgent(options.browser));
    progress(`Chromium: ${browserVisits.length} visits to ${stack.siteUrl}`);
    browserPartyIds = await runBrowserVisits(options.browser, stack.endpoints.today, browserVisits);
  }

  // 2. The supervisor, generated from the record schema, checked by Druid's sampler.
  const synthetic = planTraffic({ now: Date.now(), ...options.plan });
  const early: Visit[] = [...browserVisits];
  if (!options.browser) {
    // Without a browser, one of today's synthetic visits goes first for the sampler to read.
    const first = synthetic.findIndex((visit) => visit.window === 'today');
    early.push(...synthetic.splice(first, 1));
    await sendVisits(early, stack.siteUrl, stack.siteUrl, Date.now());
  }
  await stack.sink.flush();
  progress(`Druid: submitting the supervisor for ${stack.dataSource} (topic ${stack.topic})`);
  const { sampleMs } = await stack.submitSupervisor();
  const submittedAt = Date.now();
  await stack.druid.waitForRows(stack.dataSource, {
    countExpression: 'SUM("count")',
    timeoutMs: options.ingestTimeoutMs ?? 180_000,
    intervalMs: 250,
  });
  const submitToFirstRowMs = Date.now() - submittedAt;

  // 3. The synthetic load, each window through its own collector clock.
  const loadStarted = Date.now();
  for (const window of WINDOWS) {
    const visits = synthetic.filter((visit) => visit.window === window);
    const endpoint = stack.endpoints[window];
    progress(`load: ${visits.length} ${window} sessions → ${endpoint.url}csc-event`);
    await sendVisits(visits, endpoint.url, stack.siteUrl, Date.now() - stack.clockOffsets[window]);
  }
  const visits = [...early, ...synthetic];
  const expected = expectedAnswers(visits, campaign);
  const events = { total: expected.totalEvents } as Record<TrafficWindow, number> & {
    total: number;
  };
  for (const window of WINDOWS) {
    events[window] = visits
      .filter((visit) => visit.window === window)
      .reduce((sum, visit) => sum + eventsOf(visit), 0);
  }
  const written = WINDOWS.map((window) => stack.endpoints[window].counts.written);
  if (written.reduce((sum, n) => sum + n, 0) !== expected.totalEvents) {
    const per = WINDOWS.map((window, i) => `${window}: ${written[i]} of ${events[window]}`);
    throw new Error(`the sink did not take exactly the planned events (${per.join(', ')})`);
  }
  await stack.sink.flush();
  const flushedAt = Date.now();
  const syntheticLoadMs = flushedAt - loadStarted;

  // 4. Druid has every event once SUM("count") reaches the total.
  progress(`Druid: waiting for ${expected.totalEvents} events`);
  await stack.druid.waitForRows(stack.dataSource, {
    countExpression: 'SUM("count")',
    minRows: expected.totalEvents,
    timeoutMs: options.ingestTimeoutMs ?? 180_000,
    intervalMs: 250,
  });
  const lastEventToQueryableMs = Date.now() - flushedAt;

  // 5. The article's questions.
  const questionsStarted = Date.now();
  const answers = await askQuestions(stack.druid, {
    dataSource: stack.dataSource,
    campaign,
    siteHost: new URL(stack.siteUrl).hostname,
    dayStart: stack.dayStart,
  });
  const questionsMs = Date.now() - questionsStarted;
  const report = formatAnswers(answers);

  return {
    visits,
    expected,
    answers,
    report,
    figures: {
      events,
      browserEvents: browserVisits.reduce((n, v) => n + eventsOf(v), 0),
      browserPartyIds,
      sampleMs,
      submitToFirstRowMs,
      lastEventToQueryableMs,
      syntheticLoadMs,
      questionsMs,
    },
  };
}

/** Writes the answers and the expectations next to the spec and the Turnilo config. */
export async function writeScenarioFiles(outputDir: string, result: ScenarioResult): Promise<void> {
  await writeFile(join(outputDir, 'answers.txt'), result.report + '\n');
  await writeFile(
    join(outputDir, 'answers.json'),
    JSON.stringify(
      { answers: result.answers, expected: result.expected, figures: result.figures },
      null,
      2,
    ) + '\n',
  );
}
