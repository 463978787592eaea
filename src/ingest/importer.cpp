#include "ingest/importer.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <sstream>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "store/bulk_writer.h"

namespace openupr::ingest {
namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Status::Io(path + ": cannot open the file for reading");
  const std::streamoff size = in.tellg();
  if (size < 0) {  // not a regular file (a pipe): read it as a stream
    in.clear();
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return Status::Io(path + ": read error");
    return ss.str();
  }
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) return Status::Io(path + ": read error");
  return bytes;
}

std::string ContentHash(std::string_view bytes) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof(hash), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  char hex[crypto_generichash_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
  return std::string("blake2b:") + hex;
}

// What an import knows about one duplicate key. The first row's response and themes are kept
// as hashes: they only serve to say which fields a repeat differs in, and parsed files are
// released as soon as they are written.
struct KeyState {
  int64_t in_db = 0;     // stored by earlier imports
  int64_t matched = 0;   // rows of this import matched against in_db
  int64_t first_id = 0;  // first stored row with this key
  // The first row, when this import stored it (null: an earlier import did; not compared).
  const std::string* first_path = nullptr;
  int64_t first_line = 0;
  size_t first_response = 0;
  ActionCategory first_action;
  size_t first_themes = 0;
};

size_t HashThemes(const std::vector<std::string>& themes) {
  size_t h = themes.size();
  for (const std::string& t : themes) h = h * 1000003 ^ std::hash<std::string>{}(t);
  return h;
}

struct ParsedInput {
  double seconds = 0;  // time spent parsing
  FileReport report;
  ParsedFile parsed;
  std::vector<std::string> rec_keys;  // parallel to parsed.recommendations
  std::vector<std::string> pledge_keys;
};

// Keys are stored as a 128-bit BLAKE2b digest: the folded text would double the table's size.
std::string Digest(const std::string& key) {
  unsigned char hash[16];
  crypto_generichash(hash, sizeof(hash), reinterpret_cast<const unsigned char*>(key.data()),
                     key.size(), nullptr, 0);
  char hex[sizeof(hash) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
  return hex;
}
// Detects, decodes, reads and parses one file into in (report, parsed rows and their keys).
void ParseOneUntimed(ParsedInput& in, const std::string& bytes, const ImportOptions& options) {
  FileReport& fr = in.report;
  auto fail = [&fr](int64_t line, std::string message) {
    fr.errors.push_back({ImportIssue::Severity::kError, fr.path, line, "", std::move(message)});
  };
  fr.encoding_forced = options.encoding.has_value();
  fr.encoding = options.encoding.value_or(DetectEncoding(bytes));
  fr.line_ends_forced = options.line_ends.has_value();
  fr.line_ends = options.line_ends.value_or(DetectLineEnds(bytes));
  auto text = DecodeToUtf8(bytes, fr.encoding, fr.path);
  if (!text.ok()) return fail(0, text.status().message());
  CsvStream csv(*text, fr.line_ends, fr.path);
  CsvRecord header;
  auto has_header = csv.Next(header);
  if (!has_header.ok()) return fail(0, has_header.status().message());
  if (options.format == "auto" && (!*has_header || !IsUprInfoHeader(header))) {
    std::string names;
    if (*has_header)
      for (const auto& f : header.fields) names += (names.empty() ? "" : ",") + f;
    return fail(1, "unrecognised format: the header '" + names.substr(0, 200) +
                       "' is not that of a UPR Info export (To,To-Rgrp,To-Org,Text,From,"
                       "From-Rgrp,From-Org,Response,Action,Issue,Session)");
  }
  fr.format = kUprInfoFormat;
  Status csv_error;
  in.parsed = ParseUprInfo(
      *has_header ? &header : nullptr,
      [&](CsvRecord& rec) {
        auto more = csv.Next(rec);
        if (!more.ok()) csv_error = more.status();
        return more.ok() && *more;
      },
      fr.path, options.skip_unknown_states, text->size() / 200);
  if (!csv_error.ok()) {
    in.parsed = ParsedFile{};  // a file the CSV reader cannot read is reported for that alone
    return fail(0, csv_error.message());
  }
  fr.rows = in.parsed.rows;
  fr.recommendations = static_cast<int64_t>(in.parsed.recommendations.size());
  fr.pledges = static_cast<int64_t>(in.parsed.pledges.size());
  fr.skipped = in.parsed.skipped_unknown;
  fr.entities_decoded = in.parsed.entities_decoded;
  fr.errors = in.parsed.errors;
  fr.warnings = in.parsed.warnings;
  fr.unknown_states = in.parsed.unknown_states;
  if (!fr.errors.empty()) return;
  in.rec_keys.reserve(in.parsed.recommendations.size());
  for (const auto& r : in.parsed.recommendations) in.rec_keys.push_back(RecommendationKey(r));
  in.pledge_keys.reserve(in.parsed.pledges.size());
  for (const auto& p : in.parsed.pledges) in.pledge_keys.push_back(PledgeKey(p));
}

void ParseOne(ParsedInput& in, const std::string& bytes, const ImportOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  ParseOneUntimed(in, bytes, options);
  in.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

Status ValidateImportOptions(const ImportOptions& options) {
  if (options.format != "auto" && options.format != kUprInfoFormat)
    return Status::InvalidArgument("--format '" + options.format + "': expected auto or upr-info");
  return Status::Ok();
}

std::string RecommendationKey(const Recommendation& rec) {
  std::string key = rec.sur + "|";
  for (size_t i = 0; i < rec.from.size(); ++i) {
    if (i) key += ';';
    key += rec.from[i].iso3.empty() ? "?" + FoldText(rec.from[i].raw_name) : rec.from[i].iso3;
  }
  return Digest(key + "|" + std::to_string(rec.session) + "|" + TextKey(rec.text));
}

std::string PledgeKey(const Pledge& p) {
  return Digest(p.state + "|" + std::to_string(p.session) + "|" + TextKey(p.text));
}

ImportReport ImportFiles(store::Store& store, const std::vector<std::string>& paths,
                         const ImportOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  ImportReport report;
  auto finish = [&](Status st) {
    report.status = std::move(st);
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
  };
  if (sodium_init() < 0) return finish(Status::Internal("libsodium failed to initialise"));
  if (Status st = ValidateImportOptions(options); !st.ok()) return finish(st);

  // This thread reads and hashes the files in order and decides about each: a file whose bytes
  // were imported before is not parsed again. Parser threads (two at most: this thread writes
  // meanwhile) take the files in order as soon as they are decided, and the writer below stores
  // them in order as they come: the import takes about as long as the slowest of the three
  // instead of their sum. A fatal error in any file rolls the whole transaction back.
  const size_t n_files = paths.size();
  std::vector<std::string> contents(n_files);
  std::vector<ParsedInput> inputs(n_files);
  std::vector<char> to_parse(n_files, 0);  // written before decided[k] is set, read after
  std::vector<std::promise<void>> decided(n_files), parsed(n_files);
  std::vector<std::future<void>> decided_futures, parsed_futures;
  for (size_t k = 0; k < n_files; ++k) {
    decided_futures.push_back(decided[k].get_future());
    parsed_futures.push_back(parsed[k].get_future());
  }
  size_t n_decided = 0;
  auto decide = [&](bool parse_it) {
    to_parse[n_decided] = parse_it;
    decided[n_decided++].set_value();
  };
  std::atomic<size_t> next_file{0};
  auto parse_files = [&] {
    for (size_t k = next_file++; k < n_files; k = next_file++) {
      decided_futures[k].wait();
      if (to_parse[k]) {
        ParseOne(inputs[k], contents[k], options);
        std::string().swap(contents[k]);  // hashed and parsed: no longer needed
      }
      parsed[k].set_value();
    }
  };
  std::vector<std::jthread> parsers;
  // Destroyed before the parsers (which join): on any return, the files not reached are decided
  // "not parsed", so that no parser waits for them.
  struct DecideTheRest {
    std::function<void()> run;
    ~DecideTheRest() { run(); }
  } decide_the_rest{[&] {
    while (n_decided < n_files) decide(false);
  }};
  const size_t n_parsers = std::min<size_t>(n_files, std::thread::hardware_concurrency() > 1 ? 2 : 1);
  for (size_t i = 0; i < n_parsers; ++i) parsers.emplace_back(parse_files);

  // For the progress bar only (a pipe counts as empty): half for parsing, half for writing.
  uint64_t total = 0;
  for (const std::string& path : paths) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec) total += size;
  }
  auto progress = [&](uint64_t d) {
    if (options.progress) options.progress(std::min(d, total * 2), total * 2);
  };

  std::unordered_map<std::string, std::string> hash_in_command;
  size_t n_to_parse = 0;
  for (size_t k = 0; k < n_files; ++k) {
    FileReport& fr = inputs[k].report;
    fr.path = paths[k];
    auto bytes = ReadFile(paths[k]);
    if (!bytes.ok()) return finish(bytes.status());
    contents[k] = std::move(bytes).value();
    fr.bytes = contents[k].size();
    report.bytes += fr.bytes;
    fr.content_hash = ContentHash(contents[k]);
    auto prev = store.FindSourceFileByHash(fr.content_hash);
    if (!prev.ok()) return finish(prev.status());
    if (*prev) {
      fr.previous = **prev;
    } else if (auto it = hash_in_command.find(fr.content_hash); it != hash_in_command.end()) {
      fr.previous = store::SourceFileRecord{};
      fr.previous->path = it->second;
    } else {
      hash_in_command.emplace(fr.content_hash, fr.path);
    }
    if (fr.previous) std::string().swap(contents[k]);
    n_to_parse += !fr.previous;
    decide(!fr.previous);
  }
  if (n_to_parse == 0) {
    for (auto& in : inputs) report.files.push_back(in.report);
    return finish(Status::Ok());
  }

  // Alone with the file (the usual case for a command), the data is written once into the
  // database file rather than into the WAL and again at the close (docs/benchmarks.md).
  store::RollbackJournalScope journal(store.db());
  auto tx = store::Transaction::Begin(store.db(), store::Transaction::ForeignKeys::kCheckedByCaller);
  if (!tx.ok()) return finish(tx.status());  // (the parsers are joined on return)
  nlohmann::json opts = {
      {"format", options.format},
      {"encoding", options.encoding ? std::string(EncodingName(*options.encoding)) : "auto"},
      {"line_ends", options.line_ends ? std::string(LineEndsName(*options.line_ends)) : "auto"},
      {"skip_unknown_states", options.skip_unknown_states},
      {"files", paths}};
  auto import_id = store.InsertImport("openupr import", opts.dump());
  auto rec_counts = store.RecommendationKeyCounts();
  auto pledge_counts = store.PledgeKeyCounts();
  if (!import_id.ok() || !rec_counts.ok() || !pledge_counts.ok()) {
    return finish(!import_id.ok() ? import_id.status()
                  : !rec_counts.ok() ? rec_counts.status() : pledge_counts.status());
  }
  // Keys are looked up as views of strings that outlive the maps: the stored keys in the count
  // maps, this import's keys in its parsed inputs.
  std::unordered_map<std::string_view, KeyState> rec_keys, pledge_keys;
  rec_keys.reserve(rec_counts->size() + total / 200);  // a row takes 200+ bytes
  // Keys already stored count as present; their first row is what later copies repeat.
  auto seed = [](std::unordered_map<std::string_view, KeyState>& keys, const auto& counts) {
    for (const auto& [k, info] : counts) {
      KeyState& ks = keys[k];
      ks.in_db = info.count;
      ks.first_id = info.first_id;
    }
  };
  seed(rec_keys, *rec_counts);
  seed(pledge_keys, *pledge_counts);

  std::unique_ptr<store::RecommendationWriter> writer;
  uint64_t done = 0;
  bool fatal = false;
  Status write_error;
  for (size_t k = 0; k < n_files; ++k) {
    parsed_futures[k].wait();
    if (!to_parse[k]) continue;
    ParsedInput& in = inputs[k];
    report.parse_seconds += in.seconds;
    done += in.report.bytes;
    progress(done);
    fatal |= !in.report.errors.empty();
    if (fatal || !write_error.ok()) continue;  // keep waiting: every file's errors are reported
    FileReport& fr = in.report;
    if (!writer) {
      // The first file's rows stand for the command's size: a large first file means a bulk
      // load, where rebuilding the indexes afterwards is cheaper.
      auto w = store::RecommendationWriter::Begin(
          store, static_cast<int64_t>(in.parsed.recommendations.size() * n_to_parse));
      if (!w.ok()) {
        write_error = w.status();
        continue;
      }
      writer = std::move(w).value();
    }
    store::SourceFileRecord sf;
    sf.import_id = *import_id;
    sf.path = fr.path;
    sf.content_hash = fr.content_hash;
    sf.bytes = static_cast<int64_t>(fr.bytes);
    sf.format = fr.format;
    sf.encoding = std::string(EncodingName(fr.encoding));
    sf.line_ends = std::string(LineEndsName(fr.line_ends));
    sf.rows = fr.rows;
    auto sf_id = store.InsertSourceFile(sf);
    if (!sf_id.ok()) {
      write_error = sf_id.status();
      continue;
    }

    // Returns the id to mark as repeated, 0 if new, -1 if already present.
    auto classify = [&](KeyState& ks, int64_t line, const std::string& response,
                        ActionCategory action, const std::vector<std::string>& themes,
                        bool pledge) -> int64_t {
      if (ks.matched < ks.in_db) {
        ++ks.matched;
        ++fr.already_present;
        return -1;
      }
      if (ks.first_id == 0) return 0;
      const bool earlier = ks.first_path == nullptr;
      std::vector<std::string> differs;
      if (!earlier) {
        if (std::hash<std::string>{}(response) != ks.first_response)
          differs.emplace_back("response");
        if (action != ks.first_action) differs.emplace_back("action");
        if (HashThemes(themes) != ks.first_themes) differs.emplace_back("themes");
      }
      const std::string location =
          earlier ? "#" + std::to_string(ks.first_id) + " (an earlier import)"
                  : *ks.first_path + ":" + std::to_string(ks.first_line);
      fr.repeats.push_back({fr.path, line, ks.first_id, location, differs, pledge, earlier});
      return ks.first_id;
    };
    const size_t n_rec = in.parsed.recommendations.size();
    for (size_t i = 0; i < n_rec && write_error.ok(); ++i) {
      Recommendation& rec = in.parsed.recommendations[i];
      KeyState& ks = rec_keys[in.rec_keys[i]];
      const int64_t c =
          classify(ks, rec.provenance.line, rec.response_raw, rec.action, rec.themes, false);
      if (c < 0) continue;
      if (c > 0) rec.duplicate_of = c;
      auto id = writer->Add(rec, in.rec_keys[i], *sf_id);
      if (!id.ok()) {
        write_error = id.status();
        break;
      }
      ++fr.added;
      if (ks.first_id == 0) {
        ks.first_id = *id;
        ks.first_path = &fr.path;
        ks.first_line = rec.provenance.line;
        ks.first_response = std::hash<std::string>{}(rec.response_raw);
        ks.first_action = rec.action;
        ks.first_themes = HashThemes(rec.themes);
      }
    }
    for (size_t i = 0; i < in.parsed.pledges.size() && write_error.ok(); ++i) {
      Pledge& p = in.parsed.pledges[i];
      KeyState& ks = pledge_keys[in.pledge_keys[i]];
      const int64_t c = classify(ks, p.provenance.line, "", p.action, p.themes, true);
      if (c < 0) continue;
      if (c > 0) p.duplicate_of = c;
      auto id = writer->AddPledge(p, in.pledge_keys[i], in.parsed.pledge_orgs[i], *sf_id);
      if (!id.ok()) {
        write_error = id.status();
        break;
      }
      ++fr.added;
      if (ks.first_id == 0) {
        ks.first_id = *id;
        ks.first_path = &fr.path;
        ks.first_line = p.provenance.line;
        ks.first_response = std::hash<std::string>{}(std::string());
        ks.first_action = p.action;
        ks.first_themes = HashThemes(p.themes);
      }
    }
    if (!write_error.ok()) continue;
    // Written: release the file's rows (its keys stay, the key map refers to them).
    if (Status st = writer->Flush(); !st.ok()) {
      write_error = st;
      continue;
    }
    in.parsed.recommendations = {};
    in.parsed.pledges = {};
    in.parsed.pledge_orgs = {};
    auto upd = store.db().Prepare(
        "UPDATE source_file SET added = ?, repeats = ?, already_present = ?, skipped = ? "
        "WHERE id = ?");
    if (!upd.ok()) {
      write_error = upd.status();
      continue;
    }
    upd->Bind(1, fr.added).Bind(2, static_cast<int64_t>(fr.repeats.size()));
    upd->Bind(3, fr.already_present).Bind(4, fr.skipped).Bind(5, *sf_id);
    if (Status st = upd->Run(); !st.ok()) write_error = st;
    done += fr.bytes;
    progress(done);
  }
  for (auto& t : parsers) t.join();  // (every file is decided)
  for (auto& in : inputs) report.files.push_back(in.report);
  if (fatal) {
    size_t n = 0;
    for (const auto& f : report.files) n += f.errors.size();
    for (auto& f : report.files) {  // nothing of this command is kept
      f.added = f.already_present = 0;
      f.repeats.clear();
    }
    return finish(Status::BadInput(std::to_string(n) +
                                   " error(s) in the input; nothing was imported"));
  }
  if (!write_error.ok()) return finish(write_error);
  if (writer)
    if (Status st = writer->Finish(); !st.ok()) return finish(st);
  if (Status st = (*tx)->Commit(); !st.ok()) return finish(st);
  for (const auto& f : report.files) {
    report.added += f.added;
    report.already_present += f.already_present;
    report.repeats += static_cast<int64_t>(f.repeats.size());
  }
  report.import_id = *import_id;
  progress(total * 2);
  return finish(Status::Ok());
}

}  // namespace openupr::ingest
