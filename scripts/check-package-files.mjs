// Keeps stray files out of published packages, in two places:
// - the package root may hold only what a package legitimately has (manifest, docs, configs, and
//   the known source, test, script and output directories), so a scratch script such as
//   `smoke.tmp.ts` is refused before anyone commits it there (git-ignored entries are skipped);
// - the tarball, as `pnpm pack --dry-run` lists it, may hold only the manifest, README, LICENSE,
//   CHANGELOG and the known published directories, and never tests, fixtures or scratch files.
// Usage: node scripts/check-package-files.mjs [package directory …] (default: every packages/*/).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

/** What may sit at a package's root, and why. */
const rootEntries = {
  files: new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']),
  configs: [/^tsconfig(\.[\w-]+)?\.json$/, /^(tsup|vitest)\.config\.ts$/],
  directories: new Set([
    'src', // sources (published without their tests)
    'dist', // build output (published)
    'test', // test helpers and fixtures (not published)
    'scripts', // benchmarks and generators (not published)
    'bin', // a CLI entry (published: @tributary/druid)
    'specs', // generated Druid specs (published: @tributary/druid)
    'avro', // the generated default Avro schema (published: @tributary/schema)
    'node_modules',
    '.turbo', // turbo's log cache
  ]),
};

/** Top-level directories a tarball may contain (the published subset of the above). */
const publishedDirectories = new Set(['dist', 'src', 'bin', 'specs', 'avro']);
const publishedFiles = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md)$/;
/** Tests, test data and scratch files, wherever they are in a tarball. */
const neverPublished = [
  /(^|\/)(test|tests|__tests__|test-support|fixtures)\//,
  /\.(test|spec|bench)(-d)?\.[cm]?[jt]sx?$/,
  /(^|[/.])(tmp|temp|scratch|bak|orig)(\.|$)/,
  /(^|\/)\.DS_Store$/,
  /\.(log|tgz)$/,
];

/**
 * The package root's entries that git tracks or would track: what `.gitignore` covers (build
 * output, caches, a test's `tmp/`) never reaches a commit. Outside a git checkout, every entry.
 */
async function rootListing(directory) {
  try {
    const { stdout } = await run(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'],
      { cwd: directory, maxBuffer: 64 * 1024 * 1024 },
    );
    const top = new Map();
    for (const path of stdout.split('\0')) {
      // A tracked file deleted in the work tree is gone already.
      if (path === '' || !existsSync(join(directory, path))) continue;
      const [name, ...rest] = path.split('/');
      top.set(name, top.get(name) === true || rest.length > 0);
    }
    return [...top].map(([name, isDirectory]) => ({ name, isDirectory }));
  } catch {
    return readdirSync(directory, { withFileTypes: true }).map((entry) => ({
      name: entry.name,
      isDirectory: entry.isDirectory(),
    }));
  }
}

async function checkRoot(directory) {
  const problems = [];
  for (const { name, isDirectory } of await rootListing(directory)) {
    const known = isDirectory
      ? rootEntries.directories.has(name)
      : rootEntries.files.has(name) || rootEntries.configs.some((pattern) => pattern.test(name));
    if (!known) {
      problems.push(
        `${name}${isDirectory ? '/' : ''} at the package root is neither published nor a known config; delete it or move it under scripts/ or test/`,
      );
    }
  }
  return problems;
}

async function checkTarball(directory) {
  const { stdout } = await run('pnpm', ['pack', '--dry-run', '--json'], {
    cwd: directory,
    maxBuffer: 16 * 1024 * 1024,
  });
  const { name, files } = JSON.parse(stdout);
  const problems = [];
  for (const { path } of files) {
    const normalized = posix.normalize(path);
    const top = normalized.split('/')[0];
    const allowed = normalized.includes('/')
      ? publishedDirectories.has(top)
      : publishedFiles.test(normalized);
    if (!allowed) problems.push(`the tarball contains ${normalized}, outside the published set`);
    else if (neverPublished.some((pattern) => pattern.test(normalized)))
      problems.push(`the tarball contains ${normalized}, a test, fixture or scratch file`);
  }
  return { name, count: files.length, problems };
}

const directories =
  process.argv.length > 2
    ? process.argv.slice(2).map((directory) => resolve(directory))
    : readdirSync(join(root, 'packages'))
        .map((name) => join(root, 'packages', name))
        .filter((directory) => existsSync(join(directory, 'package.json')));

const results = await Promise.all(
  directories.map(async (directory) => {
    const [strays, tarball] = await Promise.all([checkRoot(directory), checkTarball(directory)]);
    return { directory, ...tarball, problems: [...strays, ...tarball.problems] };
  }),
);
let failed = false;
for (const { directory, name, count, problems } of results) {
  if (problems.length === 0) {
    console.log(`${name}: ${count} files packed, no stray files`);
    continue;
  }
  failed = true;
  for (const problem of problems)
    console.error(`${name} (${directory.replace(root, '')}): ${problem}`);
}
if (failed) process.exit(1);
