//===-- Annotations.cpp - expected diagnostics written in test sources ---===//

#include "Annotations.h"
#include <cstdlib>
#include <sstream>

namespace weakcheck::test {

namespace {

bool startsWith(const std::string &S, size_t Pos, const char *Prefix) {
  return S.compare(Pos, std::char_traits<char>::length(Prefix), Prefix) == 0;
}

std::string trim(const std::string &S) {
  size_t B = S.find_first_not_of(" \t\r");
  size_t E = S.find_last_not_of(" \t\r");
  return B == std::string::npos ? "" : S.substr(B, E - B + 1);
}

/// Parses one "expected-KIND[@±N][:C]{{text}}" starting at \p Pos (just after
/// "expected-"). Returns false on malformed input.
bool parseOne(const std::string &Line, size_t &Pos, unsigned LineNo,
              ExpectedDiag &Out, std::string &Error) {
  for (const char *Kind : {"warning", "error", "note"}) {
    if (startsWith(Line, Pos, Kind)) {
      Out.Kind = Kind;
      Pos += std::char_traits<char>::length(Kind);
      break;
    }
  }
  if (Out.Kind.empty()) {
    Error = "unknown expectation kind";
    return false;
  }
  Out.AnnotationLine = LineNo;
  Out.Line = LineNo;
  if (Pos + 1 < Line.size() && Line[Pos] == '@' && Line[Pos + 1] == '*') {
    // A note in another file (a header the test includes): line 0.
    if (Out.Kind != "note") {
      Error = "only a note can be expected in another file (@*)";
      return false;
    }
    Pos += 2;
    Out.Line = 0;
  } else if (Pos < Line.size() && Line[Pos] == '@') {
    ++Pos;
    if (Pos >= Line.size() || (Line[Pos] != '+' && Line[Pos] != '-')) {
      Error = "expected @+N or @-N";
      return false;
    }
    bool Minus = Line[Pos++] == '-';
    char *End = nullptr;
    long N = std::strtol(Line.c_str() + Pos, &End, 10);
    if (End == Line.c_str() + Pos) {
      Error = "expected a number after @+/@-";
      return false;
    }
    Pos = End - Line.c_str();
    long Target = Minus ? long(LineNo) - N : long(LineNo) + N;
    if (Target < 1) {
      Error = "line offset points before the file";
      return false;
    }
    Out.Line = unsigned(Target);
  }
  if (Pos < Line.size() && Line[Pos] == ':') {
    ++Pos;
    char *End = nullptr;
    long C = std::strtol(Line.c_str() + Pos, &End, 10);
    if (End == Line.c_str() + Pos || C < 1) {
      Error = "expected a column after ':'";
      return false;
    }
    Pos = End - Line.c_str();
    Out.Column = unsigned(C);
  }
  if (!startsWith(Line, Pos, "{{")) {
    Error = "expected {{message fragment}}";
    return false;
  }
  size_t Close = Line.find("}}", Pos + 2);
  if (Close == std::string::npos) {
    Error = "unterminated {{";
    return false;
  }
  Out.Fragment = Line.substr(Pos + 2, Close - Pos - 2);
  Pos = Close + 2;
  return true;
}

std::string describe(const ExpectedDiag &E) {
  std::ostringstream OS;
  if (E.Line == 0)
    OS << "another file";
  else
    OS << "line " << E.Line;
  if (E.Column)
    OS << ":" << *E.Column;
  OS << ": " << E.Kind << " containing \"" << E.Fragment
     << "\" (annotation on line " << E.AnnotationLine << ")";
  return OS.str();
}

bool matches(const ExpectedDiag &E, const ActualDiag &A) {
  return E.Kind == A.Kind && E.Line == A.Line &&
         (!E.Column || *E.Column == A.Column) &&
         A.Message.find(E.Fragment) != std::string::npos;
}

} // namespace

Annotations parseAnnotations(const std::string &Source) {
  Annotations Result;
  std::istringstream In(Source);
  std::string Line;
  unsigned LineNo = 0;
  while (std::getline(In, Line)) {
    ++LineNo;
    size_t Comment = Line.find("//");
    if (Comment == std::string::npos)
      continue;
    std::string Rest = Line.substr(Comment + 2);
    std::string Trimmed = trim(Rest);
    if (startsWith(Trimmed, 0, "weakcheck-args:")) {
      std::istringstream Words(Trimmed.substr(15));
      for (std::string W; Words >> W;)
        Result.Args.push_back(W);
      continue;
    }
    if (startsWith(Trimmed, 0, "weakcheck-config:")) {
      Result.Config = trim(Trimmed.substr(17));
      continue;
    }
    size_t Pos = 0;
    while ((Pos = Rest.find("expected-", Pos)) != std::string::npos) {
      Pos += 9;
      ExpectedDiag E;
      std::string Error;
      if (!parseOne(Rest, Pos, LineNo, E, Error)) {
        Result.Errors.push_back("line " + std::to_string(LineNo) + ": " +
                                Error);
        break;
      }
      Result.Expected.push_back(std::move(E));
    }
  }
  return Result;
}

std::vector<std::string>
compareDiagnostics(const std::vector<ExpectedDiag> &Expected,
                   const std::vector<ActualDiag> &Actual) {
  std::vector<std::string> Problems;
  std::vector<bool> Used(Actual.size(), false);
  // Expectations with a column are the most specific: pair them first.
  std::vector<const ExpectedDiag *> Order;
  for (const ExpectedDiag &E : Expected)
    if (E.Column)
      Order.push_back(&E);
  for (const ExpectedDiag &E : Expected)
    if (!E.Column)
      Order.push_back(&E);
  for (const ExpectedDiag *E : Order) {
    bool Found = false;
    for (size_t I = 0; I < Actual.size() && !Found; ++I)
      if (!Used[I] && matches(*E, Actual[I]))
        Used[I] = Found = true;
    if (!Found)
      Problems.push_back("missing " + describe(*E));
  }
  for (size_t I = 0; I < Actual.size(); ++I)
    if (!Used[I])
      Problems.push_back("unexpected " + Actual[I].Kind + " at line " +
                         std::to_string(Actual[I].Line) + ":" +
                         std::to_string(Actual[I].Column) + ": " +
                         Actual[I].Message);
  return Problems;
}

} // namespace weakcheck::test
