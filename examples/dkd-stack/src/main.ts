// The demo for a human: starts Kafka, Druid and Superset from infra/ unless they already run,
// runs the stack, drives Chromium and the synthetic load, prints the article's answers, imports
// the generated Superset dashboard and prints where it is, and keeps everything running (the
// site, the collector, the supervisor, the dashboard) until Ctrl-C. Enter asks again.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { importSupersetBundle } from '@tributary/druid';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from './browser';
import {
  askDashboardQuestions,
  askQuestions,
  formatAnswers,
  formatDashboardAnswers,
} from './questions';
import { runScenario, writeScenarioFiles } from './scenario';
import {
  druidAnswers,
  kafkaAnswers,
  runInfra,
  serviceUrls,
  supersetAnswers,
  supersetSettings,
  type InfraService,
} from './services';
import { startDkdStack, type DkdStack } from './stack';
import { CAMPAIGNS } from './traffic';

const require = createRequire(import.meta.url);
const urls = serviceUrls(process.env);
const superset = supersetSettings(process.env);
const outputDir = resolve(process.env.OUTPUT_DIR ?? 'data');
const chromiumPath = process.env.CHROMIUM ?? CHROMIUM_PATH;
const port = Number(process.env.PORT ?? 8290);
const shutdownDeadlineMs = Number(process.env.SHUTDOWN_DEADLINE_MS ?? 10_000);
const started: InfraService[] = [];
let stack: DkdStack | undefined;
let browser: Browser | undefined;

async function stopEverything(): Promise<void> {
  await browser?.close().catch(() => undefined);
  if (stack) {
    // The supervisor stops reading; its data source and the topic stay for inspection.
    await stack.druid.terminateSupervisor(stack.dataSource).catch((error: unknown) => {
      console.error('could not terminate the supervisor', error);
    });
    await stack.close();
  }
  for (const service of started.reverse()) await runInfra(service, 'stop');
}

async function main(): Promise<void> {
  if (!(await kafkaAnswers(urls.kafkaBrokers))) {
    console.log(`Kafka does not answer at ${urls.kafkaBrokers.join(',')}: starting infra/kafka`);
    await runInfra('kafka', 'start');
    started.push('kafka');
  }
  // Druid and Superset start side by side: each takes a minute or more (Superset's first start
  // installs it from PyPI, several minutes).
  const starting: Promise<void>[] = [];
  if (!(await druidAnswers(urls))) {
    console.log(`Druid does not answer at ${urls.overlordUrl}: starting infra/druid (~1 min)`);
    started.push('druid');
    starting.push(runInfra('druid', 'start'));
  }
  let supersetUp = await supersetAnswers(superset.url);
  if (!supersetUp) {
    console.log(`Superset does not answer at ${superset.url}: starting infra/superset`);
    started.push('superset');
    // The dashboard is the last step; the article's SQL answers do not need it.
    starting.push(
      runInfra('superset', 'start').then(
        () => {
          supersetUp = true;
        },
        (error: unknown) => {
          console.error(
            `Superset did not start (${String(error)}); going on without the dashboard. ` +
              'infra/README.md says what infra/superset/superset.sh needs.',
          );
        },
      ),
    );
  }
  // Every start settles before a failure is reported, so the stop on exit meets no half-start.
  const failed = (await Promise.allSettled(starting)).find(
    (outcome) => outcome.status === 'rejected',
  );
  if (failed) throw failed.reason;
  stack = await startDkdStack({
    ...urls,
    outputDir,
    port,
    shutdownDeadlineMs,
    trackerScript: await readFile(
      join(dirname(require.resolve('@tributary/tracker/package.json')), 'dist', 'tributary.js'),
    ),
  });
  if (existsSync(chromiumPath)) {
    browser = await launchChromium(chromiumPath);
  } else {
    console.log(`No Chromium at ${chromiumPath} (set CHROMIUM): synthetic load only.`);
  }
  const result = await runScenario(stack, {
    ...(browser ? { browser } : {}),
    progress: (line) => {
      console.log(`  ${line}`);
    },
  });
  await browser?.close();
  browser = undefined;
  await writeScenarioFiles(outputDir, result);
  let dashboard = `not imported (Superset does not answer at ${superset.url})`;
  if (supersetUp) {
    const imported = await importSupersetBundle({ ...superset, bundle: stack.dashboard });
    const login =
      superset.password === 'admin'
        ? `${superset.username} / admin`
        : `${superset.username} / $SUPERSET_ADMIN_PASSWORD`;
    dashboard = `${imported.url}\n                   log in as ${login}`;
  }
  const dashboardAnswers = await askDashboardQuestions(stack.druid, {
    dataSource: stack.dataSource,
  });
  const { figures } = result;
  console.log(`
${result.report}

${formatDashboardAnswers(dashboardAnswers)}

Measured: ${figures.events.total} events (today ${figures.events.today}, three days ago ${figures.events.threeDaysAgo}, last week ${figures.events.lastWeek}; ${figures.browserEvents} from Chromium).
  sampler check ${figures.sampleMs} ms, supervisor submitted → first row ${figures.submitToFirstRowMs} ms,
  synthetic load ${figures.syntheticLoadMs} ms, last event flushed → all queryable ${figures.lastEventToQueryableMs} ms,
  one event alone, collector → Druid SQL ${figures.eventLatencyMs.join(', ')} ms, questions ${figures.questionsMs} ms.

Running:
  demo site        ${stack.siteUrl} (the tag, the collector: /tributary.js, /csc-event)
  Kafka            ${urls.kafkaBrokers.join(',')}, topic ${stack.topic}
  Druid            supervisor and data source ${stack.dataSource}
                   console ${urls.overlordUrl}/unified-console.html, SQL ${urls.brokerUrl}/druid/v2/sql
  Superset         dashboard ${dashboard}
  files            ${stack.files.spec}
                   ${stack.files.turnilo} (npx turnilo run-config ${stack.files.turnilo})
                   ${stack.files.superset} (Superset: Dashboards → Import)
                   ${stack.files.geoIp}, ${join(outputDir, 'answers.txt')}
  infra started    ${started.length === 0 ? 'none (Kafka, Druid and Superset were already running)' : started.join(', ')}

Click around the site, then press Enter to ask the questions again; Ctrl-C stops everything this
command started.`);

  process.stdin.on('data', () => {
    if (!stack) return;
    const { druid, dataSource, siteUrl } = stack;
    Promise.all([
      askQuestions(druid, {
        dataSource,
        campaign: CAMPAIGNS[0]!.campaign,
        siteHost: new URL(siteUrl).hostname,
      }),
      askDashboardQuestions(druid, { dataSource }),
    ]).then(
      ([answers, shown]) => {
        console.log(`\n${formatAnswers(answers)}\n\n${formatDashboardAnswers(shown)}\n`);
      },
      (error: unknown) => {
        console.error('the questions failed', error);
      },
    );
  });
}

// First signal: the endpoints stop listening, requests in flight get SHUTDOWN_DEADLINE_MS, the
// connections left are destroyed, every accepted event is written to Kafka, then the services
// this command started stop. Second signal: the connections are destroyed now instead of at the
// deadline; the drain into Kafka still completes. Later signals only say so.
let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals++;
    if (signals > 1) {
      console.log(
        `\n${signal} again: closing every connection now; still draining accepted events…`,
      );
      if (stack)
        for (const endpoint of Object.values(stack.endpoints)) void endpoint.shutdown.force();
      return;
    }
    console.log(
      `\n${signal}: stopping what this command started (requests in flight get ${shutdownDeadlineMs} ms)…`,
    );
    stopEverything().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}

main().catch(async (error: unknown) => {
  console.error(error);
  await stopEverything().catch(() => undefined);
  process.exit(1);
});
