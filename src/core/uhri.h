// OHCHR's Universal Human Rights Index (UHRI, uhri.ohchr.org): one record of its open export,
// as the importer reads it from the JSON or the XLSX export (ingest/uhri_json.h,
// ingest/uhri_xlsx.h) and before the store decides what it becomes (a UPR recommendation, matched
// to one of UPR Info's or not, or an observation of a treaty body or a special procedure:
// docs/data-model.md "UHRI"). Plain values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openupr {

// Which kind of UN human rights mechanism made an observation or recommendation.
enum class Mechanism : uint8_t {
  kUpr = 0,               // the Universal Periodic Review (Body "UPR")
  kTreatyBody = 1,        // CAT, CCPR, CED, CEDAW, CERD, CESCR, CMW, CRC, CRPD, SPT
  kSpecialProcedure = 2,  // a special rapporteur, independent expert or working group
};
inline constexpr int kMechanismCount = 3;

// "upr", "treaty-body", "special-procedure": API, CLI and the store.
std::string_view MechanismCode(Mechanism m);
std::optional<Mechanism> ParseMechanismCode(std::string_view code);
// The mechanism of a UHRI Body, written as UHRI writes it with or without its "- " prefix
// ("- CRC", "UPR", "Special Rapporteur on the right to food"): UPR, one of the ten treaty bodies
// (by acronym, case-insensitive), anything else a special procedure.
Mechanism MechanismOfBody(std::string_view body);

// The fields of a record of the export that OpenUPR reads, in the export's order (the columns of
// its XLSX form); any other field is ignored. One list for the readers (ingest/uhri_json.h,
// ingest/uhri_xlsx.h) and the synthetic export's writer (bench/uhri_synth.h).
enum class UhriField : uint8_t {
  kAnnotationId,
  kAnnotationType,
  kBody,
  kCountries,
  kDocumentId,
  kSymbol,
  kPublicationDate,
  kPublicationDateOnUhri,
  kRegions,
  kText,
  kThemes,
  kSdgs,
  kAffectedPersons,
  kUprCycle,
  kUprSession,
  kUprPositions,
  kUprRecommendingCountry,
  kUprRecommendingRegions,
};
inline constexpr size_t kUhriFieldCount = 18;

// The export's name of each field (JSON member and XLSX column header), by UhriField.
inline constexpr std::array<std::string_view, kUhriFieldCount> kUhriFieldNames = {
    "AnnotationId",
    "AnnotationType",
    "Body",
    "Countries",
    "DocumentId",
    "Symbol",
    "PublicationDate",
    "PublicationDateOnUhri",
    "Regions",
    "Text",
    "Themes",
    "Sdgs",
    "AffectedPersons",
    "UprCycle",
    "UprSession",
    "UprPositions",
    "UprRecommendingCountry",
    "UprRecommendingRegions",
};
static_assert(static_cast<size_t>(UhriField::kUprRecommendingRegions) + 1 == kUhriFieldCount);

// The fields a record cannot be stored without.
inline constexpr std::array<UhriField, 3> kUhriRequiredFields = {
    UhriField::kAnnotationId, UhriField::kBody, UhriField::kText};

constexpr size_t UhriFieldIndex(UhriField f) { return static_cast<size_t>(f); }
constexpr std::string_view UhriFieldName(UhriField f) { return kUhriFieldNames[UhriFieldIndex(f)]; }

// The field the export names `name`: exactly (JSON's names are case-sensitive), or ignoring
// ASCII case with ignore_case (XLSX headers). nullopt for a field OpenUPR does not read.
// *hint, if given, is where the search starts and is set past the field found: the records of
// an export list their fields in the same order, so the next name is usually the next field.
std::optional<UhriField> UhriFieldOfName(std::string_view name, bool ignore_case = false,
                                         size_t* hint = nullptr);

// One record of the export. The importer has already reduced the HTML of Text to text, removed
// UHRI's "- " prefix from AnnotationType, Body, Themes and AffectedPersons, trimmed every string,
// and dropped empty list entries; a null or missing list is an empty one.
struct UhriRecord {
  std::string annotation_id;    // AnnotationId: a UUID, lower-cased; stable across exports
  std::string annotation_type;  // "Recommendations", "Concerns/Observations", ...
  std::string body;             // "CRC", "UPR", "Special Rapporteur on the right to food", ...
  std::vector<std::string> countries;    // state names as the source writes them
  std::string document_id;               // DocumentId, as text (may be empty)
  std::string symbol;                    // "CRC/C/PER/CO/6-7", "A/HRC/43/15"
  std::string publication_date;          // "YYYY-MM-DD" (the date part of the source's value)
  std::string publication_date_on_uhri;  // likewise; may be empty
  std::vector<std::string> regions;
  std::string text;                 // plain text; paragraphs and list items separated by "\n\n"
  std::vector<std::string> themes;  // UHRI's own theme list
  std::vector<std::string> sdgs;    // "16.2 - Protect children from abuse, ..."
  std::vector<std::string> affected_persons;  // "Children", "Women", ...
  // UPR records only (0 / empty otherwise).
  int upr_cycle = 0;
  int upr_session = 0;                                  // Working Group session, 1..
  std::vector<std::string> upr_positions;               // "Supported", "Noted", ...
  std::vector<std::string> upr_recommending_countries;  // state names
  std::vector<std::string> upr_recommending_regions;
  // Where the record is in its file: the byte offset of its "{" in a JSON export, the 1-based
  // row of a sheet in an XLSX export. For errors and provenance.
  int64_t source_offset = 0;
  int64_t source_row = 0;
};

// The SDG target of one Sdgs entry ("16.2 - Protect ..." -> "16.2", "16 - Peace" -> "16");
// empty if the entry does not start with a goal 1..17.
std::string SdgTargetOf(std::string_view entry);

}  // namespace openupr
