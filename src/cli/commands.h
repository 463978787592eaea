// The CLI's subcommands: each parses nothing itself (CLI11 did), calls one module and prints.
// Each returns the process exit code.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/filters.h"
#include "server/api.h"
#include "server/static_files.h"
#include "store/store.h"

namespace openupr::cli {

struct CommonOptions {
  std::string db;
  bool json = false;
  bool quiet = false;
};

// Raw filter option values as given (each may be repeated / comma-separated).
struct FilterOptions {
  std::vector<std::string> sur, from, region, from_region, session, cycle, response, action, theme,
      sur_org, from_org, sdg, labels;
  // Fills filters; kInvalidArgument names the option and value.
  Status Build(Filters& filters) const;
  // Calls visit(name, value) for each value given, in the order of the options; the names are
  // the filter fields of core/filters.h and of the API's query parameters ("from-region").
  template <typename Visit>
  void ForEachValue(Visit&& visit) const {
    const std::pair<const char*, const std::vector<std::string>*> fields[] = {
        {"sur", &sur},           {"from", &from},
        {"region", &region},     {"from-region", &from_region},
        {"session", &session},   {"cycle", &cycle},
        {"response", &response}, {"action", &action},
        {"theme", &theme},       {"sur-org", &sur_org},
        {"from-org", &from_org}, {"sdg", &sdg},
        {"labels", &labels}};
    for (const auto& [name, values] : fields)
      for (const std::string& v : *values) visit(name, v);
  }
};

// Shared by the subcommands' files: prints the error (JSON on stdout with --json, text on
// stderr) and returns its exit code; opens the existing database of --db.
int Fail(const CommonOptions& common, const Status& status);
// An API endpoint's error as the CLI reports it: the parameter named as its option ("year" ->
// "--year", "q" -> "--query"), the status code kept.
Status CliStatus(const server::ApiError& error);
Result<std::unique_ptr<store::Store>> OpenExisting(const CommonOptions& common);

struct ImportArgs {
  std::vector<std::string> files;
  std::string encoding = "auto";
  std::string line_ends = "auto";
  std::string format = "auto";
  bool skip_unknown_states = false;
};
int RunImport(const CommonOptions& common, const ImportArgs& args);

struct StatsArgs {
  std::vector<std::string> by;
  FilterOptions filters;
  std::string query;
  std::string sort = "count";
  int64_t limit = 0;
};
int RunStats(const CommonOptions& common, const StatsArgs& args);

struct SearchArgs {
  std::string query;
  FilterOptions filters;
  int64_t limit = 10;
  int64_t offset = 0;
  // Search the voluntary pledges instead (search/pledge_search.h): filters --sur (the pledging
  // state), --session, --cycle, --theme.
  bool pledges = false;
};
int RunSearch(const CommonOptions& common, const SearchArgs& args);

struct ShowArgs {
  std::string id;        // a uid (core/identity.h) or this database's row number
  std::string cite;      // "", "text", "bibtex" or "csl": print only that citation
  std::string base_url;  // start of the citation's link (--base-url, $OPENUPR_PUBLIC_URL)
};
int RunShow(const CommonOptions& common, const ShowArgs& args);

struct ExportArgs {
  std::string format = "csv";
  std::string query;
  std::string output;    // empty or "-" = stdout
  bool no_bom = false;   // CSV without the UTF-8 byte-order mark
  std::string base_url;  // start of each record's link (--base-url, $OPENUPR_PUBLIC_URL)
  FilterOptions filters;
};
int RunExport(const CommonOptions& common, const ExportArgs& args);

int RunInfo(const CommonOptions& common);

struct ServeArgs {
  std::string host = "127.0.0.1";
  int port = 8080;
  // httplib serves each keep-alive connection on one worker thread for as long as it stays
  // open: more open connections than threads wait. Threads mostly wait on their socket.
  int threads = 64;
  std::string backend = "engine";  // or "sql"
  std::string access_log;          // empty: stderr; "-" or "none": no log
  // The engine's snapshot file beside the database (DB.engine): read at start, written after a
  // build. false (--no-snapshot): always build, write nothing.
  bool snapshot = true;
  // The web app's files (server::EmbeddedWebFiles() in the executable); empty: API only.
  std::span<const server::StaticFile> web_files;
};
// Serves the JSON HTTP API (docs/api.md) and the web app's files until SIGINT/SIGTERM; 0 after a
// graceful stop.
int RunServe(const CommonOptions& common, const ServeArgs& args);

}  // namespace openupr::cli
