// Synthetic OpenUPR databases of any size for benchmarks at scale, resampled from a real one.
//
// Each synthetic recommendation copies one real recommendation, drawn uniformly at random, with
// all its attributes taken together (state under review, session and cycle, recommending states,
// response, action, themes, organisations), so that the joint distributions the queries group by
// (sur x from x response, theme x region x cycle, ...) stay those of the real data. With
// probability `splice` its text is instead the head of the real text joined to the tail of another
// real recommendation of the same theme, cut at clause boundaries (", ", "; ", " and ", ...), so
// that texts are not all exact copies while the term distribution stays realistic.
//
// The Council's record is copied too, and can be multiplied: with vote_copies = N every resolution
// is copied once as it is, and every roll call (a resolution with country votes) N - 1 times more,
// each copy with its own record number (copy k of record R is k * 10^d + R, 10^d above every
// real record number; uid ohchr-<that>) and its votes perturbed: each yes, no or abstain becomes,
// with probability vote_noise, one of the other two (uniformly); non-voting and blank stay. The
// copies' counted votes are recounted as an import does (store::RecountVotes).
//
// The result is an ordinary OpenUPR database (same schema, opened by the CLI): one `import` row
// (tool "openupr-scale", the options as JSON), one `source_file` row naming the source database,
// and for each record `source_line` = the id of the real recommendation it was drawn from (for a
// resolution and its votes: the id of the real resolution). Deterministic: the same source,
// options and seed give the same database.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"

namespace openupr::bench {

struct ScaleOptions {
  std::string source_path;  // an OpenUPR database with at least one recommendation
  std::string output_path;  // must not exist unless overwrite
  int64_t records = 1'000'000;
  uint64_t seed = 1;
  double splice = 0.5;  // share of records whose text splices two real texts; 0..1
  int vote_copies = 1;  // the roll calls: 1 as they are, N: N times (see above); 0 none
  double vote_noise = 0.1;  // share of the copies' votes changed; 0..1
  bool overwrite = false;
  // Called with a phase ("reading", "writing", "indexing", "committing", "done") and the
  // records written so far; may be empty.
  std::function<void(const std::string& phase, int64_t done, int64_t total)> progress;
};

struct ScaleReport {
  int64_t source_records = 0;
  int64_t records = 0;
  int64_t spliced = 0;  // records whose text differs from the text of the record drawn
  int64_t resolutions = 0;    // resolutions written (copies included)
  int64_t votes = 0;          // country votes written
  int64_t votes_changed = 0;  // of them, perturbed in a copy
  double write_seconds = 0;
  double index_seconds = 0;  // FTS5 rebuild
  double seconds = 0;        // everything, including the final checkpoint
};

// Writes options.output_path. Errors: kInvalidArgument for bad options (records < 1, splice or
// vote_noise outside 0..1, vote_copies < 0, output = source, output exists without overwrite),
// kNotFound for a missing source, kBadInput for a source that is not an OpenUPR database or holds
// no recommendation, store errors otherwise. On failure the output file is removed. Not
// thread-safe.
Result<ScaleReport> GenerateScaledDatabase(const ScaleOptions& options);

}  // namespace openupr::bench
