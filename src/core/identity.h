// Stable identities of records: what a citation, a link or another installation uses to name
// one record of the UN human rights record, whatever order the sources were imported in.
//
// Every record type has a uid built from the record itself, never from the order of import:
//
//   recommendation    LKA-14-5e1c09ab3f2d      state under review, session, key hash
//   voluntary pledge  LKA-14-vp-5e1c09ab3f2d   pledging state, session, key hash
//   resolution        ohchr-27576              the OHCHR Search Library's record number
//   vote              ohchr-27576/FRA          its resolution's uid, the voting state
//   UHRI record       uhri-0d2c8f9e-...        the index's AnnotationId (a UUID)
//
// The hash part is the first 12 hex digits of the record's duplicate key (core/dup_key.h, as
// defined since schema version 5): the state under review, the recommending states, the
// session and the text reduced to folded words. A record that repeats another one's key in the
// record (the source lists the same recommendation twice) gets "-2", "-3", ... after the hash,
// in the order the rows are stored. A uid is computed once, when the record is stored, and
// kept unchanged by later imports and schema migrations (which never recompute it).
//
// A resolution is named by the record number the OHCHR Search Library gives it
// (searchlibrary.ohchr.org/record/27576), not by its UN symbol: the catalogue has symbols that
// name several records (E/CN.4/RES(II) for 30 of the Commission's early decisions).
//
// The record types to come name themselves the same way, from their source's own keys: a
// treaty status by treaty and state, a follow-up action by its recommendation's uid and its
// date (docs/data-model.md "Identities"). core/record_type.h lists the kinds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/model.h"

namespace openupr {

// How many hex digits of the duplicate key a uid keeps. 48 bits: among the few hundred
// recommendations of one review (the uid also holds state and session), two different texts
// share a prefix with a probability of about 1e-10; the store's unique index refuses such an
// import rather than giving one uid to two records.
inline constexpr size_t kUidHashDigits = 12;

// "LKA-14-5e1c09ab3f2d" (occurrence 1) or "LKA-14-5e1c09ab3f2d-2" (occurrence 2, ...), from the
// state under review, the session and the duplicate key (32 hex digits).
std::string RecommendationUid(std::string_view sur, int session, std::string_view dup_key,
                              int64_t occurrence = 1);
// "LKA-14-vp-5e1c09ab3f2d", likewise for a voluntary pledge.
std::string PledgeUid(std::string_view state, int session, std::string_view dup_key,
                      int64_t occurrence = 1);

// True if text has the form of a recommendation uid (it may still name no stored record).
bool IsRecommendationUid(std::string_view text);
// True if text has the form of a pledge uid.
bool IsPledgeUid(std::string_view text);

// "ohchr-27576": a resolution, by the OHCHR Search Library's record number (> 0).
std::string ResolutionUid(int64_t record_id);
bool IsResolutionUid(std::string_view text);
// The record number of a resolution uid; 0 if text is not one.
int64_t ResolutionRecordId(std::string_view text);
// "ohchr-27576/FRA": one state's vote on a resolution.
std::string VoteUid(int64_t record_id, std::string_view state);
bool IsVoteUid(std::string_view text);

// "uhri-0d2c8f9e-...": a record of OHCHR's Universal Human Rights Index, by its AnnotationId
// (a UUID, lower-case, stable across the index's exports).
std::string UhriUid(std::string_view annotation_id);
// True for a UUID in its canonical form: 8-4-4-4-12 lower-case hex digits.
bool IsUhriUuid(std::string_view id);
bool IsUhriUid(std::string_view text);

}  // namespace openupr
