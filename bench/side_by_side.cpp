// openupr_side_by_side: one process asks the same questions of several query backends
// (bench/backend.h) over one OpenUPR database and prints p50/p99 latency per query and backend,
// with ratios to the first backend and the answers (counts), so that backends can be compared
// and checked against each other; at the end, per query, the best peer and its ratios.
//
//   openupr_side_by_side --db openupr.db [--pg CONNINFO] [--duckdb DIR] [--reps 20]
//                        [--min-seconds 1] [--max-reps 2000] [--budget 15] [--markdown]
//
// Backends, in order: engine (OpenUPR's in-memory index, src/engine), sqlite-fts5 (the OpenUPR
// database itself), postgresql (loaded from it; skipped with a message when no server is
// reachable at --pg or $OPENUPR_PG), duckdb (the vote measures only; skipped with a message when
// bench/duckdb has no node_modules). The query set is in MakeQueries: six kinds over the UPR
// record, each parameterised by values drawn from the database (the most reviewed states, the
// largest themes, the cycles present) and by a list of words users search for, a query's
// repetitions rotating over its parameter values; then the three measures of issue 15 over the
// whole record (bench/vote_sql.h): the agreement matrix, the regional groups' cohesion, the
// dyadic severity table.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/backend.h"
#include "bench/engine_backend.h"
#include "bench/sql_backends.h"
#include "bench/vote_sql.h"
#include "store/store.h"

namespace openupr::bench {
namespace {

// One run of a query on a backend; fold: the answer's rows are wanted (warm-up and check), not
// only the time.
using Call = std::function<Result<Answer>(const Backend&, bool fold)>;

struct BenchQuery {
  // 's' search, 'f' facets, 'g' group-by, 'a' agreement, 'c' cohesion, 'd' dyadic severity: how
  // the answer is printed, and which function of a backend it needs.
  char kind = 's';
  std::string name;
  std::vector<Call> variants;  // repetition i runs variants[i % size]
};

// Whether the backend answers this kind of query (DuckDB answers the measures only).
bool Supports(const Backend& b, char kind) {
  switch (kind) {
    case 's':
      return static_cast<bool>(b.search);
    case 'f':
      return static_cast<bool>(b.facets);
    case 'g':
      return static_cast<bool>(b.group_by);
    default:
      return static_cast<bool>(b.measure);
  }
}

// What the database holds, for parameterising the queries.
struct DataParams {
  int64_t records = 0;
  int64_t votes = 0;                    // rows of the vote table (country votes, every kind)
  int64_t roll_calls = 0;               // resolutions with country votes
  std::vector<std::string> top_sur;     // the most reviewed states, most first
  std::vector<std::string> top_themes;  // the largest themes, largest first
  std::vector<int> cycles;              // the cycles present, ascending
};

Result<DataParams> DrawParams(const std::string& db_path) {
  auto store = store::Store::Open(db_path, store::OpenMode::kExisting);
  if (!store.ok()) return store.status();
  store::Database& db = (*store)->db();
  DataParams p;
  auto records = db.QueryInt("SELECT count(*) FROM recommendation");
  if (!records.ok()) return records.status();
  p.records = *records;
  auto votes = db.QueryInt("SELECT count(*) FROM vote");
  if (!votes.ok()) return votes.status();
  p.votes = *votes;
  auto roll_calls = db.QueryInt("SELECT count(DISTINCT resolution_id) FROM vote");
  if (!roll_calls.ok()) return roll_calls.status();
  p.roll_calls = *roll_calls;
  OPENUPR_RETURN_IF_ERROR(db.ForEachRow(
      "SELECT sur FROM recommendation GROUP BY sur ORDER BY count(*) DESC, sur LIMIT 8",
      [&](store::Statement& s) { p.top_sur.push_back(s.String(0)); }));
  OPENUPR_RETURN_IF_ERROR(db.ForEachRow(
      "SELECT t.name FROM recommendation_theme rt JOIN theme t ON t.id = rt.theme_id "
      "GROUP BY t.name ORDER BY count(*) DESC, t.name LIMIT 4",
      [&](store::Statement& s) { p.top_themes.push_back(s.String(0)); }));
  OPENUPR_RETURN_IF_ERROR(db.ForEachRow("SELECT DISTINCT cycle FROM recommendation ORDER BY cycle",
                                 [&](store::Statement& s) {
                                   p.cycles.push_back(static_cast<int>(s.Int(0)));
                                 }));
  if (p.records == 0 || p.top_themes.empty())
    return Status::BadInput(db_path + ": no recommendations with themes to query");
  return p;
}

Call Search(std::string text, Filters filters, int limit) {
  return [=](const Backend& b, bool) { return b.search({{text, filters}, limit}); };
}
Call Facets(std::string text, Filters filters, int limit) {
  static const std::vector<Dimension> kFacets = {Dimension::kResponse, Dimension::kAction,
                                                 Dimension::kTheme, Dimension::kSurRegion,
                                                 Dimension::kCycle};
  return [=](const Backend& b, bool) { return b.facets({{text, filters}, kFacets, limit}); };
}
Call Group(std::string text, Filters filters, std::vector<Dimension> by, int64_t limit) {
  return [=](const Backend& b, bool) { return b.group_by({{text, filters}, by, limit}); };
}
Call MeasureCall(Measure m) {
  return [=](const Backend& b, bool fold) { return b.measure(m, fold); };
}

// The query set: (1) text only, (2) text + filters, (3) facets only, (4) text + 5 facets + top 20
// hits, (5) 3-way group-by theme x sur-region x cycle, (6) dyadic matrix from x sur (top 50);
// issue 15's measures over the whole record: (7) the state x state agreement matrix over every
// roll call, (8) the cohesion of every regional group, (9) the dyadic severity table.
std::vector<BenchQuery> MakeQueries(const DataParams& p) {
  // What users search for: single words, phrases, two words, a prefix.
  const std::vector<std::string> words = {"children", "trafficking", "journalists",
                                          "disabilities", "migrants", "corruption",
                                          "\"freedom of expression\"", "tortur*"};
  const std::vector<std::string> topics = {"women", "children", "torture", "education"};
  const std::vector<Response> responses = {Response::kSupported, Response::kNoted};
  std::vector<BenchQuery> q;
  auto add = [&](std::string name, char kind, std::vector<Call> variants) {
    q.push_back({kind, std::move(name), std::move(variants)});
  };

  add("1 text: torture", 's', {Search("torture", {}, 10)});
  add("1 text: \"death penalty\"", 's', {Search("\"death penalty\"", {}, 10)});
  add("1 text: discrimination women", 's', {Search("discrimination women", {}, 10)});
  {
    std::vector<Call> v;
    for (const auto& w : words) v.push_back(Search(w, {}, 10));
    add("1 text: 8 words in turn", 's', v);
  }
  {
    std::vector<Call> v;
    for (size_t i = 0; i < p.top_sur.size(); ++i) {
      Filters f;
      f.sur = {p.top_sur[i]};
      f.cycles = {p.cycles[i % p.cycles.size()]};
      f.responses = {responses[i % responses.size()]};
      v.push_back(Search(topics[i % topics.size()], f, 10));
    }
    add("2 text + sur + cycle + response", 's', v);
  }
  {
    std::vector<Call> v;
    for (Region r : kAllRegions) {
      Filters f;
      f.sur_region = {r};
      f.cycles = {p.cycles.back()};
      v.push_back(Search("discrimination women", f, 10));
    }
    add("2 text + sur-region + cycle", 's', v);
  }
  {
    std::vector<Call> v;
    for (const auto& s : p.top_sur) {
      Filters f;
      f.sur = {s};
      v.push_back(Facets("", f, 0));
    }
    add("3 facets, filter sur", 'f', v);
  }
  {
    std::vector<Call> v;
    for (int c : p.cycles) {
      Filters f;
      f.cycles = {c};
      v.push_back(Facets("", f, 0));
    }
    add("3 facets, filter cycle", 'f', v);
  }
  {
    std::vector<Call> v;
    for (const auto& w : {"torture", "women", "\"death penalty\"", "children", "discrimination"})
      v.push_back(Facets(w, {}, 20));
    add("4 text + 5 facets + top 20", 'f', v);
  }
  const std::vector<Dimension> cube = {Dimension::kTheme, Dimension::kSurRegion,
                                       Dimension::kCycle};
  add("5 theme x sur-region x cycle", 'g', {Group("", {}, cube, 0)});
  {
    std::vector<Call> v;
    for (const auto& w : topics) v.push_back(Group(w, {}, cube, 0));
    add("5 theme x sur-region x cycle, text", 'g', v);
  }
  const std::vector<Dimension> dyad = {Dimension::kFrom, Dimension::kSur};
  add("6 from x sur, top 50", 'g', {Group("", {}, dyad, 50)});
  {
    std::vector<Call> v;
    for (const auto& t : p.top_themes) {
      Filters f;
      f.themes = {t};
      v.push_back(Group("", f, dyad, 50));
    }
    add("6 from x sur, top 50, filter theme", 'g', v);
  }
  if (p.votes > 0) {
    add("7 agreement matrix, all roll calls", 'a', {MeasureCall(Measure::kAgreement)});
    add("8 cohesion of the regional groups", 'c', {MeasureCall(Measure::kCohesion)});
  }
  add("9 dyadic severity, all records", 'd', {MeasureCall(Measure::kSeverity)});
  return q;
}

struct Options {
  std::string db;
  std::string pg;
  std::string duckdb = OPENUPR_DUCKDB_DIR;  // the folder of runner.mjs and its node_modules
  std::vector<std::string> backends = {"engine", "sqlite", "postgresql", "duckdb"};
  int reps = 20;
  int min_reps = 3;
  int max_reps = 2000;
  double min_seconds = 1;  // a backend faster than this repeats past reps (up to max_reps)
  double budget = 15;  // seconds per query and backend
  std::vector<std::string> only;  // run only queries whose name contains one of these
  bool markdown = false;
};

std::vector<Backend> MakeBackends(const Options& o) {
  std::vector<Backend> out;
  auto log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  auto wanted = [&](const char* name) {
    return std::find(o.backends.begin(), o.backends.end(), name) != o.backends.end();
  };
  // OpenUPR's in-memory engine goes first, so that every ratio is relative to it.
  if (wanted("engine")) {
    const auto start = std::chrono::steady_clock::now();
    auto b = MakeEngineBackend(o.db);
    if (b.ok()) {
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      char line[96];
      std::snprintf(line, sizeof line, "engine: index built in %.2f s", s);
      log(line);
      out.push_back(std::move(b).value());
    } else {
      log("engine: skipped: " + b.status().ToString());
    }
  }
  if (wanted("sqlite")) {
    auto b = MakeSqliteBackend(o.db);
    if (b.ok()) {
      out.push_back(std::move(b).value());
    } else {
      log("sqlite-fts5: skipped: " + b.status().ToString());
    }
  }
  if (wanted("postgresql")) {
    if (!HavePostgres()) {
      log("postgresql: skipped: this build has no libpq (apt-get install libpq-dev, reconfigure)");
    } else if (o.pg.empty()) {
      log("postgresql: skipped: no server given (--pg or $OPENUPR_PG, e.g. "
          "\"host=127.0.0.1 port=54329 dbname=openupr\"; scripts/bench-side-by-side.sh starts "
          "a throwaway one)");
    } else {
      auto b = MakePostgresBackend(o.pg, o.db, log);
      if (b.ok()) {
        out.push_back(std::move(b).value());
      } else {
        log("postgresql: skipped: " + b.status().ToString());
      }
    }
  }
  if (wanted("duckdb")) {
    auto b = MakeDuckDbBackend(o.duckdb, o.db, log);
    if (b.ok()) {
      out.push_back(std::move(b).value());
    } else {
      log("duckdb: skipped: " + b.status().ToString());
    }
  }
  return out;
}

double Percentile(std::vector<double> v, double pct) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t rank = static_cast<size_t>(std::ceil(pct / 100 * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

std::string Thousands(int64_t n) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string s = n < 0 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
    s += digits[i];
  }
  return s;
}

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Describe(char kind, const Answer& a) {
  switch (kind) {
    case 's': return Thousands(a.total) + " matches";
    case 'f': return Thousands(a.total) + " matches, " + Thousands(a.rows) + " facet values";
    case 'a':
      return Thousands(a.rows) + " pairs (diagonal included), " + Thousands(a.counted) +
             " both voted, " + Fixed(100 * a.mean, 1) + "% alike";
    case 'c':
      return Thousands(a.rows) + " groups, " + Thousands(a.counted) +
             " group roll calls, mean AI " + Fixed(a.mean, 3);
    case 'd':
      return Thousands(a.rows) + " pairs of " + Thousands(a.counted) + " (" +
             Thousands(a.supported) + " noted), mean action " +
             (a.action_digest ? Fixed(a.mean, 3) : std::string("not computed"));
    default:
      return Thousands(a.rows) + " groups of " + Thousands(a.counted) + " (" +
             Thousands(a.supported) + " supported)";
  }
}

// Every count the same, and for the measures every row (their digests); the action sums of the
// severity table only when both backends compute them.
bool SameAnswer(const Answer& a, const Answer& b) {
  return a.total == b.total && a.rows == b.rows && a.counted == b.counted &&
         a.supported == b.supported && a.digest == b.digest &&
         (a.action_digest == 0 || b.action_digest == 0 || a.action_digest == b.action_digest);
}

struct Measured {
  bool supported = true;  // false: the backend does not answer this kind of query
  std::string error;
  Answer answer;  // summed over the query's parameter values
  std::vector<double> ms;
};

// Runs every parameter value once on every backend (warm-up, and the answers compared), then the
// timed repetitions, backends taking turns so that drift on a shared machine hits all of them.
std::vector<Measured> RunQuery(const BenchQuery& q, const std::vector<Backend>& backends,
                               const Options& o) {
  using Clock = std::chrono::steady_clock;
  std::vector<Measured> m(backends.size());
  std::vector<double> spent(backends.size(), 0);
  for (size_t b = 0; b < backends.size(); ++b) {
    m[b].supported = Supports(backends[b], q.kind);
    if (!m[b].supported) continue;
    for (const Call& call : q.variants) {
      auto a = call(backends[b], true);
      if (!a.ok()) {
        m[b].error = a.status().ToString();
        break;
      }
      m[b].answer.total += a->total;
      m[b].answer.hits += a->hits;
      m[b].answer.rows += a->rows;
      m[b].answer.counted += a->counted;
      m[b].answer.supported += a->supported;
      m[b].answer.digest += a->digest;
      m[b].answer.action_digest += a->action_digest;
      m[b].answer.mean = a->mean;  // the measures have one variant
    }
  }
  // A backend repeats the query --reps times; a fast one goes on until it has spent
  // --min-seconds on it (at most --max-reps times), so that its p99 is a percentile and not the
  // slowest of a few runs; a slow one stops after --budget seconds once --min-reps are done.
  auto more = [&](size_t b) {
    const int n = static_cast<int>(m[b].ms.size());
    if (!m[b].supported || !m[b].error.empty() || n >= o.max_reps) return false;
    if (n >= o.min_reps && spent[b] >= o.budget) return false;
    return n < o.reps || spent[b] < o.min_seconds;
  };
  for (bool any = true; any;) {
    any = false;
    for (size_t b = 0; b < backends.size(); ++b) {
      if (!more(b)) continue;
      any = true;
      const size_t variant = m[b].ms.size() % q.variants.size();
      const auto start = Clock::now();
      auto a = q.variants[variant](backends[b], false);
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      if (!a.ok()) {
        m[b].error = a.status().ToString();
        continue;
      }
      if (a->self_ms) ms = *a->self_ms;
      m[b].ms.push_back(ms);
      spent[b] += ms / 1000;
    }
  }
  return m;
}

void PrintHeader(const Options& o, const DataParams& p, const std::vector<Backend>& backends) {
  std::string names;
  for (const auto& b : backends) names += (names.empty() ? "" : ", ") + b.name;
  std::printf("OpenUPR side by side: %s, %s recommendations, %s country votes on %s roll calls\n",
              o.db.c_str(), Thousands(p.records).c_str(), Thousands(p.votes).c_str(),
              Thousands(p.roll_calls).c_str());
  std::printf("backends: %s; ratios relative to %s\n", names.c_str(), backends[0].name.c_str());
  std::printf("%d repetitions per query and backend, more (up to %d) until %.1f s are spent, "
              "fewer (at least %d) past %.0f s; rotating over the query's parameter values; "
              "answers summed over them\n",
              o.reps, o.max_reps, o.min_seconds, o.min_reps, o.budget);
  std::string sur;
  for (const auto& s : p.top_sur) sur += (sur.empty() ? "" : ",") + s;
  std::printf("parameters drawn from the data: sur %s; themes %zu largest; cycles %zu\n\n",
              sur.c_str(), p.top_themes.size(), p.cycles.size());
  if (o.markdown) {
    std::printf("| query | backend | n | p50 ms | p99 ms | p50 ratio | p99 ratio | answer |\n");
    std::printf("|---|---|---:|---:|---:|---:|---:|---|\n");
  } else {
    std::printf("%-36s %-12s %4s %10s %10s %7s %7s  %s\n", "query", "backend", "n", "p50 ms",
                "p99 ms", "p50 x", "p99 x", "answer");
  }
}

// The engine (the first backend) against the fastest of the others on one query.
struct BestPeer {
  std::string query;
  double p50 = 0, p99 = 0;  // the first backend's
  std::string peer;         // empty: no other backend ran it
  double peer_p50 = 0, peer_p99 = 0;
};

BestPeer PrintRows(const BenchQuery& q, const std::vector<Backend>& backends,
                   const std::vector<Measured>& m, const Options& o, bool& any_differs) {
  const double p50_0 = Percentile(m[0].ms, 50), p99_0 = Percentile(m[0].ms, 99);
  BestPeer best{q.name, p50_0, p99_0, "", 0, 0};
  // The severity's action sums are compared with the first backend that computes them.
  const Answer* action_ref = nullptr;
  for (const Measured& one : m)
    if (one.supported && one.error.empty() && one.answer.action_digest && !action_ref)
      action_ref = &one.answer;
  bool named = false;
  for (size_t b = 0; b < backends.size(); ++b) {
    if (!m[b].supported) continue;
    const std::string name = !named || !o.markdown ? q.name : "";
    const bool first_row = !named;
    named = true;
    const std::string& backend = backends[b].name;
    if (!m[b].error.empty() || m[b].ms.empty()) {
      const std::string err = m[b].error.empty() ? "not run" : "error: " + m[b].error;
      if (o.markdown) {
        std::printf("| %s | %s | 0 | | | | | %s |\n", name.c_str(), backend.c_str(), err.c_str());
      } else {
        std::printf("%-36s %-12s %s\n", first_row ? name.c_str() : "", backend.c_str(),
                    err.c_str());
      }
      continue;
    }
    const double p50 = Percentile(m[b].ms, 50), p99 = Percentile(m[b].ms, 99);
    const bool differs =
        (b > 0 && m[0].supported && m[0].error.empty() && !SameAnswer(m[b].answer, m[0].answer)) ||
        (action_ref && m[b].answer.action_digest &&
         m[b].answer.action_digest != action_ref->action_digest);
    any_differs |= differs;
    const std::string answer = Describe(q.kind, m[b].answer) + (differs ? " *" : "");
    char r50[16] = "", r99[16] = "";
    if (!m[0].ms.empty() && p50_0 > 0) {
      std::snprintf(r50, sizeof r50, "%.2f", p50 / p50_0);
      std::snprintf(r99, sizeof r99, "%.2f", p99 / p99_0);
    }
    if (b > 0 && (best.peer.empty() || p50 < best.peer_p50)) {
      best.peer = backend;
      best.peer_p50 = p50;
      best.peer_p99 = p99;
    }
    if (o.markdown) {
      std::printf("| %s | %s | %zu | %.2f | %.2f | %s | %s | %s |\n", name.c_str(),
                  backend.c_str(), m[b].ms.size(), p50, p99, r50, r99, answer.c_str());
    } else {
      std::printf("%-36s %-12s %4zu %10.2f %10.2f %7s %7s  %s\n", first_row ? name.c_str() : "",
                  backend.c_str(), m[b].ms.size(), p50, p99, r50, r99, answer.c_str());
    }
  }
  std::fflush(stdout);
  return best;
}

// Per query: the first backend's p50 / p99, the fastest other backend (by p50) and its times
// over the first's.
void PrintBestPeers(const std::vector<BestPeer>& rows, const std::string& first, const Options& o) {
  std::printf("\n%s against the best peer (the fastest other backend by p50):\n", first.c_str());
  if (o.markdown) {
    std::printf(
        "| query | %s p50 / p99 ms | best peer | its p50 / p99 ms | best peer ÷ %s p50 / "
        "p99 |\n|---|---:|---|---:|---:|\n",
        first.c_str(), first.c_str());
  } else {
    std::printf("%-36s %21s %-12s %21s %17s\n", "query", (first + " p50/p99 ms").c_str(),
                "best peer", "its p50/p99 ms", "ratio p50/p99");
  }
  for (const BestPeer& r : rows) {
    if (r.peer.empty() || r.p50 <= 0 || r.p99 <= 0) continue;
    const double x50 = r.peer_p50 / r.p50, x99 = r.peer_p99 / r.p99;
    if (o.markdown) {
      std::printf("| %s | %.2f / %.2f | %s | %.2f / %.2f | %.0f / %.0f |\n", r.query.c_str(), r.p50,
                  r.p99, r.peer.c_str(), r.peer_p50, r.peer_p99, x50, x99);
    } else {
      std::printf("%-36s %10.2f / %8.2f %-12s %10.2f / %8.2f %8.0f / %6.0f\n", r.query.c_str(),
                  r.p50, r.p99, r.peer.c_str(), r.peer_p50, r.peer_p99, x50, x99);
    }
  }
}

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = std::min(s.find(',', start), s.size());
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int Run(const Options& o) {
  auto params = DrawParams(o.db);
  if (!params.ok()) {
    std::fprintf(stderr, "openupr_side_by_side: %s\n", params.status().ToString().c_str());
    return 3;
  }
  std::vector<Backend> backends = MakeBackends(o);
  if (backends.empty()) {
    std::fprintf(stderr, "openupr_side_by_side: no backend to run\n");
    return 1;
  }
  PrintHeader(o, *params, backends);
  if (params->votes == 0)
    std::printf(
        "(the database holds no country votes: the agreement and cohesion queries are "
        "left out; import resolutions.csv and votes_long.csv to run them)\n\n");
  bool any_differs = false;
  std::vector<BestPeer> best;
  for (const BenchQuery& q : MakeQueries(*params)) {
    if (!o.only.empty() && std::none_of(o.only.begin(), o.only.end(), [&](const std::string& w) {
          return q.name.find(w) != std::string::npos;
        }))
      continue;
    best.push_back(PrintRows(q, backends, RunQuery(q, backends, o), o, any_differs));
  }
  PrintBestPeers(best, backends[0].name, o);
  if (any_differs)
    std::printf(
        "\n* the answer differs from %s's. Text queries: PostgreSQL's english "
        "configuration drops stop words and stems a little differently from OpenUPR's "
        "tokenizer; other queries must agree (the measures row by row).\n",
        backends[0].name.c_str());
  return 0;
}

}  // namespace
}  // namespace openupr::bench

int main(int argc, char** argv) {
  openupr::bench::Options o;
  if (const char* pg = std::getenv("OPENUPR_PG")) o.pg = pg;
  std::string backends = "engine,sqlite,postgresql,duckdb";
  CLI::App app{"Times the same queries on OpenUPR's query backends side by side"};
  app.add_option("--db", o.db, "The OpenUPR database to query (and to load into PostgreSQL)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--pg", o.pg, "libpq connection string (default: $OPENUPR_PG)");
  app.add_option("--duckdb", o.duckdb,
                 "Folder of runner.mjs with @duckdb/node-api installed (npm ci there)")
      ->capture_default_str();
  app.add_option("--backends", backends, "Backends to run, in order")->capture_default_str();
  app.add_option("--reps", o.reps, "Timed repetitions per query and backend")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--min-reps", o.min_reps, "Repetitions run even past the time budget")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--budget", o.budget, "Seconds per query and backend before stopping early")
      ->capture_default_str();
  app.add_option("--min-seconds", o.min_seconds,
                 "Seconds per query and backend a fast backend repeats for (past --reps)")
      ->capture_default_str();
  app.add_option("--max-reps", o.max_reps, "Repetitions per query and backend at most")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  std::string only;
  app.add_option("--only", only,
                 "Run only the queries whose name contains this text (or one of these, "
                 "comma-separated: agreement,cohesion,severity)");
  app.add_flag("--markdown", o.markdown, "Print the table as Markdown");
  CLI11_PARSE(app, argc, argv);
  o.backends = openupr::bench::SplitCommas(backends);
  o.only = openupr::bench::SplitCommas(only);
  o.min_reps = std::min(o.min_reps, o.reps);
  o.max_reps = std::max(o.max_reps, o.reps);
  return openupr::bench::Run(o);
}
