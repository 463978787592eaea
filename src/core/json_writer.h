// A JSON text written straight into a string, for responses built on every request (search
// pages, facets, aggregations): no document tree, one buffer. Produces what nlohmann's dump()
// produces for the same values (compact, strings escaped alike, invalid UTF-8 replaced by
// U+FFFD, doubles in their shortest round-trip form), so that callers can mix the two.
//
// The caller writes well-formed structure (Key before each member value, balanced Begin/End);
// the writer only inserts the commas. Not thread-safe; one writer per response.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace openupr {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The name of the next object member.
  JsonWriter& Key(std::string_view name);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A value already written as JSON (e.g. nlohmann's dump()), inserted as is.
  JsonWriter& Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separate();  // a comma unless first in its container or right after a key

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

// s as a JSON string literal (quotes included) appended to out, as JsonWriter::String writes it.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace openupr
