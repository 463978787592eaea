#include "store/fts_tokenizer.h"

#include <memory>

#include "core/text.h"

namespace openupr::store {
namespace {

fts5_api* GetFts5Api(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) return nullptr;
  sqlite3_bind_pointer(stmt, 1, reinterpret_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  return api;
}

int Create(void*, const char**, int, Fts5Tokenizer** out) {
  *out = reinterpret_cast<Fts5Tokenizer*>(new Tokenizer(/*stem=*/true));
  return SQLITE_OK;
}

void Delete(Fts5Tokenizer* t) { delete reinterpret_cast<Tokenizer*>(t); }

int Tokenize(Fts5Tokenizer* t, void* ctx, int flags, const char* text, int n,
             int (*token)(void*, int, const char*, int, int, int)) {
  auto* tokenizer = reinterpret_cast<Tokenizer*>(t);
  int rc = SQLITE_OK;
  std::string_view input(text, static_cast<size_t>(n));
  if (flags & FTS5_TOKENIZE_PREFIX) {
    // A prefix term: fold only, a stem of a prefix would not be a prefix of the stems.
    Tokenizer plain(/*stem=*/false);
    plain.Tokenize(input, [&](std::string_view term, size_t b, size_t e) {
      rc = token(ctx, 0, term.data(), static_cast<int>(term.size()), static_cast<int>(b),
                 static_cast<int>(e));
      return rc == SQLITE_OK;
    });
    return rc;
  }
  tokenizer->Tokenize(input, [&](std::string_view term, size_t b, size_t e) {
    rc = token(ctx, 0, term.data(), static_cast<int>(term.size()), static_cast<int>(b),
               static_cast<int>(e));
    return rc == SQLITE_OK;
  });
  return rc;
}

}  // namespace

Status RegisterFtsTokenizer(Database& db) {
  fts5_api* api = GetFts5Api(db.handle());
  if (!api) return Status::Internal("this SQLite library has no FTS5 full-text search");
  fts5_tokenizer tok{Create, Delete, Tokenize};
  if (api->xCreateTokenizer(api, kFtsTokenizerName, nullptr, &tok, nullptr) != SQLITE_OK)
    return db.Error("registering the full-text tokenizer");
  return Status::Ok();
}

}  // namespace openupr::store
