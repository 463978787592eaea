// Registers the "openupr" FTS5 tokenizer on a SQLite connection: core::Tokenizer (utf8proc
// folding + Snowball English stemming), so that SQLite's full-text index and the in-memory
// engine split and stem text identically. Prefix query terms ("tortur*") are folded, not stemmed.
#pragma once

#include "core/status.h"
#include "store/sqlite.h"

namespace openupr::store {

inline constexpr const char* kFtsTokenizerName = "openupr";

// Fails with kInternal if this SQLite has no FTS5.
Status RegisterFtsTokenizer(Database& db);

}  // namespace openupr::store
