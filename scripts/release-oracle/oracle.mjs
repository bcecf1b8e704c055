// The oracle for tests/release-histories: semantic-release's own commit
// analyzer (@semantic-release/commit-analyzer, default configuration, that
// is the angular preset and the default release rules) asked what release a
// list of commits calls for.
//
// Run by scripts/make-release-histories, which copies this file and
// package.json into a scratch directory, installs them there and runs
//   node DIR/oracle.mjs < queries.json > answers.json
// Input:  {"queries": [{"commits": [{"hash": "<hex>", "message": "<raw>"}, ...]}, ...]}
//         each list newest first, as `git log P..C` gives it.
// Output: {"versions": {"<package>": "<version>", ...}, "answers": ["major" | "minor" | "patch" | null, ...]}
import { readFileSync } from "node:fs";
import { analyzeCommits } from "@semantic-release/commit-analyzer";

// The versions that answered, for the record (package.json pins them all).
const versions = {};
for (const name of ["@semantic-release/commit-analyzer", "conventional-changelog-angular",
                    "conventional-commits-parser", "conventional-commits-filter"]) {
  const manifest = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  versions[name] = JSON.parse(readFileSync(manifest, "utf8")).version;
}

const silent = () => {};
const logger = { log: silent, warn: silent, error: silent, success: silent, info: silent, debug: silent };

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const answers = [];
for (const query of input.queries) {
  const commits = query.commits.map(({ hash, message }) => ({ hash, message }));
  answers.push((await analyzeCommits({}, { commits, logger, cwd: process.cwd() })) ?? null);
}
process.stdout.write(JSON.stringify({ versions, answers }) + "\n");
