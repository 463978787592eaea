// openupr: the command-line entry point. Declares the options (CLI11) and hands each subcommand
// to commands.cpp; exit codes in exit_codes.h and docs/cli.md.
#include <cstdlib>
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/similar_commands.h"
#include "cli/classify_commands.h"
#include "cli/observations_commands.h"
#include "cli/votes_commands.h"
#include "core/identity.h"
#include "core/about.h"
#include "server/static_files.h"

namespace {

using openupr::cli::FilterOptions;

void AddFilterOptions(CLI::App* cmd, FilterOptions& f) {
  // One value per occurrence, so that "search --sur FRA torture" keeps torture as the query.
  auto add = [cmd](const char* name, std::vector<std::string>& values, const char* help) {
    cmd->add_option(name, values, help)
        ->group("Filters (repeatable; a list may be comma-separated)")
        ->allow_extra_args(false);
  };
  add("--sur", f.sur, "State under review: ISO3 code or name");
  add("--from", f.from, "Recommending state: ISO3 code or name");
  add("--region", f.region,
      "Regional group of the state under review: african, asia-pacific, eastern-european, "
      "grulac, weog");
  add("--from-region", f.from_region, "Regional group of the recommending state");
  add("--session", f.session, "UPR session number or range, e.g. 5 or 10-13");
  add("--cycle", f.cycle, "UPR cycle 1-4");
  add("--response", f.response, "supported, noted or other");
  add("--action", f.action, "Action category 1-5 or unknown");
  add("--theme", f.theme, "Theme name, e.g. \"Death penalty\"");
  add("--sur-org", f.sur_org,
      "Organisation of the state under review as the source lists it, e.g. EU, AU, OIC "
      "(spaces and case ignored)");
  add("--from-org", f.from_org, "Organisation of a recommending state");
  add("--sdg", f.sdg, "Sustainable Development Goal 1-17");
  add("--labels", f.labels,
      "all (default): a recommendation without a source action category or themes counts under "
      "its predicted ones (classify apply); source: leave out those counted under a predicted "
      "label");
}

void AddResolutionOptions(CLI::App* cmd, openupr::cli::ResolutionOptions& s) {
  const char* group = "Which resolutions (and roll calls)";
  cmd->add_option("-Q,--query", s.query, "Words of the titles (the search query language)")
      ->group(group);
  cmd->add_option("--body", s.body, "hrc (Human Rights Council) or chr (Commission on Human Rights)")
      ->group(group);
  cmd->add_option("--year", s.year, "A year or a range, e.g. 2006-2010")->group(group);
  cmd->add_option("--session", s.session, "The Council's session or range, e.g. 30-35")
      ->group(group);
  cmd->add_option("--agenda-item", s.agenda_item, "Agenda item, e.g. 4 (repeatable)")
      ->group(group);
  cmd->add_option("--outcome", s.outcome,
                  "adopted-by-vote, rejected-by-vote, adopted-without-vote, non-recorded, "
                  "withdrawn, not-considered (repeatable)")
      ->group(group);
}

}  // namespace

#ifdef OPENUPR_JEMALLOC
// jemalloc's options, read when it starts (MALLOC_CONF in the environment still overrides them).
// import and serve touch tens of megabytes of fresh memory, and on virtual machines every 4 KiB
// page fault is expensive: transparent huge pages for data and jemalloc's own metadata cut an
// import of the real files from 15,500 page faults to 4,700 (docs/benchmarks.md).
extern "C" {
const char* malloc_conf = "thp:always,metadata_thp:always";
}
#endif

int main(int argc, char** argv) {
  using namespace openupr::cli;
  CLI::App app{
      "OpenUPR: the record of the UN Universal Periodic Review, imported, searched and counted.",
      "openupr"};
  app.set_version_flag("--version", "openupr " + std::string(openupr::Version()));
  app.require_subcommand(1);
  app.fallthrough();
  CommonOptions common;
  common.db = DefaultDatabasePath();
  app.add_option("--db", common.db,
                 "Database file (default: $OPENUPR_DB, else "
                 "$XDG_DATA_HOME/openupr/openupr.db, else ~/.local/share/openupr/openupr.db)")
      ->capture_default_str();
  app.add_flag("--json", common.json, "Print JSON instead of text (docs/cli.md)");
  app.add_flag("-q,--quiet", common.quiet, "No progress bar or summary on stderr");

  ImportArgs import_args;
  auto* import_cmd = app.add_subcommand(
      "import", "Import files (UPR Info exports, voluntary pledges) in one transaction");
  import_cmd->add_option("files", import_args.files, "Files to import")
      ->required()
      ->check(CLI::ExistingFile);
  import_cmd->add_option("--encoding", import_args.encoding,
                         "auto, utf-8, utf-8-bom, mac-roman or windows-1252")
      ->capture_default_str();
  import_cmd->add_option("--line-ends", import_args.line_ends, "auto, cr, lf or crlf")
      ->capture_default_str();
  import_cmd->add_option("--format", import_args.format, "auto or upr-info")
      ->capture_default_str();
  import_cmd->add_flag("--skip-unknown-states", import_args.skip_unknown_states,
                       "Leave out (and list) rows naming a state the reference table does not "
                       "know, instead of failing");

  StatsArgs stats_args;
  auto* stats_cmd = app.add_subcommand(
      "stats", "Counts and supported share, grouped by up to three dimensions");
  stats_cmd
      ->add_option("--by", stats_args.by,
                   "Dimensions: sur, from, region (of the state under review), from-region, "
                   "session, cycle, response, action, theme")
      ->delimiter(',')
      ->allow_extra_args(false);
  stats_cmd->add_option("-Q,--query", stats_args.query, "Only recommendations matching this text");
  stats_cmd->add_option("--sort", stats_args.sort, "count (descending) or key")
      ->check(CLI::IsMember({"count", "key"}))
      ->capture_default_str();
  stats_cmd->add_option("--limit", stats_args.limit, "Show at most N groups (0 = all)")
      ->check(CLI::NonNegativeNumber);
  AddFilterOptions(stats_cmd, stats_args.filters);

  SearchArgs search_args;
  auto* search_cmd = app.add_subcommand(
      "search",
      "Full-text search with stemming: words, \"phrases\", prefix*, AND, OR, NOT, ( )");
  search_cmd->add_option("query", search_args.query, "The query (empty: every record)");
  search_cmd->add_option("--limit", search_args.limit, "Results to show (1-100000)")
      ->check(CLI::Range(int64_t{1}, int64_t{100000}))
      ->capture_default_str();
  search_cmd->add_option("--offset", search_args.offset, "Skip this many results")
      ->check(CLI::NonNegativeNumber);
  AddFilterOptions(search_cmd, search_args.filters);
  search_cmd->add_flag("--pledges", search_args.pledges,
                       "Search the voluntary pledges instead (filters: --sur, the pledging "
                       "state; --session, --cycle, --theme)");

  // Where the web app is published: the start of the links in citations and exports.
  std::string public_url = "http://127.0.0.1:8080";
  if (const char* url = std::getenv("OPENUPR_PUBLIC_URL"); url && *url) public_url = url;
  constexpr const char* kBaseUrlHelp =
      "Where the web app is published: the start of each record's link "
      "(default: $OPENUPR_PUBLIC_URL, else http://127.0.0.1:8080)";

  ShowArgs show_args;
  show_args.base_url = public_url;
  auto* show_cmd = app.add_subcommand(
      "show", "Show one recommendation with every attribute and how to cite it");
  show_cmd
      ->add_option("id", show_args.id,
                   "The record's uid (LKA-14-5e1c09ab3f2d; a resolution: ohchr-27576) or this "
                   "database's row number")
      ->required();
  show_cmd->add_option("--cite", show_args.cite, "Print only the citation: text, bibtex or csl")
      ->check(CLI::IsMember({"text", "bibtex", "csl"}));
  show_cmd->add_option("--base-url", show_args.base_url, kBaseUrlHelp)->capture_default_str();

  ExportArgs export_args;
  export_args.base_url = public_url;
  auto* export_cmd =
      app.add_subcommand("export",
                         "Export a result set as CSV (RFC 4180, UTF-8 with a byte-order mark), "
                         "JSON or XLSX");
  export_cmd->add_option("--format", export_args.format, "csv, json or xlsx (xlsx needs -o FILE)")
      ->check(CLI::IsMember({"csv", "json", "xlsx"}))
      ->capture_default_str();
  export_cmd->add_option("-Q,--query", export_args.query, "Only recommendations matching this text");
  export_cmd->add_option("-o,--output", export_args.output, "Output file (default: stdout)");
  export_cmd->add_flag("--no-bom", export_args.no_bom,
                       "CSV: leave out the UTF-8 byte-order mark (which Excel needs to read the "
                       "file as UTF-8)");
  export_cmd->add_option("--base-url", export_args.base_url, kBaseUrlHelp)->capture_default_str();
  AddFilterOptions(export_cmd, export_args.filters);

  ResolutionsArgs resolutions_args;
  auto* resolutions_cmd = app.add_subcommand(
      "resolutions",
      "Search the resolutions of the Human Rights Council and the Commission (newest first)");
  resolutions_cmd->add_option("query", resolutions_args.selection.query,
                              "Words of the titles (the search query language)");
  AddResolutionOptions(resolutions_cmd, resolutions_args.selection);
  resolutions_cmd->add_flag("--roll-calls", resolutions_args.roll_calls,
                            "Only those adopted or rejected by a recorded vote with its roll call");
  resolutions_cmd->add_option("--page", resolutions_args.page, "Page")->check(CLI::Range(1, 1000000));
  resolutions_cmd->add_option("--per-page", resolutions_args.per_page, "Results per page")
      ->check(CLI::Range(1, 200))
      ->capture_default_str();

  ObservationsArgs obs_args;
  auto* obs_cmd = app.add_subcommand(
      "observations",
      "Search every mechanism's observations and recommendations (OHCHR's Universal Human "
      "Rights Index: treaty bodies, special procedures, UPR), newest first");
  obs_cmd->add_option("query", obs_args.query, "Words of the text (the search query language)");
  const char* obs_group = "Which records";
  obs_cmd->add_option("--state", obs_args.state, "State (ISO3 or name; repeatable)")
      ->group(obs_group);
  obs_cmd->add_option("--mechanism", obs_args.mechanism,
                      "upr, treaty-body or special-procedure (repeatable)")
      ->group(obs_group);
  obs_cmd->add_option("--body", obs_args.body, "Body, e.g. CRC (repeatable)")->group(obs_group);
  obs_cmd->add_option("--document", obs_args.document, "Document symbol (repeatable)")
      ->group(obs_group);
  obs_cmd->add_option("--year", obs_args.year, "Year of publication: 2015 or 2015-2020")
      ->group(obs_group);
  obs_cmd->add_option("--since", obs_args.since, "Published in this year or later")
      ->group(obs_group);
  obs_cmd->add_option("--until", obs_args.until, "Published in this year or earlier")
      ->group(obs_group);
  obs_cmd->add_option("--theme", obs_args.theme, "UHRI theme (repeatable)")->group(obs_group);
  obs_cmd->add_option("--sdg", obs_args.sdg, "SDG goal (16) or target (16.2) (repeatable)")
      ->group(obs_group);
  obs_cmd->add_option("--affected", obs_args.affected, "Affected persons (repeatable)")
      ->group(obs_group);
  obs_cmd->add_option("--type", obs_args.type, "Annotation type (repeatable)")->group(obs_group);
  obs_cmd->add_flag("--missing", obs_args.missing,
                    "Also the records the newest export no longer has")
      ->group(obs_group);
  obs_cmd->add_option("--facets", obs_args.facets,
                      "Facets to print below the results: mechanism, body, document, year, "
                      "theme, sdg, affected, state, type")
      ->delimiter(',');
  obs_cmd->add_option("--page", obs_args.page, "Page")->check(CLI::Range(1, 1000000));
  obs_cmd->add_option("--per-page", obs_args.per_page, "Results per page")
      ->check(CLI::Range(1, 200))
      ->capture_default_str();

  VotesArgs votes_args;
  auto* votes_cmd = app.add_subcommand(
      "votes", "The Council's roll-call votes: agreement, cohesion, the voting map (docs/analysis.md)");
  votes_cmd->require_subcommand(1);
  struct VotesSub {
    const char* name;
    const char* help;
  };
  const VotesSub subs[] = {
      {"agreement", "How often a state votes like each other state (STATE), or like one (STATE OTHER)"},
      {"matrix", "The state x state agreement matrix, as CSV (--json: counts)"},
      {"cohesion", "Hix-Noury-Roland cohesion of the regional groups and organisations (or --group)"},
      {"map", "Each state's position on a two-dimensional map of voting (principal components)"},
      {"record", "How a state voted on each roll call (STATE)"},
      {"groups", "The groups cohesion can be asked for, with their members"},
      {"discrepancies", "The roll calls whose listed votes differ from the official totals"}};
  std::vector<CLI::App*> votes_subs;
  for (const VotesSub& v : subs) {
    CLI::App* c = votes_cmd->add_subcommand(v.name, v.help);
    const std::string name = v.name;
    if (name == "agreement" || name == "record")
      c->add_option("states", votes_args.states, "State: ISO3 code or name")->required();
    if (name != "groups" && name != "discrepancies") AddResolutionOptions(c, votes_args.selection);
    if (name == "agreement") {
      c->add_option("--min-shared", votes_args.min_shared,
                    "Rank only states with at least this many roll calls both voted on")
          ->capture_default_str();
      c->add_option("--limit", votes_args.limit, "States listed (0: all)")->capture_default_str();
    }
    if (name == "cohesion") {
      c->add_option("--group", votes_args.group, "A group: weog, african, EU, OIC, ... (votes groups)");
      c->add_flag("--per-roll-call", votes_args.per_roll_call, "List the index of each roll call");
    }
    if (name == "map") {
      c->add_option("--reference", votes_args.reference,
                    "The state placed on the positive side of each axis (default USA)");
      c->add_option("--min-votes", votes_args.min_votes, "Leave out states with fewer votes")
          ->capture_default_str();
    }
    votes_subs.push_back(c);
  }

  PoliticizationArgs polit_args;
  auto* polit_cmd = app.add_subcommand(
      "politicization",
      "Is the review softer on friends? The UPR record joined with the Council's votes "
      "(docs/politicization.md)");
  polit_cmd->require_subcommand(1);
  std::vector<CLI::App*> polit_subs;
  for (const auto& [name, help] : std::vector<std::pair<const char*, const char*>>{
           {"severity", "Per recommending state and state under review: recommendations, mean "
                        "action category, share noted, vote agreement"},
           {"leniency", "Regression of severity on vote agreement, same group and shared "
                        "organisation, with both states' fixed effects"},
           {"double-standards", "Per recommending state: how much softer with allies than rivals"},
           {"reciprocity", "Whether severity from A to B goes with severity from B to A"}}) {
    CLI::App* c = polit_cmd->add_subcommand(name, help);
    c->add_option("-Q,--query", polit_args.query, "Only recommendations matching this text");
    AddFilterOptions(c, polit_args.filters);
    c->add_option("--outcome", polit_args.outcome,
                  "Severity: action (mean action category 1-5) or noted (share noted)")
        ->check(CLI::IsMember({"action", "noted"}))
        ->capture_default_str();
    c->add_option("--min-recs", polit_args.min_recs, "Dyads resting on fewer recommendations are left out")
        ->capture_default_str();
    c->add_option("--min-shared", polit_args.min_shared,
                  "Agreement only for pairs with at least this many roll calls both voted on")
        ->capture_default_str();
    if (std::string(name) == "severity" || std::string(name) == "double-standards")
      c->add_option("--limit", polit_args.limit, "Rows listed")->capture_default_str();
    if (std::string(name) == "severity")
      c->add_flag("--with-agreement", polit_args.with_agreement,
                  "Only the dyads whose pair voted together on --min-shared roll calls (those the "
                  "regression uses)");
    if (std::string(name) == "leniency")
      c->add_flag("--weighted", polit_args.weighted, "Weight each dyad by its recommendations");
    polit_subs.push_back(c);
  }

  SimilarArgs similar_args;
  auto* similar_cmd = app.add_subcommand(
      "similar",
      "The recommendations most similar to one (UID) or to a text (--text), by cosine of BM25 "
      "term vectors (docs/similar.md)");
  similar_cmd->add_option("uid", similar_args.uid, "A recommendation's uid (or row number)");
  similar_cmd->add_option("--text", similar_args.text, "A text to compare instead");
  similar_cmd->add_option("-Q,--query", similar_args.query, "Only candidates matching this text");
  AddFilterOptions(similar_cmd, similar_args.filters);
  similar_cmd->add_option("--limit", similar_args.limit, "Records listed (1-1000)")
      ->capture_default_str();
  similar_cmd->add_option("--min-score", similar_args.min_score, "Leave out records below (0-1)")
      ->capture_default_str();

  RepeatedArgs repeated_args;
  auto* repeated_cmd = app.add_subcommand(
      "repeated",
      "The same recommendation made again to the same state in the next cycle: chains, and how "
      "the response changed (docs/similar.md)");
  repeated_cmd->add_option("-Q,--query", repeated_args.query,
                           "Only repeats whose later recommendation matches this text");
  AddFilterOptions(repeated_cmd, repeated_args.filters);
  repeated_cmd->add_option("--min-score", repeated_args.min_score,
                           "Similarity threshold, 0.3-1 (default: the documented one, 0.45)");
  repeated_cmd->add_option("--limit", repeated_args.limit, "Chains listed")->capture_default_str();

  auto* info_cmd = app.add_subcommand("info", "The database: location, schema, counts, imports");

  ClassifyArgs classify_args;
  auto* classify_cmd = app.add_subcommand(
      "classify", "Themes, action category and SDG goals of texts (docs/classify.md)");
  classify_cmd->require_subcommand(1);
  auto* cl_eval = classify_cmd->add_subcommand(
      "evaluate", "Train on some sessions, test on later ones: the classifier beside fastText and "
                  "the first-word rule");
  cl_eval->add_option("--train-sessions", classify_args.train_sessions, "Sessions to train on")
      ->capture_default_str();
  cl_eval->add_option("--test-sessions", classify_args.test_sessions, "Sessions to test on")
      ->capture_default_str();
  cl_eval->add_flag("--no-baselines", classify_args.no_baselines,
                    "Measure only the classifier (not fastText and the first-word rule)");
  auto* cl_train = classify_cmd->add_subcommand(
      "train", "Train on every labelled recommendation and store the model in the database");
  for (CLI::App* c : {cl_eval, cl_train}) {
    c->add_option("--seed", classify_args.seed, "Seed (same seed, same data: same model)")
        ->capture_default_str();
    c->add_option("--solver", classify_args.solver, "svm (squared hinge) or logistic")
        ->check(CLI::IsMember({"svm", "logistic"}))
        ->capture_default_str();
    c->add_option("--theme-weighting", classify_args.theme_weighting,
                  "The theme models' features: nb (present features scaled by their log-count "
                  "ratio, NB-SVM) or plain (TF-IDF, as the action model)")
        ->check(CLI::IsMember({"nb", "plain"}))
        ->capture_default_str();
    c->add_option("--theme-c", classify_args.theme_c, "Regularisation C of the theme models")
        ->check(CLI::PositiveNumber);
    c->add_option("--action-c", classify_args.action_c, "Regularisation C of the action model")
        ->check(CLI::PositiveNumber);
    c->add_option("--theme-threshold", classify_args.theme_threshold,
                  "Decision value above which a theme is predicted");
    c->add_option("--sdg-targets", classify_args.sdg_targets,
                  "The SDG targets' texts (sdg/en/global_targets.yml of the data; default: "
                  "$OPENUPR_DATA_DIR/sdg/en/global_targets.yml when it exists), kept in the model "
                  "for its goal scores; without them goals come from the theme table only")
        ->check(CLI::ExistingFile);
  }
  auto* cl_label = classify_cmd->add_subcommand(
      "label", "Predict the labels of every row of a file (UPR Info export, CSV with a text "
               "column, or .txt with one recommendation a line); stores nothing");
  cl_label->add_option("file", classify_args.file, "The file")->required();
  cl_label->add_option("--format", classify_args.format, "csv or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  cl_label->add_option("-o,--output", classify_args.output, "Output file (default: stdout)");
  auto* cl_apply = classify_cmd->add_subcommand(
      "apply", "Store predicted labels for the records the source left unlabelled "
               "(table predicted_label)");
  auto* cl_text = classify_cmd->add_subcommand(
      "text", "The labels of one text and, with --sur, the estimated chance that that state "
              "supports it (the drafting assistant's answer)");
  cl_text->add_option("text", classify_args.text, "The text (e.g. a draft recommendation)")
      ->required();
  cl_text->add_option("--sur", classify_args.sur,
                      "State under review (ISO3 code or name): adds the support estimate");
  cl_text->add_option("--from", classify_args.from, "Recommending state (ISO3 code or name)");
  const std::vector<CLI::App*> classify_subs = {cl_eval, cl_train, cl_label, cl_apply, cl_text};

  ServeArgs serve_args;
  serve_args.web_files = openupr::server::EmbeddedWebFiles();
  auto* serve_cmd = app.add_subcommand(
      "serve", "Serve the JSON HTTP API (docs/api.md) until SIGINT or SIGTERM");
  serve_cmd->add_option("--host", serve_args.host, "Address to listen on")->capture_default_str();
  serve_cmd->add_option("--port", serve_args.port, "TCP port (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve_cmd
      ->add_option("--threads", serve_args.threads,
                   "Worker threads (1-256); each serves one connection at a time, for as long "
                   "as it is kept alive")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve_cmd
      ->add_option("--backend", serve_args.backend,
                   "Query backend: engine (in-memory index built at start, kept in step with "
                   "imports) or sql (SQLite FTS5, the reference)")
      ->check(CLI::IsMember({"engine", "sql"}))
      ->capture_default_str();
  serve_cmd->add_flag(
      "--no-snapshot{false}", serve_args.snapshot,
      "Build the engine's index from the database even when DB.engine (the snapshot written "
      "after the last build) matches it, and write no snapshot");
  serve_cmd->add_option("--access-log", serve_args.access_log,
                        "Append access log lines to FILE (default: stderr; none: no log)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  int code = kExitUsage;
  try {
    if (*import_cmd) code = RunImport(common, import_args);
    if (*stats_cmd) code = RunStats(common, stats_args);
    if (*search_cmd) code = RunSearch(common, search_args);
    if (*show_cmd)
      code = openupr::IsResolutionUid(show_args.id) ? RunShowResolution(common, show_args.id)
             : openupr::IsUhriUid(show_args.id)     ? RunShowObservation(common, show_args.id)
                                                    : RunShow(common, show_args);
    if (*resolutions_cmd) code = RunResolutions(common, resolutions_args);
    if (*obs_cmd) code = RunObservations(common, obs_args);
    for (CLI::App* c : polit_subs) {
      if (!*c) continue;
      polit_args.what = c->get_name();
      code = RunPoliticization(common, polit_args);
    }
    for (CLI::App* c : votes_subs) {
      if (!*c) continue;
      votes_args.what = c->get_name();
      code = RunVotes(common, votes_args);
    }
    if (*similar_cmd) code = RunSimilar(common, similar_args);
    if (*repeated_cmd) code = RunRepeated(common, repeated_args);
    for (CLI::App* c : classify_subs) {
      if (!*c) continue;
      classify_args.what = c->get_name();
      code = RunClassify(common, classify_args);
    }
    if (*export_cmd) code = RunExport(common, export_args);
    if (*info_cmd) code = RunInfo(common);
    if (*serve_cmd) code = RunServe(common, serve_args);
  } catch (const std::exception& e) {
    std::cerr << "openupr: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
  // Output that could not be written (stdout redirected to a full disk) is a failed command,
  // not a success: the last buffer goes out here, while its error can still be reported.
  errno = 0;
  std::cout.flush();
  const bool written = std::cout && std::fflush(stdout) == 0 && !std::ferror(stdout);
  if (!written && code == kExitOk) {
    std::cerr << "openupr: cannot write to standard output: "
              << openupr::cli::WriteErrorText(errno) << '\n';
    return openupr::cli::kExitIo;
  }
  return code;
}
