#include "ingest/vote_import.h"

#include "core/former_states.h"
#include "core/identity.h"
#include "core/states.h"
#include "store/votes.h"

namespace openupr::ingest {
namespace {

constexpr size_t kMaxErrorsPerFile = 100;

void Count(FileReport& fr, store::Upsert what) {
  switch (what) {
    case store::Upsert::kAdded: ++fr.added; break;
    case store::Upsert::kUpdated: ++fr.updated; break;
    case store::Upsert::kUnchanged: ++fr.already_present; break;
  }
}

}  // namespace

Result<bool> StoreVoteRecords(store::Store& store, std::span<VoteFile> files) {
  store::VoteRecordWriter writer(store);
  for (VoteFile& f : files) {
    for (Resolution& r : f.parsed->resolutions) {
      r.uid = ResolutionUid(r.record_id);
      r.session = CouncilSessionOfSymbol(r.symbol);
      auto done = writer.Resolution(r, f.source_file_id);
      if (!done.ok()) return done.status();
      Count(*f.report, done->second);
    }
    f.parsed->resolutions = {};
  }
  auto ids = store::ResolutionIdsByRecord(store);
  if (!ids.ok()) return ids.status();
  bool errors = false;
  for (VoteFile& f : files) {
    FileReport& fr = *f.report;
    size_t reported = 0;
    auto fail = [&](const CountryVote& v, const char* column, std::string message) {
      errors = true;
      if (++reported <= kMaxErrorsPerFile)
        fr.errors.push_back({ImportIssue::Severity::kError, fr.path, v.line, column,
                             std::move(message)});
    };
    for (const CountryVote& v : f.parsed->votes) {
      if (!FindStateByIso3(v.state) && !FindFormerState(v.state)) {
        fail(v, "iso3",
             "'" + v.state + "': expected the ISO3 code of a state (or of a former state: "
             "CSK, DDR, GER, SUN, YUG)");
        continue;
      }
      auto it = ids->find(v.record_id);
      if (it == ids->end()) {
        fail(v, "record_id",
             std::to_string(v.record_id) +
                 ": no resolution with this record number is stored or in this import "
                 "(import resolutions.csv with the votes, or before them)");
        continue;
      }
      if (errors) continue;  // nothing more is written: the import fails
      auto done = writer.Vote(it->second, v, f.source_file_id);
      if (!done.ok()) return done.status();
      Count(fr, *done);
    }
    if (reported > kMaxErrorsPerFile)
      fr.errors.push_back({ImportIssue::Severity::kError, fr.path, 0, "",
                           "... and " + std::to_string(reported - kMaxErrorsPerFile) +
                               " more errors"});
    f.parsed->votes = {};
  }
  if (errors) return true;
  OPENUPR_RETURN_IF_ERROR(store::RecountVotes(store));
  return false;
}

}  // namespace openupr::ingest
