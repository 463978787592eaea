#include "ingest/importer.h"

#include <sodium.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace openupr::ingest {
namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io(path + ": cannot open the file for reading");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Io(path + ": read error");
  return ss.str();
}

std::string ContentHash(std::string_view bytes) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof(hash), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  char hex[crypto_generichash_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
  return std::string("blake2b:") + hex;
}

struct KeyState {
  int64_t in_db = 0;     // stored by earlier imports
  int64_t matched = 0;   // rows of this import matched against in_db
  int64_t first_id = 0;  // first stored row with this key
  std::string first_location;
  std::string first_response;
  ActionCategory first_action;
  std::vector<std::string> first_themes;
  bool earlier = false;  // the first row was stored by an earlier import (fields not compared)
};

struct ParsedInput {
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
void ParseOne(ParsedInput& in, const std::string& bytes, const ImportOptions& options) {
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
  auto records = ReadCsv(*text, fr.line_ends, fr.path);
  if (!records.ok()) return fail(0, records.status().message());
  if (options.format == "auto" && (records->empty() || !IsUprInfoHeader(records->front()))) {
    std::string header;
    if (!records->empty())
      for (const auto& f : records->front().fields) header += (header.empty() ? "" : ",") + f;
    return fail(1, "unrecognised format: the header '" + header.substr(0, 200) +
                       "' is not that of a UPR Info export (To,To-Rgrp,To-Org,Text,From,"
                       "From-Rgrp,From-Org,Response,Action,Issue,Session)");
  }
  fr.format = kUprInfoFormat;
  in.parsed = ParseUprInfo(*records, fr.path, options.skip_unknown_states);
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

  // Phase 1: read and parse every file; nothing is written.
  std::vector<std::string> contents;
  uint64_t total = 0;
  for (const std::string& path : paths) {
    auto bytes = ReadFile(path);
    if (!bytes.ok()) return finish(bytes.status());
    total += bytes->size();
    contents.push_back(std::move(bytes).value());
  }
  report.bytes = total;
  auto progress = [&](uint64_t d) {
    if (options.progress) options.progress(d, total * 2);
  };

  std::vector<ParsedInput> inputs(paths.size());
  std::unordered_map<std::string, std::string> hash_in_command;
  std::vector<size_t> to_parse;
  for (size_t i = 0; i < paths.size(); ++i) {
    FileReport& fr = inputs[i].report;
    fr.path = paths[i];
    fr.bytes = contents[i].size();
    fr.content_hash = ContentHash(contents[i]);
    auto prev = store.FindSourceFileByHash(fr.content_hash);
    if (!prev.ok()) return finish(prev.status());
    if (*prev) {
      fr.previous = **prev;
      continue;
    }
    if (auto it = hash_in_command.find(fr.content_hash); it != hash_in_command.end()) {
      fr.previous = store::SourceFileRecord{};
      fr.previous->path = it->second;
      continue;
    }
    hash_in_command.emplace(fr.content_hash, fr.path);
    to_parse.push_back(i);
  }
  // (Parsing the files on two threads was measured: no faster, the allocator contends.)
  uint64_t done = 0;
  for (size_t i : to_parse) {
    ParseOne(inputs[i], contents[i], options);
    done += contents[i].size();
    progress(done);
  }
  bool fatal = false;
  for (const auto& in : inputs) fatal |= !in.report.errors.empty();
  report.parse_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (auto& in : inputs) report.files.push_back(in.report);
  if (fatal) {
    size_t n = 0;
    for (const auto& f : report.files) n += f.errors.size();
    return finish(Status::BadInput(std::to_string(n) +
                                   " error(s) in the input; nothing was imported"));
  }
  bool any_new = false;
  for (const auto& in : inputs) any_new |= !in.report.previous.has_value();
  if (!any_new) return finish(Status::Ok());

  // Phase 2: one transaction for the whole command.
  auto tx = store::Transaction::Begin(store.db());
  if (!tx.ok()) return finish(tx.status());
  nlohmann::json opts = {
      {"format", options.format},
      {"encoding", options.encoding ? std::string(EncodingName(*options.encoding)) : "auto"},
      {"line_ends", options.line_ends ? std::string(LineEndsName(*options.line_ends)) : "auto"},
      {"skip_unknown_states", options.skip_unknown_states},
      {"files", paths}};
  auto import_id = store.InsertImport("openupr import", opts.dump());
  if (!import_id.ok()) return finish(import_id.status());

  auto rec_counts = store.RecommendationKeyCounts();
  if (!rec_counts.ok()) return finish(rec_counts.status());
  auto pledge_counts = store.PledgeKeyCounts();
  if (!pledge_counts.ok()) return finish(pledge_counts.status());
  std::unordered_map<std::string, KeyState> rec_keys, pledge_keys;
  // Keys already stored count as present; their first row is what later copies repeat.
  auto seed = [](std::unordered_map<std::string, KeyState>& keys, const auto& counts) {
    for (const auto& [k, info] : counts) {
      KeyState& ks = keys[k];
      ks.in_db = info.count;
      ks.first_id = info.first_id;
      ks.first_location = "#" + std::to_string(info.first_id) + " (an earlier import)";
      ks.earlier = true;
    }
  };
  seed(rec_keys, *rec_counts);
  seed(pledge_keys, *pledge_counts);

  for (size_t fi = 0; fi < inputs.size(); ++fi) {
    ParsedInput& in = inputs[fi];
    FileReport& fr = report.files[fi];
    if (fr.previous) continue;
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
    if (!sf_id.ok()) return finish(sf_id.status());

    // Returns the id to mark as repeated, 0 if new, -1 if already present.
    auto classify = [&](std::unordered_map<std::string, KeyState>& keys, const std::string& key,
                        int64_t line, const std::string& response, ActionCategory action,
                        const std::vector<std::string>& themes, bool pledge) -> int64_t {
      KeyState& ks = keys[key];
      if (ks.matched < ks.in_db) {
        ++ks.matched;
        ++fr.already_present;
        return -1;
      }
      if (ks.first_id == 0) return 0;
      std::vector<std::string> differs;
      if (!ks.earlier) {
        if (response != ks.first_response) differs.emplace_back("response");
        if (action != ks.first_action) differs.emplace_back("action");
        if (themes != ks.first_themes) differs.emplace_back("themes");
      }
      fr.repeats.push_back(
          {fr.path, line, ks.first_id, ks.first_location, differs, pledge, ks.earlier});
      return ks.first_id;
    };
    const size_t n_rec = in.parsed.recommendations.size();
    for (size_t i = 0; i < n_rec; ++i) {
      Recommendation& rec = in.parsed.recommendations[i];
      const std::string& key = in.rec_keys[i];
      const int64_t c = classify(rec_keys, key, rec.provenance.line, rec.response_raw, rec.action,
                                 rec.themes, false);
      if (c < 0) continue;
      if (c > 0) rec.duplicate_of = c;
      auto id = store.InsertRecommendation(rec, key, *sf_id);
      if (!id.ok()) return finish(id.status());
      ++fr.added;
      KeyState& ks = rec_keys[key];
      if (ks.first_id == 0) {
        ks.first_id = *id;
        ks.first_location = fr.path + ":" + std::to_string(rec.provenance.line);
        ks.first_response = rec.response_raw;
        ks.first_action = rec.action;
        ks.first_themes = rec.themes;
      }
    }
    for (size_t i = 0; i < in.parsed.pledges.size(); ++i) {
      Pledge& p = in.parsed.pledges[i];
      const std::string& key = in.pledge_keys[i];
      const int64_t c = classify(pledge_keys, key, p.provenance.line, "", p.action, p.themes, true);
      if (c < 0) continue;
      if (c > 0) p.duplicate_of = c;
      auto id = store.InsertPledge(p, key, in.parsed.pledge_orgs[i], *sf_id);
      if (!id.ok()) return finish(id.status());
      ++fr.added;
      KeyState& ks = pledge_keys[key];
      if (ks.first_id == 0) {
        ks.first_id = *id;
        ks.first_location = fr.path + ":" + std::to_string(p.provenance.line);
        ks.first_action = p.action;
        ks.first_themes = p.themes;
      }
    }
    auto upd = store.db().Prepare(
        "UPDATE source_file SET added = ?, repeats = ?, already_present = ?, skipped = ? "
        "WHERE id = ?");
    if (!upd.ok()) return finish(upd.status());
    upd->Bind(1, fr.added).Bind(2, static_cast<int64_t>(fr.repeats.size()));
    upd->Bind(3, fr.already_present).Bind(4, fr.skipped).Bind(5, *sf_id);
    if (Status st = upd->Run(); !st.ok()) return finish(st);
    report.added += fr.added;
    report.already_present += fr.already_present;
    report.repeats += static_cast<int64_t>(fr.repeats.size());
    progress(total + (fi + 1) * total / inputs.size());
  }
  if (Status st = (*tx)->Commit(); !st.ok()) return finish(st);
  report.import_id = *import_id;
  progress(total * 2);
  return finish(Status::Ok());
}

}  // namespace openupr::ingest
