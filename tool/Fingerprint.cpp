//===-- Fingerprint.cpp - identities of findings across runs -------------===//

#include "Fingerprint.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/xxhash.h"
#include <map>

namespace weakcheck {

std::string fingerprintKey() {
  return "weakcheckFindingHash/v" + std::to_string(FingerprintVersion);
}

namespace {

void appendCodePoint(std::vector<uint16_t> &Out, uint32_t CP) {
  if (CP < 0x10000) {
    Out.push_back(uint16_t(CP));
    return;
  }
  CP -= 0x10000;
  Out.push_back(uint16_t(0xD800 + (CP >> 10)));
  Out.push_back(uint16_t(0xDC00 + (CP & 0x3FF)));
}

bool isBlank(char C) {
  return C == ' ' || C == '\t' || C == '\r' || C == '\v' || C == '\f';
}

} // namespace

std::vector<uint16_t> utf16Units(llvm::StringRef Text) {
  // The WHATWG UTF-8 decoder (what Node's TextDecoder and StringDecoder do).
  std::vector<uint16_t> Out;
  Out.reserve(Text.size());
  unsigned Needed = 0, Seen = 0;
  uint32_t CP = 0;
  unsigned char Lower = 0x80, Upper = 0xBF;
  for (size_t I = 0; I < Text.size(); ++I) {
    unsigned char B = Text[I];
    if (Needed == 0) {
      if (B <= 0x7F) {
        Out.push_back(B);
      } else if (B >= 0xC2 && B <= 0xDF) {
        Needed = 1;
        CP = B & 0x1F;
      } else if (B >= 0xE0 && B <= 0xEF) {
        if (B == 0xE0)
          Lower = 0xA0;
        if (B == 0xED)
          Upper = 0x9F;
        Needed = 2;
        CP = B & 0x0F;
      } else if (B >= 0xF0 && B <= 0xF4) {
        if (B == 0xF0)
          Lower = 0x90;
        if (B == 0xF4)
          Upper = 0x8F;
        Needed = 3;
        CP = B & 0x07;
      } else {
        Out.push_back(0xFFFD);
      }
      continue;
    }
    if (B < Lower || B > Upper) {
      // The sequence so far is one replacement; B starts afresh.
      Needed = Seen = 0;
      CP = 0;
      Lower = 0x80;
      Upper = 0xBF;
      Out.push_back(0xFFFD);
      --I;
      continue;
    }
    Lower = 0x80;
    Upper = 0xBF;
    CP = (CP << 6) | (B & 0x3F);
    if (++Seen == Needed) {
      appendCodePoint(Out, CP);
      Needed = Seen = 0;
      CP = 0;
    }
  }
  if (Needed)
    Out.push_back(0xFFFD);
  return Out;
}

std::vector<std::string> lineHashes(llvm::StringRef FileText) {
  constexpr unsigned Window = 100;
  constexpr uint64_t Base = 37;
  constexpr uint32_t EndOfFile = 65535;
  // The normalised text (no blanks, CR and CRLF as LF, end marker) and where
  // each line starts in it.
  std::vector<uint32_t> Text;
  std::vector<size_t> Starts;
  std::vector<uint16_t> Units = utf16Units(FileText);
  bool LineStart = true, AfterCR = false;
  auto Take = [&](uint32_t C) {
    if (C == ' ' || C == '\t' || (AfterCR && C == '\n')) {
      AfterCR = false;
      return;
    }
    AfterCR = C == '\r';
    if (AfterCR)
      C = '\n';
    if (LineStart)
      Starts.push_back(Text.size());
    LineStart = C == '\n';
    Text.push_back(C);
  };
  for (uint16_t U : Units)
    Take(U);
  Take(EndOfFile);
  Text.resize(Text.size() + Window, 0);

  // Unsigned arithmetic wraps modulo 2^64, as codeql-action's Long does.
  uint64_t Top = 1; // Base^(Window-1): the weight of a window's first unit.
  for (unsigned I = 1; I < Window; ++I)
    Top *= Base;
  uint64_t Hash = 0;
  for (unsigned I = 0; I < Window; ++I)
    Hash = Hash * Base + Text[I];
  std::vector<std::string> Result;
  Result.reserve(Starts.size());
  std::map<std::string, unsigned> Seen;
  size_t Pos = 0;
  for (size_t Start : Starts) {
    for (; Pos < Start; ++Pos)
      Hash = (Hash - Text[Pos] * Top) * Base + Text[Pos + Window];
    std::string Hex = llvm::utohexstr(Hash, /*LowerCase=*/true);
    Result.push_back(Hex + ":" + std::to_string(++Seen[Hex]));
  }
  return Result;
}

unsigned utf16Column(llvm::StringRef Line, unsigned ByteColumn) {
  if (ByteColumn <= 1)
    return 1;
  size_t Bytes = ByteColumn - 1;
  size_t Inside = std::min(Bytes, Line.size());
  return 1 + utf16Units(Line.take_front(Inside)).size() + (Bytes - Inside);
}

std::string fingerprintHash(const FingerprintInput &In) {
  std::string Squeezed;
  unsigned Before = 0;
  for (size_t I = 0; I < In.LineText.size(); ++I) {
    if (isBlank(In.LineText[I]))
      continue;
    Squeezed += In.LineText[I];
    if (I + 1 < In.ByteColumn)
      ++Before;
  }
  std::string Key = "v" + std::to_string(FingerprintVersion);
  for (llvm::StringRef Part :
       {In.Check, In.Path, llvm::StringRef(Squeezed), In.Message}) {
    Key += '\0';
    Key += Part;
  }
  Key += '\0';
  Key += std::to_string(Before);
  return llvm::utohexstr(llvm::xxh3_64bits(Key), /*LowerCase=*/true, 16);
}

void numberOccurrences(std::vector<std::string> &Hashes) {
  std::map<std::string, unsigned> Seen;
  for (std::string &H : Hashes)
    H += ":" + std::to_string(++Seen[H]);
}

} // namespace weakcheck
