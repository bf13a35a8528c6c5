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
  probeVisit,
  sendVisit,
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
  /** Single events timed from the collector into Druid SQL, after the load. @default 5 */
  readonly probes?: number;
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
  /** Single events (the probes): request to the collector → counted by Druid SQL. */
  readonly eventLatencyMs: readonly number[];
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
  await stack.druid
    .waitForRows(stack.dataSource, {
      countExpression: 'SUM("count")',
      timeoutMs: options.ingestTimeoutMs ?? 180_000,
      intervalMs: 250,
    })
    .catch(async (error: unknown) => {
      // Say why: usually no free task slot (druid.worker.capacity) or a task that cannot read.
      const status = await stack.druid.supervisorStatus(stack.dataSource).catch(() => undefined);
      throw new Error(
        `no rows in ${stack.dataSource} after submitting its supervisor; supervisor ` +
          (status
            ? `${status.detailedState}, ${status.activeTasks.length} active tasks`
            : 'unknown'),
        { cause: error },
      );
    });
  const submitToFirstRowMs = Date.now() - submittedAt;

  // 3. The synthetic load, each window through its own collector clock.
  const loadStarted = Date.now();
  for (const window of WINDOWS) {
    const visits = synthetic.filter((visit) => visit.window === window);
    const endpoint = stack.endpoints[window];
    // One slice a minute, the oldest first, so that each clock only moves forward.
    const minutes = Math.floor(stack.spreadMs[window] / 60_000);
    progress(
      `load: ${visits.length} ${window} sessions → ${endpoint.url}csc-event` +
        (minutes > 0 ? `, spread over ${minutes + 1} minutes` : ''),
    );
    for (let lag = minutes; lag >= 0; lag--) {
      const slice = visits.filter((_, index) => index % (minutes + 1) === minutes - lag);
      stack.setClockLag(window, lag * 60_000);
      const clientTime = Date.now() - stack.clockOffsets[window] - lag * 60_000;
      await sendVisits(slice, endpoint.url, stack.siteUrl, clientTime);
    }
    stack.setClockLag(window, 0);
  }
  const loaded = [...early, ...synthetic];
  const loadEvents = loaded.reduce((sum, visit) => sum + eventsOf(visit), 0);
  const written = (): number =>
    WINDOWS.reduce((sum, window) => sum + stack.endpoints[window].counts.written, 0);
  if (written() !== loadEvents) {
    throw new Error(`the plan has ${loadEvents} events; the sink took ${written()}`);
  }
  await stack.sink.flush();
  const flushedAt = Date.now();
  const syntheticLoadMs = flushedAt - loadStarted;

  // 4. Druid has every event once SUM("count") reaches the total.
  progress(`Druid: waiting for ${loadEvents} events`);
  await stack.druid.waitForRows(stack.dataSource, {
    countExpression: 'SUM("count")',
    minRows: loadEvents,
    timeoutMs: options.ingestTimeoutMs ?? 180_000,
    intervalMs: 250,
  });
  const lastEventToQueryableMs = Date.now() - flushedAt;

  // One event at a time: from the request to the collector until Druid SQL counts it.
  const probes: Visit[] = [];
  const eventLatencyMs: number[] = [];
  for (let i = 0; i < (options.probes ?? 5); i++) {
    const probe = probeVisit(Date.now());
    const sentAt = Date.now();
    await sendVisit(probe, stack.siteUrl, stack.siteUrl, sentAt);
    probes.push(probe);
    await stack.druid.waitForRows(stack.dataSource, {
      countExpression: 'SUM("count")',
      minRows: loadEvents + probes.length,
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    eventLatencyMs.push(Date.now() - sentAt);
  }
  progress(`one event, collector → Druid SQL: ${eventLatencyMs.join(', ')} ms`);

  const visits = [...loaded, ...probes];
  const expected = expectedAnswers(visits, campaign);
  if (written() !== expected.totalEvents) {
    throw new Error(`the plan has ${expected.totalEvents} events; the sink took ${written()}`);
  }
  const events = { total: expected.totalEvents } as Record<TrafficWindow, number> & {
    total: number;
  };
  for (const window of WINDOWS) {
    events[window] = visits
      .filter((visit) => visit.window === window)
      .reduce((sum, visit) => sum + eventsOf(visit), 0);
  }

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
      eventLatencyMs,
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
