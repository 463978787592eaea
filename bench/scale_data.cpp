#include "bench/scale_data.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/dup_key.h"
#include "core/identity.h"
#include "core/model.h"
#include "ingest/importer.h"
#include "store/store.h"
#include "store/votes.h"

namespace openupr::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// One real recommendation with everything a synthetic copy takes from it.
struct SourceRecord {
  int64_t id = 0;
  std::string sur;
  int session = 0;
  int cycle = 0;
  std::string text;
  std::string dup_key;
  std::string response;
  std::string response_raw;
  std::optional<int64_t> action;
  std::string sur_orgs;
  std::string from_orgs;
  std::vector<RecommendingState> from;
  std::vector<int64_t> theme_ids;
  std::vector<size_t> cuts;  // clause boundaries in text (see ClauseCuts)
};

// A value of a resolution's column, copied as it is.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

struct SourceVote {
  int64_t resolution_id = 0;
  std::string state;
  std::string vote;
};

struct Source {
  std::vector<SourceRecord> records;
  // The Council's record: every resolution's columns (in resolution_columns' order) and votes.
  std::vector<std::string> resolution_columns;
  std::vector<std::vector<Value>> resolutions;          // by id
  std::vector<SourceVote> votes;                        // by resolution id, then state
  std::vector<std::pair<int64_t, std::string>> themes;  // id, name
  std::vector<std::vector<size_t>> by_theme;            // theme index -> record indices
  std::vector<size_t> theme_index_of_id;                // theme id -> index (ids are small)
};

// Positions where a recommendation can be cut in two: the start of a separator that joins two
// clauses. The head keeps text[0, cut), the tail text[cut, end) with its separator, so a head
// and a tail of two records read as one sentence: "Continue fighting against trafficking of
// children" + " and violence against women". Cuts too close to either end are left out.
std::vector<size_t> ClauseCuts(std::string_view text) {
  static constexpr std::array<std::string_view, 7> kSeparators = {
      ", ", "; ", ". ", " and ", " including ", " in order to ", " with a view to "};
  constexpr size_t kMinPart = 12;
  std::vector<size_t> cuts;
  for (std::string_view sep : kSeparators) {
    for (size_t pos = text.find(sep); pos != std::string_view::npos;
         pos = text.find(sep, pos + 1)) {
      if (pos >= kMinPart && pos + kMinPart <= text.size()) cuts.push_back(pos);
    }
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

// Uniform in [0, n) from a 64-bit draw: the same on every platform, unlike
// std::uniform_int_distribution, whose algorithm the standard leaves open. The modulo bias is
// below n / 2^64, nothing for a few thousand records.
size_t Below(std::mt19937_64& rng, size_t n) { return static_cast<size_t>(rng() % n); }

double Unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }


Result<Source> ReadSource(store::Database& db) {
  Source src;
  std::unordered_map<int64_t, size_t> index_of;
  OPENUPR_RETURN_IF_ERROR(db.ForEachRow(
      "SELECT id, sur, session, cycle, text, dup_key, response, response_raw, action, sur_orgs, "
      "from_orgs FROM recommendation ORDER BY id",
      [&](store::Statement& s) {
        SourceRecord r;
        r.id = s.Int(0);
        r.sur = s.String(1);
        r.session = static_cast<int>(s.Int(2));
        r.cycle = static_cast<int>(s.Int(3));
        r.text = s.String(4);
        r.dup_key = s.String(5);
        r.response = s.String(6);
        r.response_raw = s.String(7);
        if (!s.IsNull(8)) r.action = s.Int(8);
        r.sur_orgs = s.String(9);
        r.from_orgs = s.String(10);
        r.cuts = ClauseCuts(r.text);
        index_of.emplace(r.id, src.records.size());
        src.records.push_back(std::move(r));
      }));
  OPENUPR_RETURN_IF_ERROR(db.ForEachRow(
      "SELECT recommendation_id, coalesce(state, ''), raw_name FROM recommending_state "
      "ORDER BY recommendation_id, position",
      [&](store::Statement& s) {
        auto it = index_of.find(s.Int(0));
        if (it != index_of.end()) src.records[it->second].from.push_back({s.String(1), s.String(2)});
      }));
  OPENUPR_RETURN_IF_ERROR(db.ForEachRow("SELECT id, name FROM theme ORDER BY id",
                                     [&](store::Statement& s) {
                                       src.themes.emplace_back(s.Int(0), s.String(1));
                                     }));
  int64_t max_theme_id = 0;
  for (const auto& [id, name] : src.themes) max_theme_id = std::max(max_theme_id, id);
  src.theme_index_of_id.assign(static_cast<size_t>(max_theme_id) + 1, 0);
  for (size_t i = 0; i < src.themes.size(); ++i)
    src.theme_index_of_id[static_cast<size_t>(src.themes[i].first)] = i;
  src.by_theme.resize(src.themes.size());
  {
    auto stmt = db.Prepare("SELECT * FROM resolution ORDER BY id");
    if (!stmt.ok()) return stmt.status();
    for (int c = 0; c < stmt->ColumnCount(); ++c)
      src.resolution_columns.emplace_back(sqlite3_column_name(stmt->handle(), c));
    OPENUPR_RETURN_IF_ERROR(stmt->ForEachRow([&](store::Statement& s) {
      std::vector<Value>& row = src.resolutions.emplace_back();
      for (int c = 0; c < s.ColumnCount(); ++c) {
        switch (sqlite3_column_type(s.handle(), c)) {
          case SQLITE_NULL:
            row.emplace_back();
            break;
          case SQLITE_INTEGER:
            row.emplace_back(s.Int(c));
            break;
          case SQLITE_FLOAT:
            row.emplace_back(s.Double(c));
            break;
          default:
            row.emplace_back(s.String(c));
        }
      }
    }));
  }
  OPENUPR_RETURN_IF_ERROR(
      db.ForEachRow("SELECT resolution_id, state, vote FROM vote ORDER BY resolution_id, state",
                    [&](store::Statement& s) {
                      src.votes.push_back({s.Int(0), s.String(1), s.String(2)});
                    }));
  OPENUPR_RETURN_IF_ERROR(db.ForEachRow(
      "SELECT recommendation_id, theme_id FROM recommendation_theme "
      "ORDER BY recommendation_id, theme_id",
      [&](store::Statement& s) {
        auto it = index_of.find(s.Int(0));
        if (it == index_of.end()) return;
        src.records[it->second].theme_ids.push_back(s.Int(1));
        src.by_theme[src.theme_index_of_id[static_cast<size_t>(s.Int(1))]].push_back(it->second);
      }));
  return src;
}

// The text of one synthetic record drawn from record r: r's own text, or (with probability
// splice) r's head joined to the tail of another record sharing one of r's themes.
std::string DrawText(const Source& src, const SourceRecord& r, double splice,
                     std::mt19937_64& rng) {
  // Always the same number of draws per record, so that the sequence of records drawn does not
  // depend on which records can be spliced.
  const double coin = Unit(rng);
  const uint64_t theme_draw = rng(), partner_draw = rng(), head_draw = rng(), tail_draw = rng();
  if (coin >= splice || r.cuts.empty() || r.theme_ids.empty()) return r.text;
  const int64_t theme_id = r.theme_ids[theme_draw % r.theme_ids.size()];
  const auto& peers = src.by_theme[src.theme_index_of_id[static_cast<size_t>(theme_id)]];
  const SourceRecord& p = src.records[peers[partner_draw % peers.size()]];
  if (&p == &r || p.cuts.empty()) return r.text;
  size_t head = r.cuts[head_draw % r.cuts.size()];
  const size_t tail = p.cuts[tail_draw % p.cuts.size()];
  // "rights, including" cut before " including" leaves a comma the tail may bring again.
  while (head > 0 && (r.text[head - 1] == ',' || r.text[head - 1] == ';')) --head;
  return r.text.substr(0, head) + p.text.substr(tail);
}

void RemoveDatabase(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);
}

Status CheckOptions(const ScaleOptions& o) {
  if (o.records < 1)
    return Status::InvalidArgument("--records: expected at least 1, got " +
                                   std::to_string(o.records));
  if (!(o.splice >= 0 && o.splice <= 1))
    return Status::InvalidArgument("--splice: expected a share between 0 and 1, got " +
                                   std::to_string(o.splice));
  if (o.vote_copies < 0)
    return Status::InvalidArgument("--vote-copies: expected 0 or more, got " +
                                   std::to_string(o.vote_copies));
  if (!(o.vote_noise >= 0 && o.vote_noise <= 1))
    return Status::InvalidArgument("--vote-noise: expected a share between 0 and 1, got " +
                                   std::to_string(o.vote_noise));
  std::error_code ec;
  if (!fs::exists(o.source_path, ec))
    return Status::NotFound(o.source_path + ": no such database (create it with openupr --db " +
                            o.source_path + " import FILE...)");
  if (o.output_path.empty()) return Status::InvalidArgument("--out: expected a file name");
  if (fs::exists(o.output_path, ec)) {
    if (fs::equivalent(o.source_path, o.output_path, ec))
      return Status::InvalidArgument(o.output_path + ": the output must not be the source");
    if (!o.overwrite)
      return Status::InvalidArgument(o.output_path +
                                     ": already exists; remove it or pass --force");
  }
  return Status::Ok();
}

// The Council's record, vote_copies times (see scale_data.h). Its own random stream, so that the
// recommendations drawn do not depend on the votes.
Status WriteVotes(const ScaleOptions& o, const Source& src, store::Store& out, int64_t file_id,
                  ScaleReport& report) {
  if (o.vote_copies == 0 || src.resolutions.empty()) return Status::Ok();
  store::Database& db = out.db();
  const auto& cols = src.resolution_columns;
  auto col = [&](std::string_view name) -> size_t {
    return static_cast<size_t>(std::find(cols.begin(), cols.end(), name) - cols.begin());
  };
  const size_t c_id = col("id"), c_uid = col("uid"), c_record = col("record_id"),
               c_file = col("source_file_id"), c_line = col("source_line");
  for (size_t c : {c_id, c_uid, c_record, c_file, c_line})
    if (c >= cols.size()) return Status::BadInput("resolution: a column is missing");
  int64_t max_id = 0, max_record = 0;
  for (const auto& r : src.resolutions) {
    max_id = std::max(max_id, std::get<int64_t>(r[c_id]));
    max_record = std::max(max_record, std::get<int64_t>(r[c_record]));
  }
  int64_t stride = 10;
  while (stride <= max_record) stride *= 10;
  std::string names, marks;
  for (size_t c = 0; c < cols.size(); ++c) {
    names += (c ? ", " : "") + cols[c];
    marks += c ? ",?" : "?";
  }
  auto res_stmt = db.Prepare("INSERT INTO resolution(" + names + ") VALUES (" + marks + ")");
  if (!res_stmt.ok()) return res_stmt.status();
  auto vote_stmt = db.Prepare(
      "INSERT INTO vote(resolution_id, state, vote, source_file_id, source_line) "
      "VALUES (?,?,?,?,?)");
  if (!vote_stmt.ok()) return vote_stmt.status();
  // The votes of each resolution: [first, last) in src.votes.
  std::unordered_map<int64_t, std::pair<size_t, size_t>> votes_of;
  for (size_t i = 0; i < src.votes.size(); ++i) {
    auto [it, added] = votes_of.try_emplace(src.votes[i].resolution_id, i, i + 1);
    if (!added) it->second.second = i + 1;
  }
  static constexpr std::array<std::string_view, 3> kKinds = {"yes", "no", "abstain"};
  std::mt19937_64 rng(o.seed ^ 0x766f746573ULL);  // "votes"
  for (int copy = 0; copy < o.vote_copies; ++copy) {
    for (const auto& r : src.resolutions) {
      const int64_t id = std::get<int64_t>(r[c_id]);
      const auto votes = votes_of.find(id);
      if (copy > 0 && votes == votes_of.end()) continue;  // only roll calls are multiplied
      const int64_t new_id = copy * max_id + id;
      const int64_t record = copy * stride + std::get<int64_t>(r[c_record]);
      store::Statement& s = *res_stmt;
      for (size_t c = 0; c < cols.size(); ++c) {
        const int i = static_cast<int>(c) + 1;
        if (c == c_id) {
          s.Bind(i, new_id);
        } else if (c == c_uid) {
          s.Bind(i, "ohchr-" + std::to_string(record));
        } else if (c == c_record) {
          s.Bind(i, record);
        } else if (c == c_file) {
          s.Bind(i, file_id);
        } else if (c == c_line) {
          s.Bind(i, id);
        } else if (const auto* n = std::get_if<int64_t>(&r[c])) {
          s.Bind(i, *n);
        } else if (const auto* d = std::get_if<double>(&r[c])) {
          s.Bind(i, *d);
        } else if (const auto* t = std::get_if<std::string>(&r[c])) {
          s.Bind(i, *t);
        } else {
          s.BindNull(i);
        }
      }
      OPENUPR_RETURN_IF_ERROR(s.Run());
      ++report.resolutions;
      if (votes == votes_of.end()) continue;
      for (size_t v = votes->second.first; v < votes->second.second; ++v) {
        const SourceVote& sv = src.votes[v];
        std::string_view cast = sv.vote;
        if (copy > 0) {
          // Two draws per vote whatever it is, so that the stream does not depend on the kinds.
          const double coin = Unit(rng);
          const uint64_t pick = rng();
          const auto kind = std::find(kKinds.begin(), kKinds.end(), cast);
          if (kind != kKinds.end() && coin < o.vote_noise) {
            const size_t from = static_cast<size_t>(kind - kKinds.begin());
            cast = kKinds[(from + 1 + pick % 2) % 3];
            ++report.votes_changed;
          }
        }
        store::Statement& vs = *vote_stmt;
        vs.Bind(1, new_id).Bind(2, sv.state).Bind(3, cast).Bind(4, file_id).Bind(5, id);
        OPENUPR_RETURN_IF_ERROR(vs.Run());
        ++report.votes;
      }
    }
  }
  return store::RecountVotes(out);
}

Result<ScaleReport> Generate(const ScaleOptions& o, const Source& src, Clock::time_point start) {
  auto notify = [&](const char* phase, int64_t done) {
    if (o.progress) o.progress(phase, done, o.records);
  };
  ScaleReport report;
  report.source_records = static_cast<int64_t>(src.records.size());
  auto opened = store::Store::Open(o.output_path, store::OpenMode::kCreate);
  if (!opened.ok()) return opened.status();
  store::Store& out = **opened;
  store::Database& db = out.db();
  auto tx = store::Transaction::Begin(db);
  if (!tx.ok()) return tx.status();

  const nlohmann::json options = {{"source", fs::absolute(o.source_path).string()},
                                  {"records", o.records},
                                  {"seed", o.seed},
                                  {"splice", o.splice},
                                  {"vote_copies", o.vote_copies},
                                  {"vote_noise", o.vote_noise}};
  auto import_id = out.InsertImport("openupr-scale", options.dump());
  if (!import_id.ok()) return import_id.status();
  store::SourceFileRecord file;
  file.import_id = *import_id;
  file.path = o.source_path;
  file.content_hash =
      "openupr-scale:seed=" + std::to_string(o.seed) + ":records=" + std::to_string(o.records) +
      ":splice=" + std::to_string(o.splice) + ":vote_copies=" + std::to_string(o.vote_copies) +
      ":vote_noise=" + std::to_string(o.vote_noise);
  std::error_code ec;
  file.bytes = static_cast<int64_t>(fs::file_size(o.source_path, ec));
  file.format = "openupr-scale";
  file.encoding = "utf-8";
  file.line_ends = "none";
  file.rows = file.added = o.records;
  auto file_id = out.InsertSourceFile(file);
  if (!file_id.ok()) return file_id.status();

  // Themes keep the source's ids, so a record's theme ids are copied as they are.
  {
    auto ins = db.Prepare("INSERT INTO theme(id, name) VALUES (?, ?)");
    if (!ins.ok()) return ins.status();
    for (const auto& [id, name] : src.themes) {
      ins->Bind(1, id).Bind(2, name);
      OPENUPR_RETURN_IF_ERROR(ins->Run());
    }
  }
  auto rec_stmt = db.Prepare(
      "INSERT INTO recommendation(id, sur, session, cycle, text, dup_key, response, response_raw, "
      "action, sur_orgs, from_orgs, source_file_id, source_line, uid) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!rec_stmt.ok()) return rec_stmt.status();
  auto from_stmt = db.Prepare(
      "INSERT INTO recommending_state(recommendation_id, position, state, raw_name) "
      "VALUES (?,?,?,?)");
  if (!from_stmt.ok()) return from_stmt.status();
  auto theme_stmt =
      db.Prepare("INSERT INTO recommendation_theme(recommendation_id, theme_id) VALUES (?,?)");
  if (!theme_stmt.ok()) return theme_stmt.status();

  std::mt19937_64 rng(o.seed);
  const auto write_start = Clock::now();
  const int64_t progress_every = std::max<int64_t>(o.records / 100, 1);
  Recommendation key_rec;  // reused: only what RecommendationKey reads
  std::unordered_map<std::string, int64_t> occurrences;  // per key: the uids' numbering
  for (int64_t id = 1; id <= o.records; ++id) {
    const SourceRecord& r = src.records[Below(rng, src.records.size())];
    std::string text = DrawText(src, r, o.splice, rng);
    const bool spliced = text != r.text;
    std::string key = r.dup_key;
    if (spliced) {
      ++report.spliced;
      key_rec.sur = r.sur;
      key_rec.from = r.from;
      key_rec.session = r.session;
      key_rec.text = text;
      key = RecommendationKey(key_rec);
    }
    store::Statement& s = *rec_stmt;
    s.Bind(1, id).Bind(2, r.sur).Bind(3, r.session).Bind(4, r.cycle).Bind(5, text);
    s.Bind(6, key).Bind(7, r.response).Bind(8, r.response_raw).Bind(9, r.action);
    s.Bind(10, r.sur_orgs).Bind(11, r.from_orgs).Bind(12, *file_id).Bind(13, r.id);
    s.Bind(14, RecommendationUid(r.sur, r.session, key, ++occurrences[key]));
    OPENUPR_RETURN_IF_ERROR(s.Run());
    for (size_t i = 0; i < r.from.size(); ++i) {
      store::Statement& f = *from_stmt;
      f.Bind(1, id).Bind(2, static_cast<int64_t>(i)).Bind(4, r.from[i].raw_name);
      if (r.from[i].iso3.empty()) {
        f.BindNull(3);
      } else {
        f.Bind(3, r.from[i].iso3);
      }
      OPENUPR_RETURN_IF_ERROR(f.Run());
    }
    for (int64_t theme_id : r.theme_ids) {
      theme_stmt->Bind(1, id).Bind(2, theme_id);
      OPENUPR_RETURN_IF_ERROR(theme_stmt->Run());
    }
    if (id % progress_every == 0 || id == o.records) notify("writing", id);
  }
  report.records = o.records;
  notify("copying the Council's votes", o.records);
  OPENUPR_RETURN_IF_ERROR(WriteVotes(o, src, out, *file_id, report));
  report.write_seconds = Seconds(write_start);
  notify("committing", o.records);
  OPENUPR_RETURN_IF_ERROR((*tx)->Commit());
  notify("indexing", o.records);
  // The full-text index as the store keeps it (one FTS5 rebuild, and the mark that says it is
  // current), so that the first search of the benchmark does not build it.
  const auto index_start = Clock::now();
  auto indexed = (*opened)->EnsureFullTextIndex();
  if (!indexed.ok()) return indexed.status();
  report.index_seconds = Seconds(index_start);
  opened->reset();  // closes the database: the WAL is checkpointed here
  report.seconds = Seconds(start);
  notify("done", o.records);
  return report;
}

}  // namespace

Result<ScaleReport> GenerateScaledDatabase(const ScaleOptions& o) {
  const auto start = Clock::now();
  OPENUPR_RETURN_IF_ERROR(CheckOptions(o));
  Source src;
  {
    if (o.progress) o.progress("reading", 0, o.records);
    auto source = store::Store::Open(o.source_path, store::OpenMode::kExisting);
    if (!source.ok()) return source.status();
    auto read = ReadSource((*source)->db());
    if (!read.ok()) return read.status();
    src = std::move(read).value();
  }
  if (src.records.empty())
    return Status::BadInput(o.source_path + ": holds no recommendation to resample");
  if (o.overwrite) RemoveDatabase(o.output_path);
  auto report = Generate(o, src, start);
  if (!report.ok()) RemoveDatabase(o.output_path);
  return report;
}

}  // namespace openupr::bench
