// "Ready to answer" for DuckDB (scripts/bench-ready.sh, docs/benchmarks.md): from the start of
// this process, load the recommendations the engine holds (CSV exports of an OpenUPR database:
// recommendation with its text, recommending_state, recommendation_theme with theme names) into
// an in-memory DuckDB database, then answer a first text query (count and the first 20 ids of
// the records whose text holds "torture"). Prints one JSON line: the load and query times in ms
// (measured here), the rows loaded and the process's peak RSS in kB.
//
//   node bench/duckdb/ready.mjs DIR
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';

const dir = process.argv[2];
const TABLES = {
  recommendation: {
    id: 'BIGINT', uid: 'VARCHAR', sur: 'VARCHAR', session: 'INTEGER', cycle: 'INTEGER',
    response: 'VARCHAR', action: 'INTEGER', sur_orgs: 'VARCHAR', from_orgs: 'VARCHAR',
    text: 'VARCHAR',
  },
  recommending_state: { recommendation_id: 'BIGINT', position: 'INTEGER', state: 'VARCHAR',
                        raw_name: 'VARCHAR' },
  recommendation_theme: { recommendation_id: 'BIGINT', theme: 'VARCHAR' },
};
const quote = (t) => "'" + String(t).replaceAll("'", "''") + "'";

const start = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
let rows = 0;
for (const [table, columns] of Object.entries(TABLES)) {
  const spec = Object.entries(columns).map(([n, t]) => `${quote(n)}: ${quote(t)}`).join(', ');
  await connection.run(
    `CREATE TABLE ${table} AS SELECT * FROM read_csv(${quote(join(dir, table + '.csv'))}, ` +
      `header = true, delim = ',', quote = '"', escape = '"', nullstr = '', columns = {${spec}})`);
  const r = await connection.runAndReadAll(`SELECT count(*) FROM ${table}`);
  rows += Number(r.getRows()[0][0]);
}
const loaded = performance.now();
const count = await connection.runAndReadAll(
  "SELECT count(*) FROM recommendation WHERE text ILIKE '%torture%'");
const top = await connection.runAndReadAll(
  "SELECT id FROM recommendation WHERE text ILIKE '%torture%' ORDER BY id LIMIT 20");
const answered = performance.now();
console.log(JSON.stringify({
  load_ms: loaded - start, query_ms: answered - loaded, rows,
  matches: Number(count.getRows()[0][0]), first: Number(top.getRows()[0][0]),
  max_rss_kb: process.resourceUsage().maxRSS,
}));
