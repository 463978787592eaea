// core/json_writer.h against nlohmann's dump(): the API mixes the two, so a value must come out
// the same from both (byte for byte for valid text and numbers; invalid UTF-8 replaced, never
// passed through).
#include "core/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace openupr {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

TEST(JsonWriter, StringsAreEscapedAsNlohmannDoes) {
  for (const std::string& s :
       {std::string(""), std::string("plain text"), std::string("quote \" and \\ backslash"),
        std::string("tab\tnew\nline\rcr\bbs\fff"), std::string("\x01\x02\x1f control"),
        std::string("\x7f del"), std::string("caf\xC3\xA9 \xE2\x80\x9C\xE2\x80\x9D \xF0\x9F\x98\x80"),
        std::string("\x02marked\x03"), std::string(1, '\0') + "nul"}) {
    JsonWriter w;
    w.String(s);
    EXPECT_EQ(w.str(), Dump(json(s))) << s;
  }
}

TEST(JsonWriter, InvalidUtf8IsReplacedNotPassedThrough) {
  for (const std::string& s : {std::string("bad \xFF byte"), std::string("cut \xE2\x82"),
                              std::string("cut \xE2\x82 inside"), std::string("\xF0\x9F\x98 x"),
                              std::string("\xE2\x28\xA1 lead then ascii"),
                              std::string("overlong \xC0\xAF"), std::string("surrogate \xED\xA0\x80"),
                              std::string("too high \xF4\x90\x80\x80"), std::string("\x80")}) {
    JsonWriter w;
    w.String(s);
    const json back = json::parse(w.str());  // throws on invalid UTF-8
    EXPECT_NE(back.get<std::string>().find("\xEF\xBF\xBD"), std::string::npos) << s;
    EXPECT_EQ(back, json::parse(Dump(json(s)))) << s;
  }
}

TEST(JsonWriter, NumbersAndStructureAreNlohmanns) {
  JsonWriter w;
  w.BeginObject();
  w.Key("ints").BeginArray().Int(0).Int(-1).Int(INT64_MAX).Int(INT64_MIN).EndArray();
  w.Key("doubles").BeginArray();
  for (double d : {0.0, 1.0, -2.0, 0.1, 1.0 / 3, 3.45, 1e-7, 123456789.125, 1e21, 0.7369})
    w.Double(d);
  w.EndArray();
  w.Key("nested").BeginObject().Key("a").Null().Key("b").Bool(true).Key("c").Bool(false);
  w.Key("d").BeginArray().EndArray().Key("e").BeginObject().EndObject().EndObject();
  w.Key("raw").Raw("{\"x\":1}");
  w.EndObject();
  json want = {{"ints", {0, -1, INT64_MAX, INT64_MIN}},
               {"doubles", {0.0, 1.0, -2.0, 0.1, 1.0 / 3, 3.45, 1e-7, 123456789.125, 1e21, 0.7369}},
               {"nested",
                {{"a", nullptr}, {"b", true}, {"c", false}, {"d", json::array()},
                 {"e", json::object()}}},
               {"raw", {{"x", 1}}}};
  EXPECT_EQ(json::parse(w.str()), want);
  // Doubles byte for byte: nlohmann's shortest round-trip form, ".0" on integral values.
  for (double d : {0.0, 1.0, -2.0, 0.1, 1.0 / 3, 3.45, 123456789.125, 0.7369, 15636.0}) {
    JsonWriter one;
    one.Double(d);
    EXPECT_EQ(one.str(), Dump(json(d))) << d;
  }
  JsonWriter nan;
  nan.Double(std::nan(""));
  EXPECT_EQ(nan.str(), "null");
}

}  // namespace
}  // namespace openupr
