#include "ingest/source_format.h"

#include "ingest/hrc_votes.h"
#include "ingest/upr_info.h"

namespace openupr::ingest {
namespace {

bool StartsWithColumns(const CsvRecord& header, const char* const* columns) {
  size_t i = 0;
  for (; columns[i]; ++i) {
    if (i >= header.fields.size()) return false;
    std::string_view f = header.fields[i];
    if (i == 0 && f.starts_with("\xEF\xBB\xBF")) f.remove_prefix(3);  // byte-order mark
    if (f != columns[i]) return false;
  }
  return header.fields.size() == i;
}

bool IsResolutionsHeader(const CsvRecord& h) { return StartsWithColumns(h, kResolutionColumns); }
bool IsVotesHeader(const CsvRecord& h) { return StartsWithColumns(h, kVoteColumns); }

constexpr SourceFormat kFormats[] = {
    {kUprInfoFormat, RecordKind::kRecommendation,
     "UPR Info's export of recommendations and voluntary pledges",
     "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session",
     IsUprInfoHeader},
    {"hrc-resolutions", RecordKind::kResolution,
     "OHCHR's voting records: resolutions of the Council and the Commission (resolutions.csv)",
     "record_id,symbol,title,statement,date,year,body,collection,vote_type,...,record_url",
     IsResolutionsHeader},
    {"hrc-votes", RecordKind::kVote,
     "OHCHR's voting records: country votes of the roll calls (votes_long.csv)",
     "record_id,symbol,iso3,vote", IsVotesHeader},
    // Not a CSV file: known by its first bytes (ingest/uhri_import.h SniffUhriFile).
    {"uhri", RecordKind::kObservation,
     "OHCHR's Universal Human Rights Index export: a JSON array or an XLSX workbook",
     "AnnotationId, AnnotationType, Body, Countries, Symbol, PublicationDate, Text, ...",
     [](const CsvRecord&) { return false; }},
};

}  // namespace

std::span<const SourceFormat> SourceFormats() { return kFormats; }

const SourceFormat* FindSourceFormat(std::string_view name) {
  for (const SourceFormat& f : kFormats)
    if (f.name == name) return &f;
  return nullptr;
}

const SourceFormat* DetectSourceFormat(const CsvRecord& header) {
  for (const SourceFormat& f : kFormats)
    if (f.matches(header)) return &f;
  return nullptr;
}

std::string SourceFormatNames() {
  std::string out = "auto";
  for (size_t i = 0; i < std::size(kFormats); ++i)
    out += std::string(i + 1 == std::size(kFormats) ? " or " : ", ") + std::string(kFormats[i].name);
  return out;
}

}  // namespace openupr::ingest
