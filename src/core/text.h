// Small text utilities for UTF-8 input: validation, trimming, splitting and case folding for
// Vietnamese (and other Latin-script) text.
//
// Everything here is a pure function of its arguments, allocation-free unless it returns a
// std::string or std::vector, and thread-safe. Returned string_views point into the argument.
// Case folding is per code point (Unicode simple lowercase mappings) for ASCII, Latin-1
// Supplement, Latin Extended-A/B and Latin Extended Additional (U+1E00-U+1EFF, where precomposed
// Vietnamese letters live). Text is compared as given: no Unicode normalisation, so decomposed
// (NFD) text does not match precomposed (NFC) text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// True when `text` is well-formed UTF-8 (Unicode 15 table 3-7): no overlong forms, no surrogates,
// nothing above U+10FFFF, no truncated sequence at the end. The empty string is valid.
bool IsValidUtf8(std::string_view text);

// Length in bytes of the longest prefix of `text` that is well-formed UTF-8, i.e. the offset of
// the first bad byte; text.size() when the whole text is valid.
size_t Utf8ValidPrefixLength(std::string_view text);

// `text` without leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
std::string_view Trim(std::string_view text);

// Copy of `text` with A-Z mapped to a-z; every other byte unchanged.
std::string AsciiLower(std::string_view text);

// Lower-case hexadecimal of `bytes` (two digits per byte).
std::string HexEncode(std::string_view bytes);

// True when `a` and `b` are equal once A-Z are mapped to a-z ("Of" and "of"). No allocation.
bool EqualsAsciiFoldCase(std::string_view a, std::string_view b);

// The position of the first `a` or `b` in `text` at or after `from`, or npos. Two memchr scans:
// std::string_view::find_first_of calls memchr once per byte of `text`.
size_t FindEither(std::string_view text, char a, char b, size_t from = 0);

// Splits at every `sep`, keeping empty pieces: Split("a,,b", ',') is {"a", "", "b"}, Split("", ',')
// is {""}. The pieces point into `text`.
std::vector<std::string_view> Split(std::string_view text, char sep);

// The lines of `text`, split at LF with the CR of a CRLF dropped; a last line without LF counts,
// a final LF adds no empty line. Views into `text`.
//   LineSplitter lines(text);
//   for (std::string_view line; lines.Next(&line);) ...
class LineSplitter {
 public:
  explicit LineSplitter(std::string_view text) : rest_(text) {}
  // Sets *line to the next line; false when none is left.
  bool Next(std::string_view* line);

 private:
  std::string_view rest_;
};

// Copy of `text` with every letter in the ranges above mapped to lower case ("ĐÀ NẴNG" ->
// "đà nẵng", "İ" -> "i"). Other code points, and bytes that are not valid UTF-8, are copied
// unchanged. The result can differ in length from the input.
std::string Utf8Lower(std::string_view text);

// True when `needle` occurs in `haystack` ignoring case as Utf8Lower folds it:
// ContainsFoldCase("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "thông tin") is true. An empty needle is found
// everywhere. ASCII-only inputs take a path that does not allocate.
bool ContainsFoldCase(std::string_view haystack, std::string_view needle);

// `text` in double quotes for an error message: control and non-ASCII bytes as \xNN, cut after
// `max_bytes` bytes with "..." ("\"10.0.0.1\\x00\"").
std::string QuoteForMessage(std::string_view text, size_t max_bytes = 64);

// True when JSON brackets outside strings nest deeper than `max_depth`: a cheap guard before a
// recursive DOM parser (nlohmann's) sees hostile input. Does not validate the JSON.
bool JsonNestsDeeperThan(std::string_view text, int max_depth);

}  // namespace vigil
