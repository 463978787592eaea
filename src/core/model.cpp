#include "core/model.h"

#include "core/text.h"

namespace openupr {

int CycleOfSession(int session) {
  if (session < kFirstSession || session > kLastKnownSession) return 0;
  if (session <= 12) return 1;
  return 2 + (session - 13) / 14;
}

std::pair<int, int> SessionsOfCycle(int cycle) {
  switch (cycle) {
    case 1: return {1, 12};
    case 2: return {13, 26};
    case 3: return {27, 40};
    case 4: return {41, 54};
    default: return {0, 0};
  }
}

std::string_view ResponseCode(Response r) {
  switch (r) {
    case Response::kSupported: return "supported";
    case Response::kNoted: return "noted";
    case Response::kOther: return "other";
  }
  return "other";
}

std::optional<Response> ParseResponseCode(std::string_view code) {
  std::string c = FoldText(code);
  if (c == "supported") return Response::kSupported;
  if (c == "noted") return Response::kNoted;
  if (c == "other") return Response::kOther;
  return std::nullopt;
}

Response MapRawResponse(std::string_view raw) {
  std::string r = CollapseWhitespace(FoldText(raw));
  if (r == "accepted" || r == "supported" || r == "accepted/supported" || r == "agreed" ||
      r == "enjoys support" || r == "fully accepted" || r == "fully supported")
    return Response::kSupported;
  if (r == "noted" || r == "rejected" || r == "not accepted" || r == "not supported" ||
      r == "does not enjoy support")
    return Response::kNoted;
  return Response::kOther;
}

}  // namespace openupr
