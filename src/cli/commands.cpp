#include "cli/commands.h"

#include <pthread.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "analytics/stats.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "core/citation.h"
#include "core/coverage.h"
#include "core/identity.h"
#include "core/json.h"
#include "core/sessions.h"
#include "core/states.h"
#include "engine/snapshot.h"
#include "ingest/importer.h"
#include "ingest/uhri_import.h"
#include "search/export.h"
#include "search/interpret.h"
#include "search/pledge_search.h"
#include "search/sql_search.h"
#include "server/engine_backend.h"
#include "server/http_server.h"
#include "server/sql_backend.h"
#include "store/store.h"

namespace openupr::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kBadInput:
      return kExitBadInput;
    case StatusCode::kNotFound:
      return kExitNotFound;
    case StatusCode::kIo:
      return kExitIo;
    case StatusCode::kConflict:
      return kExitConflict;
    case StatusCode::kInternal:
      return kExitInternal;
  }
  return kExitInternal;
}

// Prints the error (as JSON on stdout with --json, as text on stderr) and returns its exit code.
Status CliStatus(const server::ApiError& e) {
  // The API's parameter names are the options' without the dashes.
  std::string message = e.status.message();
  if (!e.parameter.empty() && message.starts_with(e.parameter)) {
    std::string option = e.parameter;
    for (char& c : option) c = c == '_' ? '-' : c;
    if (option == "q") option = "query";
    message = "--" + option + message.substr(e.parameter.size());
  }
  switch (e.status.code()) {
    case StatusCode::kNotFound:
      return Status::NotFound(message);
    case StatusCode::kInvalidArgument:
      return Status::InvalidArgument(message);
    default:
      return e.status;
  }
}

int Fail(const CommonOptions& common, const Status& status) {
  if (common.json) {
    std::cout << nlohmann::json{{"error",
                                 {{"code", StatusCodeName(status.code())},
                                  {"exit_code", ExitCodeFor(status)},
                                  {"message", status.message()}}}}
                     .dump(2)
              << '\n';
  } else {
    std::cerr << "openupr: " << status.message() << '\n';
  }
  return ExitCodeFor(status);
}

Result<std::unique_ptr<store::Store>> OpenExisting(const CommonOptions& common) {
  return store::Store::Open(common.db, store::OpenMode::kExisting);
}

namespace {

using nlohmann::json;

// The query as the web app's search box reads it (search/interpret.h): repaired, its field terms
// (sur:LKA) added to filters; what was repaired or applied is said on stderr.
Result<search::Interpretation> ReadQuery(const std::string& text, Filters& filters,
                                         std::string& query) {
  query.clear();
  if (text.empty()) return search::Interpretation{};
  auto in = search::InterpretQuery(text, filters);
  if (!in.ok()) return in.status();
  query = in->query;
  for (const auto& r : in->repairs) std::cerr << "openupr: query repaired: " << r.message << '\n';
  for (const auto& a : in->applied)
    std::cerr << "openupr: filter from the query: --" << a.field << " " << a.value << " ("
              << a.label << ")\n";
  if (!in->repairs.empty()) std::cerr << "openupr: searched: " << in->query << '\n';
  return in;
}

// Shell quoting of one argument for the suggestions printed.
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Names recognised in the query, offered as options, and "did you mean" (when nothing was
// found), on stderr.
Status PrintSuggestions(store::Store& store, search::Interpretation& in, const Filters& filters,
                        int64_t total) {
  auto themes = store.ThemeNames();
  if (!themes.ok()) return themes.status();
  std::shared_ptr<const search::Vocabulary> vocabulary;
  if (total == 0) {  // building it reads every text: only when it may help
    auto built = search::Vocabulary::FromStore(store);
    if (!built.ok()) return built.status();
    vocabulary = std::move(built).value();
  }
  search::SuggestContext context;
  context.themes = *themes;
  context.vocabulary = vocabulary.get();
  context.count = [&store](const std::string& query, const Filters& f) -> Result<int64_t> {
    auto found = search::SqlSearch(store, {query, f, 1, 0, false});
    if (!found.ok()) return found.status();
    return found->total;
  };
  OPENUPR_RETURN_IF_ERROR(search::Suggest(in, filters, context));
  for (const auto& s : in.suggestions)
    std::cerr << "openupr: suggestion: --" << s.filter.field << " " << s.filter.value << " ("
              << s.filter.label << ") with the query " << ShellQuote(s.box) << ": " << s.total
              << " match" << (s.total == 1 ? "" : "es") << '\n';
  for (const auto& d : in.did_you_mean)
    std::cerr << "openupr: did you mean " << ShellQuote(d.box) << "? (" << d.total << " matches)\n";
  return Status::Ok();
}

std::string StateLabel(const std::string& iso3) {
  const StateInfo* s = FindStateByIso3(iso3);
  return s ? std::string(s->un_name) : iso3;
}

json IssueJson(const ingest::ImportIssue& i) {
  return {{"file", i.file}, {"line", i.line}, {"column", i.column}, {"message", i.message}};
}

json FileReportJson(const ingest::FileReport& f) {
  json j = {{"path", f.path}, {"bytes", f.bytes}, {"content_hash", f.content_hash}};
  if (f.previous) {
    j["unchanged"] = true;
    // import_id 0: the same bytes came earlier in this very command.
    j["previous_import_id"] = f.previous->import_id ? json(f.previous->import_id) : json(nullptr);
    j["previous_path"] = f.previous->path;
    return j;
  }
  j["unchanged"] = false;
  j["format"] = f.format;
  j["encoding"] = ingest::EncodingName(f.encoding);
  j["encoding_forced"] = f.encoding_forced;
  j["line_ends"] = ingest::LineEndsName(f.line_ends);
  j["line_ends_forced"] = f.line_ends_forced;
  j["rows"] = f.rows;
  j["recommendations"] = f.recommendations;
  j["pledges"] = f.pledges;
  j["added"] = f.added;
  j["already_present"] = f.already_present;
  j["updated"] = f.updated;
  j["skipped"] = f.skipped;
  j["entities_decoded"] = f.entities_decoded;
  if (f.format == ingest::kUhriFormat)
    j["upr"] = {{"same_text", f.uhri_same_text},
                {"same_words", f.uhri_same_words},
                {"added_recommendations", f.uhri_added_recommendations}};
  json repeats = json::array();
  for (const auto& r : f.repeats)
    repeats.push_back({{"line", r.line},
                       {"repeats", r.first_location},
                       {"first_id", r.first_id},
                       {"differs", r.differs},
                       {"earlier_import", r.earlier_import},
                       {"kind", r.pledge ? "pledge" : "recommendation"}});
  j["repeats"] = repeats;
  json errors = json::array(), warnings = json::array(), unknown = json::array();
  for (const auto& e : f.errors) errors.push_back(IssueJson(e));
  for (const auto& w : f.warnings) warnings.push_back(IssueJson(w));
  for (const auto& u : f.unknown_states)
    unknown.push_back({{"name", u.name}, {"column", u.column}, {"lines", u.lines}});
  j["errors"] = errors;
  j["warnings"] = warnings;
  j["unknown_states"] = unknown;
  return j;
}

// A search result's JSON: the record's object with its score and snippet (plain and HTML).
json WithHitFields(json j, double score, const std::string& snippet) {
  j["score"] = score;
  j["snippet"] = search::RenderSnippet(snippet, "", "");
  j["snippet_html"] = search::RenderSnippetHtml(snippet);
  return j;
}

// A page of search results as `search --json` prints it (recommendations and pledges alike).
void PrintHitsJson(const std::string& query, int64_t total, int64_t offset, int64_t limit,
                   json results) {
  std::cout << json{{"query", query},
                    {"total", total},
                    {"offset", offset},
                    {"limit", limit},
                    {"results", std::move(results)}}
                   .dump(2)
            << '\n';
}

// "https://upr.example.org/" -> "https://upr.example.org": links add "/recommendations/...".
std::string WithoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

Status FilterOptions::Build(Filters& filters) const {
  Status st = Status::Ok();
  ForEachValue([&](const char* name, const std::string& v) {
    if (st.ok()) st = AddFilterValue(filters, name, v);
  });
  return st;
}

int RunImport(const CommonOptions& common, const ImportArgs& args) {
  ingest::ImportOptions options;
  if (args.encoding != "auto") {
    options.encoding = ingest::ParseEncoding(args.encoding);
    if (!options.encoding)
      return Fail(common, Status::InvalidArgument(
                              "--encoding '" + args.encoding +
                              "': expected auto, utf-8, utf-8-bom, mac-roman or windows-1252"));
  }
  if (args.line_ends != "auto") {
    options.line_ends = ingest::ParseLineEnds(args.line_ends);
    if (!options.line_ends)
      return Fail(common, Status::InvalidArgument("--line-ends '" + args.line_ends +
                                                  "': expected auto, cr, lf or crlf"));
  }
  options.format = args.format;
  options.skip_unknown_states = args.skip_unknown_states;
  // Checked before the database is opened, so that a bad option creates no file.
  if (Status st = ingest::ValidateImportOptions(options); !st.ok()) return Fail(common, st);
  ProgressBar bar("importing", !common.quiet && !common.json && StderrIsTerminal());
  options.progress = [&bar](uint64_t done, uint64_t total) { bar.Update(done, total); };

  // The database is opened (created if new) while the first files are read.
  std::unique_ptr<store::Store> store;
  ingest::ImportReport report = ingest::ImportFiles(
      [&]() -> Result<store::Store*> {
        auto opened = store::Store::Open(common.db, store::OpenMode::kCreateForImport);
        if (!opened.ok()) return opened.status();
        store = std::move(opened).value();
        return store.get();
      },
      args.files, options);
  bar.Finish();
  if (!store) return Fail(common, report.status);  // (not opened: the status says why)
  const double mbps = report.seconds > 0 ? report.bytes / 1e6 / report.seconds : 0;

  if (common.json) {
    json files = json::array();
    for (const auto& f : report.files) files.push_back(FileReportJson(f));
    json j = {{"status", report.status.ok() ? "ok" : "error"},
              {"database", common.db},
              {"import_id", report.import_id ? json(report.import_id) : json(nullptr)},
              {"added", report.added},
              {"already_present", report.already_present},
              {"repeats", report.repeats},
              {"bytes", report.bytes},
              {"seconds", report.seconds},
              {"parse_seconds", report.parse_seconds},
              {"store_seconds", report.store_seconds},
              {"mb_per_second", mbps},
              {"files", files},
              {"uhri_missing", report.uhri_missing}};
    if (!report.status.ok())
      j["error"] = {{"code", StatusCodeName(report.status.code())},
                    {"exit_code", ExitCodeFor(report.status)},
                    {"message", report.status.message()}};
    std::cout << j.dump(2) << '\n';
    return ExitCodeFor(report.status);
  }

  constexpr size_t kShow = 20;
  for (const auto& f : report.files) {
    if (f.previous) {
      if (f.previous->import_id)
        std::cout << f.path << ": already imported (same content as " << f.previous->path
                  << ", import #" << f.previous->import_id << "); nothing to do\n";
      else
        std::cout << f.path << ": same content as " << f.previous->path
                  << " in this command; skipped\n";
      continue;
    }
    std::cout << f.path << ": ";
    if (f.format == ingest::kUhriFormat) {
      std::cout << "UHRI export: " << f.rows << " records";
      if (report.status.ok()) {
        std::cout << "; " << f.added << " added";
        if (f.updated) std::cout << ", " << f.updated << " updated (changed in the source)";
        if (f.already_present) std::cout << ", " << f.already_present << " already present";
        if (f.skipped) std::cout << ", " << f.skipped << " skipped (unknown state)";
        const int64_t upr = f.uhri_same_text + f.uhri_same_words + f.uhri_added_recommendations;
        if (upr)
          std::cout << "; UPR records: " << f.uhri_same_text << " found in UPR Info by the same "
                    << "text, " << f.uhri_same_words << " by the same words, "
                    << f.uhri_added_recommendations << " added as recommendations";
      }
      if (f.entities_decoded) std::cout << "; " << f.entities_decoded << " HTML entities decoded";
    } else if (!f.format.empty()) {
      std::cout << f.format << ", " << ingest::EncodingName(f.encoding)
                << (f.encoding_forced ? " (forced)" : " (detected)") << ", "
                << ingest::LineEndsName(f.line_ends)
                << (f.line_ends_forced ? " line ends (forced)" : " line ends (detected)") << ": "
                << f.rows << " rows";
      if (f.format == ingest::kUprInfoFormat)
        std::cout << ", " << f.recommendations << " recommendations, " << f.pledges << " pledges";
      if (report.status.ok()) {
        std::cout << "; " << f.added << " added";
        if (f.updated) std::cout << ", " << f.updated << " updated (changed in the source)";
        if (f.already_present) std::cout << ", " << f.already_present << " already present";
        if (!f.repeats.empty()) std::cout << ", " << f.repeats.size() << " repeats";
        if (f.skipped) std::cout << ", " << f.skipped << " skipped (unknown state)";
      }
      if (f.entities_decoded) std::cout << "; " << f.entities_decoded << " HTML entities decoded";
    } else {
      std::cout << "could not be read as CSV";
    }
    std::cout << '\n';
    for (size_t i = 0; i < f.repeats.size() && i < kShow; ++i) {
      const auto& r = f.repeats[i];
      std::string diff;
      for (const auto& d : r.differs) diff += (diff.empty() ? "" : ", ") + d;
      std::cout << "  repeat: " << f.path << ":" << r.line << " repeats " << r.first_location
                << (r.pledge ? " (same state, session and text"
                             : " (same state under review, recommending state, session and text")
                << (r.earlier_import ? ""
                    : diff.empty()   ? "; response, action and themes equal"
                                     : "; differs in " + diff)
                << ")\n";
    }
    if (f.repeats.size() > kShow)
      std::cout << "  ... and " << f.repeats.size() - kShow << " more repeats (--json lists all)\n";
    for (const auto& u : f.unknown_states) {
      if (!args.skip_unknown_states) continue;  // listed as errors below
      std::cout << "  unknown state '" << u.name << "' (" << u.column << ") on " << u.lines.size()
                << " line(s), skipped\n";
    }
    for (size_t i = 0; i < f.warnings.size() && i < kShow && !common.quiet; ++i)
      std::cerr << "warning: " << f.warnings[i].ToString() << '\n';
    if (f.warnings.size() > kShow && !common.quiet)
      std::cerr << "warning: ... and " << f.warnings.size() - kShow
                << " more warnings (--json lists all)\n";
    for (const auto& e : f.errors) std::cerr << "error: " << e.ToString() << '\n';
  }
  if (!report.status.ok()) {
    // The import is one transaction: whatever failed, it was rolled back. Said, so that a user
    // facing a full disk or a read-only file knows that there is nothing to repair.
    const std::string& message = report.status.message();
    std::cerr << "openupr: " << message
              << (message.find("nothing was imported") == std::string::npos
                      ? "; nothing was imported"
                      : "")
              << '\n';
    return ExitCodeFor(report.status);
  }
  if (!report.uhri_missing.empty()) {
    std::cout << report.uhri_missing.size()
              << " UHRI record(s) stored before are not in this export: marked missing, kept";
    for (size_t i = 0; i < report.uhri_missing.size() && i < kShow; ++i)
      std::cout << (i ? ", " : " (") << report.uhri_missing[i];
    std::cout << (report.uhri_missing.size() > kShow ? ", ... --json lists all)\n" : ")\n");
  }
  if (report.import_id == 0) {
    std::cout << "Nothing new to import; the database is unchanged.\n";
  } else {
    std::cout << "Import #" << report.import_id << ": " << report.added << " rows added";
    if (report.already_present) std::cout << ", " << report.already_present << " already present";
    if (report.repeats) std::cout << ", " << report.repeats << " repeats kept and reported";
    char rate[64];
    std::snprintf(rate, sizeof(rate), " (%s in %.2f s, %.1f MB/s) into %s\n",
                  FormatBytes(report.bytes).c_str(), report.seconds, mbps, common.db.c_str());
    std::cout << rate;
  }
  return kExitOk;
}

int RunStats(const CommonOptions& common, const StatsArgs& args) {
  analytics::StatsRequest req;
  for (const std::string& b : args.by) {
    auto d = analytics::ParseDimension(b);
    if (!d)
      return Fail(common, Status::InvalidArgument(
                              "--by '" + b +
                              "': expected sur, from, region, from-region, session, cycle, "
                              "response, action or theme"));
    req.by.push_back(*d);
  }
  if (Status st = args.filters.Build(req.filters); !st.ok()) return Fail(common, st);
  if (auto in = ReadQuery(args.query, req.filters, req.query); !in.ok())
    return Fail(common, in.status());
  req.sort_by_key = args.sort == "key";
  req.limit = args.limit;
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  if (Status st = search::ValidateFilters(**store, req.filters); !st.ok()) return Fail(common, st);
  auto result = analytics::ComputeStats(**store, req);
  if (!result.ok()) return Fail(common, result.status());

  auto row_json = [&](const analytics::StatsRow& r) {
    json j = json::object();
    for (size_t i = 0; i < r.keys.size(); ++i) {  // the total row has no keys
      const std::string name(analytics::DimensionName(req.by[i]));
      if (req.by[i] == analytics::Dimension::kSession || req.by[i] == analytics::Dimension::kCycle)
        j[name] = std::stoll(r.keys[i]);
      else if (req.by[i] == analytics::Dimension::kAction && r.keys[i] != "unknown")
        j[name] = std::stoll(r.keys[i]);
      else
        j[name] = r.keys[i];
      if ((req.by[i] == analytics::Dimension::kSur || req.by[i] == analytics::Dimension::kFrom) &&
          FindStateByIso3(r.keys[i]))
        j[name + "_name"] = StateLabel(r.keys[i]);
    }
    j["count"] = r.count;
    j["supported"] = r.supported;
    j["noted"] = r.noted;
    j["other"] = r.other;
    j["supported_share"] = r.supported_share();
    return j;
  };
  if (common.json) {
    json by = json::array();
    for (auto d : req.by) by.push_back(analytics::DimensionName(d));
    json rows = json::array();
    for (const auto& r : result->rows) rows.push_back(row_json(r));
    std::cout << json{{"by", by},
                      {"total", row_json(result->total)},
                      {"predicted", result->predicted},
                      {"rows", rows}}
                     .dump(2)
              << '\n';
    return kExitOk;
  }
  std::vector<std::string> header;
  for (auto d : req.by) header.emplace_back(analytics::DimensionName(d));
  for (const char* h : {"count", "supported", "noted", "other", "supported %"}) header.push_back(h);
  std::vector<std::vector<std::string>> rows;
  auto add = [&](const analytics::StatsRow& r, bool total) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < req.by.size(); ++i) {
      if (total) {
        cells.push_back(i == 0 ? "total" : "");
      } else if (req.by[i] == analytics::Dimension::kSur ||
                 req.by[i] == analytics::Dimension::kFrom) {
        cells.push_back(r.keys[i] +
                        (FindStateByIso3(r.keys[i]) ? " " + StateLabel(r.keys[i]) : ""));
      } else {
        cells.push_back(r.keys[i]);
      }
    }
    for (int64_t v : {r.count, r.supported, r.noted, r.other}) cells.push_back(std::to_string(v));
    cells.push_back(FormatPercent(r.supported_share()));
    rows.push_back(std::move(cells));
  };
  for (const auto& r : result->rows) add(r, false);
  add(result->total, true);
  if (req.by.empty()) {
    std::vector<std::string> h(header.begin(), header.end());
    PrintTable(h, rows);
  } else {
    PrintTable(header, rows);
  }
  if (result->predicted > 0)
    std::cout << result->predicted
              << " of these recommendations count under a predicted action category or predicted "
                 "themes (--labels source leaves them out)\n";
  return kExitOk;
}

namespace {

// search --pledges: the same shape as the recommendations' search, pledge objects in JSON
// (core/json.h PledgeToJson, as GET /api/v1/pledges).
int RunPledgeSearch(const CommonOptions& common, const SearchArgs& args) {
  search::PledgeRequest req;
  req.query = args.query;
  req.limit = args.limit;
  req.offset = args.offset;
  if (Status st = args.filters.Build(req.filters); !st.ok()) return Fail(common, st);
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  if (Status st = search::ValidateFilters(**store, req.filters); !st.ok()) return Fail(common, st);
  auto found = search::SearchPledges(**store, req);
  if (!found.ok()) return Fail(common, found.status());
  if (common.json) {
    json results = json::array();
    for (const search::PledgeHit& h : found->hits)
      results.push_back(WithHitFields(PledgeToJson(h.pledge), h.score, h.snippet));
    PrintHitsJson(req.query, found->total, req.offset, req.limit, std::move(results));
    return kExitOk;
  }
  const bool tty = StdoutIsTerminal();
  const std::string mark_on = tty ? "\033[1;33m" : "[";
  const std::string mark_off = tty ? "\033[0m" : "]";
  std::cout << found->total << " voluntary pledge" << (found->total == 1 ? "" : "s");
  if (!req.query.empty()) std::cout << " for " << req.query;
  if (!found->hits.empty())
    std::cout << " (showing " << req.offset + 1 << "-" << req.offset + found->hits.size() << ")";
  std::cout << "\n";
  for (const search::PledgeHit& h : found->hits) {
    const Pledge& p = h.pledge;
    std::cout << "\n" << p.uid << "  by " << p.state << "  session " << p.session;
    if (const SessionDates* d = FindSessionDates(p.session)) std::cout << " (" << d->year << ")";
    std::cout << ", cycle " << p.cycle << "  action "
              << (p.action ? std::to_string(*p.action) : "?") << '\n';
    std::cout << "  " << search::RenderSnippet(h.snippet, mark_on, mark_off) << '\n';
    if (!p.themes.empty()) {
      std::string t;
      for (const auto& x : p.themes) t += (t.empty() ? "" : "; ") + x;
      std::cout << "  themes: " << t << '\n';
    }
  }
  return kExitOk;
}

}  // namespace

int RunSearch(const CommonOptions& common, const SearchArgs& args) {
  if (args.pledges) return RunPledgeSearch(common, args);
  search::SearchRequest req;
  req.limit = args.limit;
  req.offset = args.offset;
  if (Status st = args.filters.Build(req.filters); !st.ok()) return Fail(common, st);
  auto in = ReadQuery(args.query, req.filters, req.query);
  if (!in.ok()) return Fail(common, in.status());
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  if (Status st = search::ValidateFilters(**store, req.filters); !st.ok()) return Fail(common, st);
  auto found = search::SqlSearch(**store, req);
  if (!found.ok()) return Fail(common, found.status());
  if (!in->input.empty())
    if (Status st = PrintSuggestions(**store, *in, req.filters, found->total); !st.ok())
      return Fail(common, st);
  std::vector<int64_t> ids;
  for (const auto& h : found->hits) ids.push_back(h.id);
  auto recs = (*store)->GetRecommendations(ids);
  if (!recs.ok()) return Fail(common, recs.status());

  if (common.json) {
    json results = json::array();
    for (size_t i = 0; i < recs->size(); ++i)
      results.push_back(WithHitFields(RecommendationToJson((*recs)[i]), found->hits[i].score,
                                      found->hits[i].snippet));
    PrintHitsJson(req.query, found->total, req.offset, req.limit, std::move(results));
    return kExitOk;
  }
  const bool tty = StdoutIsTerminal();
  const std::string mark_on = tty ? "\033[1;33m" : "[";
  const std::string mark_off = tty ? "\033[0m" : "]";
  std::cout << found->total << " match" << (found->total == 1 ? "" : "es");
  if (!req.query.empty()) std::cout << " for " << req.query;
  if (!recs->empty())
    std::cout << " (showing " << req.offset + 1 << "-" << req.offset + recs->size() << ")";
  std::cout << "\n";
  for (size_t i = 0; i < recs->size(); ++i) {
    const Recommendation& r = (*recs)[i];
    std::string from;
    for (const auto& f : r.from)
      from += (from.empty() ? "" : ", ") + (f.iso3.empty() ? f.raw_name : f.iso3);
    std::cout << "\n"
              << r.uid << "  to " << r.sur << " from " << from << "  session " << r.session
              << " (cycle " << r.cycle << ")  " << ResponseCode(r.response) << "  action "
              << (r.action ? std::to_string(*r.action) : "?") << '\n';
    std::cout << "  " << search::RenderSnippet(found->hits[i].snippet, mark_on, mark_off) << '\n';
    if (!r.themes.empty()) {
      std::string t;
      for (const auto& x : r.themes) t += (t.empty() ? "" : "; ") + x;
      std::cout << "  themes: " << t << '\n';
    }
  }
  return kExitOk;
}

int RunShow(const CommonOptions& common, const ShowArgs& args) {
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  int64_t id = 0;
  if (IsRecommendationUid(args.id)) {
    auto found = (*store)->FindRecommendationByUid(args.id);
    if (!found.ok()) return Fail(common, found.status());
    if (!*found) return Fail(common, Status::NotFound("no recommendation with uid " + args.id));
    id = **found;
  } else {
    auto [p, ec] = std::from_chars(args.id.data(), args.id.data() + args.id.size(), id);
    if (ec != std::errc() || p != args.id.data() + args.id.size() || id < 1)
      return Fail(common, Status::InvalidArgument(
                              "show: '" + args.id +
                              "' is neither a record uid (like LKA-14-5e1c09ab3f2d) nor a "
                              "positive row number"));
  }
  auto rec = (*store)->GetRecommendation(id);
  if (!rec.ok()) return Fail(common, rec.status());
  const nlohmann::json citation = RecommendationCitation(*rec, WithoutTrailingSlash(args.base_url));
  if (args.cite == "text") {
    std::cout << citation["text"].get<std::string>() << '\n';
    return kExitOk;
  }
  if (args.cite == "bibtex") {
    std::cout << citation["bibtex"].get<std::string>();
    return kExitOk;
  }
  if (args.cite == "csl") {
    std::cout << nlohmann::json::array({citation["csl"]}).dump(2) << '\n';
    return kExitOk;
  }
  if (common.json) {
    nlohmann::json j = RecommendationToJson(*rec);
    j["citation"] = citation;
    std::cout << j.dump(2) << '\n';
    return kExitOk;
  }
  const Recommendation& r = *rec;
  std::string from, themes, sdgs;
  for (const auto& f : r.from)
    from += (from.empty() ? "" : "; ") +
            (f.iso3.empty() ? f.raw_name + " (unknown state)" : f.iso3 + " " + StateLabel(f.iso3));
  for (const auto& t : r.themes) themes += (themes.empty() ? "" : "; ") + t;
  for (const auto& s : r.sdgs) sdgs += (sdgs.empty() ? "" : "; ") + s;
  const StateInfo* sur = FindStateByIso3(r.sur);
  const SessionDates* dates = FindSessionDates(r.session);
  std::cout << "Recommendation " << r.uid << " (row #" << r.id << " of this database)\n"
            << "  text:             " << r.text << "\n"
            << "  state under review: " << r.sur << " " << StateLabel(r.sur) << " ("
            << (sur ? RegionName(sur->region) : "") << ")\n"
            << "  recommended by:   " << from << "\n"
            << "  session:          " << r.session << " (cycle " << r.cycle
            << (dates ? ", " + FormatSessionDates(*dates) : std::string()) << ")\n"
            << "  response:         " << ResponseCode(r.response) << " (source: " << r.response_raw
            << ")\n"
            << "  action category:  " << (r.action ? std::to_string(*r.action) : "unknown")
            << (r.action_predicted ? " (predicted)" : "") << "\n"
            << "  themes:           " << themes << (r.themes_predicted ? " (predicted)" : "")
            << "\n"
            << "  SDGs:             " << (sdgs.empty() ? "-" : sdgs) << "\n"
            << "  source:           " << r.provenance.source_file << ":" << r.provenance.line
            << " (import #" << r.provenance.import_id << ")\n";
  if (r.duplicate_of)
    std::cout << "  repeats:          " << r.duplicate_of_uid << " (#" << *r.duplicate_of << ")\n";
  std::cout << "  link:             " << citation["url"].get<std::string>() << "\n"
            << "  cite as:          " << citation["text"].get<std::string>() << "\n"
            << "  (BibTeX: --cite bibtex; CSL-JSON: --cite csl)\n";
  return kExitOk;
}

int RunExport(const CommonOptions& common, const ExportArgs& args) {
  const auto format = search::ParseExportFormat(args.format);
  if (!format)
    return Fail(common, Status::InvalidArgument("--format '" + args.format +
                                                "': expected csv, json or xlsx"));
  const bool to_stdout = args.output.empty() || args.output == "-";
  // A workbook is a zip file: never written to a terminal or a pipe by accident.
  if (*format == search::ExportFormat::kXlsx && to_stdout)
    return Fail(common, Status::InvalidArgument(
                            "--format xlsx writes a file: give it with -o FILE (e.g. -o "
                            "export.xlsx)"));
  search::SearchRequest req;
  if (Status st = args.filters.Build(req.filters); !st.ok()) return Fail(common, st);
  if (auto in = ReadQuery(args.query, req.filters, req.query); !in.ok())
    return Fail(common, in.status());
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  if (Status st = search::ValidateFilters(**store, req.filters); !st.ok()) return Fail(common, st);
  const std::string base_url = WithoutTrailingSlash(args.base_url);
  Result<int64_t> n = int64_t{0};
  const std::string output_name = to_stdout ? "standard output" : args.output;
  // The exporters report that a write failed; which file and why (errno as the failed write
  // left it: ENOSPC on a full disk) are known here.
  errno = 0;
  if (*format == search::ExportFormat::kXlsx) {
    n = search::ExportRecommendationsXlsx(**store, req, args.output, {.base_url = base_url});
    if (!n.ok() && n.status().code() == StatusCode::kIo && errno == ENOSPC)
      n = Status::Io(output_name + ": cannot write the export: " + WriteErrorText(errno));
  } else {
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (!to_stdout) {
      file.open(args.output, std::ios::binary | std::ios::trunc);
      if (!file) return Fail(common, Status::Io(args.output + ": cannot open for writing"));
      out = &file;
    }
    n = search::ExportRecommendations(**store, req, *format, *out,
                                      {.bom = !args.no_bom, .base_url = base_url});
    if (!n.ok() && !*out)
      n = Status::Io(output_name + ": cannot write the export: " + WriteErrorText(errno));
    if (n.ok() && file.is_open()) {
      file.close();  // (a write error can show only now, when the last buffer goes out)
      if (!file)
        n = Status::Io(output_name + ": cannot write the export: " + WriteErrorText(errno));
    }
  }
  if (!n.ok()) return Fail(common, n.status());
  if (!common.quiet && !to_stdout)
    std::cerr << "Exported " << *n << " recommendations to " << args.output << '\n';
  return kExitOk;
}

int RunInfo(const CommonOptions& common) {
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  auto counts = (*store)->GetCounts();
  if (!counts.ok()) return Fail(common, counts.status());
  auto files = (*store)->ListSourceFiles();
  if (!files.ok()) return Fail(common, files.status());
  const store::Counts& c = *counts;
  // What the record holds: the sessions of its recommendations, and of its pledges.
  analytics::StatsRequest by_session;
  by_session.by = {analytics::Dimension::kSession};
  auto stats = analytics::ComputeStats(**store, by_session);
  if (!stats.ok()) return Fail(common, stats.status());
  std::vector<int> sessions;
  for (const auto& r : stats->rows) sessions.push_back(std::stoi(r.keys[0]));
  const Coverage coverage = ComputeCoverage(std::move(sessions));
  search::PledgeRequest every_pledge;
  every_pledge.limit = 1;
  auto pledges = search::SearchPledges(**store, every_pledge);
  if (!pledges.ok()) return Fail(common, pledges.status());
  std::vector<int> pledge_sessions;
  for (const auto& [session, count] : pledges->sessions) pledge_sessions.push_back(session);
  const std::string pledge_ranges = SessionRanges(pledge_sessions);
  if (common.json) {
    json fj = json::array();
    for (const auto& f : *files)
      fj.push_back({{"path", f.path},
                    {"import_id", f.import_id},
                    {"format", f.format},
                    {"encoding", f.encoding},
                    {"line_ends", f.line_ends},
                    {"rows", f.rows},
                    {"added", f.added},
                    {"repeats", f.repeats},
                    {"already_present", f.already_present},
                    {"skipped", f.skipped},
                    {"content_hash", f.content_hash}});
    std::cout << json{{"database", common.db},
                      {"schema_version", (*store)->schema_version()},
                      {"recommendations", c.recommendations},
                      {"supported", c.supported},
                      {"noted", c.noted},
                      {"other", c.other},
                      {"pledges", c.pledges},
                      {"coverage", CoverageStatement(coverage)},
                      {"pledge_sessions", pledge_ranges},
                      {"states_under_review", c.states_under_review},
                      {"recommending_states", c.recommending_states},
                      {"imports", c.imports},
                      {"files", fj}}
                     .dump(2)
              << '\n';
    return kExitOk;
  }
  std::cout << "Database:          " << common.db << " (schema version "
            << (*store)->schema_version() << ")\n"
            << "Recommendations:   " << c.recommendations << " (" << c.supported << " supported, "
            << c.noted << " noted, " << c.other << " other)\n"
            << "States:            " << c.states_under_review << " reviewed, "
            << c.recommending_states << " recommending\n"
            << "Coverage:          " << CoverageStatement(coverage) << "\n"
            << "Voluntary pledges: " << c.pledges
            << (pledge_ranges.empty() ? "" : " (sessions " + pledge_ranges + ")") << "\n"
            << "Imports:           " << c.imports << " (" << files->size() << " files)\n";
  for (const auto& f : *files)
    std::cout << "  #" << f.import_id << " " << f.path << ": " << f.rows << " rows, " << f.added
              << " added (" << f.encoding << ", " << f.line_ends << ")\n";
  return kExitOk;
}

int RunServe(const CommonOptions& common, const ServeArgs& args) {
  if (args.port < 0 || args.port > 65535)
    return Fail(common, Status::InvalidArgument("--port " + std::to_string(args.port) +
                                                ": expected 0-65535"));
  std::ofstream log_file;
  std::ostream* log = &std::cerr;
  if (args.access_log == "none") {
    log = nullptr;
  } else if (!args.access_log.empty() && args.access_log != "-") {
    log_file.open(args.access_log, std::ios::app);
    if (!log_file) return Fail(common, Status::Io(args.access_log + ": cannot open for appending"));
    log = &log_file;
  }
  // Database connections: one per worker thread up to kMaxDatabaseConnections (the threads
  // mostly wait on their sockets; queries beyond that many at once wait for a connection).
  constexpr int kMaxDatabaseConnections = 16;
  const int connections = std::min(args.threads, kMaxDatabaseConnections);
  std::unique_ptr<server::QueryBackend> backend;
  if (args.backend == "sql") {
    auto sql = server::SqlBackend::Open(common.db, connections);
    if (!sql.ok()) return Fail(common, sql.status());
    backend = std::move(sql).value();
  } else {
    const auto t0 = std::chrono::steady_clock::now();
    server::EngineOptions options;
    options.snapshot = args.snapshot;
    // Snapshot problems are warnings (the index is built instead), even with --quiet.
    options.note = [](const std::string& what) {
      std::string line = "openupr: warning: ";
      line += what;
      line += '\n';
      std::cerr << line << std::flush;
    };
    auto engine = server::EngineBackend::Open(common.db, connections, std::move(options));
    if (!engine.ok()) return Fail(common, engine.status());
    auto index = (*engine)->Current();
    if (!index.ok()) return Fail(common, index.status());
    if (!common.quiet)
      std::cerr << "openupr: " << ((*engine)->from_snapshot() ? "loaded the index of " : "indexed ")
                << (*index)->size() << " recommendations"
                << ((*engine)->from_snapshot() ? " from " + engine::SnapshotPath(common.db) : "")
                << " in " << std::fixed << std::setprecision(2)
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
                << " s (" << FormatBytes((*index)->MemoryBytes()) << " in memory)\n";
    backend = std::move(engine).value();
  }
  server::HttpServer http(
      *backend, {.host = args.host, .port = args.port, .threads = args.threads, .access_log = log});
  if (Status st = http.ServeStaticFiles(args.web_files); !st.ok()) return Fail(common, st);
  auto port = http.Bind();
  if (!port.ok()) return Fail(common, port.status());
  std::cout << "Serving " << common.db << " on http://" << args.host << ":" << *port << "/ ("
            << (args.web_files.empty() ? "" : "web app at /; ")
            << "API: /api/v1/recommendations, /api/v1/aggregations, /api/v1/states, "
               "/api/v1/sessions, /api/v1/export, /api/v1/about, /api/v1/openapi.json)"
            << std::endl;
  // The observations' index (OHCHR's index, engine/observations.h) is built now, beside the
  // server, rather than by the first request that needs it (seconds for a whole UHRI export).
  std::thread warm([&backend, quiet = common.quiet] {
    sigset_t all;  // signals are for the thread that serves (ServeUntilSignal)
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    const auto t0 = std::chrono::steady_clock::now();
    auto observations = backend->Observations();
    if (!observations.ok()) {
      std::cerr << "openupr: warning: observations not indexed (the first request tries again): "
                << observations.status().ToString() << '\n';
    } else if (!quiet && (*observations)->size() > 0) {
      std::cerr << "openupr: indexed " << (*observations)->size() << " observations in "
                << std::fixed << std::setprecision(2)
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
                << " s\n";
    }
  });
  Status served = server::ServeUntilSignal(http);
  warm.join();
  if (!served.ok()) return Fail(common, served);
  if (!common.quiet) std::cerr << "openupr: stopped\n";
  return kExitOk;
}

}  // namespace openupr::cli
