// Text, time and JSON helpers shared by the importers.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <utility>

#include "core/text.h"
#include "core/time.h"
#include "intel/import_internal.h"

namespace vigil::intel::internal {
namespace {

constexpr size_t kMaxQuoted = 64;

// Decodes the UTF-8 sequence at text[i]: its length (1-4) and code point, or 0 when malformed.
size_t DecodeUtf8(std::string_view text, size_t i, char32_t* cp) {
  const size_t left = text.size() - i;
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char b0 = byte(0);
  size_t length = 0;
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    length = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    length = 3;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    length = 4;
  } else {
    return 0;
  }
  if (length > left || !IsValidUtf8(text.substr(i, length))) return 0;
  char32_t value = b0 & (0xff >> (length + 1));
  for (size_t k = 1; k < length; ++k) value = (value << 6) | (byte(k) & 0x3f);
  *cp = value;
  return length;
}

// Lower-case Latin letters with diacritics (as Utf8Lower leaves them) and their base letter.
std::vector<std::pair<char32_t, char>> BuildBaseLetters() {
  constexpr std::pair<std::string_view, char> kGroups[] = {
      {"àáảãạăằắẳẵặâầấẩẫậäåāą", 'a'},
      {"èéẻẽẹêềếểễệëēę", 'e'},
      {"ìíỉĩịîïī", 'i'},
      {"òóỏõọôồốổỗộơờớởỡợöøō", 'o'},
      {"ùúủũụưừứửữựûüū", 'u'},
      {"ỳýỷỹỵÿ", 'y'},
      {"đ", 'd'},
      {"ç", 'c'},
      {"ñ", 'n'},
  };
  std::vector<std::pair<char32_t, char>> table;
  for (const auto& [letters, base] : kGroups) {
    for (size_t i = 0; i < letters.size();) {
      char32_t cp = 0;
      const size_t length = DecodeUtf8(letters, i, &cp);
      table.emplace_back(cp, base);
      i += length == 0 ? 1 : length;
    }
  }
  std::sort(table.begin(), table.end());
  return table;
}

// The base letter of a lower-case letter with diacritics, or 0.
char BaseLetter(char32_t cp) {
  static const std::vector<std::pair<char32_t, char>> kTable = BuildBaseLetters();
  const auto it = std::lower_bound(kTable.begin(), kTable.end(), std::make_pair(cp, '\0'));
  return it != kTable.end() && it->first == cp ? it->second : '\0';
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Drops "(...)" and "[...]" sections ("Thời gian (GMT+7)" -> "Thời gian ").
std::string DropBracketed(std::string_view text) {
  std::string out;
  int depth = 0;
  for (const char c : text) {
    if (c == '(' || c == '[') {
      ++depth;
    } else if ((c == ')' || c == ']') && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out.push_back(c);
    }
  }
  return out;
}

// A plain number: digits with at most one '.'.
bool IsPlainNumber(std::string_view text) {
  return std::count(text.begin(), text.end(), '.') <= 1 &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

// An integer written plainly or with a zero fraction ("85", "85.0").
bool ParseWholeNumber(std::string_view text, int64_t max, int64_t* out) {
  if (const size_t dot = text.find('.'); dot != std::string_view::npos) {
    const std::string_view fraction = text.substr(dot + 1);
    if (!std::all_of(fraction.begin(), fraction.end(), [](char c) { return c == '0'; })) {
      return false;
    }
    text = text.substr(0, dot);
  }
  if (text.empty() || text.size() > 18) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && *out >= 0 && *out <= max;
}

// Finds nlohmann's description of a parse error (the DOM parser does not report it when
// exceptions are off).
class ErrorSax : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return true; }
  bool boolean(bool /*value*/) override { return true; }
  bool number_integer(number_integer_t /*value*/) override { return true; }
  bool number_unsigned(number_unsigned_t /*value*/) override { return true; }
  bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return true; }
  bool string(string_t& /*value*/) override { return true; }
  bool binary(binary_t& /*value*/) override { return true; }
  bool start_object(std::size_t /*size*/) override { return true; }
  bool key(string_t& /*value*/) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t /*size*/) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                   const nlohmann::detail::exception& error) override {
    message = error.what();
    return false;
  }
  std::string message;
};

std::string Sanitize(std::string_view text, size_t max) {
  std::string out;
  for (size_t i = 0; i < text.size() && out.size() < max;) {
    char32_t cp = 0;
    const size_t length = DecodeUtf8(text, i, &cp);
    const auto byte = static_cast<unsigned char>(text[i]);
    if (length == 0 || byte < 0x20 || byte == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
      ++i;
      continue;
    }
    if (text[i] == '"' || text[i] == '\\') out += '\\';
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

}  // namespace

std::string FoldHeader(std::string_view text) {
  const std::string lower = Utf8Lower(DropBracketed(text));
  std::string out;
  bool gap = false;
  const auto put = [&](std::string_view piece) {
    if (gap && !out.empty()) out += ' ';
    gap = false;
    out += piece;
  };
  for (size_t i = 0; i < lower.size();) {
    char32_t cp = 0;
    const size_t length = DecodeUtf8(lower, i, &cp);
    if (length == 0) {
      gap = true;
      ++i;
      continue;
    }
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (IsAsciiAlnum(c) || c == '&') {
        put(std::string_view(&c, 1));
      } else {
        gap = true;
      }
    } else if (const char base = BaseLetter(cp); base != '\0') {
      put(std::string_view(&base, 1));
    } else if (cp >= 0x300 && cp <= 0x36f) {
      // combining diacritic (decomposed text): drop it
    } else if (cp == 0xa0 || cp == 0xfeff || (cp >= 0x2000 && cp <= 0x200b)) {
      gap = true;
    } else {
      put(std::string_view(lower).substr(i, length));
    }
    i += length;
  }
  return out;
}

std::string Quote(std::string_view text) {
  std::string out = "\"" + Sanitize(text, kMaxQuoted) + "\"";
  if (text.size() > kMaxQuoted) out += "...";
  return out;
}

Result<int64_t> TimeFromNumber(double value, bool date1904, int tz_offset_seconds) {
  if (!std::isfinite(value) || value <= 0) return InvalidArgument("not a time");
  if (value >= 1e11 && value < 1e14) return static_cast<int64_t>(value / 1000);
  if (value >= 1e8 && value < 1e11) return static_cast<int64_t>(value);
  VIGIL_ASSIGN_OR_RETURN(const int64_t civil, ExcelSerialToCivilSeconds(value, date1904));
  return civil - tz_offset_seconds;
}

Result<int64_t> ParseListTime(std::string_view text, int tz_offset_seconds) {
  text = Trim(text);
  const auto bad = [&] {
    return InvalidArgument("not a date/time: " + Quote(text) +
                           " (expected dd/mm/yyyy HH:MM:SS, yyyy-mm-dd HH:MM:SS or ISO 8601)");
  };
  if (text.empty()) return InvalidArgument("empty date/time");
  if (IsPlainNumber(text)) {
    CivilTime t;
    if (text.size() == 8 && text.find('.') == std::string_view::npos) {  // yyyymmdd
      const auto digits = [&](size_t pos, size_t n) {
        int v = 0;
        std::from_chars(text.data() + pos, text.data() + pos + n, v);
        return v;
      };
      t.year = digits(0, 4);
      t.month = digits(4, 2);
      t.day = digits(6, 2);
      auto unix = CivilToUnix(t, tz_offset_seconds);
      if (unix.ok()) return unix;
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return bad();
    auto unix = TimeFromNumber(value, false, tz_offset_seconds);
    if (!unix.ok()) return bad();
    return unix;
  }
  CivilTime t;
  if (!ParseCivilTime(text, &t)) return bad();
  auto unix = CivilToUnix(t, tz_offset_seconds);
  if (!unix.ok()) return InvalidArgument(unix.status().message() + ": " + Quote(text));
  return unix;
}

Result<std::optional<int>> ParsePort(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return std::optional<int>();
  int64_t port = 0;
  if (!ParseWholeNumber(text, 65535, &port)) {
    return InvalidArgument("not a port number (0-65535): " + Quote(text));
  }
  return std::optional<int>(static_cast<int>(port));
}

Result<std::optional<int>> ParseConfidence(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return std::optional<int>();
  const std::string word = FoldHeader(text);
  if (word == "high" || word == "cao") return std::optional<int>(85);
  if (word == "medium" || word == "trung binh") return std::optional<int>(50);
  if (word == "low" || word == "thap") return std::optional<int>(15);
  std::string_view number = text;
  if (number.ends_with('%')) number = Trim(number.substr(0, number.size() - 1));
  int64_t value = 0;
  if (!ParseWholeNumber(number, 100, &value)) {
    return InvalidArgument("not a confidence (0-100, or high/medium/low): " + Quote(text));
  }
  return std::optional<int>(static_cast<int>(value));
}

void AddTag(std::vector<std::string>* tags, std::string_view tag) {
  tag = Trim(tag);
  if (tag.empty() || std::find(tags->begin(), tags->end(), tag) != tags->end()) return;
  tags->emplace_back(tag);
}

std::vector<std::string> SplitTags(std::string_view text) {
  std::vector<std::string> tags;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ',' || text[i] == ';' || text[i] == '|') {
      AddTag(&tags, text.substr(start, i - start));
      start = i + 1;
    }
  }
  return tags;
}

Result<Indicator> ParseAddress(std::string_view text) {
  VIGIL_ASSIGN_OR_RETURN(Indicator indicator, ParseIndicator(text));
  if (!indicator.is_address()) {
    return InvalidArgument("expected an IP address, network or range, not a " +
                           std::string(IndicatorKindName(indicator.kind)) + ": " +
                           Quote(Trim(text)));
  }
  return indicator;
}

bool SplitHostPort(std::string_view text, std::string_view* host, int* port) {
  text = Trim(text);
  size_t colon = std::string_view::npos;
  if (text.starts_with('[')) {
    const size_t close = text.find("]:");
    if (close == std::string_view::npos) return false;
    *host = text.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = text.find(':');
    if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
      return false;
    }
    *host = text.substr(0, colon);
  }
  const std::string_view digits = text.substr(colon + 1);
  int value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() || value <= 0 ||
      value > 65535) {
    return false;
  }
  *port = value;
  return true;
}

Result<nlohmann::json> ParseJson(std::string_view text) {
  if (JsonNestsDeeperThan(text, kMaxJsonDepth)) {
    return InvalidArgument("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_discarded()) return json;
  ErrorSax sax;
  nlohmann::json::sax_parse(text, &sax);
  std::string message = sax.message;
  if (const size_t bracket = message.find("] ");
      message.starts_with('[') && bracket != std::string::npos) {
    message = message.substr(bracket + 2);
  }
  return InvalidArgument("invalid JSON: " + Sanitize(message, 200));
}

const nlohmann::json* Member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::string> StringMember(const nlohmann::json& object, const char* key) {
  const nlohmann::json* value = Member(object, key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get_ref<const std::string&>();
}

int64_t CsvErrorLine(const Status& status) {
  std::string_view where = status.where();
  if (!where.starts_with("line ")) return 0;
  where.remove_prefix(5);
  int64_t line = 0;
  std::from_chars(where.data(), where.data() + where.size(), line);
  return line;
}

std::string BaseName(std::string_view path) {
  const size_t slash = path.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace vigil::intel::internal
