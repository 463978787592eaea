#include "core/uhri.h"

#include <array>
#include <cctype>

namespace openupr {
namespace {

constexpr std::array<std::string_view, 10> kTreatyBodies = {"CAT",   "CCPR", "CED", "CEDAW", "CERD",
                                                            "CESCR", "CMW",  "CRC", "CRPD",  "SPT"};

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view TrimBody(std::string_view body) {
  while (!body.empty() && (body.front() == ' ' || body.front() == '-')) body.remove_prefix(1);
  while (!body.empty() && body.back() == ' ') body.remove_suffix(1);
  return body;
}

}  // namespace

std::optional<UhriField> UhriFieldOfName(std::string_view name, bool ignore_case, size_t* hint) {
  const size_t start = hint ? *hint % kUhriFieldCount : 0;
  for (size_t k = 0; k < kUhriFieldCount; ++k) {
    const size_t i = (start + k) % kUhriFieldCount;
    if (ignore_case ? EqualsNoCase(name, kUhriFieldNames[i]) : name == kUhriFieldNames[i]) {
      if (hint) *hint = i + 1;
      return static_cast<UhriField>(i);
    }
  }
  return std::nullopt;
}

std::string_view MechanismCode(Mechanism m) {
  switch (m) {
    case Mechanism::kUpr:
      return "upr";
    case Mechanism::kTreatyBody:
      return "treaty-body";
    case Mechanism::kSpecialProcedure:
      return "special-procedure";
  }
  return "upr";
}

std::optional<Mechanism> ParseMechanismCode(std::string_view code) {
  for (int i = 0; i < kMechanismCount; ++i) {
    auto m = static_cast<Mechanism>(i);
    if (MechanismCode(m) == code) return m;
  }
  return std::nullopt;
}

Mechanism MechanismOfBody(std::string_view body) {
  body = TrimBody(body);
  if (EqualsNoCase(body, "UPR")) return Mechanism::kUpr;
  for (std::string_view tb : kTreatyBodies)
    if (EqualsNoCase(body, tb)) return Mechanism::kTreatyBody;
  return Mechanism::kSpecialProcedure;
}

std::string SdgTargetOf(std::string_view entry) {
  size_t i = 0;
  while (i < entry.size() && entry[i] == ' ') ++i;
  size_t start = i;
  int goal = 0;
  while (i < entry.size() && std::isdigit(static_cast<unsigned char>(entry[i])) && i - start < 2)
    goal = goal * 10 + (entry[i++] - '0');
  if (i == start || goal < 1 || goal > 17) return {};
  if (i < entry.size() && std::isdigit(static_cast<unsigned char>(entry[i]))) return {};
  size_t end = i;
  if (i < entry.size() && entry[i] == '.') {
    size_t j = i + 1;
    while (j < entry.size() && std::isalnum(static_cast<unsigned char>(entry[j])) && j - i <= 2)
      ++j;
    if (j > i + 1 && (j == entry.size() || !std::isalnum(static_cast<unsigned char>(entry[j]))))
      end = j;
  }
  return std::string(entry.substr(start, end - start));
}

}  // namespace openupr
