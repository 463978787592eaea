# Writes OUTPUT: a C++ source defining openupr::server::OpenApiDocument() from the JSON file
# INPUT, as a raw string literal. Run by a custom command at build time.
file(READ "${INPUT}" content)
string(FIND "${content}" ")openapi\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter )openapi\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from src/server/openapi.json by openapi_embed.cmake. Do not edit.\n"
  "#include \"server/openapi.h\"\n\n"
  "namespace openupr::server {\n\n"
  "std::string_view OpenApiDocument() {\n"
  "  static constexpr std::string_view kDocument = R\"openapi(${content})openapi\";\n"
  "  return kDocument;\n}\n\n}  // namespace openupr::server\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
