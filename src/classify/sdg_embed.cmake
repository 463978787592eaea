# Writes OUTPUT: a C++ source defining openupr::classify::SdgTargetsYaml() from INPUT (the SDG
# targets' English texts, open-sdg/sdg-translations, MIT), as a raw string literal.
file(READ "${INPUT}" content)
file(WRITE "${OUTPUT}.tmp"
  "// Generated from src/classify/data/global_targets.yml by sdg_embed.cmake. Do not edit.\n"
  "#include <string_view>\n\n"
  "namespace openupr::classify {\n\n"
  "std::string_view SdgTargetsYaml() {\n"
  "  static constexpr std::string_view kYaml = R\"sdg(${content})sdg\";\n"
  "  return kYaml;\n}\n\n}  // namespace openupr::classify\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
