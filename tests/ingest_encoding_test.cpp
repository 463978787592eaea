// Encoding and line-end detection, decoding, and CSV reading with line numbers.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <thread>

#include "ingest/csv_reader.h"
#include "ingest/file_bytes.h"
#include "ingest/encoding.h"
#include "core/text.h"
#include "test_util.h"

namespace openupr::ingest {
namespace {

TEST(Encoding, DetectsUtf8WithAndWithoutBom) {
  EXPECT_EQ(DetectEncoding("plain ascii"), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("caf\xC3\xA9"), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("\xEF\xBB\xBF" "caf\xC3\xA9"), Encoding::kUtf8Bom);
}

TEST(Encoding, TellsMacRomanFromWindows1252) {
  // "Réunion, Côte" in Mac Roman: é = 0x8E, ô = 0x99.
  EXPECT_EQ(DetectEncoding("R\x8Eunion, C\x99te"), Encoding::kMacRoman);
  // The same in Windows-1252: é = 0xE9, ô = 0xF4.
  EXPECT_EQ(DetectEncoding("R\xE9union, C\xF4te"), Encoding::kWindows1252);
  // Curly apostrophes and quotes are Windows-1252 punctuation (í, ì, î in Mac Roman).
  EXPECT_EQ(DetectEncoding("the women\x92s rights, \x93quoted\x94"), Encoding::kWindows1252);
  // 0x8D is undefined in Windows-1252 (ç in Mac Roman).
  EXPECT_EQ(DetectEncoding("Fran\x8Dois"), Encoding::kMacRoman);
}

TEST(Encoding, DecodesToUtf8) {
  auto mac = DecodeToUtf8("R\x8Eunion", Encoding::kMacRoman, "f.csv");
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(*mac, "R\xC3\xA9union");
  auto win = DecodeToUtf8("R\xE9union \x93q\x94", Encoding::kWindows1252, "f.csv");
  ASSERT_TRUE(win.ok());
  EXPECT_EQ(*win, "R\xC3\xA9union \xE2\x80\x9Cq\xE2\x80\x9D");
  auto bom = DecodeToUtf8("\xEF\xBB\xBFx", Encoding::kUtf8Bom, "f.csv");
  ASSERT_TRUE(bom.ok());
  EXPECT_EQ(*bom, "x");
}

// An import's decoding: UTF-8 is not copied (a view of the bytes, BOM dropped), other encodings
// are decoded into the buffer given.
TEST(Encoding, DecodesWholeFilesIntoALargeBufferOrNotAtAll) {
  const std::string utf8 = "\xEF\xBB\xBF" "caf\xC3\xA9";
  LargeBuffer out;
  auto same = DecodeToUtf8(utf8, Encoding::kUtf8Bom, "f.csv", out);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, "caf\xC3\xA9");
  EXPECT_EQ(same->data(), utf8.data() + 3);
  EXPECT_EQ(out.data(), nullptr);
  const std::string mac(100000, '\x8E');  // 100,000 x é: twice as many bytes in UTF-8
  auto decoded = DecodeToUtf8(mac, Encoding::kMacRoman, "f.csv", out);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->data(), out.data());
  std::string expected;
  for (int i = 0; i < 100000; ++i) expected += "\xC3\xA9";
  EXPECT_EQ(*decoded, expected);
}

TEST(FileBytes, ALargeBufferStartsOnAHugePageAndHoldsWhatIsWritten) {
  auto b = LargeBuffer::Allocate(5 << 20);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b->data()) % (2 << 20), 0u);
  EXPECT_EQ(b->capacity(), size_t{5} << 20);
  std::fill(b->data(), b->data() + b->capacity(), 'x');  // all of it is usable
  b->set_size(3);
  EXPECT_EQ(b->view(), "xxx");
  LargeBuffer moved = std::move(b).value();
  EXPECT_EQ(moved.view(), "xxx");
}

TEST(FileBytes, ReadsWholeFilesEmptyOnesAndPipes) {
  testing::TempDir dir;
  std::string big;
  for (int i = 0; big.size() < (3u << 20); ++i) big += "line " + std::to_string(i) + "\r";
  auto f = ReadWholeFile(dir.Write("big.csv", big));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->view(), big);
  auto empty = ReadWholeFile(dir.Write("empty.csv", ""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), 0u);
  // A pipe has no size: the buffer grows (1 MiB, then doubled) as it is read.
  const std::string fifo = dir.File("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::jthread writer([&] { dir.Write("fifo", big); });
  auto piped = ReadWholeFile(fifo);
  ASSERT_TRUE(piped.ok()) << piped.status().ToString();
  EXPECT_EQ(piped->view(), big);
}

TEST(FileBytes, ErrorsNameTheFile) {
  testing::TempDir dir;
  auto missing = ReadWholeFile(dir.File("no-such.csv"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIo);
  EXPECT_NE(missing.status().message().find("no-such.csv: cannot open the file for reading"),
            std::string::npos) << missing.status().message();
  auto directory = ReadWholeFile(dir.File(""));
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.status().message().find("cannot read a directory"), std::string::npos)
      << directory.status().message();
}

TEST(Encoding, ForcedUtf8OnMacRomanNamesLineAndColumn) {
  auto r = DecodeToUtf8("a,b\rR\x8Eunion", Encoding::kUtf8, "f.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kBadInput);
  EXPECT_NE(r.status().message().find("f.csv:2:2"), std::string::npos) << r.status().message();
}

TEST(Encoding, UndefinedWindows1252ByteIsAnError) {
  auto r = DecodeToUtf8("ok\n\x81", Encoding::kWindows1252, "w.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("w.csv:2:1"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("0x81"), std::string::npos);
}

TEST(LineEnds, DetectsEachKindAndMixtures) {
  EXPECT_EQ(DetectLineEnds("a\rb\r"), LineEnds::kCr);
  EXPECT_EQ(DetectLineEnds("a\nb\n"), LineEnds::kLf);
  EXPECT_EQ(DetectLineEnds("a\r\nb\r\n"), LineEnds::kCrLf);
  EXPECT_EQ(DetectLineEnds("a\r\nb\n"), LineEnds::kMixed);
  EXPECT_EQ(DetectLineEnds("a"), LineEnds::kNone);
}

TEST(Csv, ReadsQuotedCommasQuotesAndEmbeddedLineBreaks) {
  for (auto [eol, mode] : {std::pair{"\r", LineEnds::kCr}, std::pair{"\n", LineEnds::kLf},
                           std::pair{"\r\n", LineEnds::kCrLf}}) {
    const std::string text = std::string("h1,h2") + eol + "\"a, b\",\"say \"\"hi\"\"\"" + eol +
                             "\"two" + eol + "lines\",x" + eol + "last,row";
    auto rows = ReadCsv(text, mode, "t.csv");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    ASSERT_EQ(rows->size(), 4u);
    EXPECT_EQ((*rows)[1].fields, (std::vector<std::string>{"a, b", "say \"hi\""}));
    EXPECT_EQ((*rows)[1].line, 2);
    EXPECT_EQ((*rows)[2].fields[0], std::string("two") + eol + "lines");
    EXPECT_EQ((*rows)[2].line, 3);
    EXPECT_EQ((*rows)[3].line, 5);  // after the record spanning lines 3-4
    EXPECT_EQ((*rows)[3].fields, (std::vector<std::string>{"last", "row"}));
  }
}

TEST(Csv, ForcedLineEndsLeaveOtherBreaksInTheData) {
  // Forced CR: a LF is data, not a record end.
  auto rows = ReadCsv("a,b\rc\nd,e\r", LineEnds::kCr, "t.csv");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].fields[0], "c\nd");
}

TEST(Csv, UnterminatedQuoteNamesTheLineWhereTheRecordStarts) {
  auto rows = ReadCsv("h1,h2\nok,1\nbad,\"never closed\nmore\n", LineEnds::kLf, "u.csv");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kBadInput);
  const std::string& m = rows.status().message();
  EXPECT_NE(m.find("u.csv:3: column 2"), std::string::npos) << m;
  EXPECT_NE(m.find("unterminated quote"), std::string::npos) << m;
}

TEST(Csv, MalformedQuoteIsAnError) {
  auto rows = ReadCsv("h\n\"a\"b,c\n", LineEnds::kLf, "m.csv");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("m.csv:2"), std::string::npos) << rows.status().message();
}

}  // namespace
}  // namespace openupr::ingest

namespace openupr::ingest {
namespace {

// The duplicate key's fast ASCII path must agree with the tokenizer on every real text (stored
// keys of earlier imports depend on it).
TEST(DuplicateKey, FastPathAgreesWithTheTokenizerOnTheRealData) {
  int64_t texts = 0;
  for (const char* name : {"sessions-01-05.csv", "sessions-06-09.csv", "sessions-10-13.csv",
                           "sessions-14-17.csv", "voluntary-pledges.csv"}) {
    const std::string path = openupr::testing::UprFile(name);
    const std::string bytes = openupr::testing::ReadAll(path);
    auto text = DecodeToUtf8(bytes, DetectEncoding(bytes), path);
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    auto records = ReadCsv(*text, DetectLineEnds(bytes), path);
    ASSERT_TRUE(records.ok()) << records.status().ToString();
    for (size_t i = 1; i < records->size(); ++i) {
      for (const std::string& field : (*records)[i].fields) {
        ASSERT_EQ(TextKey(field), internal::TextKeyByTokenizer(field)) << path << ": " << field;
        ++texts;
      }
    }
  }
  EXPECT_GT(texts, 300000);
  for (const char* s : {"Women's rights", "'quoted' words'", "a''b", "x-y_z 12.5%", "", "  ",
                        "O'Neil's", "end'", "Ratify the CAT."}) {
    EXPECT_EQ(TextKey(s), internal::TextKeyByTokenizer(s)) << s;
  }
}

}  // namespace
}  // namespace openupr::ingest
