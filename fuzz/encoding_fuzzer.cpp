// Fuzz target: encoding and line-end detection and the conversion to UTF-8 (ingest/encoding.h),
// on a file's bytes as an import reads them. Whatever the bytes: detection gives an answer; a
// decoding that succeeds gives valid UTF-8, the same through both DecodeToUtf8 overloads; UTF-8
// comes back unchanged but for its BOM; Mac Roman and Windows-1252 give one character per byte.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/text.h"
#include "ingest/encoding.h"

namespace {

using openupr::ingest::Encoding;

size_t CodePoints(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

// Aborts, naming the check, when cond is false.
#define CHECK(cond)                                               \
  do {                                                            \
    if (!(cond)) {                                                \
      std::fprintf(stderr, "encoding: check failed: %s\n", #cond); \
      std::abort();                                               \
    }                                                             \
  } while (0)

namespace {

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Encoding detected = openupr::ingest::DetectEncoding(bytes);
  (void)openupr::ingest::DetectLineEnds(bytes);
  (void)openupr::ingest::EncodingName(detected);
  // The detected encoding decodes what it was detected on (Windows-1252 is picked only without
  // its undefined bytes; Mac Roman defines all 256), but for a BOM before bytes that are not
  // UTF-8.
  bool detected_decoded = false;
  for (Encoding e : {Encoding::kUtf8, Encoding::kUtf8Bom, Encoding::kMacRoman,
                     Encoding::kWindows1252}) {
    auto copy = openupr::ingest::DecodeToUtf8(bytes, e, "fuzz.csv");
    openupr::ingest::LargeBuffer buffer;
    auto view = openupr::ingest::DecodeToUtf8(bytes, e, "fuzz.csv", buffer);
    CHECK(copy.ok() == view.ok());
    if (!copy.ok()) {
      CHECK(copy.status().message().rfind("fuzz.csv:", 0) == 0);  // names the file and line
      continue;
    }
    if (e == detected) detected_decoded = true;
    CHECK(*copy == *view);
    CHECK(openupr::IsValidUtf8(*copy));
    if (e == Encoding::kUtf8 || e == Encoding::kUtf8Bom) {
      const bool bom = bytes.substr(0, 3) == "\xEF\xBB\xBF";
      CHECK(*copy == bytes.substr(bom ? 3 : 0));
    } else {
      CHECK(CodePoints(*copy) == size);
    }
  }
  // A BOM says UTF-8 whatever follows: bytes that are not UTF-8 after it are an error to report.
  const bool bom_over_other_bytes = detected == Encoding::kUtf8Bom;
  CHECK(detected_decoded || bom_over_other_bytes);
  return 0;
}
