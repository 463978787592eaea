// A synthetic export of OHCHR's Universal Human Rights Index (UHRI) for the benchmarks and tests
// of its import (issue 17): a JSON array, and optionally the same records as an XLSX workbook, in
// the shape of the real export (the fields of core/uhri.h as UHRI names them, "- " prefixes, HTML
// text, null and empty lists, numbers or strings for the cycle, session and document id).
//
// The texts are resampled from the real UPR record (UPR Info's sessions 1-17, the shared data):
//  - ~20% UPR records: one recommendation each, session 1..54 (cycle by session), position
//    Supported or Noted, 1-3 recommending states. For sessions 1-17 the recommendation is a real
//    one of that session, with its state under review, recommending state and response, so that
//    matching UHRI to UPR Info can be measured; for later sessions text and states are drawn.
//  - ~55% treaty bodies (the ten acronyms, symbols like "CRC/C/PER/CO/5"), ~25% special
//    procedures (a dozen real mandates): 3-9 real recommendation texts (5.75 on average) as <p>
//    paragraphs, now and then some of them as a <ul> list, with HTML entities, so that 250,000
//    records make ~360 MB of JSON, the size of UHRI's export.
// Countries are 1 (rarely 2-3) state names of core/states.h; Themes 1-4 of a fixed list of ~40
// names; Sdgs 0-3 real SDG targets, their text cut to a short title ("16.2 - text"),
// AffectedPersons 0-3; dates 2008-2026.
//
// Deterministic: record i of a seed is the same in every run (its AnnotationId too). Version 2 is
// the "newer export" of version 1 with the same seed: a share of the records with another Text
// and other Themes, 1% removed, 2% new ones (spread through the file).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/states.h"
#include "core/status.h"

namespace openupr::bench {

// One real UPR recommendation to resample.
struct UhriSynthText {
  std::string text;                 // UTF-8
  const StateInfo* sur = nullptr;   // the state under review
  const StateInfo* from = nullptr;  // the recommending state; null when unknown
  int session = 0;
  bool supported = false;
};

struct UhriSynthSource {
  std::vector<UhriSynthText> texts;
  std::vector<std::string> sdgs;  // "16.2 - text" for each SDG target
};

// Reads the four UPR Info session files (data_dir/upr-info/sessions-*.csv) and the SDG targets
// (data_dir/sdg/en/global_targets.yml). Errors: kIo, kBadInput naming the file.
Result<UhriSynthSource> LoadUhriSynthSource(const std::string& data_dir);

struct UhriSynthOptions {
  int64_t records = 250'000;  // version 1's; version 2 writes these minus 1% plus 2%
  std::string json_path;      // required
  std::string xlsx_path;      // optional: the same records as a workbook
  uint64_t seed = 1;
  int version = 1;       // 1 or 2
  double changed = 0.1;  // version 2: share of the records whose Text and Themes change
  // Called with the records written so far and the total; may be empty.
  std::function<void(int64_t done, int64_t total)> progress;
};

struct UhriSynthReport {
  int64_t records = 0;  // written
  int64_t upr = 0;
  int64_t treaty_body = 0;
  int64_t special_procedure = 0;
  int64_t changed = 0;  // version 2: of version 1's records
  int64_t removed = 0;
  int64_t added = 0;
  uint64_t json_bytes = 0;
  uint64_t xlsx_bytes = 0;
  double seconds = 0;
};

// Writes the export(s). kInvalidArgument for bad options (records < 1, no json_path, version not
// 1 or 2, changed outside 0..1, source without texts); kIo when a file cannot be written. Not
// thread-safe (writes files).
Result<UhriSynthReport> WriteUhriSynth(const UhriSynthOptions& options,
                                       const UhriSynthSource& source);

}  // namespace openupr::bench
