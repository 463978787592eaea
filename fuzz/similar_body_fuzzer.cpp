// Fuzz target: the JSON body of POST /api/v1/similar (server/similar_api.h SimilarTextJson), on
// the real records through the in-memory engine. Whatever the bytes: a client's mistake is a 4xx
// naming a JSON path ("$" or "$.field"), anything else a JSON answer; nothing crashes, and
// nesting is refused before nlohmann parses it (server/json_body.h kMaxJsonBodyDepth).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz/fuzz_data.h"
#include "server/engine_backend.h"
#include "server/http_server.h"
#include "server/similar_api.h"

namespace {

openupr::server::EngineBackend& Backend() {
  static std::unique_ptr<openupr::server::EngineBackend> b = [] {
    auto engine = openupr::server::EngineBackend::Open(openupr::fuzz::RealDatabase(), 1);
    if (!engine.ok()) std::abort();
    return std::move(engine).value();
  }();
  return *b;
}

[[noreturn]] void Fail(std::string_view input, const std::string& what) {
  std::fprintf(stderr, "similar body: %s\n  input: %.*s\n", what.c_str(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto r = openupr::server::SimilarTextJson(Backend(), input);
  if (const auto* e = std::get_if<openupr::server::ApiError>(&r)) {
    if (openupr::server::HttpStatusFor(e->status.code()) >= 500)
      Fail(input, "server error for client input: " + e->status.ToString());
    if (e->status.message().empty()) Fail(input, "an error without a message");
    if (e->parameter.empty() || e->parameter[0] != '$')
      Fail(input, "an error without a JSON path: " + e->status.ToString());
    return 0;
  }
  if (!nlohmann::json::accept(std::get<openupr::server::Body>(r)))
    Fail(input, "the answer is not JSON");
  return 0;
}
