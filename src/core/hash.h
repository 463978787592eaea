// Content hashes of the program's own: duplicate keys (core/dup_key.h) and the identity of
// imported files (ingest/importer.h).
#pragma once

#include <string>
#include <string_view>

namespace openupr {

// The 128-bit XXH3 hash of bytes as 32 lower-case hex digits, most significant first (XXH3's
// canonical form: the same text on every machine).
std::string Xxh3Hex128(std::string_view bytes);

}  // namespace openupr
