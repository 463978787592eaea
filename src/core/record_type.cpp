#include "core/record_type.h"

#include "core/identity.h"

namespace openupr {
namespace {

constexpr RecordType kTypes[] = {
    {RecordKind::kRecommendation, "recommendation", "recommendations", "recommendation",
     "LKA-14-5e1c09ab3f2d", "upr-info", true,
     "A recommendation made to a state in its Universal Periodic Review, with the state's "
     "response.",
     IsRecommendationUid},
    {RecordKind::kPledge, "pledge", "pledges", "pledge", "LKA-14-vp-5e1c09ab3f2d", "upr-info",
     true, "A voluntary pledge or commitment a state made in its review.", IsPledgeUid},
    {RecordKind::kResolution, "resolution", "resolutions", "resolution", "ohchr-27576",
     "hrc-resolutions", true,
     "A resolution or decision of the Human Rights Council or the Commission on Human Rights, "
     "with its official vote totals.",
     IsResolutionUid},
    {RecordKind::kVote, "vote", "votes", "vote", "ohchr-27576/FRA", "hrc-votes", false,
     "How one state voted on one recorded resolution (roll call).", IsVoteUid},
    {RecordKind::kObservation, "observation", "observations", "uhri_record",
     "uhri-0d2c8f9e-5b1a-4c3e-9f00-1a2b3c4d5e6f", "uhri", true,
     "A recommendation or observation of a treaty body, a special procedure or the UPR, as "
     "OHCHR's Universal Human Rights Index records it (a UPR one is also a recommendation).",
     IsUhriUid},
};

}  // namespace

std::span<const RecordType> RecordTypes() { return kTypes; }

const RecordType& RecordTypeOf(RecordKind kind) { return kTypes[static_cast<size_t>(kind)]; }

const RecordType* FindRecordType(std::string_view name) {
  for (const RecordType& t : kTypes)
    if (t.name == name || t.plural == name) return &t;
  return nullptr;
}

const RecordType* RecordTypeOfUid(std::string_view text) {
  for (const RecordType& t : kTypes)
    if (t.is_uid(text)) return &t;
  return nullptr;
}

}  // namespace openupr
