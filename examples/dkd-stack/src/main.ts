// The demo for a human: starts Kafka and Druid from infra/ unless they already run, runs the
// stack, drives Chromium and the synthetic load, prints the article's answers, and keeps
// everything running (the site, the collector, the supervisor) until Ctrl-C. Enter asks again.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from './browser';
import { askQuestions, formatAnswers } from './questions';
import { runScenario, writeScenarioFiles } from './scenario';
import { druidAnswers, kafkaAnswers, runInfra, serviceUrls, type InfraService } from './services';
import { startDkdStack, type DkdStack } from './stack';
import { CAMPAIGNS } from './traffic';

const require = createRequire(import.meta.url);
const urls = serviceUrls(process.env);
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
  if (!(await druidAnswers(urls))) {
    console.log(`Druid does not answer at ${urls.overlordUrl}: starting infra/druid (~1 min)`);
    await runInfra('druid', 'start');
    started.push('druid');
  }
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
  const { figures } = result;
  console.log(`
${result.report}

Measured: ${figures.events.total} events (today ${figures.events.today}, three days ago ${figures.events.threeDaysAgo}, last week ${figures.events.lastWeek}; ${figures.browserEvents} from Chromium).
  sampler check ${figures.sampleMs} ms, supervisor submitted → first row ${figures.submitToFirstRowMs} ms,
  synthetic load ${figures.syntheticLoadMs} ms, last event flushed → all queryable ${figures.lastEventToQueryableMs} ms,
  one event alone, collector → Druid SQL ${figures.eventLatencyMs.join(', ')} ms, questions ${figures.questionsMs} ms.

Running:
  demo site        ${stack.siteUrl} (the tag, the collector: /tributary.js, /csc-event)
  Kafka            ${urls.kafkaBrokers.join(',')}, topic ${stack.topic}
  Druid            supervisor and data source ${stack.dataSource}
                   console ${urls.overlordUrl}/unified-console.html, SQL ${urls.brokerUrl}/druid/v2/sql
  files            ${stack.files.spec}
                   ${stack.files.turnilo} (npx turnilo run-config ${stack.files.turnilo})
                   ${stack.files.geoIp}, ${join(outputDir, 'answers.txt')}
  infra started    ${started.length === 0 ? 'none (Kafka and Druid were already running)' : started.join(', ')}

Click around the site, then press Enter to ask the questions again; Ctrl-C stops everything this
command started.`);

  process.stdin.on('data', () => {
    if (!stack) return;
    askQuestions(stack.druid, {
      dataSource: stack.dataSource,
      campaign: CAMPAIGNS[0]!.campaign,
      siteHost: new URL(stack.siteUrl).hostname,
    }).then(
      (answers) => {
        console.log(`\n${formatAnswers(answers)}\n`);
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
