// Text utilities, sessions and responses of the core module.
#include <gtest/gtest.h>

#include <vector>

#include "core/filters.h"
#include "core/model.h"
#include "core/text.h"

namespace openupr {
namespace {

std::vector<std::string> Terms(std::string_view text, bool stem = true) {
  Tokenizer t(stem);
  std::vector<std::string> out;
  t.Tokenize(text, [&](std::string_view term, size_t, size_t) {
    out.emplace_back(term);
    return true;
  });
  return out;
}

TEST(Text, DecodesNumericAndXmlEntities) {
  int n = 0;
  EXPECT_EQ(DecodeHtmlEntities("&#40;Unknown&#41;", &n), "(Unknown)");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(DecodeHtmlEntities("A &amp; B &lt;x&gt; &quot;q&quot; &#xE9;"), "A & B <x> \"q\" é");
  EXPECT_EQ(DecodeHtmlEntities("AT&T; &bogus; & done"), "AT&T; &bogus; & done");
}

TEST(Text, ValidUtf8IsToldFromInvalid) {
  for (const char* ok : {"", "plain", "caf\xC3\xA9", "\xE2\x80\x9C", "\xF0\x9F\x98\x80",
                         "\xF4\x8F\xBF\xBF"})
    EXPECT_TRUE(IsValidUtf8(ok)) << ok;
  for (const char* bad : {"\xFF", "caf\xC3", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80",
                          "\xF4\x90\x80\x80", "\x80", "\xE2\x82 x"})
    EXPECT_FALSE(IsValidUtf8(bad)) << bad;
}

TEST(Text, CollapseWhitespaceTrimsAndJoins) {
  EXPECT_EQ(CollapseWhitespace("  a \r\n b\t\tc  "), "a b c");
  EXPECT_EQ(CollapseWhitespace(""), "");
  // Already clean (copied whole) and each way of not being clean.
  EXPECT_EQ(CollapseWhitespace("Ratify the CAT"), "Ratify the CAT");
  EXPECT_EQ(CollapseWhitespace("x"), "x");
  EXPECT_EQ(CollapseWhitespace(" x"), "x");
  EXPECT_EQ(CollapseWhitespace("x "), "x");
  EXPECT_EQ(CollapseWhitespace("a  b"), "a b");
  EXPECT_EQ(CollapseWhitespace("a\tb"), "a b");
  EXPECT_EQ(CollapseWhitespace("a \nb"), "a b");
  EXPECT_EQ(CollapseWhitespace("   "), "");
  EXPECT_EQ(CollapseWhitespace("Côte  d’Ivoire"), "Côte d’Ivoire");
}

TEST(Text, CollapseWhitespaceInPlaceKeepsACleanStringsOwnBuffer) {
  std::string clean = "Ratify the Convention against Torture and its Optional Protocol";
  const char* buffer = clean.data();
  CollapseWhitespaceInPlace(clean);
  EXPECT_EQ(clean, "Ratify the Convention against Torture and its Optional Protocol");
  EXPECT_EQ(clean.data(), buffer);
  std::string messy = "  Ratify\r\nthe   CAT ";
  CollapseWhitespaceInPlace(messy);
  EXPECT_EQ(messy, "Ratify the CAT");
}

// The eight-bytes-at-a-time check of clean fields, against the definition, with every kind of
// whitespace at every offset of a word and across word boundaries.
TEST(Text, CollapseWhitespaceAgreesWithItsDefinitionAtEveryOffset) {
  auto reference = [](std::string_view t) {
    std::string out;
    bool pending = false;
    for (char c : t) {
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
        pending = !out.empty();
      } else {
        if (pending) out += ' ';
        pending = false;
        out += c;
      }
    }
    return out;
  };
  const std::string base = "abcdefghijklmnopqrstuvwxyz0123456789\xc3\xa9\xe2\x80\x99z";
  for (const char* ws : {" ", "  ", "\t", "\n", " \r\n ", "\x01", "   "}) {
    for (size_t len = 1; len <= base.size(); ++len) {
      for (size_t at = 0; at <= len; ++at) {
        std::string t = base.substr(0, len);
        t.insert(at, ws);
        EXPECT_EQ(CollapseWhitespace(t), reference(t)) << "'" << t << "'";
        t.insert(0, "x ");  // a single space before the rest
        EXPECT_EQ(CollapseWhitespace(t), reference(t)) << "'" << t << "'";
      }
    }
  }
}

TEST(Text, FoldStripsCaseAndAccents) {
  EXPECT_EQ(FoldText("Côte d'Ivoire"), "cote d'ivoire");
  EXPECT_EQ(FoldText("ÉTAT"), "etat");
}

TEST(Text, TextKeyIgnoresCasePunctuationAndSpacing) {
  EXPECT_EQ(TextKey("Ratify the CAT."), TextKey("  ratify   the cat "));
  EXPECT_NE(TextKey("Ratify the CAT"), TextKey("Ratify the CRC"));
}

TEST(Tokenizer, StemsEnglishAndKeepsOffsets) {
  EXPECT_EQ(Terms("Tortured torture TORTURES"), (std::vector<std::string>{"tortur", "tortur", "tortur"}));
  EXPECT_EQ(Terms("women's rights"), (std::vector<std::string>{"women", "right"}));
  EXPECT_EQ(Terms("women’s"), (std::vector<std::string>{"women"}));
  EXPECT_EQ(Terms("Réfugiés"), (std::vector<std::string>{"refugi"}));
  EXPECT_EQ(Terms("CEDAW-OP, 1961"), (std::vector<std::string>{"cedaw", "op", "1961"}));
  Tokenizer t(true);
  std::vector<std::pair<size_t, size_t>> offsets;
  t.Tokenize("é torture", [&](std::string_view, size_t b, size_t e) {
    offsets.emplace_back(b, e);
    return true;
  });
  ASSERT_EQ(offsets.size(), 2u);
  EXPECT_EQ(offsets[0], std::make_pair(size_t{0}, size_t{2}));
  EXPECT_EQ(offsets[1], std::make_pair(size_t{3}, size_t{10}));
}

TEST(Sessions, CycleOfSessionFollowsTheCouncilsCycles) {
  EXPECT_EQ(CycleOfSession(1), 1);
  EXPECT_EQ(CycleOfSession(12), 1);
  EXPECT_EQ(CycleOfSession(13), 2);
  EXPECT_EQ(CycleOfSession(26), 2);
  EXPECT_EQ(CycleOfSession(27), 3);
  EXPECT_EQ(CycleOfSession(40), 3);
  EXPECT_EQ(CycleOfSession(41), 4);
  EXPECT_EQ(CycleOfSession(54), 4);
  EXPECT_EQ(CycleOfSession(0), 0);
  EXPECT_EQ(CycleOfSession(55), 0);
  for (int c = 1; c <= kLastKnownCycle; ++c) {
    auto [a, b] = SessionsOfCycle(c);
    EXPECT_EQ(CycleOfSession(a), c);
    EXPECT_EQ(CycleOfSession(b), c);
  }
}

TEST(Responses, RawValuesMapToModernCategories) {
  EXPECT_EQ(MapRawResponse("Accepted"), Response::kSupported);
  EXPECT_EQ(MapRawResponse("supported"), Response::kSupported);
  EXPECT_EQ(MapRawResponse("Noted"), Response::kNoted);
  EXPECT_EQ(MapRawResponse("Rejected"), Response::kNoted);
  EXPECT_EQ(MapRawResponse("Pending"), Response::kOther);
  EXPECT_EQ(MapRawResponse("Partially accepted"), Response::kOther);
  EXPECT_EQ(MapRawResponse(""), Response::kOther);
}

TEST(Filters, ParsesEveryFieldAndRejectsBadValues) {
  Filters f;
  EXPECT_TRUE(AddFilterValue(f, "sur", "China").ok());
  EXPECT_TRUE(AddFilterValue(f, "sur", "fra,DEU").ok());
  EXPECT_TRUE(AddFilterValue(f, "from", "Korea, Republic of").ok());
  EXPECT_TRUE(AddFilterValue(f, "session", "10-12").ok());
  EXPECT_TRUE(AddFilterValue(f, "region", "WEOG").ok());
  EXPECT_TRUE(AddFilterValue(f, "action", "unknown,5").ok());
  EXPECT_TRUE(AddFilterValue(f, "theme", "Death penalty, Torture").ok());
  EXPECT_EQ(f.themes, (std::vector<std::string>{"Death penalty", "Torture"}));
  EXPECT_EQ(f.sur, (std::vector<std::string>{"CHN", "FRA", "DEU"}));
  EXPECT_EQ(f.from, (std::vector<std::string>{"KOR"}));
  EXPECT_EQ(f.sessions, (std::vector<int>{10, 11, 12}));
  EXPECT_EQ(f.actions, (std::vector<int>{0, 5}));
  Status bad = AddFilterValue(f, "sur", "Atlantis");
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("--sur 'Atlantis'"), std::string::npos) << bad.message();
  EXPECT_FALSE(AddFilterValue(f, "session", "99").ok());
  EXPECT_FALSE(AddFilterValue(f, "cycle", "0").ok());
  EXPECT_FALSE(AddFilterValue(f, "action", "6").ok());
  EXPECT_FALSE(AddFilterValue(f, "response", "accepted").ok());
}

}  // namespace
}  // namespace openupr
