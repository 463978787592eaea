// Fuzz target: the classify module's readers of outside input. The first byte picks one:
// 0 the label command's CSV reader, 1 its plain-text reader (classify/label_file.h
// ParseLabelInput), 2 the body of POST /api/v1/classify (server/classify_api.h
// ParseClassifyRequest), 3 the SDG targets' reader (classify/sdg.h ParseSdgTargets: every
// target kept is a goal 1..17's, non-empty); the rest is the input. Whatever the bytes: no crash;
// every row read has a line >= 1 and a non-empty text; every error names the file (the reader's) or
// the JSON path (the body's); a body that parses gives a non-empty UTF-8 text.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "classify/label_file.h"
#include "classify/sdg.h"
#include "core/states.h"
#include "core/text.h"
#include "server/classify_api.h"

#define CHECK(cond)                                                \
  do {                                                             \
    if (!(cond)) {                                                 \
      std::fprintf(stderr, "classify: check failed: %s\n", #cond); \
      std::abort();                                                \
    }                                                              \
  } while (0)

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const int which = data[0] % 4;
  if (which == 3) {
    const auto goals = openupr::classify::ParseSdgTargets(input);
    CHECK(goals.size() == 18);
    CHECK(goals[0].empty());
    return 0;
  }
  if (which < 2) {
    auto rows = openupr::classify::ParseLabelInput(
        input, "in.csv",
        which == 0 ? openupr::classify::InputKind::kCsv : openupr::classify::InputKind::kText);
    if (rows.ok()) {
      CHECK(!rows->empty());
      for (const auto& r : *rows) {
        CHECK(r.line >= 1);
        CHECK(!r.text.empty());
        CHECK(r.action >= 0 && r.action <= 5);
      }
    } else {
      CHECK(rows.status().message().starts_with("in.csv"));
    }
    return 0;
  }
  auto req = openupr::server::ParseClassifyRequest(input);
  if (const auto* e = std::get_if<openupr::server::ApiError>(&req)) {
    CHECK(e->status.code() == openupr::StatusCode::kInvalidArgument);
    const std::string& m = e->status.message();
    CHECK(m.starts_with("$"));
  } else {
    const auto& r = std::get<openupr::server::ClassifyRequest>(req);
    CHECK(!r.text.empty());
    CHECK(openupr::IsValidUtf8(r.text));
    CHECK(r.sur.empty() || openupr::FindStateByIso3(r.sur) != nullptr);
    CHECK(r.from.empty() || !r.sur.empty());
    for (const auto& f : r.from) CHECK(openupr::FindStateByIso3(f) != nullptr);
  }
  return 0;
}
