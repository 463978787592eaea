// The OpenAPI 3.0 description of the HTTP API: src/server/openapi.json, embedded at build time
// (openapi_embed.cmake turns it into a C++ string; the generated file is never committed).
#pragma once

#include <string_view>

namespace openupr::server {

// The JSON text of the document. Thread-safe (static storage).
std::string_view OpenApiDocument();

}  // namespace openupr::server
