#include "agent/collect/parsers.h"

#include <arpa/inet.h>

#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <cstring>
#include <utility>

#include "core/text.h"

namespace vigil::agent {
namespace {

constexpr std::string_view kSpace = " \t\r\n\v\f";

std::string_view Trim(std::string_view s) {
  const size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  const size_t end = s.find_last_not_of(kSpace);
  return s.substr(begin, end - begin + 1);
}

// Calls fn(line_number, line) for each line, without the '\n' and a trailing '\r'.
template <typename Fn>
void ForEachLine(std::string_view text, Fn&& fn) {
  size_t number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(++number, line);
  }
}

std::vector<std::string_view> SplitWhitespace(std::string_view s) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t begin = s.find_first_not_of(kSpace, pos);
    if (begin == std::string_view::npos) break;
    size_t end = s.find_first_of(kSpace, begin);
    if (end == std::string_view::npos) end = s.size();
    out.push_back(s.substr(begin, end - begin));
    pos = end;
  }
  return out;
}

std::string Where(std::string_view file, size_t line, std::string_view field = {}) {
  std::string where = std::string(file) + ":" + std::to_string(line);
  if (!field.empty()) where.append(":").append(field);
  return where;
}

// Printable form of untrusted bytes for messages: at most 40 bytes, controls escaped.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < 40; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > 40) out += "...";
  out += '"';
  return out;
}

template <typename T>
std::optional<T> ParseNumber(std::string_view s, int base = 10) {
  if (s.empty()) return std::nullopt;
  T value{};
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

// Eight hex digits as the kernel prints a 32-bit word, back to the four bytes it had in memory.
std::optional<std::array<uint8_t, 4>> HexWordBytes(std::string_view hex) {
  if (hex.size() != 8) return std::nullopt;
  const auto word = ParseNumber<uint32_t>(hex, 16);
  if (!word) return std::nullopt;
  uint32_t v = *word;
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return std::array<uint8_t, 4>{static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8),
                                static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 24)};
}

std::string FormatIp(const uint8_t* bytes, bool ipv6) {
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes, text, sizeof text) == nullptr) return {};
  return text;
}

// "HEXADDR:HEXPORT" of /proc/net/*.
Status ParseSocketAddress(std::string_view token, bool ipv6, std::string& ip, uint16_t& port) {
  const size_t colon = token.find(':');
  if (colon == std::string_view::npos) return InvalidArgument("expected ADDRESS:PORT");
  const std::string_view hex = token.substr(0, colon);
  const size_t words = ipv6 ? 4 : 1;
  if (hex.size() != words * 8) {
    return InvalidArgument("address must have " + std::to_string(words * 8) + " hex digits, got " +
                           Quote(hex));
  }
  std::array<uint8_t, 16> bytes{};
  for (size_t w = 0; w < words; ++w) {
    const auto word = HexWordBytes(hex.substr(w * 8, 8));
    if (!word) return InvalidArgument("address is not hexadecimal: " + Quote(hex));
    std::memcpy(bytes.data() + w * 4, word->data(), 4);
  }
  const std::string_view port_hex = token.substr(colon + 1);
  const auto value = port_hex.size() == 4 ? ParseNumber<uint16_t>(port_hex, 16) : std::nullopt;
  if (!value) return InvalidArgument("port must be 4 hex digits, got " + Quote(port_hex));
  ip = FormatIp(bytes.data(), ipv6);
  port = *value;
  return Status::Ok();
}

uint32_t BigEndian32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// Shell-like value of os-release: concatenated "..." (\ escapes \ " $ `), '...' and bare words
// (\ escapes any byte). Returns false when a quote is not closed (the rest is taken as is).
bool UnquoteShell(std::string_view value, std::string& out) {
  size_t i = 0;
  bool closed = true;
  while (i < value.size()) {
    const char c = value[i];
    if (c == '"') {
      ++i;
      closed = false;
      while (i < value.size()) {
        if (value[i] == '"') {
          closed = true;
          ++i;
          break;
        }
        if (value[i] == '\\' && i + 1 < value.size() &&
            std::string_view("\\\"$`").find(value[i + 1]) != std::string_view::npos) {
          out += value[i + 1];
          i += 2;
          continue;
        }
        out += value[i++];
      }
      if (!closed) return false;
    } else if (c == '\'') {
      const size_t end = value.find('\'', i + 1);
      if (end == std::string_view::npos) {
        out.append(value.substr(i + 1));
        return false;
      }
      out.append(value.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if (c == '\\' && i + 1 < value.size()) {
      out += value[i + 1];
      i += 2;
    } else {
      out += c;
      ++i;
    }
  }
  return true;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) != 0 || c == '_')) return false;
  }
  return true;
}

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
std::vector<DpkgRecord> ParseDpkgStatus(std::string_view text, std::string_view file,
                                        Issues& issues) {
  std::vector<DpkgRecord> records;
  DpkgRecord current;
  bool in_stanza = false;
  bool has_package = false;
  bool has_status = false;
  bool status_bad = false;
  bool has_field = false;  // a field line was seen, so a continuation line is valid
  auto finish = [&] {
    if (in_stanza) {
      if (!has_package) {
        issues.push_back(InvalidArgument("stanza has no Package field", Where(file, current.line)));
      } else if (!has_status) {
        if (!status_bad) {
          issues.push_back(InvalidArgument("package " + Quote(current.name) + " has no Status",
                                           Where(file, current.line, "Status")));
        }
      } else {
        records.push_back(std::move(current));
      }
    }
    current = DpkgRecord();
    in_stanza = has_package = has_status = status_bad = has_field = false;
  };
  ForEachLine(text, [&](size_t number, std::string_view line) {
    if (Trim(line).empty()) {
      finish();
      return;
    }
    if (!in_stanza) {
      in_stanza = true;
      current.line = number;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (!has_field) {
        issues.push_back(
            InvalidArgument("continuation line before any field", Where(file, number)));
      }
      return;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      issues.push_back(
          InvalidArgument("expected \"Field: value\", got " + Quote(line), Where(file, number)));
      return;
    }
    has_field = true;
    const std::string_view field = line.substr(0, colon);
    const std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsAsciiFoldCase(field, "Package")) {
      if (value.empty() || value.find_first_of(kSpace) != std::string_view::npos) {
        issues.push_back(
            InvalidArgument("bad package name " + Quote(value), Where(file, number, "Package")));
        return;
      }
      current.name = std::string(value);
      has_package = true;
    } else if (EqualsAsciiFoldCase(field, "Version")) {
      current.version = std::string(value);
    } else if (EqualsAsciiFoldCase(field, "Architecture")) {
      current.arch = std::string(value);
    } else if (EqualsAsciiFoldCase(field, "Status")) {
      const auto words = SplitWhitespace(value);
      if (words.size() != 3) {
        issues.push_back(InvalidArgument("expected \"want flag status\", got " + Quote(value),
                                         Where(file, number, "Status")));
        status_bad = true;
        return;
      }
      current.status = std::string(words[2]);
      has_status = true;
    }
  });
  finish();
  return records;
}

// ---------------------------------------------------------------------------------------------
std::vector<SocketEntry> ParseProcNet(std::string_view text, bool ipv6, std::string_view file,
                                      Issues& issues) {
  std::vector<SocketEntry> entries;
  ForEachLine(text, [&](size_t number, std::string_view line) {
    const auto tokens = SplitWhitespace(line);
    if (tokens.empty()) return;
    if (number == 1 && tokens[0] == "sl") return;  // header
    if (tokens.size() < 10) {
      issues.push_back(
          InvalidArgument("expected at least 10 columns, got " + std::to_string(tokens.size()),
                          Where(file, number)));
      return;
    }
    SocketEntry entry;
    Status status = ParseSocketAddress(tokens[1], ipv6, entry.local_ip, entry.local_port);
    if (!status.ok()) {
      issues.push_back(InvalidArgument(status.message(), Where(file, number, "local_address")));
      return;
    }
    status = ParseSocketAddress(tokens[2], ipv6, entry.remote_ip, entry.remote_port);
    if (!status.ok()) {
      issues.push_back(InvalidArgument(status.message(), Where(file, number, "rem_address")));
      return;
    }
    const auto state = tokens[3].size() == 2 ? ParseNumber<uint8_t>(tokens[3], 16) : std::nullopt;
    if (!state) {
      issues.push_back(InvalidArgument("state must be 2 hex digits, got " + Quote(tokens[3]),
                                       Where(file, number, "st")));
      return;
    }
    entry.state = *state;
    const auto uid = ParseNumber<uint32_t>(tokens[7]);
    if (!uid) {
      issues.push_back(
          InvalidArgument("uid is not a number: " + Quote(tokens[7]), Where(file, number, "uid")));
      return;
    }
    entry.uid = *uid;
    const auto inode = ParseNumber<uint64_t>(tokens[9]);
    if (!inode) {
      issues.push_back(InvalidArgument("inode is not a number: " + Quote(tokens[9]),
                                       Where(file, number, "inode")));
      return;
    }
    entry.inode = *inode;
    entries.push_back(std::move(entry));
  });
  return entries;
}

// ---------------------------------------------------------------------------------------------
std::vector<InterfaceAddress> ParseIfInet6(std::string_view text, std::string_view file,
                                           Issues& issues) {
  std::vector<InterfaceAddress> out;
  ForEachLine(text, [&](size_t number, std::string_view line) {
    const auto tokens = SplitWhitespace(line);
    if (tokens.empty()) return;
    if (tokens.size() != 6) {
      issues.push_back(InvalidArgument("expected 6 columns", Where(file, number)));
      return;
    }
    std::array<uint8_t, 16> bytes{};
    bool ok = tokens[0].size() == 32;
    for (size_t i = 0; ok && i < 16; ++i) {
      const auto byte = ParseNumber<uint8_t>(tokens[0].substr(i * 2, 2), 16);
      if (!byte) ok = false;
      if (ok) bytes[i] = *byte;
    }
    if (!ok) {
      issues.push_back(InvalidArgument("address must be 32 hex digits, got " + Quote(tokens[0]),
                                       Where(file, number, "address")));
      return;
    }
    const auto prefix = ParseNumber<unsigned>(tokens[2], 16);
    if (!prefix || *prefix > 128) {
      issues.push_back(
          InvalidArgument("bad prefix length " + Quote(tokens[2]), Where(file, number, "prefix")));
      return;
    }
    out.push_back({std::string(tokens[5]), FormatIp(bytes.data(), true), *prefix});
  });
  return out;
}

std::vector<std::string> ParseFibTrieLocal(std::string_view text, std::string_view file,
                                           Issues& issues) {
  std::vector<std::string> out;
  std::string last_leaf;  // the address of the previous "|-- a.b.c.d" line
  ForEachLine(text, [&](size_t number, std::string_view line) {
    const std::string_view t = Trim(line);
    if (t.rfind("|-- ", 0) == 0) {
      last_leaf = std::string(Trim(t.substr(4)));
      in_addr addr{};
      if (inet_pton(AF_INET, last_leaf.c_str(), &addr) != 1) {
        issues.push_back(InvalidArgument("leaf is not an IPv4 address: " + Quote(last_leaf),
                                         Where(file, number)));
        last_leaf.clear();
      }
      return;
    }
    if (t.rfind("/32 host LOCAL", 0) == 0 && !last_leaf.empty()) {
      bool seen = false;
      for (const auto& ip : out) seen = seen || ip == last_leaf;
      if (!seen) out.push_back(last_leaf);
    }
  });
  return out;
}

std::vector<Route> ParseProcRoute(std::string_view text, std::string_view file, Issues& issues) {
  std::vector<Route> out;
  ForEachLine(text, [&](size_t number, std::string_view line) {
    const auto tokens = SplitWhitespace(line);
    if (tokens.empty() || (number == 1 && tokens[0] == "Iface")) return;
    if (tokens.size() < 8) {
      issues.push_back(InvalidArgument("expected at least 8 columns", Where(file, number)));
      return;
    }
    const auto destination = HexWordBytes(tokens[1]);
    const auto mask = HexWordBytes(tokens[7]);
    if (!destination || !mask) {
      issues.push_back(InvalidArgument("destination and mask must be 8 hex digits",
                                       Where(file, number, destination ? "Mask" : "Destination")));
      return;
    }
    out.push_back(
        {std::string(tokens[0]), BigEndian32(destination->data()), BigEndian32(mask->data())});
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
Result<RpmPackage> ParseRpmHeader(std::string_view blob) {
  constexpr uint32_t kMaxIndex = 0xffff;  // rpm's own limits (header_internal.h)
  constexpr uint32_t kMaxData = 256u << 20;
  constexpr uint32_t kTypeInt32 = 4, kTypeString = 6, kTypeStringArray = 8, kTypeI18n = 9;
  constexpr uint32_t kTagName = 1000, kTagVersion = 1001, kTagRelease = 1002, kTagEpoch = 1003,
                     kTagArch = 1022;
  const auto* bytes = reinterpret_cast<const unsigned char*>(blob.data());
  size_t pos = 0;
  if (blob.size() >= 8 && bytes[0] == 0x8e && bytes[1] == 0xad && bytes[2] == 0xe8) pos = 8;
  if (blob.size() - pos < 8) {
    return InvalidArgument(
        "header is " + std::to_string(blob.size()) + " bytes, shorter than its 8-byte preamble",
        "preamble");
  }
  const uint32_t il = BigEndian32(bytes + pos);
  const uint32_t dl = BigEndian32(bytes + pos + 4);
  if (il == 0 || il > kMaxIndex) {
    return InvalidArgument(
        "index count " + std::to_string(il) + " outside 1.." + std::to_string(kMaxIndex), "il");
  }
  if (dl > kMaxData) {
    return InvalidArgument("data size " + std::to_string(dl) + " above " + std::to_string(kMaxData),
                           "dl");
  }
  const size_t index_start = pos + 8;
  const size_t data_start = index_start + size_t{il} * 16;
  if (data_start + dl > blob.size()) {
    return InvalidArgument("header truncated: index and data need " +
                               std::to_string(data_start + dl) + " bytes, blob has " +
                               std::to_string(blob.size()),
                           "dl");
  }
  const std::string_view data = blob.substr(data_start, dl);
  std::optional<std::string> name, version, release, arch;
  std::optional<uint32_t> epoch;
  for (uint32_t i = 0; i < il; ++i) {
    const unsigned char* entry = bytes + index_start + size_t{i} * 16;
    const uint32_t tag = BigEndian32(entry);
    const uint32_t type = BigEndian32(entry + 4);
    const auto offset = static_cast<int32_t>(BigEndian32(entry + 8));
    const uint32_t count = BigEndian32(entry + 12);
    std::optional<std::string>* target = nullptr;
    switch (tag) {
      case kTagName:
        target = &name;
        break;
      case kTagVersion:
        target = &version;
        break;
      case kTagRelease:
        target = &release;
        break;
      case kTagArch:
        target = &arch;
        break;
      case kTagEpoch:
        break;
      default:
        continue;
    }
    const std::string where = "index[" + std::to_string(i) + "]";
    const std::string what = "tag " + std::to_string(tag);
    if (offset < 0 || static_cast<uint32_t>(offset) >= dl) {
      return InvalidArgument(what + ": offset " + std::to_string(offset) +
                                 " outside the data store of " + std::to_string(dl) + " bytes",
                             where);
    }
    const auto start = static_cast<size_t>(offset);
    if (tag == kTagEpoch) {
      if (type != kTypeInt32) {
        return InvalidArgument(what + ": type " + std::to_string(type) + ", expected INT32 (4)",
                               where);
      }
      if (count < 1 || start + 4 > dl) {
        return InvalidArgument(what + ": INT32 at offset " + std::to_string(offset) +
                                   " runs past the data store of " + std::to_string(dl) + " bytes",
                               where);
      }
      epoch = BigEndian32(reinterpret_cast<const unsigned char*>(data.data()) + start);
      continue;
    }
    if (type != kTypeString && type != kTypeStringArray && type != kTypeI18n) {
      return InvalidArgument(what + ": type " + std::to_string(type) + ", expected a string",
                             where);
    }
    if (count < 1) return InvalidArgument(what + ": count 0", where);
    const size_t nul = data.find('\0', start);
    if (nul == std::string_view::npos) {
      return InvalidArgument(what + ": string at offset " + std::to_string(offset) +
                                 " is not NUL-terminated within the data store",
                             where);
    }
    *target = std::string(data.substr(start, nul - start));
  }
  if (!name || name->empty()) return InvalidArgument("no NAME (1000) tag", "NAME");
  if (!version) return InvalidArgument("no VERSION (1001) tag", "VERSION");
  if (!release) return InvalidArgument("no RELEASE (1002) tag", "RELEASE");
  RpmPackage package;
  package.name = std::move(*name);
  if (epoch) package.version = std::to_string(*epoch) + ":";
  package.version += *version + "-" + *release;
  if (arch) package.arch = std::move(*arch);
  return package;
}

// ---------------------------------------------------------------------------------------------
std::map<std::string, std::string> ParseOsRelease(std::string_view text, std::string_view file,
                                                  Issues& issues) {
  std::map<std::string, std::string> out;
  ForEachLine(text, [&](size_t number, std::string_view line) {
    const std::string_view t = Trim(line);
    if (t.empty() || t.front() == '#') return;
    const size_t eq = t.find('=');
    if (eq == std::string_view::npos || !IsIdentifier(t.substr(0, eq))) {
      issues.push_back(InvalidArgument("expected KEY=value, got " + Quote(t), Where(file, number)));
      return;
    }
    const std::string key(t.substr(0, eq));
    std::string value;
    if (!UnquoteShell(t.substr(eq + 1), value)) {
      issues.push_back(InvalidArgument("unterminated quote", Where(file, number, key)));
    }
    out[key] = std::move(value);
  });
  return out;
}

std::map<std::string, std::string> ParseLoginDefs(std::string_view text, std::string_view file,
                                                  Issues& issues) {
  std::map<std::string, std::string> out;
  ForEachLine(text, [&](size_t number, std::string_view line) {
    const std::string_view t = Trim(line);
    if (t.empty() || t.front() == '#') return;
    const size_t split = t.find_first_of(kSpace);
    if (split == std::string_view::npos) {
      issues.push_back(
          InvalidArgument("key without a value", Where(file, number, t.substr(0, 40))));
      return;
    }
    std::string_view value = Trim(t.substr(split));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    out[std::string(t.substr(0, split))] = std::string(value);
  });
  return out;
}

std::map<std::string, std::string> ParsePwqualityConf(std::string_view text, std::string_view file,
                                                      Issues& issues) {
  std::map<std::string, std::string> out;
  ForEachLine(text, [&](size_t number, std::string_view line) {
    std::string_view t = line.substr(0, line.find('#'));
    t = Trim(t);
    if (t.empty()) return;
    const size_t eq = t.find('=');
    const std::string_view key = Trim(t.substr(0, eq));
    if (!IsIdentifier(key)) {
      issues.push_back(InvalidArgument("bad option name " + Quote(key), Where(file, number)));
      return;
    }
    out[std::string(key)] =
        eq == std::string_view::npos ? std::string() : std::string(Trim(t.substr(eq + 1)));
  });
  return out;
}

std::map<std::string, std::string> ParsePamQualityArgs(std::string_view text, std::string_view file,
                                                       Issues& issues) {
  std::map<std::string, std::string> out;
  ForEachLine(text, [&](size_t number, std::string_view line) {
    const std::string_view t = Trim(line.substr(0, line.find('#')));
    if (t.empty() || t.front() == '@') return;  // @include: not followed
    const auto tokens = SplitWhitespace(t);
    std::string_view type = tokens[0];
    if (!type.empty() && type.front() == '-') type.remove_prefix(1);
    if (!EqualsAsciiFoldCase(type, "password")) return;
    size_t i = 1;
    if (i < tokens.size() && tokens[i].front() == '[') {  // [value=action ...] control
      while (i < tokens.size() && tokens[i].back() != ']') ++i;
    }
    ++i;  // the control
    if (i >= tokens.size()) {
      issues.push_back(InvalidArgument("password line without a module", Where(file, number)));
      return;
    }
    const std::string_view module = BaseName(tokens[i]);
    if (module != "pam_pwquality.so" && module != "pam_cracklib.so") return;
    for (++i; i < tokens.size(); ++i) {
      const size_t eq = tokens[i].find('=');
      out[std::string(tokens[i].substr(0, eq))] =
          eq == std::string_view::npos ? std::string() : std::string(tokens[i].substr(eq + 1));
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
std::vector<PasswdEntry> ParsePasswd(std::string_view text, std::string_view file, Issues& issues) {
  std::vector<PasswdEntry> out;
  ForEachLine(text, [&](size_t number, std::string_view line) {
    if (Trim(line).empty() || line.front() == '#' || line.front() == '+' || line.front() == '-') {
      return;
    }
    std::vector<std::string_view> fields;
    size_t pos = 0;
    for (;;) {
      const size_t colon = line.find(':', pos);
      fields.push_back(line.substr(pos, colon == std::string_view::npos ? colon : colon - pos));
      if (colon == std::string_view::npos) break;
      pos = colon + 1;
    }
    if (fields.size() != 7) {
      issues.push_back(InvalidArgument("expected 7 fields, got " + std::to_string(fields.size()),
                                       Where(file, number)));
      return;
    }
    const auto uid = ParseNumber<uint32_t>(fields[2]);
    const auto gid = ParseNumber<uint32_t>(fields[3]);
    if (fields[0].empty() || !uid || !gid) {
      issues.push_back(InvalidArgument("bad name, uid or gid", Where(file, number,
                                                                     fields[0].empty() ? "name"
                                                                     : !uid            ? "uid"
                                                                                       : "gid")));
      return;
    }
    out.push_back(
        {std::string(fields[0]), *uid, *gid, std::string(fields[5]), std::string(fields[6])});
  });
  return out;
}

Result<ProcStat> ParseProcStat(std::string_view text) {
  const size_t open = text.find('(');
  const size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return InvalidArgument("no \"(comm)\"", "comm");
  }
  const auto rest = SplitWhitespace(text.substr(close + 1));
  if (rest.size() < 2 || rest[0].size() != 1) return InvalidArgument("no state", "state");
  const auto ppid = ParseNumber<int64_t>(rest[1]);
  if (!ppid) return InvalidArgument("ppid is not a number: " + Quote(rest[1]), "ppid");
  return ProcStat{std::string(text.substr(open + 1, close - open - 1)), rest[0][0], *ppid};
}

Result<uint32_t> ParseStatusUid(std::string_view text) {
  std::optional<uint32_t> uid;
  bool seen = false;
  ForEachLine(text, [&](size_t, std::string_view line) {
    if (seen || line.rfind("Uid:", 0) != 0) return;
    seen = true;
    const auto tokens = SplitWhitespace(line.substr(4));
    if (!tokens.empty()) uid = ParseNumber<uint32_t>(tokens[0]);
  });
  if (!seen) return NotFound("no Uid: line", "Uid");
  if (!uid) return InvalidArgument("Uid: is not a number", "Uid");
  return *uid;
}

std::string JoinCmdline(std::string_view text) {
  while (!text.empty() && text.back() == '\0') text.remove_suffix(1);
  std::string out(text);
  for (char& c : out) {
    if (c == '\0') c = ' ';
  }
  return out;
}

}  // namespace vigil::agent
