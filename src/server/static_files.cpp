#include "server/static_files.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

namespace openupr::server {
namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kNoCache = "no-cache";
// Smaller files are not worth a second form; a gzip form must save at least a tenth.
constexpr size_t kMinGzipBytes = 256;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits a header value at commas, trimmed, empty items skipped.
template <typename F>
void ForEachListItem(std::string_view value, F&& on_item) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    std::string_view item = Trim(value.substr(0, comma));
    if (!item.empty()) on_item(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

bool IsCompressible(std::string_view content_type) {
  return StartsWith(content_type, "text/") || StartsWith(content_type, "application/json") ||
         StartsWith(content_type, "application/javascript") ||
         StartsWith(content_type, "application/manifest+json") ||
         StartsWith(content_type, "application/xml") || StartsWith(content_type, "image/svg+xml") ||
         StartsWith(content_type, "application/wasm");
}

// FNV-1a, 64 bits: a content fingerprint for ETags (not a security hash: ETags only need to
// change when the content does).
uint64_t Fingerprint(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// zlib's z_stream with its End call on every path.
class ZStream {
 public:
  explicit ZStream(bool deflating) : deflating_(deflating) {}
  ~ZStream() {
    if (!ready_) return;
    if (deflating_)
      deflateEnd(&z_);
    else
      inflateEnd(&z_);
  }
  ZStream(const ZStream&) = delete;
  ZStream& operator=(const ZStream&) = delete;
  // windowBits 15 + 16: gzip framing (deflate); 15 + 32: gzip or zlib, detected (inflate).
  bool Init() {
    ready_ = deflating_ ? deflateInit2(&z_, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9,
                                       Z_DEFAULT_STRATEGY) == Z_OK
                        : inflateInit2(&z_, 15 + 32) == Z_OK;
    return ready_;
  }
  z_stream* get() { return &z_; }

 private:
  z_stream z_ = {};
  bool deflating_;
  bool ready_ = false;
};

// gzip of data at the best compression; nullopt-like empty string if zlib fails.
std::string Gzip(std::string_view data) {
  ZStream z(true);
  if (!z.Init()) return "";
  std::string out(deflateBound(z.get(), data.size()) + 32, '\0');
  z.get()->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.get()->avail_in = static_cast<uInt>(data.size());
  z.get()->next_out = reinterpret_cast<Bytef*>(out.data());
  z.get()->avail_out = static_cast<uInt>(out.size());
  if (deflate(z.get(), Z_FINISH) != Z_STREAM_END) return "";
  out.resize(z.get()->total_out);
  return out;
}

// The decompressed bytes of a gzip body; an error message in *error on failure.
std::string Gunzip(std::string_view data, std::string* error) {
  ZStream z(false);
  if (!z.Init()) {
    *error = "zlib cannot start";
    return "";
  }
  std::string out;
  char buf[1 << 15];
  z.get()->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.get()->avail_in = static_cast<uInt>(data.size());
  for (;;) {
    z.get()->next_out = reinterpret_cast<Bytef*>(buf);
    z.get()->avail_out = sizeof buf;
    const int rc = inflate(z.get(), Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.get()->avail_out);
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK) {
      *error =
          z.get()->msg ? z.get()->msg : "not gzip data (zlib error " + std::to_string(rc) + ")";
      return "";
    }
    if (z.get()->avail_in == 0 && z.get()->avail_out != 0) {
      *error = "truncated gzip data";
      return "";
    }
  }
  return out;
}

// Whether an If-None-Match value names etag (weak comparison, as RFC 9110 asks for GET).
bool MatchesEtag(std::string_view if_none_match, std::string_view etag) {
  bool match = false;
  ForEachListItem(if_none_match, [&](std::string_view item) {
    if (item == "*") match = true;
    if (StartsWith(item, "W/")) item.remove_prefix(2);
    if (item == etag) match = true;
  });
  return match;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view path) {
  const size_t slash = path.rfind('/');
  const size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash))
    return "application/octet-stream";
  const std::string ext = Lower(path.substr(dot + 1));
  struct Type {
    const char* ext;
    const char* type;
  };
  static constexpr Type kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"txt", "text/plain; charset=utf-8"},
      {"xml", "application/xml"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"avif", "image/avif"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"woff", "font/woff"},
      {"ttf", "font/ttf"},
      {"otf", "font/otf"},
      {"wasm", "application/wasm"},
      {"pdf", "application/pdf"},
  };
  for (const Type& t : kTypes)
    if (ext == t.ext) return t.type;
  return "application/octet-stream";
}

bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<bool> gzip, any;
  ForEachListItem(accept_encoding, [&](std::string_view item) {
    const size_t semi = item.find(';');
    const std::string name = Lower(Trim(item.substr(0, semi)));
    bool acceptable = true;
    if (semi != std::string_view::npos) {
      // "q=0", "q=0.0", "q=0.000": refused; any other q-value accepts.
      std::string params = Lower(item.substr(semi + 1));
      params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
      const size_t q = params.find("q=");
      if (q != std::string::npos) {
        const std::string value = params.substr(q + 2, params.find(';', q) - q - 2);
        acceptable = value.find_first_not_of("0.") != std::string::npos;
      }
    }
    if (name == "gzip" || name == "x-gzip") gzip = acceptable;
    if (name == "*") any = acceptable;
  });
  return gzip.value_or(any.value_or(false));
}

Result<std::unique_ptr<StaticSite>> StaticSite::Build(std::span<const StaticFile> files) {
  std::unique_ptr<StaticSite> site(new StaticSite());
  for (const StaticFile& f : files) {
    const std::string path(f.path);
    if (!StartsWith(path, "/") || path == "/" || path.find("..") != std::string::npos ||
        path.find("//") != std::string::npos || path.find('?') != std::string::npos)
      return Status::InvalidArgument("static file '" + path +
                                     "': expected a path from the site root such as "
                                     "/index.html or /assets/app-1a2b3c.js");
    if (path == "/api" || StartsWith(path, "/api/"))
      return Status::InvalidArgument("static file '" + path +
                                     "': paths under /api/ belong to the API");
    auto e = std::make_unique<Entry>();
    e->path = path;
    e->content_type = f.content_type.empty() ? ContentTypeFor(path) : f.content_type;
    e->immutable = StartsWith(path, "/assets/");
    if (f.gzip) {
      std::string error;
      e->owned_identity = Gunzip(f.body, &error);
      if (!error.empty())
        return Status::BadInput("static file '" + path +
                                "': its gzip body does not decompress: " + error);
      e->identity = e->owned_identity;
      e->gzip = f.body;
    } else {
      e->identity = f.body;
      if (f.body.size() >= kMinGzipBytes && IsCompressible(e->content_type)) {
        e->owned_gzip = Gzip(f.body);
        // Keep it only when it saves a tenth; otherwise identity is as good.
        if (!e->owned_gzip.empty() && e->owned_gzip.size() * 10 <= f.body.size() * 9)
          e->gzip = e->owned_gzip;
        else
          e->owned_gzip.clear();
      }
    }
    const std::string fp = Hex(Fingerprint(e->identity)) + "-" + std::to_string(e->identity.size());
    e->etag = "\"" + fp + "\"";
    e->etag_gzip = "\"" + fp + "-gz\"";
    site->files_.push_back(std::move(e));
  }
  std::sort(site->files_.begin(), site->files_.end(),
            [](const auto& a, const auto& b) { return a->path < b->path; });
  for (size_t i = 1; i < site->files_.size(); ++i)
    if (site->files_[i]->path == site->files_[i - 1]->path)
      return Status::InvalidArgument("static file '" + site->files_[i]->path + "': given twice");
  if (!site->files_.empty()) {
    site->index_ = site->Find("/index.html");
    if (!site->index_)
      return Status::InvalidArgument("static files: no /index.html among " +
                                     std::to_string(site->files_.size()) +
                                     " files; the web app needs it for / and for its own routes");
  }
  return site;
}

const StaticSite::Entry* StaticSite::Find(std::string_view path) const {
  auto it = std::lower_bound(files_.begin(), files_.end(), path,
                             [](const auto& e, std::string_view p) { return e->path < p; });
  return it != files_.end() && (*it)->path == path ? it->get() : nullptr;
}

StaticResponse StaticSite::Answer(const Entry& e, bool gzip_ok,
                                  std::string_view if_none_match) const {
  StaticResponse r;
  r.content_type = e.content_type;
  r.gzip = gzip_ok && !e.gzip.empty();
  r.vary_encoding = !e.gzip.empty();
  r.etag = r.gzip ? e.etag_gzip : e.etag;
  r.cache_control = e.immutable ? kImmutable : kNoCache;
  // Either form's tag validates: the client's copy is the same content, whatever its coding.
  if (!if_none_match.empty() &&
      (MatchesEtag(if_none_match, e.etag) || MatchesEtag(if_none_match, e.etag_gzip))) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.body = r.gzip ? e.gzip : e.identity;
  return r;
}

StaticResponse StaticSite::Lookup(std::string_view path, std::string_view accept_encoding,
                                  std::string_view if_none_match) const {
  if (files_.empty() || path == "/api" || StartsWith(path, "/api/")) return {};
  const bool gzip_ok = AcceptsGzip(accept_encoding);
  if (path == "/" || path.empty()) return Answer(*index_, gzip_ok, if_none_match);
  if (const Entry* e = Find(path)) return Answer(*e, gzip_ok, if_none_match);
  if (StartsWith(path, "/assets/")) return {};
  return Answer(*index_, gzip_ok, if_none_match);  // a route of the single-page app
}

}  // namespace openupr::server
