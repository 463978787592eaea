#include "core/status.h"

namespace openupr {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kBadInput: return "bad input";
    case StatusCode::kNotFound: return "not found";
    case StatusCode::kIo: return "I/O error";
    case StatusCode::kConflict: return "conflict";
    case StatusCode::kInternal: return "internal error";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace openupr
