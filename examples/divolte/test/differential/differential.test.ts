// The differential suite of issue #16: the same configuration, mappings and schemas run on the real
// Divolte and on the Divolte-compatible server; the same requests go to both (real divolte.js in
// Chromium through a tee, then generated pixel and JSON traffic); the answers and the Avro records
// (read back with fastavro) must match, except where Tributary differs on purpose.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  hasReferenceReader,
  readWithReference,
  REFERENCE_READER_INSTALL,
} from '../../../../packages/file-sink/test/reference-reader';
import { chromiumLaunchOptions, chromiumService } from '../../../../test/chromium';
import { describeWithServices, type ServiceNeed } from '../../../../test/services';
import { compareAnswers, compareRecords, type Difference, type RecordComparison } from './compare';
import {
  differentialCases,
  differentialConfig,
  upstreamMappings,
  type DifferentialCase,
} from './config';
import { knownDifferences, unexplained } from './known-differences';
import { pages, BROWSER_EVENTS, browserVisits } from './pages';
import {
  divolteService,
  referenceDir,
  repoRoot,
  startCandidate,
  startReference,
  type RunningServer,
} from './servers';
import { createTee, type Exchange, type Tee } from './tee';
import { jsonTimestampWithoutOffset, jsonTraffic, pixelTraffic } from './traffic';

const fastavroService: ServiceNeed = {
  name: 'fastavro (the independent Avro reader)',
  available: hasReferenceReader(),
  start: REFERENCE_READER_INSTALL,
};

// Ports of this suite's two servers (the benchmark's Divolte uses divolte.sh's default, 18390).
const REFERENCE_PORT = 18391;
const CANDIDATE_PORT = 18392;

/**
 * Every record of each folder's published files (file by file in name order), as fastavro reads
 * them, by folder. Nothing may be left in a working folder: a graceful stop publishes every file.
 */
async function publishedRecords(
  folders: readonly string[],
): Promise<Map<string, Record<string, unknown>[]>> {
  const paths: string[] = [];
  for (const folder of folders) {
    const working = await readdir(join(folder, 'working'));
    if (working.length > 0) {
      throw new Error(`unpublished files in ${folder}/working: ${working.join(', ')}`);
    }
    const published = (await readdir(join(folder, 'published'))).filter((f) => f.endsWith('.avro'));
    paths.push(...published.sort().map((file) => join(folder, 'published', file)));
  }
  const byFolder = new Map<string, Record<string, unknown>[]>(folders.map((f) => [f, []]));
  if (paths.length === 0) return byFolder;
  for (const file of await readWithReference(paths)) {
    byFolder.get(dirname(dirname(file.path)))!.push(...(file.records as Record<string, unknown>[]));
  }
  return byFolder;
}

describeWithServices(
  [chromiumService, divolteService, fastavroService],
  'the Divolte-compatible server against the real Divolte',
  () => {
    let work: string;
    let cases: DifferentialCase[] = [];
    let reference: RunningServer | undefined;
    let candidate: RunningServer | undefined;
    let tee: Tee | undefined;
    let browser: Browser | undefined;
    const window = { from: 0, to: 0 };
    const markers: { fractionalPixelRatio: unknown[]; jsonWithoutOffset: unknown[] } = {
      fractionalPixelRatio: [],
      jsonWithoutOffset: [],
    };
    const comparisons = new Map<string, RecordComparison>();
    // Where the suite's time goes (ms), for the report: both starts, the traffic, the rest.
    const phases = { started: 0, traffic: 0, total: 0 };

    beforeAll(async () => {
      const began = Date.now();
      work = await mkdtemp(join(tmpdir(), 'tributary-differential-'));
      // Upstream's own TestRecord.avsc, `//` licence lines and all, on both servers.
      cases = differentialCases({ reference: referenceDir, here: import.meta.dirname });
      const config = join(work, 'divolte-collector.conf');
      await writeFile(config, differentialConfig(cases));
      const outs = { reference: join(work, 'divolte'), candidate: join(work, 'tributary') };
      for (const out of Object.values(outs)) {
        for (const c of cases) {
          await mkdir(join(out, c.name, 'working'), { recursive: true });
          await mkdir(join(out, c.name, 'published'), { recursive: true });
        }
      }
      // DIFFERENTIAL_CANDIDATE=divolte runs a second real Divolte as the candidate: the harness's
      // own check (it must find no difference but the receive times).
      const candidateIsDivolte = process.env.DIFFERENTIAL_CANDIDATE === 'divolte';
      [reference, candidate] = await Promise.all([
        startReference({ config, port: REFERENCE_PORT, out: outs.reference }),
        (candidateIsDivolte ? startReference : startCandidate)({
          config,
          port: CANDIDATE_PORT,
          out: outs.candidate,
        }),
      ]);
      tee = await createTee({ reference: reference.url, candidate: candidate.url, pages });
      browser = await chromium.launch(chromiumLaunchOptions());

      phases.started = Date.now() - began;
      window.from = Date.now();
      await browserVisits(browser, tee);
      const browserEvents = tee.exchanges.filter(
        (e) => e.label === 'chromium' && e.path.startsWith('/csc-event'),
      ).length;
      if (browserEvents !== BROWSER_EVENTS) {
        throw new Error(`divolte.js sent ${browserEvents} events, ${BROWSER_EVENTS} expected`);
      }
      await browser.close();
      browser = undefined;

      const now = Date.now();
      for (const request of pixelTraffic(now)) {
        const exchange = await tee.send(request);
        if (request.label.includes('fractional devicePixelRatio')) {
          markers.fractionalPixelRatio.push(
            new URLSearchParams(exchange.path.split('?')[1]).get('e'),
          );
        }
      }
      for (const request of jsonTraffic(now)) await tee.send(request);
      const last = jsonTimestampWithoutOffset(now);
      const body = JSON.parse(String(last.body)) as { event_id: string };
      markers.jsonWithoutOffset.push(
        body.event_id,
        Date.parse('2016-08-24T13:29:39.412Z'),
        'no-offset',
      );
      await tee.send(last);
      window.to = Date.now();

      phases.traffic = Date.now() - began - phases.started;
      // Both stop gracefully: every record flushed and its file published.
      await Promise.all([reference.stop(), candidate.stop()]);
      reference = undefined;
      candidate = undefined;
      // One fastavro run for every file of both servers (a Python start per file would cost ~30 s).
      const records = await publishedRecords(
        cases.flatMap((c) => [join(outs.reference, c.name), join(outs.candidate, c.name)]),
      );
      for (const c of cases) {
        comparisons.set(
          c.name,
          compareRecords({
            case: c,
            reference: records.get(join(outs.reference, c.name)) ?? [],
            candidate: records.get(join(outs.candidate, c.name)) ?? [],
            window,
            markers,
          }),
        );
      }
      phases.total = Date.now() - began;
      await report(tee.exchanges, comparisons, phases);
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
      await tee?.close();
      await Promise.allSettled([reference?.stop(), candidate?.stop()]);
      if (work && process.env.DIFFERENTIAL_KEEP === undefined) {
        await rm(work, { recursive: true, force: true });
      }
    }, 60_000);

    it('answers every request with the status, headers and body Divolte gives', () => {
      const exchanges = tee!.exchanges;
      expect(exchanges.length).toBeGreaterThan(60);
      const differences = compareAnswers(exchanges);
      expect(unexplained(differences).unexplained).toEqual([]);
    });

    for (const name of ['default', 'default-discarding', 'seed-article', ...upstreamMappings]) {
      it(`${name}: writes the records Divolte writes, field by field`, () => {
        const comparison = comparisons.get(name)!;
        // Every case sees traffic that its mapping turns into records.
        expect(comparison.referenceCount).toBeGreaterThan(0);
        expect(unexplained(comparison.differences).unexplained).toEqual([]);
      });
    }

    it('still shows every open difference of known-differences.ts (a fixed one must leave the list)', () => {
      if (process.env.DIFFERENTIAL_CANDIDATE === 'divolte') return;
      const all = [
        ...compareAnswers(tee!.exchanges),
        ...[...comparisons.values()].flatMap((c) => c.differences),
      ];
      const { matched } = unexplained(all);
      expect(knownDifferences.map((k) => k.id).filter((id) => !matched.has(id))).toEqual([]);
    });

    it('differs from Divolte only where docs/migrating-from-divolte.md says it does', () => {
      if (process.env.DIFFERENTIAL_CANDIDATE === 'divolte') {
        // Divolte against itself: no difference at all.
        const all = [...comparisons.values()].flatMap((c) => c.differences);
        expect([...compareAnswers(tee!.exchanges), ...all]).toEqual([]);
        return;
      }
      const kinds = (name: string): Set<string> =>
        new Set(comparisons.get(name)!.differences.map((d) => d.kind));
      // The emoji event: Divolte's checksum marks it corrupt, and discards it when told to.
      expect(kinds('default')).toContain('non-BMP checksum');
      expect(kinds('default-discarding')).toContain('non-BMP checksum');
      // A JSON timestamp without an offset: Divolte's mapper throws, Tributary reads it as UTC.
      expect(kinds('default')).toContain('JSON timestamp without offset');
      // devicePixelRatio 1.5 onto flat-mapping's int field: Divolte leaves it out, and so does a
      // mapping read from Groovy (Tributary keeps 1.5 only where its own API maps it).
      expect(kinds('flat-mapping')).not.toContain('fractional devicePixelRatio');
    });
  },
);

/** Writes tmp/differential/report.json (every difference) and prints the counts. */
async function report(
  exchanges: readonly Exchange[],
  comparisons: ReadonlyMap<string, RecordComparison>,
  phases: Readonly<Record<string, number>>,
): Promise<void> {
  const known = (d: Difference): Difference & { known?: string } => {
    const entry =
      d.kind === 'undocumented' ? knownDifferences.find((k) => k.matches(d)) : undefined;
    return entry === undefined ? d : { ...d, known: entry.id };
  };
  const answers = compareAnswers(exchanges).map(known);
  const all: Difference[] = [
    ...answers,
    ...[...comparisons.values()].flatMap((c) => c.differences),
  ];
  const byKind = new Map<string, number>();
  for (const d of all) byKind.set(d.kind, (byKind.get(d.kind) ?? 0) + 1);
  const records = [...comparisons.values()];
  const summary = {
    requests: exchanges.length,
    cases: comparisons.size,
    referenceRecords: records.reduce((n, c) => n + c.referenceCount, 0),
    candidateRecords: records.reduce((n, c) => n + c.candidateCount, 0),
    pairedRecords: records.reduce((n, c) => n + c.pairs, 0),
    fieldsCompared: records.reduce((n, c) => n + c.fieldsCompared, 0),
    differences: Object.fromEntries(byKind),
    phasesMs: phases,
  };
  const dir = join(repoRoot, 'tmp', 'differential');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'report.json'),
    JSON.stringify(
      {
        summary,
        cases: Object.fromEntries(
          [...comparisons].map(([name, c]) => [
            name,
            {
              reference: c.referenceCount,
              candidate: c.candidateCount,
              pairs: c.pairs,
              differences: c.differences.map(known),
            },
          ]),
        ),
        answers,
      },
      null,
      2,
    ),
  );
  console.log(`differential: ${JSON.stringify(summary)} (details: tmp/differential/report.json)`);
}
