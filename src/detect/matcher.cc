#include "detect/matcher.h"

#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <optional>
#include <set>

#include "core/ip.h"
#include "core/text.h"
#include "core/time.h"

namespace vigil::detect {

// ---- FieldTable and EventView ----

FieldTable::FieldTable() {
  static std::atomic<uint64_t> next{1};
  serial_ = next++;
}

uint32_t FieldTable::Intern(std::string_view name) {
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(std::string(name), id);
  return id;
}

int64_t FieldTable::Find(std::string_view name) const {
  auto it = ids_.find(name);
  return it == ids_.end() ? -1 : static_cast<int64_t>(it->second);
}

void EventView::Reset(const Event& event, const FieldTable& table) {
  event_ = &event;
  for (uint32_t id : touched_) spans_[id] = {0, 0};
  touched_.clear();
  if (spans_.size() < table.size()) spans_.resize(table.size(), {0, 0});
  all_.clear();
  std::vector<int64_t>& ids = ids_;
  ids.clear();
  // Events of one stream repeat their field names in a few orders (one per kind of event):
  // remember, per position, the last few names seen there and their ids.
  if (cached_table_ != table.serial() || cached_size_ != table.size()) {
    cached_.clear();
    cached_table_ = table.serial();
    cached_size_ = table.size();
  }
  if (cached_.size() < event.field_count()) cached_.resize(event.field_count());
  size_t bytes = 0;
  event.ForEachField([&](const Event::Field& f) {
    const size_t i = all_.size();
    all_.push_back({f.value, f.kind});
    bytes += f.value.size();
    std::vector<std::pair<std::string, int64_t>>& seen = cached_[i];
    auto known = std::find_if(seen.begin(), seen.end(),
                              [&](const auto& entry) { return entry.first == f.name; });
    int64_t id;
    if (known != seen.end()) {
      id = known->second;
    } else {
      id = table.Find(f.name);
      if (seen.size() < kCachedNames) {
        seen.emplace_back(f.name, id);
      } else {
        seen[next_evicted_++ % kCachedNames] = {std::string(f.name), id};
      }
    }
    ids.push_back(id);
    if (id < 0) return;
    auto& span = spans_[static_cast<size_t>(id)];
    if (span.second == 0) touched_.push_back(static_cast<uint32_t>(id));
    ++span.second;  // count for now
  });
  lowered_.clear();
  lowered_.reserve(2 * bytes);
  uint32_t offset = 0;
  for (uint32_t id : touched_) {
    uint32_t count = spans_[id].second;
    spans_[id] = {offset, offset};  // end advances as values are placed
    offset += count;
  }
  by_field_.resize(offset);
  for (size_t i = 0; i < all_.size(); ++i) {
    if (ids[i] < 0) continue;
    auto& span = spans_[static_cast<size_t>(ids[i])];
    by_field_[span.second++] = {all_[i].raw, all_[i].kind};
  }
}

std::span<const EventView::Value> EventView::values(uint32_t id) const {
  if (id >= spans_.size()) return {};
  auto [begin, end] = spans_[id];
  return std::span<const Value>(by_field_).subspan(begin, end - begin);
}

std::string_view EventView::Lower(const Value& v) const {
  if (!v.lowered) {
    const size_t offset = lowered_.size();
    lowered_.append(v.raw);  // within the capacity Reset reserved: no reallocation
    char* begin = lowered_.data() + offset;
    for (char* c = begin; c != begin + v.raw.size(); ++c) {
      if (*c >= 'A' && *c <= 'Z') *c = static_cast<char>(*c - 'A' + 'a');
    }
    v.lower = std::string_view(begin, v.raw.size());
    v.lowered = true;
  }
  return v.lower;
}

namespace {

// ---- string patterns ----

enum class Token : uint8_t { kByte, kStar, kOne };

// A Sigma string value after escapes: bytes with wildcard positions.
struct Pattern {
  enum class Kind { kExact, kPrefix, kSuffix, kContains, kGlob };
  Kind kind = Kind::kExact;
  std::string text;           // literal (simple kinds) or bytes (glob)
  std::vector<Token> tokens;  // glob only, parallel to text

  bool Match(std::string_view s) const {
    switch (kind) {
      case Kind::kExact:
        return s == text;
      case Kind::kPrefix:
        return s.starts_with(text);
      case Kind::kSuffix:
        return s.ends_with(text);
      case Kind::kContains:
        return s.find(text) != std::string_view::npos;
      case Kind::kGlob:
        return Glob(s);
    }
    return false;
  }

  bool Glob(std::string_view s) const {
    size_t p = 0, i = 0, star = std::string::npos, mark = 0;
    const size_t n = tokens.size();
    while (i < s.size()) {
      if (p < n && tokens[p] == Token::kStar) {
        star = p++;
        mark = i;
      } else if (p < n && tokens[p] == Token::kOne) {
        ++p;
        i += Utf8Length(static_cast<unsigned char>(s[i]));
      } else if (p < n && text[p] == s[i]) {
        ++p;
        ++i;
      } else if (star != std::string::npos) {
        p = star + 1;
        i = ++mark;
      } else {
        return false;
      }
    }
    while (p < n && tokens[p] == Token::kStar) ++p;
    return p == n;
  }

  // The longest run of plain bytes, lower-cased: a value matching the pattern contains it.
  std::string Literal() const {
    std::string best;
    if (kind != Kind::kGlob) {
      best = text;
    } else {
      size_t start = 0;
      for (size_t i = 0; i <= tokens.size(); ++i) {
        if (i == tokens.size() || tokens[i] != Token::kByte) {
          if (i - start > best.size()) best = text.substr(start, i - start);
          start = i + 1;
        }
      }
    }
    for (char& c : best) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return best;
  }

  static size_t Utf8Length(unsigned char lead) {
    if (lead < 0xC0) return 1;
    if (lead < 0xE0) return 2;
    if (lead < 0xF0) return 3;
    return 4;
  }
};

// Reads Sigma escapes: `\*`, `\?`, `\\` are literals; other `\` are themselves.
void Tokenize(std::string_view value, bool wildcards, std::string* text,
              std::vector<Token>* tokens) {
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (wildcards && c == '\\' && i + 1 < value.size() &&
        (value[i + 1] == '*' || value[i + 1] == '?' || value[i + 1] == '\\')) {
      text->push_back(value[++i]);
      tokens->push_back(Token::kByte);
    } else if (wildcards && (c == '*' || c == '?')) {
      text->push_back(c);
      tokens->push_back(c == '*' ? Token::kStar : Token::kOne);
    } else {
      text->push_back(c);
      tokens->push_back(Token::kByte);
    }
  }
}

// Builds a pattern; `lead`/`trail` add a `*` (contains/startswith/endswith).
Pattern MakePattern(std::string_view value, bool wildcards, bool lead, bool trail, bool cased) {
  Pattern p;
  if (lead) {
    p.text.push_back('*');
    p.tokens.push_back(Token::kStar);
  }
  Tokenize(value, wildcards, &p.text, &p.tokens);
  if (trail) {
    p.text.push_back('*');
    p.tokens.push_back(Token::kStar);
  }
  // Collapse runs of stars.
  std::string text;
  std::vector<Token> tokens;
  for (size_t i = 0; i < p.tokens.size(); ++i) {
    if (p.tokens[i] == Token::kStar && !tokens.empty() && tokens.back() == Token::kStar) continue;
    text.push_back(p.text[i]);
    tokens.push_back(p.tokens[i]);
  }
  if (!cased) {
    for (size_t i = 0; i < text.size(); ++i) {
      if (tokens[i] == Token::kByte && text[i] >= 'A' && text[i] <= 'Z') text[i] += 'a' - 'A';
    }
  }
  // Simple shapes: wildcards only at the ends.
  const size_t n = tokens.size();
  const bool starts = n > 0 && tokens[0] == Token::kStar;
  const bool ends = n > (starts ? 1 : 0) && tokens[n - 1] == Token::kStar;
  const size_t begin = starts ? 1 : 0, end = ends ? n - 1 : n;
  bool inner_wild = false;
  for (size_t i = begin; i < end; ++i) inner_wild |= tokens[i] != Token::kByte;
  if (!inner_wild) {
    p.text = text.substr(begin, end - begin);
    p.tokens.clear();
    p.kind = starts && ends ? Pattern::Kind::kContains
             : starts       ? Pattern::Kind::kSuffix
             : ends         ? Pattern::Kind::kPrefix
                            : Pattern::Kind::kExact;
    if (n == 1 && starts) p.kind = Pattern::Kind::kContains;  // `*` alone: anything
    return p;
  }
  p.kind = Pattern::Kind::kGlob;
  p.text = std::move(text);
  p.tokens = std::move(tokens);
  return p;
}

// ---- value transformations ----

bool IsWordChar(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

// pySigma's windash: every `-` or `/` that starts a word after a non-word character (`\B[-/]\b`)
// becomes each of - / – — ―, in every combination.
MaybeProblem Windash(const std::string& value, size_t max_variants, std::vector<std::string>* out) {
  static const std::array<std::string_view, 5> kDashes = {"-", "/", "\u2013", "\u2014", "\u2015"};
  std::vector<size_t> positions;
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c != '-' && c != '/') continue;
    bool before_ok = i == 0 || !IsWordChar(static_cast<unsigned char>(value[i - 1]));
    bool after_ok = i + 1 < value.size() && IsWordChar(static_cast<unsigned char>(value[i + 1]));
    if (before_ok && after_ok) positions.push_back(i);
  }
  size_t variants = 1;
  for (size_t k = 0; k < positions.size(); ++k) {
    variants *= kDashes.size();
    if (variants > max_variants) {
      return Problem("too_many_variants", "windash on " + QuoteForMessage(value) + " makes over " +
                                              std::to_string(max_variants) + " variants");
    }
  }
  for (size_t v = 0; v < variants; ++v) {
    std::string s;
    size_t choice = v, last = 0;
    for (size_t pos : positions) {
      s.append(value, last, pos - last);
      s.append(kDashes[choice % kDashes.size()]);
      choice /= kDashes.size();
      last = pos + 1;
    }
    s.append(value, last);
    out->push_back(std::move(s));
  }
  return std::nullopt;
}

std::string Utf16(std::string_view utf8, bool big_endian, bool bom) {
  std::string out;
  if (bom) out += "\xFF\xFE";
  auto put = [&](uint16_t unit) {
    char lo = static_cast<char>(unit & 0xFF), hi = static_cast<char>(unit >> 8);
    if (big_endian) {
      out.push_back(hi);
      out.push_back(lo);
    } else {
      out.push_back(lo);
      out.push_back(hi);
    }
  };
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0 && i + 3 < utf8.size() + 0) {
      len = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      len = 2;
      cp = c & 0x1F;
    }
    if (i + len > utf8.size()) len = 1, cp = c;
    for (size_t k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(static_cast<uint16_t>(0xD800 + (cp >> 10)));
      put(static_cast<uint16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      put(static_cast<uint16_t>(cp));
    }
  }
  return out;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// The three encodings of `bytes` at offsets 0, 1 and 2 within a longer base64 text, without
// the characters that depend on the neighbours (pySigma's base64offset).
std::vector<std::string> Base64Offsets(std::string_view bytes) {
  static constexpr std::array<size_t, 3> kStart = {0, 2, 3};
  static constexpr std::array<int, 3> kEndTrim = {0, 3, 2};
  std::vector<std::string> out;
  for (size_t i = 0; i < 3; ++i) {
    std::string shifted(i, ' ');
    shifted.append(bytes);
    std::string encoded = Base64(shifted);
    size_t trim = static_cast<size_t>(kEndTrim[(bytes.size() + i) % 3]);
    size_t end = encoded.size() >= trim ? encoded.size() - trim : 0;
    size_t start = std::min(kStart[i], end);
    out.push_back(encoded.substr(start, end - start));
  }
  return out;
}

// `%name%` placeholders replaced by each configured value (all combinations).
// Returns false when a placeholder has no configured values.
bool ExpandPlaceholders(const std::string& value, const CompileOptions& options,
                        std::vector<std::string>* out, std::string* missing) {
  size_t open = value.find('%');
  size_t close = open == std::string::npos ? open : value.find('%', open + 1);
  if (close == std::string::npos) {
    out->push_back(value);
    return true;
  }
  std::string name = value.substr(open + 1, close - open - 1);
  auto it = options.placeholders.find(name);
  if (it == options.placeholders.end() || it->second.empty()) {
    *missing = name;
    return false;
  }
  // Expand the rest first; replacement text is never scanned again (a value may hold `%`).
  std::vector<std::string> rests;
  if (!ExpandPlaceholders(value.substr(close + 1), options, &rests, missing)) return false;
  for (const std::string& replacement : it->second) {
    for (const std::string& rest : rests) {
      if (out->size() >= 4096) return true;  // bounded; the pattern budget refuses beyond
      std::string expanded = value.substr(0, open);
      expanded.append(replacement).append(rest);
      out->push_back(std::move(expanded));
    }
  }
  return true;
}

bool ParseNumber(std::string_view text, double* out) {
  text = Trim(text);
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (ec == std::errc() && end == text.data() + text.size()) return true;
  // Hex such as 0x1F (Windows writes flags so).
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    uint64_t n = 0;
    auto [e2, ec2] = std::from_chars(text.data() + 2, text.data() + text.size(), n, 16);
    if (ec2 == std::errc() && e2 == text.data() + text.size()) {
      *out = static_cast<double>(n);
      return true;
    }
  }
  return false;
}

// ---- matchers ----

using PatternGroups = std::vector<std::vector<Pattern>>;  // one group per written value

// True when a group has a pattern matching one of the values.
template <typename Values, typename Text>
bool GroupMatches(const std::vector<Pattern>& group, const Values& values, Text text) {
  for (const auto& v : values) {
    std::string_view s = text(v);
    for (const Pattern& p : group) {
      if (p.Match(s)) return true;
    }
  }
  return false;
}

class StringMatcher final : public ItemMatcher {
 public:
  StringMatcher(uint32_t field, PatternGroups groups, bool all, bool cased)
      : field_(field), groups_(std::move(groups)), all_(all), cased_(cased) {}

  bool Match(const EventView& view) const override {
    auto values = view.values(field_);
    if (values.empty()) return false;
    auto text = [&](const EventView::Value& v) { return cased_ ? v.raw : view.Lower(v); };
    auto matches = [&](const std::vector<Pattern>& g) { return GroupMatches(g, values, text); };
    if (all_) return std::all_of(groups_.begin(), groups_.end(), matches);
    return std::any_of(groups_.begin(), groups_.end(), matches);
  }

  bool Anchors(std::vector<Anchor>* out) const override {
    auto group_anchors = [&](const std::vector<Pattern>& g, std::vector<Anchor>* dst) {
      for (const Pattern& p : g) {
        std::string literal = p.Literal();
        if (literal.empty()) return false;
        dst->push_back({field_, std::move(literal), p.kind == Pattern::Kind::kExact});
      }
      return true;
    };
    std::vector<Anchor> chosen;
    if (all_) {  // every group must match: the best single group suffices
      bool found = false;
      for (const auto& g : groups_) {
        std::vector<Anchor> candidate;
        if (!group_anchors(g, &candidate)) continue;
        if (!found || BetterAnchors(candidate, chosen)) chosen = std::move(candidate);
        found = true;
      }
      if (!found) return false;
    } else {
      for (const auto& g : groups_) {
        if (!group_anchors(g, &chosen)) return false;
      }
    }
    out->insert(out->end(), chosen.begin(), chosen.end());
    return true;
  }

 private:
  uint32_t field_;
  PatternGroups groups_;
  bool all_, cased_;
};

class KeywordMatcher final : public ItemMatcher {
 public:
  KeywordMatcher(PatternGroups groups, bool all, bool cased)
      : groups_(std::move(groups)), all_(all), cased_(cased) {}

  bool Match(const EventView& view) const override {
    auto text = [&](const EventView::Value& v) { return cased_ ? v.raw : view.Lower(v); };
    auto matches = [&](const std::vector<Pattern>& g) {
      return GroupMatches(g, view.all_values(), text);
    };
    if (all_) return std::all_of(groups_.begin(), groups_.end(), matches);
    return std::any_of(groups_.begin(), groups_.end(), matches);
  }

  bool Anchors(std::vector<Anchor>* out) const override {
    std::vector<Anchor> chosen;
    for (const auto& g : groups_) {
      std::vector<Anchor> group;
      for (const Pattern& p : g) {
        std::string literal = p.Literal();
        if (literal.empty()) return false;
        group.push_back({Anchor::kAnyField, std::move(literal), false});
      }
      if (all_) {  // one group must match anyway: keep the best
        if (chosen.empty() || BetterAnchors(group, chosen)) chosen = std::move(group);
      } else {
        chosen.insert(chosen.end(), group.begin(), group.end());
      }
    }
    out->insert(out->end(), chosen.begin(), chosen.end());
    return !chosen.empty();
  }

 private:
  PatternGroups groups_;
  bool all_, cased_;
};

class NullMatcher final : public ItemMatcher {
 public:
  explicit NullMatcher(uint32_t field) : field_(field) {}
  bool Match(const EventView& view) const override {
    for (const auto& v : view.values(field_)) {
      if (v.kind != ValueKind::kNull && !v.raw.empty()) return false;
    }
    return true;
  }

 private:
  uint32_t field_;
};

class ExistsMatcher final : public ItemMatcher {
 public:
  ExistsMatcher(uint32_t field, bool want) : field_(field), want_(want) {}
  bool Match(const EventView& view) const override { return view.values(field_).empty() != want_; }

 private:
  uint32_t field_;
  bool want_;
};

class NeverMatcher final : public ItemMatcher {
 public:
  bool Match(const EventView&) const override { return false; }
};

// A literal every match of `regex` contains, lower-cased (the prefilter is case-insensitive),
// or "" when none of at least 3 bytes is certain. Conservative: only text outside groups and
// classes counts, a character made optional by ?, * or {0 is dropped, and an alternation at
// the top level needs a literal in every branch (the shortest branch literal is returned).
std::string RegexLiteral(std::string_view regex) {
  std::vector<std::string> branches(1);
  std::vector<std::string> best(1);
  std::string run;
  int depth = 0;
  auto close_run = [&] {
    if (run.size() > best.back().size()) best.back() = run;
    run.clear();
  };
  for (size_t i = 0; i < regex.size(); ++i) {
    char c = regex[i];
    if (depth > 0) {  // skip groups and classes, tracking nesting
      if (c == '\\') {
        ++i;
      } else if (c == '(' || c == '[') {
        ++depth;
      } else if (c == ')' || c == ']') {
        --depth;
      }
      continue;
    }
    std::optional<char> literal;
    if (c == '\\' && i + 1 < regex.size()) {
      char e = regex[++i];
      if (!std::isalnum(static_cast<unsigned char>(e))) literal = e;  // \. \\ \/ ...
    } else if (c == '(' || c == '[') {
      close_run();
      depth = 1;
      continue;
    } else if (c == '|') {
      close_run();
      best.emplace_back();
      continue;
    } else if (std::string_view("^$.*+?{}").find(c) == std::string_view::npos) {
      literal = c;
    }
    if (!literal) {
      close_run();
      continue;
    }
    const char next = i + 1 < regex.size() ? regex[i + 1] : '\0';
    const bool optional =
        next == '?' || next == '*' || (next == '{' && i + 2 < regex.size() && regex[i + 2] == '0');
    if (optional) {
      close_run();
      continue;
    }
    char lower = *literal;
    if (lower >= 'A' && lower <= 'Z') lower = static_cast<char>(lower - 'A' + 'a');
    run.push_back(lower);
    if (next == '+' || next == '{') close_run();  // repeated: the run cannot continue past it
  }
  if (depth != 0) return "";
  close_run();
  std::string shortest = best[0];
  for (const std::string& b : best) {
    if (b.size() < shortest.size()) shortest = b;
  }
  return shortest.size() >= 3 ? shortest : "";
}

// Literals one of which every match of `re` contains, from RE2's own prefilter (FilteredRE2's
// atoms of at least `min_length` bytes, lower case), fewest first: an atom is left out while the
// absence of the others still rules the regex out. Empty when the prefilter cannot rule it out.
std::vector<std::string> NeededAtoms(const RE2& re, int min_length) {
  re2::FilteredRE2 filter(min_length);
  int id = 0;
  if (filter.Add(re.pattern(), re.options(), &id) != RE2::NoError) return {};
  std::vector<std::string> atoms;
  filter.Compile(&atoms);
  if (atoms.empty() || atoms.size() > 64) return {};
  // Whether the regex is ruled out when the atoms in `absent` are missing and all others occur.
  std::vector<bool> absent(atoms.size(), true);
  auto ruled_out = [&] {
    std::vector<int> present;
    for (size_t i = 0; i < atoms.size(); ++i) {
      if (!absent[i]) present.push_back(static_cast<int>(i));
    }
    std::vector<int> potentials;
    filter.AllPotentials(present, &potentials);
    return potentials.empty();
  };
  if (!ruled_out()) return {};
  auto ascii = [](const std::string& a) {
    return std::all_of(a.begin(), a.end(), [](char c) { return (c & 0x80) == 0; });
  };
  // Non-ASCII atoms go first, then the shortest.
  std::vector<size_t> order(atoms.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (ascii(atoms[a]) != ascii(atoms[b])) return !ascii(atoms[a]);
    return atoms[a].size() < atoms[b].size();
  });
  for (size_t i : order) {
    absent[i] = false;
    if (!ruled_out()) absent[i] = true;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < atoms.size(); ++i) {
    if (absent[i]) out.push_back(atoms[i]);
  }
  return out;
}

// When RegexLiteral finds nothing: NeededAtoms of at least 3 bytes, for the literal prefilter.
// Empty when one is not ASCII (the literal scan folds ASCII only).
std::vector<std::string> RegexAtoms(const RE2& re) {
  std::vector<std::string> atoms = NeededAtoms(re, 3);
  for (const std::string& a : atoms) {
    if (a.size() < 3 || !std::all_of(a.begin(), a.end(), [](char c) { return (c & 0x80) == 0; })) {
      return {};
    }
  }
  return atoms;
}

// A cheap test before running `re` on a value: NeededAtoms of any length when none holds an ASCII
// letter or a non-ASCII byte, so that a plain substring search decides whatever the regex's case
// folding (a backtick, "{" or "${" for the command-line obfuscation rules). Empty: no gate.
std::vector<std::string> RegexGate(const RE2& re) {
  std::vector<std::string> atoms = NeededAtoms(re, 1);
  for (const std::string& a : atoms) {
    for (const char c : a) {
      if ((c & 0x80) != 0 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return {};
    }
  }
  return atoms;
}

class RegexMatcher final : public ItemMatcher {
 public:
  RegexMatcher(uint32_t field, std::vector<std::unique_ptr<RE2>> regexes, bool all)
      : field_(field), regexes_(std::move(regexes)), all_(all) {
    for (const auto& re : regexes_) gates_.push_back(RegexGate(*re));
  }

  bool Match(const EventView& view) const override {
    auto values = view.values(field_);
    auto found = [&](size_t r) {
      const std::vector<std::string>& gate = gates_[r];
      for (const auto& v : values) {
        if (!gate.empty() && std::none_of(gate.begin(), gate.end(), [&](const std::string& a) {
              return v.raw.find(a) != std::string_view::npos;
            })) {
          continue;  // none of the text every match needs
        }
        if (RE2::PartialMatch(v.raw, *regexes_[r])) return true;
      }
      return false;
    };
    if (values.empty()) return false;
    for (size_t r = 0; r < regexes_.size(); ++r) {
      if (found(r) != all_) return !all_;
    }
    return all_;
  }

  bool Anchors(std::vector<Anchor>* out) const override {
    std::vector<Anchor> chosen;
    for (const auto& re : regexes_) {
      std::vector<Anchor> one;
      if (std::string literal = RegexLiteral(re->pattern()); !literal.empty()) {
        one.push_back({field_, std::move(literal), false});
      } else {
        for (std::string& atom : RegexAtoms(*re)) one.push_back({field_, std::move(atom), false});
      }
      if (one.empty()) {
        if (all_) continue;  // another regex of the `all` may anchor
        return false;
      }
      if (!all_) {
        chosen.insert(chosen.end(), one.begin(), one.end());
      } else if (chosen.empty() || BetterAnchors(one, chosen)) {
        chosen = std::move(one);
      }
    }
    out->insert(out->end(), chosen.begin(), chosen.end());
    return !chosen.empty();
  }

 private:
  uint32_t field_;
  std::vector<std::unique_ptr<RE2>> regexes_;
  std::vector<std::vector<std::string>> gates_;  // per regex: RegexGate
  bool all_;
};

class CidrMatcher final : public ItemMatcher {
 public:
  CidrMatcher(uint32_t field, std::vector<Cidr> networks, bool all)
      : field_(field), networks_(std::move(networks)), all_(all) {}

  bool Match(const EventView& view) const override {
    std::vector<IpAddress> ips;
    for (const auto& v : view.values(field_)) {
      Result<IpAddress> ip = ParseIp(Trim(v.raw));
      if (ip.ok()) ips.push_back(*ip);
    }
    auto found = [&](const Cidr& net) {
      return std::any_of(ips.begin(), ips.end(),
                         [&](const IpAddress& ip) { return CidrContains(net, ip); });
    };
    if (ips.empty()) return false;
    if (all_) return std::all_of(networks_.begin(), networks_.end(), found);
    return std::any_of(networks_.begin(), networks_.end(), found);
  }

 private:
  uint32_t field_;
  std::vector<Cidr> networks_;
  bool all_;
};

enum class TimePart { kNone, kMinute, kHour, kDay, kWeek, kMonth, kYear };

std::optional<double> TimePartOf(std::string_view text, TimePart part) {
  CivilTime t;
  if (!ParseCivilTime(Trim(text), &t)) return std::nullopt;
  switch (part) {
    case TimePart::kMinute:
      return t.minute;
    case TimePart::kHour:
      return t.hour;
    case TimePart::kDay:
      return t.day;
    case TimePart::kMonth:
      return t.month;
    case TimePart::kYear:
      return t.year;
    case TimePart::kWeek: {
      using namespace std::chrono;
      year_month_day ymd{year{t.year}, month{static_cast<unsigned>(t.month)},
                         day{static_cast<unsigned>(t.day)}};
      if (!ymd.ok()) return std::nullopt;
      sys_days d{ymd};
      weekday wd{d};
      // ISO 8601: the week with the year's first Thursday is week 1.
      const int iso_index = static_cast<int>((wd.c_encoding() + 6) % 7);  // Monday = 0
      sys_days thursday = d + days{3 - iso_index};
      year_month_day th{thursday};
      sys_days jan1{th.year() / January / 1};
      const auto week = (thursday - jan1).count() / 7 + 1;  // whole weeks since that Thursday
      return static_cast<double>(week);
    }
    case TimePart::kNone:
      break;
  }
  return std::nullopt;
}

class NumericMatcher final : public ItemMatcher {
 public:
  NumericMatcher(uint32_t field, CompareOp op, std::vector<double> numbers, bool all, TimePart part)
      : field_(field), op_(op), numbers_(std::move(numbers)), all_(all), part_(part) {}

  bool Match(const EventView& view) const override {
    std::vector<double> values;
    for (const auto& v : view.values(field_)) {
      if (part_ != TimePart::kNone) {
        if (auto n = TimePartOf(v.raw, part_)) values.push_back(*n);
        continue;
      }
      double n = 0;
      if (ParseNumber(v.raw, &n)) values.push_back(n);
    }
    auto found = [&](double want) {
      return std::any_of(values.begin(), values.end(), [&](double have) {
        switch (op_) {
          case CompareOp::kGt:
            return have > want;
          case CompareOp::kGte:
            return have >= want;
          case CompareOp::kLt:
            return have < want;
          case CompareOp::kLte:
            return have <= want;
          case CompareOp::kEq:
            return have == want;
          case CompareOp::kNeq:
            return have != want;
        }
        return false;
      });
    };
    if (values.empty()) return false;
    if (all_) return std::all_of(numbers_.begin(), numbers_.end(), found);
    return std::any_of(numbers_.begin(), numbers_.end(), found);
  }

 private:
  uint32_t field_;
  CompareOp op_;
  std::vector<double> numbers_;
  bool all_;
  TimePart part_;
};

// `neq`: the field is present and equals none of the values.
class NotEqualMatcher final : public ItemMatcher {
 public:
  NotEqualMatcher(uint32_t field, PatternGroups groups, bool cased)
      : field_(field), groups_(std::move(groups)), cased_(cased) {}

  bool Match(const EventView& view) const override {
    auto values = view.values(field_);
    if (values.empty()) return false;
    auto text = [&](const EventView::Value& v) { return cased_ ? v.raw : view.Lower(v); };
    return std::none_of(groups_.begin(), groups_.end(), [&](const std::vector<Pattern>& g) {
      return GroupMatches(g, values, text);
    });
  }

 private:
  uint32_t field_;
  PatternGroups groups_;
  bool cased_;
};

// `fieldref`: compares the field with other fields of the same event.
class FieldRefMatcher final : public ItemMatcher {
 public:
  FieldRefMatcher(uint32_t field, std::vector<uint32_t> refs, Pattern::Kind kind, bool negate,
                  bool all, bool cased)
      : field_(field),
        refs_(std::move(refs)),
        kind_(kind),
        negate_(negate),
        all_(all),
        cased_(cased) {}

  bool Match(const EventView& view) const override {
    auto values = view.values(field_);
    if (values.empty()) return false;
    auto compare = [&](uint32_t ref) {
      auto others = view.values(ref);
      if (others.empty()) return false;
      bool any = false;
      for (const auto& a : values) {
        std::string_view x = cased_ ? a.raw : view.Lower(a);
        for (const auto& b : others) {
          std::string_view y = cased_ ? b.raw : view.Lower(b);
          bool hit = kind_ == Pattern::Kind::kPrefix     ? x.starts_with(y)
                     : kind_ == Pattern::Kind::kSuffix   ? x.ends_with(y)
                     : kind_ == Pattern::Kind::kContains ? x.find(y) != std::string_view::npos
                                                         : x == y;
          any |= hit;
        }
      }
      return negate_ ? !any : any;
    };
    if (all_) return std::all_of(refs_.begin(), refs_.end(), compare);
    return std::any_of(refs_.begin(), refs_.end(), compare);
  }

 private:
  uint32_t field_;
  std::vector<uint32_t> refs_;
  Pattern::Kind kind_;
  bool negate_, all_, cased_;
};

}  // namespace

size_t AnchorsWorth(const std::vector<Anchor>& anchors) {
  size_t n = SIZE_MAX;
  for (const Anchor& x : anchors) {
    size_t w = x.literal.size() + (x.exact ? 6 : 0);
    if (x.literal == "true" || x.literal == "false" || x.literal == "-" || x.literal.size() < 2) {
      w = 1;
    }
    n = std::min(n, w);
  }
  return std::min<size_t>(n, 12);
}

bool BetterAnchors(const std::vector<Anchor>& a, const std::vector<Anchor>& b) {
  const size_t wa = AnchorsWorth(a), wb = AnchorsWorth(b);
  if (wa != wb) return wa > wb;
  return a.size() < b.size();
}

namespace {

// ---- compilation ----

struct Modifiers {
  bool contains = false, startswith = false, endswith = false, all = false, cased = false;
  bool base64 = false, base64offset = false, windash = false, re = false, cidr = false;
  bool exists = false, neq = false, fieldref = false, expand = false;
  bool re_i = false, re_m = false, re_s = false;
  enum class Utf16Mode { kNone, kLe, kBe, kBom } utf16 = Utf16Mode::kNone;
  std::optional<CompareOp> compare;
  TimePart part = TimePart::kNone;
};

MaybeProblem ReadModifiers(const FieldItem& item, Modifiers* m) {
  auto bad = [&](const std::string& why) {
    return Problem("bad_modifier", why, item.line, item.column);
  };
  for (const std::string& mod : item.modifiers) {
    if (mod == "contains")
      m->contains = true;
    else if (mod == "startswith")
      m->startswith = true;
    else if (mod == "endswith")
      m->endswith = true;
    else if (mod == "all")
      m->all = true;
    else if (mod == "cased")
      m->cased = true;
    else if (mod == "base64")
      m->base64 = true;
    else if (mod == "base64offset")
      m->base64offset = true;
    else if (mod == "windash")
      m->windash = true;
    else if (mod == "re")
      m->re = true;
    else if (mod == "i" || mod == "m" || mod == "s") {
      if (!m->re) return bad("`" + mod + "` applies only after `re`");
      (mod == "i" ? m->re_i : mod == "m" ? m->re_m : m->re_s) = true;
    } else if (mod == "cidr")
      m->cidr = true;
    else if (mod == "exists")
      m->exists = true;
    else if (mod == "neq")
      m->neq = true;
    else if (mod == "fieldref")
      m->fieldref = true;
    else if (mod == "expand")
      m->expand = true;
    else if (mod == "utf16le" || mod == "wide")
      m->utf16 = Modifiers::Utf16Mode::kLe;
    else if (mod == "utf16be")
      m->utf16 = Modifiers::Utf16Mode::kBe;
    else if (mod == "utf16")
      m->utf16 = Modifiers::Utf16Mode::kBom;
    else if (mod == "gt")
      m->compare = CompareOp::kGt;
    else if (mod == "gte")
      m->compare = CompareOp::kGte;
    else if (mod == "lt")
      m->compare = CompareOp::kLt;
    else if (mod == "lte")
      m->compare = CompareOp::kLte;
    else if (mod == "minute")
      m->part = TimePart::kMinute;
    else if (mod == "hour")
      m->part = TimePart::kHour;
    else if (mod == "day")
      m->part = TimePart::kDay;
    else if (mod == "week")
      m->part = TimePart::kWeek;
    else if (mod == "month")
      m->part = TimePart::kMonth;
    else if (mod == "year")
      m->part = TimePart::kYear;
    else
      return bad("unknown modifier " + QuoteForMessage(mod));
  }
  const int anchors = int(m->contains) + int(m->startswith) + int(m->endswith);
  if (anchors > 1) return bad("contains, startswith and endswith exclude each other");
  const int kinds = int(m->re) + int(m->cidr) + int(m->exists) + int(m->compare.has_value()) +
                    int(m->base64 || m->base64offset);
  if (kinds > 1) return bad("re, cidr, exists, base64 and numeric comparisons exclude each other");
  if (m->base64 && m->base64offset) return bad("base64 and base64offset exclude each other");
  if (m->base64offset && !m->contains) return bad("base64offset needs contains");
  if (m->utf16 != Modifiers::Utf16Mode::kNone && !(m->base64 || m->base64offset)) {
    return bad("utf16 encodings need base64 or base64offset after them");
  }
  if ((m->re || m->cidr || m->exists) && anchors > 0) {
    return bad("re, cidr and exists take no contains/startswith/endswith");
  }
  if (item.keyword && (m->re || m->cidr || m->exists || m->fieldref || m->compare || m->neq)) {
    return bad("keyword searches take only string modifiers");
  }
  return std::nullopt;
}

}  // namespace

MaybeProblem CompileItem(const FieldItem& item, const CompileOptions& options, FieldTable* fields,
                         std::vector<RuleProblem>* warnings, std::unique_ptr<ItemMatcher>* out,
                         size_t* patterns_left) {
  size_t own_budget = options.max_rule_patterns;
  size_t& left = patterns_left != nullptr ? *patterns_left : own_budget;
  // Takes one pattern from the budget; false once it is spent.
  auto spend = [&left] {
    if (left == 0) return false;
    --left;
    return true;
  };
  auto too_many = [&](const SigmaValue& v) {
    return Problem("too_many_variants",
                   "the values of " + QuoteForMessage(item.field) + " make over " +
                       std::to_string(options.max_rule_patterns) +
                       " patterns in this rule (windash, base64offset and placeholders multiply)",
                   v.line, v.column);
  };
  Modifiers m;
  VIGIL_RETURN_IF_PROBLEM(ReadModifiers(item, &m));
  const uint32_t field = item.keyword ? 0 : fields->Intern(item.field);
  auto problem = [&](std::string code, std::string why, const SigmaValue& v) {
    return Problem(std::move(code), std::move(why), v.line, v.column);
  };

  if (m.exists) {
    const SigmaValue& v = item.values[0];
    if (item.values.size() != 1 || (v.text != "true" && v.text != "false")) {
      return problem("bad_modifier", "exists takes true or false", v);
    }
    *out = std::make_unique<ExistsMatcher>(field, v.text == "true");
    return std::nullopt;
  }
  // `Field: null` (alone in the list): absent, null or empty.
  if (!item.keyword && item.values.size() == 1 && item.values[0].is_null) {
    *out = std::make_unique<NullMatcher>(field);
    return std::nullopt;
  }

  // Values after placeholders.
  std::vector<SigmaValue> values;
  for (const SigmaValue& v : item.values) {
    if (v.is_null && !item.keyword) {
      return problem("bad_detection",
                     "null in a list of values is not supported; use a "
                     "separate search `" +
                         item.field + ": null`",
                     v);
    }
    if (!m.expand) {
      values.push_back(v);
      continue;
    }
    std::vector<std::string> expanded;
    std::string missing;
    if (!ExpandPlaceholders(v.text, options, &expanded, &missing)) {
      warnings->push_back(problem("unset_placeholder",
                                  "placeholder %" + missing + "% has no configured values; " +
                                      QuoteForMessage(item.field) + " matches nothing",
                                  v));
      continue;
    }
    for (std::string& e : expanded) values.push_back({std::move(e), false, v.line, v.column});
  }
  if (values.empty()) {
    *out = std::make_unique<NeverMatcher>();
    return std::nullopt;
  }

  if (m.re) {
    std::vector<std::unique_ptr<RE2>> regexes;
    for (const SigmaValue& v : values) {
      RE2::Options opts;
      opts.set_log_errors(false);
      opts.set_case_sensitive(!m.re_i);
      opts.set_dot_nl(m.re_s);
      opts.set_max_mem(64 << 20);
      std::string pattern = m.re_m ? "(?m)" + v.text : v.text;
      if (!spend()) return too_many(v);
      auto re = std::make_unique<RE2>(pattern, opts);
      if (!re->ok()) {
        return problem("bad_regex", "RE2 rejects " + QuoteForMessage(v.text) + ": " + re->error(),
                       v);
      }
      regexes.push_back(std::move(re));
    }
    *out = std::make_unique<RegexMatcher>(field, std::move(regexes), m.all);
    return std::nullopt;
  }
  if (m.cidr) {
    std::vector<Cidr> networks;
    for (const SigmaValue& v : values) {
      std::string_view text = Trim(v.text);
      size_t slash = text.find('/');
      Result<IpAddress> ip = ParseIp(text.substr(0, slash));
      int prefix = -1;
      if (ip.ok()) {
        prefix = ip->v6 ? 128 : 32;
        if (slash != std::string_view::npos) {
          std::string_view p = text.substr(slash + 1);
          auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
          if (ec != std::errc() || end != p.data() + p.size() || prefix < 0 ||
              prefix > (ip->v6 ? 128 : 32)) {
            prefix = -1;
          }
        }
      }
      if (prefix < 0) return problem("bad_cidr", "not a CIDR: " + QuoteForMessage(v.text), v);
      networks.push_back({*ip, prefix});
    }
    *out = std::make_unique<CidrMatcher>(field, std::move(networks), m.all);
    return std::nullopt;
  }
  if (m.compare || m.part != TimePart::kNone) {
    std::vector<double> numbers;
    for (const SigmaValue& v : values) {
      double n = 0;
      if (!ParseNumber(v.text, &n)) {
        return problem("bad_number", "not a number: " + QuoteForMessage(v.text), v);
      }
      numbers.push_back(n);
    }
    CompareOp op = m.compare.value_or(m.neq ? CompareOp::kNeq : CompareOp::kEq);
    *out = std::make_unique<NumericMatcher>(field, op, std::move(numbers), m.all, m.part);
    return std::nullopt;
  }
  if (m.fieldref) {
    std::vector<uint32_t> refs;
    refs.reserve(values.size());
    for (const SigmaValue& v : values) refs.push_back(fields->Intern(v.text));
    Pattern::Kind kind = m.contains     ? Pattern::Kind::kContains
                         : m.startswith ? Pattern::Kind::kPrefix
                         : m.endswith   ? Pattern::Kind::kSuffix
                                        : Pattern::Kind::kExact;
    *out = std::make_unique<FieldRefMatcher>(field, std::move(refs), kind, m.neq, m.all, m.cased);
    return std::nullopt;
  }

  // Strings: windash -> utf16 -> base64 -> wildcards and anchors.
  PatternGroups groups;
  for (const SigmaValue& v : values) {
    std::vector<Pattern>& group = groups.emplace_back();
    std::vector<std::string> variants;
    if (m.windash) {
      if (MaybeProblem p = Windash(v.text, options.max_windash_variants, &variants)) {
        p->line = v.line;
        p->column = v.column;
        return p;
      }
    } else {
      variants.push_back(v.text);
    }
    for (const std::string& variant : variants) {
      std::vector<std::string> literals;
      bool wildcards = true;
      if (m.base64 || m.base64offset) {
        wildcards = false;
        std::string bytes = variant;
        if (m.utf16 != Modifiers::Utf16Mode::kNone) {
          bytes = Utf16(variant, m.utf16 == Modifiers::Utf16Mode::kBe,
                        m.utf16 == Modifiers::Utf16Mode::kBom);
        }
        if (m.base64) {
          literals.push_back(Base64(bytes));
        } else {
          literals = Base64Offsets(bytes);
        }
      } else {
        literals.push_back(variant);
      }
      // Base64 text is case-sensitive by nature.
      const bool cased = m.cased || m.base64 || m.base64offset;
      for (const std::string& literal : literals) {
        if (!spend()) return too_many(v);
        group.push_back(MakePattern(literal, wildcards, m.contains || m.endswith || item.keyword,
                                    m.contains || m.startswith || item.keyword, cased));
      }
    }
  }
  const bool cased = m.cased || m.base64 || m.base64offset;
  if (item.keyword) {
    *out = std::make_unique<KeywordMatcher>(std::move(groups), m.all, cased);
  } else if (m.neq) {
    *out = std::make_unique<NotEqualMatcher>(field, std::move(groups), cased);
  } else {
    *out = std::make_unique<StringMatcher>(field, std::move(groups), m.all, cased);
  }
  return std::nullopt;
}

}  // namespace vigil::detect
