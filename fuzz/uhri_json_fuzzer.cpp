// Fuzz target: the UHRI JSON export reader (ingest/uhri_json.h) and the HTML-to-text reduction of
// its Text (ingest/html_text.h), on arbitrary bytes. Whatever the bytes: no crash, leak, hang or
// undefined behaviour; a refusal is kBadInput naming the input and a byte offset inside it; the
// result (records or error) is the same whatever the read size, as the chunked reading promises;
// and what is read keeps the reader's promises (lower-case UUIDs, non-empty bodies, ISO dates,
// UTF-8, text without stray whitespace).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "ingest/html_text.h"
#include "ingest/uhri_json.h"

namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "uhri_json_fuzzer: %s\n", what);
  std::abort();
}

// HtmlToText's promises: no leading/trailing whitespace, single spaces, paragraphs separated by
// exactly one blank line, UTF-8 in -> UTF-8 out.
void CheckText(std::string_view html, const std::string& text) {
  if (text.empty()) return;
  Check(text.front() != ' ' && text.front() != '\n', "text starts with whitespace");
  Check(text.back() != ' ' && text.back() != '\n', "text ends with whitespace");
  Check(text.find("  ") == std::string::npos, "two spaces in a row");
  Check(text.find("\n\n\n") == std::string::npos, "three newlines in a row");
  Check(text.find(" \n") == std::string::npos && text.find("\n ") == std::string::npos,
        "a space next to a paragraph break");
  for (size_t i = 0; (i = text.find('\n', i)) != std::string::npos; i += 2) {
    Check(i + 1 < text.size() && text[i + 1] == '\n', "a single newline");
  }
  Check(text.find('\t') == std::string::npos && text.find('\r') == std::string::npos,
        "a tab or CR in the text");
  if (openupr::IsValidUtf8(html)) {
    Check(openupr::IsValidUtf8(text), "UTF-8 in, not UTF-8 out");
    Check(text.find("\xC2\xA0") == std::string::npos, "a no-break space in the text");
  }
}

bool IsIsoDay(const std::string& s) {
  if (s.empty()) return true;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

struct Outcome {
  openupr::Status status;
  std::vector<openupr::UhriRecord> records;
};

Outcome Read(std::string_view bytes, size_t chunk) {
  openupr::ingest::UhriJsonLimits limits;
  limits.max_record_bytes = 64 * 1024;
  limits.chunk_bytes = chunk;
  Outcome out;
  openupr::ingest::UhriJsonStats stats;
  out.status = openupr::ingest::ReadUhriJson(
      bytes, "fuzz.json",
      [&](std::vector<openupr::UhriRecord>&& batch) {
        Check(!batch.empty() && batch.size() <= 1024, "a batch's size");
        for (auto& r : batch) out.records.push_back(std::move(r));
        return true;
      },
      &stats, limits);
  Check(stats.records == static_cast<int64_t>(out.records.size()), "stats.records");
  Check(stats.bytes <= bytes.size(), "stats.bytes past the input");
  return out;
}

bool Same(const openupr::UhriRecord& a, const openupr::UhriRecord& b) {
  return a.annotation_id == b.annotation_id && a.annotation_type == b.annotation_type &&
         a.body == b.body && a.countries == b.countries && a.document_id == b.document_id &&
         a.symbol == b.symbol && a.publication_date == b.publication_date &&
         a.publication_date_on_uhri == b.publication_date_on_uhri && a.regions == b.regions &&
         a.text == b.text && a.themes == b.themes && a.sdgs == b.sdgs &&
         a.affected_persons == b.affected_persons && a.upr_cycle == b.upr_cycle &&
         a.upr_session == b.upr_session && a.upr_positions == b.upr_positions &&
         a.upr_recommending_countries == b.upr_recommending_countries &&
         a.upr_recommending_regions == b.upr_recommending_regions &&
         a.source_offset == b.source_offset;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // The HTML reduction on the raw bytes.
  int entities = -1;
  CheckText(bytes, openupr::ingest::HtmlToText(bytes, &entities));
  Check(entities >= 0, "a negative entity count");

  // The reader, in one chunk and in small ones.
  const Outcome whole = Read(bytes, 1 << 20);
  const Outcome chunked = Read(bytes, 1 + size % 13);
  Check(whole.status.ok() == chunked.status.ok(), "the chunk size changes the outcome");
  Check(whole.status.message() == chunked.status.message(), "the chunk size changes the error");
  Check(whole.records.size() == chunked.records.size(), "the chunk size changes the records");
  for (size_t i = 0; i < whole.records.size(); ++i) {
    Check(Same(whole.records[i], chunked.records[i]), "the chunk size changes a record");
  }
  if (!whole.status.ok()) {
    Check(whole.status.code() == openupr::StatusCode::kBadInput, "a refusal that is not kBadInput");
    const std::string& msg = whole.status.message();
    Check(msg.rfind("fuzz.json: byte ", 0) == 0, "a message not naming the input and byte");
    const uint64_t at = std::strtoull(msg.c_str() + 16, nullptr, 10);
    Check(at <= size, "an error offset past the input");
    Check(msg.find(": $", 16) != std::string::npos, "a message without a JSON path");
  }
  for (const auto& r : whole.records) {
    Check(r.annotation_id.size() == 36, "an AnnotationId that is not a UUID");
    for (char c : r.annotation_id) Check(!(c >= 'A' && c <= 'Z'), "an upper-case AnnotationId");
    Check(!r.body.empty(), "an empty Body");
    Check(r.source_offset >= 0 && static_cast<size_t>(r.source_offset) < size &&
              data[r.source_offset] == '{',
          "source_offset is not the record's '{'");
    Check(IsIsoDay(r.publication_date) && IsIsoDay(r.publication_date_on_uhri), "a date");
    Check(r.upr_cycle >= 0 && r.upr_cycle <= 9999 && r.upr_session >= 0 && r.upr_session <= 9999,
          "a cycle or session out of range");
    Check(openupr::IsValidUtf8(r.text) && openupr::IsValidUtf8(r.body), "text not UTF-8");
    CheckText(r.text, r.text);
    for (const auto* list :
         {&r.countries, &r.regions, &r.themes, &r.sdgs, &r.affected_persons, &r.upr_positions,
          &r.upr_recommending_countries, &r.upr_recommending_regions}) {
      for (const auto& s : *list) {
        Check(!s.empty() && openupr::IsValidUtf8(s), "an empty or non-UTF-8 list entry");
        Check(s.front() != ' ' && s.back() != ' ', "an untrimmed list entry");
      }
    }
  }
  return 0;
}
