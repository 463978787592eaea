// The search box's interpreter (search/interpret.h): repairs, field:value terms, recognised
// state, region and theme names offered as filters, and "did you mean" from the record's own
// words, counted on a real SQLite store.
#include <gtest/gtest.h>

#include <algorithm>

#include "ingest/importer.h"
#include "search/interpret.h"
#include "search/query.h"
#include "search/sql_search.h"
#include "test_util.h"

namespace openupr::search {
namespace {

using testing::TempDir;

Interpretation Interpret(const std::string& text, Filters& filters) {
  auto in = InterpretQuery(text, filters);
  EXPECT_TRUE(in.ok()) << text << ": " << in.status().ToString();
  return in.ok() ? std::move(in).value() : Interpretation{};
}

Interpretation Interpret(const std::string& text) {
  Filters f;
  return Interpret(text, f);
}

std::string ErrorOf(const std::string& text) {
  Filters f;
  auto in = InterpretQuery(text, f);
  EXPECT_FALSE(in.ok()) << text << " was accepted as '" << (in.ok() ? in->query : "") << "'";
  if (in.ok()) return "";
  EXPECT_EQ(in.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(f.empty()) << "filters changed by a refused query";
  return in.status().message();
}

TEST(InterpretQuery, KeepsTheQueryLanguageAsItWas) {
  for (const std::string q :
       {"torture detention", "\"death penalty\" NOT moratorium", "discrimin*",
        "(women OR girls) education", "a NOT (b NOT c)", "NOT women", "ill-treatment"}) {
    const Interpretation in = Interpret(q);
    EXPECT_EQ(in.query, q);
    EXPECT_EQ(in.box, q);
    EXPECT_TRUE(in.repairs.empty()) << q << ": " << in.repairs.front().message;
    EXPECT_TRUE(in.applied.empty());
  }
  EXPECT_EQ(Interpret("  torture   detention ").query, "torture detention");
  EXPECT_EQ(Interpret("").query, "");
}

TEST(InterpretQuery, RepairsWhatWouldNotParseAndSaysWhere) {
  struct Case {
    std::string input, query, message;
  };
  const Case cases[] = {
      {"\"death penalty", "\"death penalty\"", "closed the quote opened at position 1"},
      {"torture \"ill treatment", "torture \"ill treatment\"", "opened at position 9"},
      {"torture AND", "torture", "removed the AND at position 9: nothing after it"},
      {"torture OR", "torture", "removed the OR at position 9"},
      {"AND torture", "torture", "removed the AND at position 1: nothing before it to join"},
      {"torture NOT", "torture", "removed the NOT at position 9"},
      {"torture AND OR detention", "torture AND detention", "removed the OR at position 13"},
      {"(torture OR detention", "(torture OR detention)", "closed the '(' opened at position 1"},
      {"torture)", "torture", "removed the ')' at position 8: no '(' before it"},
      {"torture () detention", "torture detention", "removed the empty '()' at position 9"},
      {"(torture OR)", "(torture)", "removed the OR at position 10"},
      {"torture NOT NOT detention", "torture NOT detention", "repeated NOT at position 13"},
      {"* torture", "torture", "ignored '*' at position 1: '*' ends a word"},
      {"torture -- detention", "torture detention", "ignored '--' at position 9"},
      {"torture \"\"", "torture", "ignored the phrase at position 9"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    const Interpretation in = Interpret(c.input);
    EXPECT_EQ(in.query, c.query);
    ASSERT_FALSE(in.repairs.empty());
    const bool said = std::any_of(in.repairs.begin(), in.repairs.end(), [&](const QueryRepair& r) {
      return r.message.find(c.message) != std::string::npos;
    });
    EXPECT_TRUE(said) << in.repairs.front().message;
    EXPECT_TRUE(ParseQuery(in.query).ok());
  }
  // Nothing left to search: everything, and said so.
  const Interpretation only = Interpret("AND");
  EXPECT_EQ(only.query, "");
  EXPECT_EQ(only.repairs.size(), 1u);
  // Many repairs are listed up to a limit, then summed up.
  const Interpretation many = Interpret(std::string(30, '(') + "torture");
  EXPECT_EQ(many.query, std::string(30, '(') + "torture" + std::string(30, ')'));
  ASSERT_EQ(many.repairs.size(), kMaxRepairsListed + 1);
  EXPECT_EQ(many.repairs.back().message, "and 20 more repairs of the same kind");
}

TEST(InterpretQuery, RefusesWhatRepairsCannotFixNamingThePosition) {
  EXPECT_NE(ErrorOf("torture OR NOT detention").find("NOT cannot stand alone beside OR"),
            std::string::npos);
  const std::string deep = ErrorOf(std::string(100, '(') + "torture");
  EXPECT_NE(deep.find("deeper than 64 levels at position 65"), std::string::npos) << deep;
  EXPECT_NE(deep.find("in the query as repaired"), std::string::npos) << deep;
}

TEST(InterpretQuery, AppliesFieldTerms) {
  Filters f;
  Interpretation in = Interpret("sur:LKA disappearances", f);
  EXPECT_EQ(in.query, "disappearances");
  EXPECT_EQ(in.box, "sur:LKA disappearances");
  EXPECT_EQ(f.sur, std::vector<std::string>{"LKA"});
  ASSERT_EQ(in.applied.size(), 1u);
  EXPECT_EQ(in.applied[0].field, "sur");
  EXPECT_EQ(in.applied[0].value, "LKA");
  EXPECT_EQ(in.applied[0].label, "Sri Lanka");
  EXPECT_EQ(in.applied[0].text, "sur:LKA");

  f = {};
  in = Interpret("torture from:weog cycle:2", f);
  EXPECT_EQ(in.query, "torture");
  EXPECT_EQ(f.from_region, std::vector<Region>{Region::kWesternEuropeanOthers});
  EXPECT_EQ(f.cycles, std::vector<int>{2});
  EXPECT_EQ(in.applied[0].field, "from-region");
  EXPECT_EQ(in.applied[0].value, "weog");

  f = {};
  in = Interpret("theme:\"Death  penalty\" abolish Sur:Sri Lanka", f);
  EXPECT_EQ(in.query, "abolish");
  EXPECT_EQ(f.themes, std::vector<std::string>{"Death penalty"});
  EXPECT_EQ(f.sur, std::vector<std::string>{"LKA"});
  EXPECT_EQ(in.box, "theme:\"Death penalty\" abolish sur:\"Sri Lanka\"");

  f = {};
  in = Interpret("torture AND sur:FRA AND session:10-11 response:noted", f);
  EXPECT_EQ(in.query, "torture");
  EXPECT_TRUE(in.repairs.empty());
  EXPECT_EQ(f.sessions, (std::vector<int>{10, 11}));
  EXPECT_EQ(f.responses.size(), 1u);

  // A filter given beside the URL's is added to them (alternatives within one field).
  f = {};
  f.sur = {"FRA"};
  Interpret("sur:DEU", f);
  EXPECT_EQ(f.sur, (std::vector<std::string>{"FRA", "DEU"}));

  // Not a field: searched as text.
  f = {};
  EXPECT_EQ(Interpret("note:x", f).query, "note:x");
  EXPECT_TRUE(f.empty());
}

TEST(InterpretQuery, RefusesBadFieldTerms) {
  EXPECT_NE(ErrorOf("torture cycle:9").find("'cycle:9' at position 9: expected a cycle number"),
            std::string::npos);
  EXPECT_NE(ErrorOf("sur:Atlantis").find("'sur:Atlantis' at position 1: expected an ISO"),
            std::string::npos);
  EXPECT_NE(ErrorOf("(sur:LKA torture)").find("inside parentheses"), std::string::npos);
  EXPECT_NE(ErrorOf("torture OR sur:LKA").find("cannot be an alternative"), std::string::npos);
  EXPECT_NE(ErrorOf("sur:LKA OR torture").find("OR at position 9"), std::string::npos);
  EXPECT_NE(ErrorOf("torture NOT sur:LKA").find("cannot be excluded with NOT"), std::string::npos);
}

TEST(Vocabulary, ClosestIsTheMostFrequentWordAtTheLeastDistance) {
  const std::vector<std::string> texts = {"Torture torture tortured", "torn tortoise",
                                          "the torture", "Prevent torture and ill-treatment",
                                          "posture"};
  auto v = Vocabulary::FromTexts(texts);
  EXPECT_EQ(v->Count("torture"), 4);
  EXPECT_EQ(v->Closest("tortue"), "torture");
  EXPECT_EQ(v->Closest("totrure"), "torture");  // a swap
  EXPECT_EQ(v->Closest("torturre"), "torture");
  EXPECT_EQ(v->Closest("tortured"), "torture");  // never the word itself
  EXPECT_EQ(v->Closest("xyzzyx"), "");
  EXPECT_EQ(v->Closest("tor"), "");  // too short to guess
  EXPECT_TRUE(v->HasStem("tortur"));
  EXPECT_FALSE(v->HasStem("tortu"));
}

class SuggestTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto s = store::Store::Open(dir_->File("db"));
    ASSERT_TRUE(s.ok());
    store_ = s.value().release();
    const std::string csv =
        std::string(testing::kHeader) +
        "\nSri Lanka,Asia,,Investigate all cases of enforced disappearances,France,WEOG,EU,"
        "Accepted,4,Enforced disappearances,12"
        "\nSri Lanka,Asia,,Ratify the Convention on enforced disappearances,Argentina,GRULAC,,"
        "Noted,4,\"Enforced disappearances,International instruments\",12"
        "\nSri Lanka,Asia,,Prevent torture in detention,Germany,WEOG,EU,Accepted,4,"
        "Torture and other CID treatment,12"
        "\nChile,GRULAC,,Investigate enforced disappearances of the past,Sri Lanka,Asia,,"
        "Accepted,4,Enforced disappearances,5"
        "\nFrance,WEOG,EU,Prevent torture by the police,Côte d'Ivoire,Africa,AU,Accepted,4,"
        "Torture and other CID treatment,15"
        "\nDemocratic Republic of the Congo,Africa,AU,End torture in prisons,France,WEOG,EU,"
        "Accepted,4,Torture and other CID treatment,6"
        "\nUnited Kingdom,WEOG,EU,Criminalise torture abroad,Chile,GRULAC,,Noted,4,"
        "Torture and other CID treatment,1";
    auto r = ingest::ImportFiles(*store_, {dir_->Write("f.csv", csv)}, {});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    auto v = Vocabulary::FromStore(*store_);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    vocabulary_ = new std::shared_ptr<const Vocabulary>(std::move(v).value());
    auto themes = store_->ThemeNames();
    ASSERT_TRUE(themes.ok());
    themes_ = new std::vector<std::string>(std::move(themes).value());
  }
  static void TearDownTestSuite() {
    delete themes_;
    delete vocabulary_;
    delete store_;
    delete dir_;
  }

  static int64_t Count(const std::string& query, const Filters& f) {
    auto r = SqlSearch(*store_, {query, f, 1, 0, false});
    EXPECT_TRUE(r.ok()) << query << ": " << r.status().ToString();
    return r.ok() ? r->total : -1;
  }

  static Interpretation Suggested(const std::string& text, Filters filters = {}) {
    Interpretation in = Interpret(text, filters);
    SuggestContext ctx;
    ctx.themes = *themes_;
    ctx.vocabulary = vocabulary_->get();
    ctx.count = [](const std::string& q, const Filters& f) -> Result<int64_t> {
      return Count(q, f);
    };
    EXPECT_TRUE(Suggest(in, filters, ctx).ok());
    return in;
  }

  static const FilterSuggestion* Find(const Interpretation& in, const std::string& field,
                                      const std::string& value) {
    for (const auto& s : in.suggestions)
      if (s.filter.field == field && s.filter.value == value) return &s;
    return nullptr;
  }

  static TempDir* dir_;
  static store::Store* store_;
  static std::shared_ptr<const Vocabulary>* vocabulary_;
  static std::vector<std::string>* themes_;
};
TempDir* SuggestTest::dir_ = nullptr;
store::Store* SuggestTest::store_ = nullptr;
std::shared_ptr<const Vocabulary>* SuggestTest::vocabulary_ = nullptr;
std::vector<std::string>* SuggestTest::themes_ = nullptr;

TEST_F(SuggestTest, StateNamesAreOfferedAsFiltersWithTheRestOfTheBox) {
  const Interpretation in = Suggested("Sri Lanka enforced disappearances");
  // The words are searched as typed (nothing is taken out silently): here nothing has them all.
  EXPECT_EQ(in.query, "Sri Lanka enforced disappearances");
  EXPECT_EQ(Count(in.query, {}), 0);
  const FilterSuggestion* sur = Find(in, "sur", "LKA");
  ASSERT_NE(sur, nullptr);
  EXPECT_EQ(sur->filter.label, "Sri Lanka");
  EXPECT_EQ(sur->filter.text, "Sri Lanka");
  EXPECT_EQ(sur->box, "enforced disappearances");
  EXPECT_EQ(sur->total, 2);  // Sri Lanka's two recommendations on enforced disappearances
  const FilterSuggestion* from = Find(in, "from", "LKA");
  ASSERT_NE(from, nullptr);
  EXPECT_EQ(from->total, 1);
  // The theme's name is recognised too, but with "Sri Lanka" left as words it finds nothing:
  // not offered. Alone it is (stemmed: "enforced disappearance" is the theme's name).
  EXPECT_EQ(Find(in, "theme", "Enforced disappearances"), nullptr);
  const Interpretation alone = Suggested("enforced disappearance");
  const FilterSuggestion* theme = Find(alone, "theme", "Enforced disappearances");
  ASSERT_NE(theme, nullptr);
  EXPECT_EQ(theme->box, "");
  EXPECT_EQ(theme->total, 3);
  // Nothing is offered that finds nothing: Chile is reviewed, but not about torture.
  EXPECT_EQ(Find(Suggested("Chile torture"), "sur", "CHL"), nullptr);
  EXPECT_NE(Find(Suggested("Chile torture"), "from", "CHL"), nullptr);
}

TEST_F(SuggestTest, AliasesCodesAndOtherLanguagesAreRecognised) {
  EXPECT_NE(Find(Suggested("Ivory Coast torture"), "from", "CIV"), nullptr);
  EXPECT_NE(Find(Suggested("Côte d'Ivoire torture"), "from", "CIV"), nullptr);
  EXPECT_NE(Find(Suggested("DRC torture"), "sur", "COD"), nullptr);
  EXPECT_NE(Find(Suggested("UK torture"), "sur", "GBR"), nullptr);
  EXPECT_NE(Find(Suggested("LKA torture"), "sur", "LKA"), nullptr);
  EXPECT_NE(Find(Suggested("Chili disappearances"), "sur", "CHL"), nullptr);  // French
  EXPECT_NE(Find(Suggested("WEOG torture"), "from-region", "weog"), nullptr);
  // Short codes count only in capitals: these are words.
  EXPECT_TRUE(Suggested("torture and detention").suggestions.empty());
  EXPECT_TRUE(Suggested("torture can per").suggestions.empty());
  EXPECT_TRUE(Suggested("torture in Africa").suggestions.empty());
}

TEST_F(SuggestTest, NoNameSuggestionWhereTakingWordsOutWouldChangeTheQuery) {
  // Found by the query fuzz target: without "UK", "NOT torture detention" is no query.
  EXPECT_EQ(Find(Suggested("UK NOT torture detention"), "sur", "GBR"), nullptr);
  EXPECT_TRUE(Suggested("torture OR Chile").suggestions.empty());
  EXPECT_TRUE(Suggested("torture NOT Chile").suggestions.empty());
  EXPECT_FALSE(Suggested("torture Chile").suggestions.empty());
  // A box of many names looks at a few.
  std::string many;
  for (int i = 0; i < 500; ++i) many += "Chile France ";
  size_t counted = 0;
  {
    Filters none;
    Interpretation in = Interpret(many + "torture", none);
    SuggestContext ctx;
    ctx.themes = *themes_;
    ctx.count = [&counted](const std::string& q, const Filters& f) -> Result<int64_t> {
      ++counted;
      return Count(q, f);
    };
    ASSERT_TRUE(Suggest(in, none, ctx).ok());
  }
  EXPECT_LE(counted, 2 * kMaxSuggestions);
  EXPECT_TRUE(Suggested("\"Sri Lanka\" torture").suggestions.empty());
  // A filter already in force is not offered again.
  Filters f;
  f.sur = {"LKA"};
  EXPECT_EQ(Find(Suggested("Sri Lanka disappearances", f), "sur", "LKA"), nullptr);
  f.sur = {"CHL"};  // another state: Sri Lanka is an alternative, counted with it
  const Interpretation other = Suggested("Sri Lanka disappearances", f);
  const FilterSuggestion* s = Find(other, "sur", "LKA");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->total, 3);
  // An operator left alone by the words taken out is dropped.
  const Interpretation with_and = Suggested("Sri Lanka AND torture");
  s = Find(with_and, "sur", "LKA");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->box, "torture");
  EXPECT_EQ(s->total, 1);
  // Field terms stay in the box of a suggestion.
  const Interpretation with_field = Suggested("response:supported Sri Lanka torture");
  s = Find(with_field, "sur", "LKA");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->box, "torture response:supported");
  EXPECT_EQ(s->total, 1);
}

TEST_F(SuggestTest, MisspelledWordsGetTheClosestWordOfTheRecord) {
  Interpretation in = Suggested("tortue");
  ASSERT_EQ(in.did_you_mean.size(), 1u);
  EXPECT_EQ(in.did_you_mean[0].query, "torture");
  EXPECT_EQ(in.did_you_mean[0].box, "torture");
  EXPECT_EQ(in.did_you_mean[0].total, 4);
  ASSERT_EQ(in.did_you_mean[0].corrections.size(), 1u);
  EXPECT_EQ(in.did_you_mean[0].corrections[0].word, "tortue");
  EXPECT_EQ(in.did_you_mean[0].corrections[0].suggestion, "torture");

  in = Suggested("\"enforced dissapearances\" sur:LKA");
  ASSERT_EQ(in.did_you_mean.size(), 1u);
  EXPECT_EQ(in.did_you_mean[0].box, "\"enforced disappearances\" sur:LKA");
  EXPECT_EQ(in.did_you_mean[0].total, 2);

  // Words the record has (in any form the stemmer joins) are not corrected.
  EXPECT_TRUE(Suggested("tortured detentions").did_you_mean.empty());
  // A correction that finds nothing is not offered.
  EXPECT_TRUE(Suggested("tortue sur:FRA cycle:1").did_you_mean.empty());
  // Nothing close: nothing offered.
  EXPECT_TRUE(Suggested("qwxzv").did_you_mean.empty());
}

}  // namespace
}  // namespace openupr::search
