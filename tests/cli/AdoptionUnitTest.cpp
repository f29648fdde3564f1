//===-- AdoptionUnitTest.cpp - fingerprints, line hashes, diff parsing ---===//
//
// Unit tests of tool/Fingerprint.h and tool/Git.h's patch parser. Expected
// line hashes come from outside the implementation under test: a direct
// (not rolling) evaluation of the polynomial written here, and values of
// tests/cli/check_sarif_github.py's line_hashes, an independent Python
// re-implementation of github/codeql-action's description.
//
//===----------------------------------------------------------------------===//

#include "Fingerprint.h"
#include "Git.h"
#include "llvm/ADT/StringExtras.h"
#include <gtest/gtest.h>

using namespace weakcheck;

namespace {

/// sum(U[k] * 37^(99-k)) mod 2^64 over 100 units, zero-padded: the hash of
/// a line whose normalised text from its start is \p U.
std::string direct(std::vector<uint64_t> U) {
  U.resize(100, 0);
  uint64_t H = 0;
  for (unsigned K = 0; K < 100; ++K) {
    uint64_t Weight = 1;
    for (unsigned P = 0; P < 99 - K; ++P)
      Weight *= 37;
    H += U[K] * Weight;
  }
  return llvm::utohexstr(H, /*LowerCase=*/true);
}

} // namespace

TEST(LineHash, EmptyFileIsTheEndMarkerAlone) {
  EXPECT_EQ(lineHashes(""), std::vector<std::string>{direct({65535}) + ":1"});
}

TEST(LineHash, ShortLinesReachIntoTheNextLinesAndTheEnd) {
  // "a\n  b": line 1 is a, LF, b, EOF; line 2 starts at b (blanks dropped).
  std::vector<std::string> H = lineHashes("a\n  b");
  ASSERT_EQ(H.size(), 2u);
  EXPECT_EQ(H[0], direct({'a', '\n', 'b', 65535}) + ":1");
  EXPECT_EQ(H[1], direct({'b', 65535}) + ":1");
}

TEST(LineHash, CarriageReturnsReadAsNewlines) {
  EXPECT_EQ(lineHashes("a\r\nb\n"), lineHashes("a\nb\n"));
  EXPECT_EQ(lineHashes("a\rb\r"), lineHashes("a\nb\n"));
  EXPECT_EQ(lineHashes("a\r\n\r\nb"), lineHashes("a\n\nb"));
  EXPECT_EQ(lineHashes("a\nb\n")[0], direct({'a', '\n', 'b', '\n', 65535}) + ":1");
}

TEST(LineHash, MatchesTheIndependentPythonImplementation) {
  // Values printed by check_sarif_github.line_hashes for the same bytes.
  EXPECT_EQ(lineHashes(""), std::vector<std::string>{"c129715d7a2bc9a3:1"});
  EXPECT_EQ(lineHashes("a"), std::vector<std::string>{"53b5d4aabe50d64:1"});
  EXPECT_EQ(lineHashes("int x;\n\tint  y ;\r\nint x;\n"),
            (std::vector<std::string>{"222520db32fd691c:1", "5515633ce8fddd24:1",
                                      "22bd3bea0af67823:1", "c129715d7a2bc9a3:1"}));
  EXPECT_EQ(lineHashes("const char *s = \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"; f();\n")[0],
            "5b69e996a0886312:1");
  EXPECT_EQ(lineHashes("\xf0\x9f\x98\x80 x\n")[0], "6061da4448575c5e:1");
  EXPECT_EQ(lineHashes("\xff\xfe a\n")[0], "9055e3182bcc70c0:1");
  EXPECT_EQ(lineHashes(std::string(150, 'x') + "\ny\n"),
            (std::vector<std::string>{"52b56201ffb58620:1", "c33be7e0cf7c3ca:1",
                                      "c129715d7a2bc9a3:1"}));
}

TEST(LineHash, IdenticalWindowsAreNumbered) {
  std::string Text;
  for (int I = 0; I < 10; ++I)
    Text += "Lorem ipsum dolor sit amet.\n"; // 27 units a line without blanks
  std::vector<std::string> H = lineHashes(Text);
  ASSERT_EQ(H.size(), 11u);
  // The first six lines see 100 units of the same text; later ones see the end.
  for (int I = 0; I < 6; ++I)
    EXPECT_EQ(H[I], H[0].substr(0, H[0].find(':')) + ":" + std::to_string(I + 1));
  EXPECT_NE(H[6].substr(0, H[6].find(':')), H[0].substr(0, H[0].find(':')));
  EXPECT_EQ(H[6].substr(H[6].find(':')), ":1");
}

TEST(Utf16, DecodesLikeAJavaScriptString) {
  EXPECT_EQ(utf16Units("a\xc3\xa9"), (std::vector<uint16_t>{'a', 0xE9}));
  EXPECT_EQ(utf16Units("\xe2\x82\xac"), std::vector<uint16_t>{0x20AC});
  EXPECT_EQ(utf16Units("\xf0\x9f\x98\x80"), (std::vector<uint16_t>{0xD83D, 0xDE00}));
  // Ill-formed: one U+FFFD per maximal subpart.
  EXPECT_EQ(utf16Units("\xff"), std::vector<uint16_t>{0xFFFD});
  EXPECT_EQ(utf16Units("\xe2\x82x"), (std::vector<uint16_t>{0xFFFD, 'x'}));
  EXPECT_EQ(utf16Units("\xed\xa0\x80"), (std::vector<uint16_t>{0xFFFD, 0xFFFD, 0xFFFD}));
  EXPECT_EQ(utf16Units("\xc3"), std::vector<uint16_t>{0xFFFD});
}

TEST(Utf16, ColumnsCountCodeUnitsNotBytes) {
  const std::string Line = "s = \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"; x";
  // 'x' is at byte column 19 (1-based), UTF-16 column 14: five é are ten bytes.
  ASSERT_EQ(Line.find('x'), 18u);
  EXPECT_EQ(utf16Column(Line, 19), 14u);
  EXPECT_EQ(utf16Column(Line, 1), 1u);
  EXPECT_EQ(utf16Column("\xf0\x9f\x98\x80y", 5), 3u); // after a surrogate pair
  EXPECT_EQ(utf16Column("ab", 3), 3u);                // one past the end
  EXPECT_EQ(utf16Column("ab", 5), 5u);                // beyond: one unit a byte
}

TEST(Fingerprint, IgnoresTheLineNumberAndIndentation) {
  FingerprintInput A{"weakref-x", "src/a.cpp", "  auto p = w.lock();", 12, "msg"};
  FingerprintInput B{"weakref-x", "src/a.cpp", "\tauto p =  w.lock();", 11, "msg"};
  EXPECT_EQ(fingerprintHash(A), fingerprintHash(B));
  EXPECT_EQ(fingerprintHash(A).size(), 16u);
}

TEST(Fingerprint, DependsOnCheckPathLineColumnAndMessage) {
  FingerprintInput Base{"weakref-x", "src/a.cpp", "auto p = w.lock();", 10, "msg"};
  std::string H = fingerprintHash(Base);
  FingerprintInput V = Base;
  V.Check = "weakref-y";
  EXPECT_NE(fingerprintHash(V), H);
  V = Base;
  V.Path = "src/b.cpp";
  EXPECT_NE(fingerprintHash(V), H);
  V = Base;
  V.LineText = "auto q = w.lock();";
  EXPECT_NE(fingerprintHash(V), H);
  V = Base;
  V.ByteColumn = 1;
  EXPECT_NE(fingerprintHash(V), H);
  V = Base;
  V.Message = "other";
  EXPECT_NE(fingerprintHash(V), H);
}

TEST(Fingerprint, OccurrencesMakeIdenticalFindingsUnique) {
  std::vector<std::string> H = {"aa", "bb", "aa", "aa"};
  numberOccurrences(H);
  EXPECT_EQ(H, (std::vector<std::string>{"aa:1", "bb:1", "aa:2", "aa:3"}));
  EXPECT_EQ(fingerprintKey(), "weakcheckFindingHash/v" + std::to_string(FingerprintVersion));
}

TEST(UnifiedDiff, AddedAndChangedLinesOfEachFile) {
  const char *Patch =
      "diff --git a/src/a.cpp b/src/a.cpp\n"
      "index 1..2 100644\n"
      "--- a/src/a.cpp\n"
      "+++ b/src/a.cpp\n"
      "@@ -3 +3,2 @@ void f() {\n"
      "-  old();\n"
      "+  new1();\n"
      "+  new2();\n"
      "@@ -10,2 +11,0 @@\n"
      "-gone();\n"
      "-gone();\n"
      "@@ -20,0 +19 @@\n"
      "++++ looks like a header but is an added line\n"
      "diff --git a/dir with space/b.cpp b/dir with space/b.cpp\n"
      "--- a/dir with space/b.cpp\t\n"
      "+++ b/dir with space/b.cpp\t\n"
      "@@ -0,0 +1,3 @@\n"
      "+x\n"
      "+y\n"
      "+z\n"
      "\\ No newline at end of file\n"
      "diff --git \"a/caf\\303\\251\\tx.cpp\" \"b/caf\\303\\251\\tx.cpp\"\n"
      "--- \"a/caf\\303\\251\\tx.cpp\"\n"
      "+++ \"b/caf\\303\\251\\tx.cpp\"\n"
      "@@ -1 +1 @@\n"
      "-a\n"
      "+b\n"
      "diff --git a/old.cpp b/new.cpp\n"
      "similarity index 100%\n"
      "rename from old.cpp\n"
      "rename to new.cpp\n"
      "diff --git a/deleted.cpp b/deleted.cpp\n"
      "deleted file mode 100644\n"
      "--- a/deleted.cpp\n"
      "+++ /dev/null\n"
      "@@ -1,2 +0,0 @@\n"
      "-a\n"
      "-b\n";
  std::map<std::string, LineRanges> Files = parseUnifiedDiff(Patch);
  EXPECT_EQ(Files.size(), 3u);
  EXPECT_EQ(Files["src/a.cpp"], (LineRanges{{3, 4}, {19, 19}}));
  EXPECT_EQ(Files["dir with space/b.cpp"], (LineRanges{{1, 3}}));
  EXPECT_EQ(Files["caf\xc3\xa9\tx.cpp"], (LineRanges{{1, 1}}));
  EXPECT_EQ(Files.count("deleted.cpp"), 0u);
  EXPECT_EQ(Files.count("new.cpp"), 0u); // a pure rename changes no line
}

TEST(UnifiedDiff, ChangedLinesLookup) {
  ChangedLines C;
  C.set({{"/r/a.cpp", {{3, 4}}}, {"/r/moved.cpp", {}}});
  EXPECT_TRUE(C.changed("/r/a.cpp"));
  EXPECT_FALSE(C.changed("/r/moved.cpp"));
  EXPECT_FALSE(C.changed("/r/other.cpp"));
  EXPECT_FALSE(C.touches("/r/a.cpp", 2));
  EXPECT_TRUE(C.touches("/r/a.cpp", 3));
  EXPECT_TRUE(C.touches("/r/a.cpp", 4));
  EXPECT_FALSE(C.touches("/r/a.cpp", 5));
}

TEST(UnifiedDiff, StagedLinesMapThroughUnstagedEdits) {
  // Unstaged: two lines inserted before line 1 (+2), line 5 replaced by
  // three (new 7-9, +2 more), line 9 deleted (-1).
  std::vector<Hunk> Edits = {{0, 0, 1, 2}, {5, 1, 7, 3}, {9, 1, 12, 0}};
  EXPECT_EQ(mapThrough({{1, 4}}, Edits), (LineRanges{{3, 6}}));
  EXPECT_EQ(mapThrough({{5, 5}}, Edits), LineRanges{}); // replaced: not staged text
  EXPECT_EQ(mapThrough({{4, 7}}, Edits), (LineRanges{{6, 6}, {10, 11}}));
  EXPECT_EQ(mapThrough({{9, 10}}, Edits), (LineRanges{{13, 13}}));
  EXPECT_EQ(mapThrough({{3, 3}}, {}), (LineRanges{{3, 3}}));
  std::map<std::string, std::vector<Hunk>> H =
      parseHunks("+++ b/x\n@@ -0,0 +1,2 @@\n+a\n+b\n@@ -5 +8,3 @@\n-c\n+d\n+e\n+f\n");
  ASSERT_EQ(H["x"].size(), 2u);
  EXPECT_EQ(H["x"][1].OldStart, 5u);
  EXPECT_EQ(H["x"][1].OldCount, 1u);
  EXPECT_EQ(H["x"][1].NewStart, 8u);
  EXPECT_EQ(H["x"][1].NewCount, 3u);
}
