// Parsers for the files the inventory collectors read. Each takes the bytes as a string_view
// (untrusted: any bytes are accepted without crashing) and the file name to use in issues.
// Text parsers are lenient: a malformed line or stanza is reported in `issues` as a Status whose
// `where` is "file:line" or "file:line:field", and parsing goes on with the next one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace vigil::agent {

using Issues = std::vector<Status>;

// ---- dpkg: /var/lib/dpkg/status (and the journal files in /var/lib/dpkg/updates/) ----
struct DpkgRecord {
  std::string name;     // Package
  std::string version;  // Version; empty when the stanza has none
  std::string arch;     // Architecture; empty when the stanza has none
  std::string status;   // the third word of Status: "installed", "config-files", "not-installed"...
  size_t line = 0;      // first line of the stanza (1-based)
};
// Every stanza that has Package and a well-formed Status, in file order (not-installed ones
// included: callers filter). Field names are case-insensitive; continuation lines are accepted.
std::vector<DpkgRecord> ParseDpkgStatus(std::string_view text, std::string_view file,
                                        Issues& issues);

// ---- /proc/net/{tcp,tcp6,udp,udp6} ----
struct SocketEntry {
  std::string local_ip;  // text form ("127.0.0.1", "::1", "::ffff:10.0.0.1")
  uint16_t local_port = 0;
  std::string remote_ip;
  uint16_t remote_port = 0;
  uint8_t state = 0;  // 0x0A LISTEN, 0x01 ESTABLISHED, 0x07 CLOSE (unconnected UDP)
  uint32_t uid = 0;
  uint64_t inode = 0;
};
inline constexpr uint8_t kTcpEstablished = 0x01;
inline constexpr uint8_t kTcpListen = 0x0A;
inline constexpr uint8_t kTcpClose = 0x07;
// One entry per data line (the header line is skipped). `ipv6` selects 32-hex-digit addresses.
// Address words are read in the byte order of the machine running the parser, as the kernel
// writes them (fixtures therefore assume a little-endian host, like every supported agent).
std::vector<SocketEntry> ParseProcNet(std::string_view text, bool ipv6, std::string_view file,
                                      Issues& issues);

// ---- /proc/net/if_inet6, /proc/net/fib_trie, /proc/net/route ----
struct InterfaceAddress {
  std::string interface;
  std::string ip;
  unsigned prefix = 0;
};
std::vector<InterfaceAddress> ParseIfInet6(std::string_view text, std::string_view file,
                                           Issues& issues);
// The local IPv4 addresses ("/32 host LOCAL" leaves), each once, in order of appearance.
std::vector<std::string> ParseFibTrieLocal(std::string_view text, std::string_view file,
                                           Issues& issues);
struct Route {
  std::string interface;
  uint32_t destination = 0;  // network byte order read as a big-endian number (10.0.0.0 = 0x0A..)
  uint32_t mask = 0;         // same
};
std::vector<Route> ParseProcRoute(std::string_view text, std::string_view file, Issues& issues);

// ---- rpm: one header blob of the sqlite rpmdb (Packages.blob) ----
struct RpmPackage {
  std::string name;
  std::string version;  // "[epoch:]version-release"
  std::string arch;     // empty when the header has no ARCH (gpg-pubkey)
};
// Big-endian header: il (index count), dl (data size), il 16-byte entries {tag, type, offset,
// count}, then the data store. An optional leading 8-byte header magic is skipped. Every offset
// and length is checked; errors name the index entry at fault (where = "index[3]").
Result<RpmPackage> ParseRpmHeader(std::string_view blob);

// ---- key/value configuration files ----
// /etc/os-release: KEY=value with shell quoting ("..." with \ escapes, '...', bare words).
std::map<std::string, std::string> ParseOsRelease(std::string_view text, std::string_view file,
                                                  Issues& issues);
// /etc/login.defs: "KEY value" (whitespace separated; '#' comments).
std::map<std::string, std::string> ParseLoginDefs(std::string_view text, std::string_view file,
                                                  Issues& issues);
// /etc/security/pwquality.conf: "key = value", or a bare "key" (value "").
std::map<std::string, std::string> ParsePwqualityConf(std::string_view text, std::string_view file,
                                                      Issues& issues);
// A PAM stack file: the key=value (or bare) arguments of every "password" line whose module is
// pam_pwquality.so or pam_cracklib.so; later lines override earlier ones.
std::map<std::string, std::string> ParsePamQualityArgs(std::string_view text, std::string_view file,
                                                       Issues& issues);

// ---- /etc/passwd ----
struct PasswdEntry {
  std::string name;
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string home;
  std::string shell;
};
// NIS compat lines ("+", "-") are skipped silently.
std::vector<PasswdEntry> ParsePasswd(std::string_view text, std::string_view file, Issues& issues);

// ---- /proc/<pid>/{stat,status,cmdline} ----
struct ProcStat {
  std::string comm;  // between the first '(' and the last ')'
  char state = '?';
  int64_t ppid = 0;
};
Result<ProcStat> ParseProcStat(std::string_view text);
// The real uid of the "Uid:" line of /proc/<pid>/status.
Result<uint32_t> ParseStatusUid(std::string_view text);
// NUL-separated arguments joined with single spaces (trailing NULs dropped).
std::string JoinCmdline(std::string_view text);

}  // namespace vigil::agent
