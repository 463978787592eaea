// DuckDB for the side-by-side benchmark (bench/side_by_side.cpp, bench/duckdb_backend.cpp).
//
// One DuckDB database in memory (@duckdb/node-api, which ships DuckDB's engine: nothing is
// downloaded at run time). The runner writes requests on stdin, one JSON object per line, and
// reads one JSON object per line on stdout:
//   {"cmd":"load","dir":"/tmp/x"}  creates the tables from the CSV files the runner exported
//                                  there (see TABLES); answers {"ok":true,"ms":...}
//   {"cmd":"run","sql":"...","rows":true|false}
//                                  runs the statement, its whole result materialised by DuckDB
//                                  (runAndReadAll); answers {"ok":true,"ms":...,"count":N} and,
//                                  with rows, "rows":[[...],...] (integers as numbers: they are
//                                  counts) and "read_ms", the time to turn them into JavaScript
//                                  values
// Errors: {"ok":false,"error":"..."}. "ms" is measured here around the statement alone, so that
// the runner's timing leaves out the pipe, the JSON and the conversion to JavaScript values
// (which costs as much as the query here for 10,000 rows): DuckDB's best case.
//
//   npm ci --prefix bench/duckdb && node bench/duckdb/runner.mjs
import { DuckDBInstance } from '@duckdb/node-api';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

// The tables the benchmark's measures read, as the runner exports them (a header line, commas,
// an empty field for NULL).
const TABLES = {
  state: { iso3: 'VARCHAR', region: 'VARCHAR' },
  former_state: { iso3: 'VARCHAR', region: 'VARCHAR' },
  vote: { resolution_id: 'BIGINT', state: 'VARCHAR', vote: 'VARCHAR' },
  recommendation: { id: 'BIGINT', sur: 'VARCHAR', response: 'VARCHAR', action: 'INTEGER' },
  recommending_state: { recommendation_id: 'BIGINT', state: 'VARCHAR' },
};

function quote(text) {
  return "'" + String(text).replaceAll("'", "''") + "'";
}

function plain(value) {
  return typeof value === 'bigint' ? Number(value) : value;
}

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();

async function handle(request) {
  const start = performance.now();
  if (request.cmd === 'load') {
    for (const [table, columns] of Object.entries(TABLES)) {
      const spec = Object.entries(columns)
        .map(([name, type]) => `${quote(name)}: ${quote(type)}`)
        .join(', ');
      await connection.run(
        `CREATE OR REPLACE TABLE ${table} AS SELECT * FROM read_csv(` +
          `${quote(join(request.dir, table + '.csv'))}, header = true, delim = ',', ` +
          `quote = '"', nullstr = '', columns = {${spec}})`,
      );
    }
    return { ok: true, ms: performance.now() - start };
  }
  if (request.cmd === 'run') {
    const reader = await connection.runAndReadAll(request.sql);
    const ms = performance.now() - start;
    const answer = { ok: true, ms, count: reader.currentRowCount };
    if (request.rows) {
      const read = performance.now();
      answer.rows = reader.getRows().map((row) => row.map(plain));
      answer.read_ms = performance.now() - read;
    }
    return answer;
  }
  return { ok: false, error: `unknown command '${request.cmd}'` };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    answer = await handle(JSON.parse(line));
  } catch (e) {
    answer = { ok: false, error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
connection.closeSync();
