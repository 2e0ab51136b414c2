#include "agent/collect/inventory.h"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "agent/collect/parsers.h"

namespace vigil::agent {
namespace {

using nlohmann::json;

constexpr size_t kMaxIssuesPerFile = 20;  // per file in "warnings"; the rest are counted
constexpr size_t kSmallFile = size_t{1} << 20;

class Warnings {
 public:
  explicit Warnings(std::vector<std::string>& out) : out_(out) {}
  void Add(std::string text) { out_.push_back(std::move(text)); }
  void Add(const Status& status) { out_.push_back(status.ToString()); }
  // Issues of one parse, capped so that one broken file cannot flood the list.
  void AddIssues(const Issues& issues) {
    for (size_t i = 0; i < issues.size() && i < kMaxIssuesPerFile; ++i) Add(issues[i]);
    if (issues.size() > kMaxIssuesPerFile) {
      Add(std::to_string(issues.size() - kMaxIssuesPerFile) + " more problems in " +
          issues[kMaxIssuesPerFile].where());
    }
  }

 private:
  std::vector<std::string>& out_;
};

json OrNull(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

std::string TrimLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A small text file, or nullopt (with a warning unless it is simply absent and `optional`).
std::optional<std::string> ReadText(const Os& os, const std::string& path, Warnings& warnings,
                                    bool optional = true, size_t max_bytes = kSmallFile) {
  auto text = os.ReadFile(path, max_bytes);
  if (text.ok()) return std::move(text).value();
  if (!(optional && text.status().code() == StatusCode::kNotFound)) {
    warnings.Add(text.status());
  }
  return std::nullopt;
}

std::string SqliteUri(const std::string& host_path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file:";
  for (const char c : host_path) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      uri += c;
    } else {
      uri += '%';
      uri += kHex[u >> 4];
      uri += kHex[u & 15];
    }
  }
  return uri + "?mode=ro&immutable=1";
}

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

Result<SqliteDb> OpenReadOnly(const std::string& host_path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(SqliteUri(host_path).c_str(), &raw,
                                 SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) {
    return Status(StatusCode::kUnavailable,
                  std::string("cannot open: ") + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)),
                  host_path);
  }
  return db;
}

Result<SqliteStmt> Prepare(sqlite3* db, const char* sql, const std::string& where) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    return Status(StatusCode::kUnavailable, std::string(sqlite3_errmsg(db)), where);
  }
  return SqliteStmt(raw);
}

// ---- system ---------------------------------------------------------------------------------

// Machine name of an ELF header (e_machine), as uname -m prints it.
std::optional<std::string> ElfArch(const std::string& host_path) {
  std::FILE* file = std::fopen(host_path.c_str(), "rb");
  if (file == nullptr) return std::nullopt;
  unsigned char h[20] = {};
  const size_t n = std::fread(h, 1, sizeof h, file);
  std::fclose(file);
  if (n < sizeof h || h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
    return std::nullopt;
  }
  const bool is64 = h[4] == 2;
  const bool little = h[5] == 1;
  const unsigned machine = little ? (h[18] | (h[19] << 8)) : ((h[18] << 8) | h[19]);
  switch (machine) {
    case 3:
      return "i686";
    case 62:
      return "x86_64";
    case 183:
      return "aarch64";
    case 40:
      return "arm";
    case 243:
      return is64 ? "riscv64" : "riscv32";
    case 21:
      return little ? "ppc64le" : "ppc64";
    case 22:
      return "s390x";
    default:
      return std::nullopt;
  }
}

json CollectSystem(const Os& os, Warnings& warnings) {
  std::optional<std::string> hostname, os_id, os_name, os_version, kernel, arch;
  if (auto text = ReadText(os, "/proc/sys/kernel/hostname", warnings)) {
    hostname = TrimLine(*text);
  } else if (auto etc = ReadText(os, "/etc/hostname", warnings)) {
    hostname = TrimLine(*etc);
  }
  std::string release_path = "/etc/os-release";
  auto release = ReadText(os, release_path, warnings);
  if (!release) {
    release_path = "/usr/lib/os-release";
    release = ReadText(os, release_path, warnings);
  }
  if (release) {
    Issues issues;
    const auto fields = ParseOsRelease(*release, release_path, issues);
    warnings.AddIssues(issues);
    auto get = [&](const char* key) -> std::optional<std::string> {
      const auto it = fields.find(key);
      if (it == fields.end()) return std::nullopt;
      return it->second;
    };
    os_id = get("ID");
    os_name = get("NAME");
    os_version = get("VERSION_ID");
    if (!os_version) os_version = get("VERSION");
  } else {
    warnings.Add("system: no /etc/os-release or /usr/lib/os-release");
  }
  if (auto text = ReadText(os, "/proc/sys/kernel/osrelease", warnings)) kernel = TrimLine(*text);
  if (auto text = ReadText(os, "/proc/sys/kernel/arch", warnings)) {
    arch = TrimLine(*text);
  } else {
    arch = ElfArch(os.HostPath("/bin/sh"));
  }
  return json{{"hostname", OrNull(hostname)}, {"os_id", OrNull(os_id)},
              {"os_name", OrNull(os_name)},   {"os_version", OrNull(os_version)},
              {"kernel", OrNull(kernel)},     {"arch", OrNull(arch)}};
}

// ---- addresses ------------------------------------------------------------------------------

json CollectAddresses(const Os& os, Warnings& warnings) {
  json out = json::array();
  Issues issues;
  if (auto fib = ReadText(os, "/proc/net/fib_trie", warnings, false)) {
    std::vector<Route> routes;
    if (auto route = ReadText(os, "/proc/net/route", warnings)) {
      routes = ParseProcRoute(*route, "/proc/net/route", issues);
    }
    for (const auto& ip : ParseFibTrieLocal(*fib, "/proc/net/fib_trie", issues)) {
      in_addr addr{};
      if (inet_pton(AF_INET, ip.c_str(), &addr) != 1) continue;
      const uint32_t value = ntohl(addr.s_addr);
      const bool loopback = (value >> 24) == 127;
      std::string interface = loopback ? "lo" : "";
      uint32_t best_mask = 0;
      for (const auto& route : routes) {
        if (route.mask == 0 || (value & route.mask) != (route.destination & route.mask)) continue;
        if (interface.empty() || route.mask > best_mask) {
          interface = route.interface;
          best_mask = route.mask;
        }
      }
      out.push_back({{"interface", interface.empty() ? json(nullptr) : json(interface)},
                     {"ip", ip},
                     {"loopback", loopback}});
    }
  }
  if (auto inet6 = ReadText(os, "/proc/net/if_inet6", warnings)) {
    for (const auto& address : ParseIfInet6(*inet6, "/proc/net/if_inet6", issues)) {
      out.push_back({{"interface", address.interface},
                     {"ip", address.ip},
                     {"loopback", address.ip == "::1"}});
    }
  }
  warnings.AddIssues(issues);
  return out;
}

// ---- packages -------------------------------------------------------------------------------

void CollectDpkg(const Os& os, json& out, Warnings& warnings) {
  const std::string status_path = "/var/lib/dpkg/status";
  auto text = os.ReadFile(status_path);
  if (!text.ok()) {
    if (text.status().code() != StatusCode::kNotFound) warnings.Add(text.status());
    return;
  }
  // (name, arch) -> record; the updates journal overrides the status file, like dpkg does.
  std::map<std::pair<std::string, std::string>, DpkgRecord> records;
  auto merge = [&](std::string_view content, const std::string& file) {
    Issues issues;
    for (auto& record : ParseDpkgStatus(content, file, issues)) {
      auto key = std::make_pair(record.name, record.arch);
      records[std::move(key)] = std::move(record);
    }
    warnings.AddIssues(issues);
  };
  merge(*text, status_path);
  if (auto updates = os.ListDir("/var/lib/dpkg/updates"); updates.ok()) {
    for (const auto& name : *updates) {
      if (!AllDigits(name)) continue;
      const std::string path = "/var/lib/dpkg/updates/" + name;
      if (auto update = ReadText(os, path, warnings, true, size_t{64} << 20)) merge(*update, path);
    }
  }
  for (auto& [key, record] : records) {
    if (record.status == "not-installed") continue;
    out.push_back({{"name", record.name},
                   {"version", record.version},
                   {"arch", record.arch.empty() ? json(nullptr) : json(record.arch)},
                   {"manager", "dpkg"},
                   {"status", record.status}});
  }
}

void CollectRpm(const Os& os, json& out, Warnings& warnings) {
  std::string path;
  for (const char* candidate :
       {"/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite"}) {
    if (os.Exists(candidate)) {
      path = candidate;
      break;
    }
  }
  if (path.empty()) return;
  auto db = OpenReadOnly(os.HostPath(path));
  if (!db.ok()) {
    warnings.Add(path + ": " + db.status().message());
    return;
  }
  auto stmt = Prepare(db->get(), "SELECT hnum, blob FROM Packages", path);
  if (!stmt.ok()) {
    warnings.Add(path + ": " + stmt.status().message());
    return;
  }
  size_t bad = 0;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
    const int64_t hnum = sqlite3_column_int64(stmt->get(), 0);
    const void* blob = sqlite3_column_blob(stmt->get(), 1);
    const int size = sqlite3_column_bytes(stmt->get(), 1);
    const std::string_view bytes(static_cast<const char*>(blob),
                                 blob == nullptr ? 0 : static_cast<size_t>(size));
    auto package = ParseRpmHeader(bytes);
    if (!package.ok()) {
      if (++bad <= kMaxIssuesPerFile) {
        warnings.Add(path + ": Packages hnum=" + std::to_string(hnum) + ": " +
                     package.status().where() + ": " + package.status().message());
      }
      continue;
    }
    out.push_back({{"name", package->name},
                   {"version", package->version},
                   {"arch", package->arch.empty() ? json(nullptr) : json(package->arch)},
                   {"manager", "rpm"},
                   {"status", "installed"}});
  }
  if (rc != SQLITE_DONE) warnings.Add(path + ": " + sqlite3_errmsg(db->get()));
  if (bad > kMaxIssuesPerFile) {
    warnings.Add(path + ": " + std::to_string(bad - kMaxIssuesPerFile) + " more bad headers");
  }
}

// ---- processes and sockets ------------------------------------------------------------------

struct ProcessInfo {
  int64_t pid = 0;
  std::string comm;
};

std::vector<int64_t> ListPids(const Os& os, Warnings& warnings) {
  std::vector<int64_t> pids;
  auto entries = os.ListDir("/proc");
  if (!entries.ok()) {
    warnings.Add(entries.status());
    return pids;
  }
  for (const auto& name : *entries) {
    if (AllDigits(name) && name.size() < 10) pids.push_back(std::stoll(name));
  }
  std::sort(pids.begin(), pids.end());
  return pids;
}

// Socket inode -> owning pid, from the "socket:[INODE]" links of /proc/<pid>/fd/.
std::map<uint64_t, int64_t> SocketOwners(const Os& os, const std::vector<int64_t>& pids,
                                         Warnings& warnings) {
  std::map<uint64_t, int64_t> owners;
  size_t denied = 0;
  for (const int64_t pid : pids) {
    const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
    auto fds = os.ListDir(dir);
    if (!fds.ok()) {
      denied += fds.status().code() == StatusCode::kPermissionDenied ? 1 : 0;
      continue;
    }
    for (const auto& fd : *fds) {
      auto target = os.ReadLink(std::string(dir).append("/").append(fd));
      if (!target.ok()) continue;
      const std::string_view t = *target;
      if (t.rfind("socket:[", 0) != 0 || t.back() != ']') continue;
      const std::string_view digits = t.substr(8, t.size() - 9);
      if (!AllDigits(digits) || digits.size() > 19) continue;
      owners.emplace(std::stoull(std::string(digits)), pid);
    }
  }
  if (denied > 0) {
    warnings.Add("sockets: /proc/<pid>/fd of " + std::to_string(denied) +
                 " processes not readable (permission denied): their sockets have no owner");
  }
  return owners;
}

std::optional<std::string> Comm(const Os& os, int64_t pid) {
  auto text = os.ReadFile("/proc/" + std::to_string(pid) + "/comm", 4096);
  if (!text.ok()) return std::nullopt;
  return TrimLine(std::move(text).value());
}

void CollectSockets(const Os& os, const std::vector<int64_t>& pids, json& listening,
                    json& connections, Warnings& warnings) {
  std::optional<std::map<uint64_t, int64_t>> owners;  // built on first use
  std::map<int64_t, std::optional<std::string>> comms;
  auto owner = [&](uint64_t inode) -> std::pair<json, json> {
    if (inode == 0) return {nullptr, nullptr};
    if (!owners) owners = SocketOwners(os, pids, warnings);
    const auto it = owners->find(inode);
    if (it == owners->end()) return {nullptr, nullptr};
    auto [comm, inserted] = comms.try_emplace(it->second);
    if (inserted) comm->second = Comm(os, it->second);
    return {it->second, OrNull(comm->second)};
  };
  for (const char* proto : {"tcp", "tcp6", "udp", "udp6"}) {
    const std::string path = std::string("/proc/net/") + proto;
    auto text = ReadText(os, path, warnings, true, size_t{256} << 20);
    if (!text) continue;
    const bool ipv6 = proto[3] == '6';
    const bool tcp = proto[0] == 't';
    Issues issues;
    for (const auto& entry : ParseProcNet(*text, ipv6, path, issues)) {
      const bool remote_zero =
          entry.remote_port == 0 && (entry.remote_ip == "0.0.0.0" || entry.remote_ip == "::");
      if ((tcp && entry.state == kTcpListen) || (!tcp && entry.state == kTcpClose && remote_zero)) {
        auto [pid, process] = owner(entry.inode);
        listening.push_back({{"proto", proto},
                             {"ip", entry.local_ip},
                             {"port", entry.local_port},
                             {"pid", pid},
                             {"process", process}});
      } else if (tcp && entry.state == kTcpEstablished) {
        auto [pid, process] = owner(entry.inode);
        connections.push_back({{"proto", proto},
                               {"local_ip", entry.local_ip},
                               {"local_port", entry.local_port},
                               {"remote_ip", entry.remote_ip},
                               {"remote_port", entry.remote_port},
                               {"pid", pid},
                               {"process", process}});
      }
    }
    warnings.AddIssues(issues);
  }
}

// Streams a file through SHA-256; nullopt when it cannot be read.
std::optional<std::string> Sha256File(const std::string& host_path) {
  std::FILE* file = std::fopen(host_path.c_str(), "rb");
  if (file == nullptr) return std::nullopt;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1;
  std::vector<unsigned char> buffer(size_t{1} << 16);
  while (ok) {
    const size_t n = std::fread(buffer.data(), 1, buffer.size(), file);
    if (n > 0) ok = EVP_DigestUpdate(ctx.get(), buffer.data(), n) == 1;
    if (n < buffer.size()) {
      ok = ok && std::ferror(file) == 0;
      break;
    }
  }
  std::fclose(file);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!ok || EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) return std::nullopt;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

json CollectProcesses(const Os& os, const std::vector<int64_t>& pids,
                      const std::map<uint32_t, std::string>& users, const CollectOptions& options,
                      Warnings& warnings) {
  json out = json::array();
  std::map<std::string, std::optional<std::string>> hashes;  // executable path -> sha256
  size_t hidden_exe = 0;
  size_t unhashed = 0;
  for (const int64_t pid : pids) {
    const std::string dir = "/proc/" + std::to_string(pid);
    auto stat_text = os.ReadFile(dir + "/stat", 65536);
    if (!stat_text.ok()) continue;  // the process exited
    auto stat = ParseProcStat(*stat_text);
    if (!stat.ok()) {
      warnings.Add(dir + "/stat: " + stat.status().where() + ": " + stat.status().message());
      continue;
    }
    auto cmdline_text = os.ReadFile(dir + "/cmdline", size_t{1} << 20);
    const std::string cmdline = cmdline_text.ok() ? JoinCmdline(*cmdline_text) : std::string();
    auto exe = os.ReadLink(dir + "/exe");
    if (cmdline.empty() && !exe.ok()) continue;  // a kernel thread (or a zombie)
    json user = nullptr;
    if (auto status_text = os.ReadFile(dir + "/status", 65536); status_text.ok()) {
      if (auto uid = ParseStatusUid(*status_text); uid.ok()) {
        const auto it = users.find(*uid);
        user = it != users.end() ? it->second : std::to_string(*uid);
      }
    }
    json path = nullptr;
    json sha256 = nullptr;
    if (exe.ok()) {
      path = *exe;
      if (options.hash_processes) {
        // A deleted executable is still readable through the exe link of its process.
        constexpr std::string_view kDeleted = " (deleted)";
        const bool deleted =
            exe->size() > kDeleted.size() &&
            exe->compare(exe->size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0;
        const std::string key = deleted ? dir + "/exe" : *exe;
        auto [it, inserted] = hashes.try_emplace(key);
        if (inserted) it->second = Sha256File(os.HostPath(key));
        if (it->second) {
          sha256 = *it->second;
        } else {
          ++unhashed;
        }
      }
    } else {
      ++hidden_exe;
    }
    out.push_back({{"pid", pid},
                   {"ppid", stat->ppid},
                   {"name", stat->comm},
                   {"path", path},
                   {"user", user},
                   {"cmdline", cmdline},
                   {"sha256", sha256}});
  }
  if (hidden_exe > 0) {
    warnings.Add("processes: executable of " + std::to_string(hidden_exe) +
                 " processes not readable (permission denied?)");
  }
  if (unhashed > 0) {
    warnings.Add("processes: " + std::to_string(unhashed) + " executables could not be hashed");
  }
  return out;
}

// ---- accounts and password policy -----------------------------------------------------------

bool IsLoginShell(std::string_view shell) {
  const size_t slash = shell.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? shell : shell.substr(slash + 1);
  return base != "nologin" && base != "false";
}

json CollectAccounts(const std::vector<PasswdEntry>& passwd) {
  json out = json::array();
  for (const auto& entry : passwd) {
    out.push_back({{"name", entry.name},
                   {"uid", entry.uid},
                   {"gid", entry.gid},
                   {"home", entry.home},
                   {"shell", entry.shell},
                   {"login", IsLoginShell(entry.shell)}});
  }
  return out;
}

std::optional<int64_t> PolicyNumber(const std::map<std::string, std::string>& values,
                                    const std::string& key, const std::string& file,
                                    Warnings& warnings) {
  const auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  int64_t value = 0;
  const std::string& text = it->second;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    warnings.Add(file + ": " + key + ": not a number: \"" + text.substr(0, 40) + "\"");
    return std::nullopt;
  }
  return value;
}

json CollectPasswordPolicy(const Os& os, Warnings& warnings) {
  json sources = json::array();
  std::map<std::string, std::optional<int64_t>> policy;  // output member -> value
  auto set = [&](const char* member, std::optional<int64_t> value) {
    if (value) policy[member] = value;
  };
  // login.defs
  if (auto text = ReadText(os, "/etc/login.defs", warnings)) {
    const std::string file = "/etc/login.defs";
    Issues issues;
    const auto values = ParseLoginDefs(*text, file, issues);
    warnings.AddIssues(issues);
    sources.push_back(file);
    set("max_days", PolicyNumber(values, "PASS_MAX_DAYS", file, warnings));
    set("min_days", PolicyNumber(values, "PASS_MIN_DAYS", file, warnings));
    set("warn_days", PolicyNumber(values, "PASS_WARN_AGE", file, warnings));
    set("login_defs_min_len", PolicyNumber(values, "PASS_MIN_LEN", file, warnings));
  }
  // pwquality: the main file, then the drop-ins in name order; PAM arguments override both.
  std::vector<std::string> files = {"/etc/security/pwquality.conf"};
  if (auto dropins = os.ListDir("/etc/security/pwquality.conf.d"); dropins.ok()) {
    for (const auto& name : *dropins) {
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".conf") == 0) {
        files.push_back("/etc/security/pwquality.conf.d/" + name);
      }
    }
  }
  static constexpr std::pair<const char*, const char*> kQuality[] = {
      {"minlen", "pwquality_minlen"}, {"minclass", "min_classes"}, {"dcredit", "dcredit"},
      {"ucredit", "ucredit"},         {"lcredit", "lcredit"},      {"ocredit", "ocredit"}};
  auto apply = [&](const std::map<std::string, std::string>& values, const std::string& file) {
    for (const auto& [key, member] : kQuality)
      set(member, PolicyNumber(values, key, file, warnings));
  };
  for (const auto& file : files) {
    if (auto text = ReadText(os, file, warnings)) {
      Issues issues;
      apply(ParsePwqualityConf(*text, file, issues), file);
      warnings.AddIssues(issues);
      sources.push_back(file);
    }
  }
  for (const char* file : {"/etc/pam.d/common-password", "/etc/pam.d/system-auth"}) {
    if (auto text = ReadText(os, file, warnings)) {
      Issues issues;
      apply(ParsePamQualityArgs(*text, file, issues), file);
      warnings.AddIssues(issues);
      sources.push_back(file);
    }
  }
  auto get = [&](const char* member) -> std::optional<int64_t> {
    const auto it = policy.find(member);
    return it == policy.end() ? std::nullopt : it->second;
  };
  auto to_json = [](std::optional<int64_t> v) { return v ? json(*v) : json(nullptr); };
  // The strongest applicable minimum length.
  std::optional<int64_t> min_length = get("login_defs_min_len");
  if (const auto minlen = get("pwquality_minlen")) {
    min_length = min_length ? std::max(*min_length, *minlen) : *minlen;
  }
  return json{
      {"min_length", to_json(min_length)},          {"max_days", to_json(get("max_days"))},
      {"min_days", to_json(get("min_days"))},       {"warn_days", to_json(get("warn_days"))},
      {"min_classes", to_json(get("min_classes"))}, {"dcredit", to_json(get("dcredit"))},
      {"ucredit", to_json(get("ucredit"))},         {"lcredit", to_json(get("lcredit"))},
      {"ocredit", to_json(get("ocredit"))},         {"sources", sources}};
}

// ---- browser stores -------------------------------------------------------------------------

json CollectBrowserStores(const Os& os, const std::vector<PasswdEntry>& passwd,
                          Warnings& warnings) {
  json out = json::array();
  std::set<std::string> homes;
  for (const auto& account : passwd) {
    if ((account.uid < 1000 && account.uid != 0) || account.home.empty() ||
        account.home.front() != '/' || !homes.insert(account.home).second) {
      continue;
    }
    const std::string home = account.home == "/" ? "" : account.home;
    auto add = [&](const char* browser, const std::string& profile, const std::string& path,
                   const Result<int64_t>& count) {
      if (!count.ok()) warnings.Add(path + ": " + count.status().message());
      out.push_back({{"user", account.name},
                     {"browser", browser},
                     {"profile", profile},
                     {"path", path},
                     {"saved_logins", count.ok() ? json(*count) : json(nullptr)}});
    };
    auto profiles = [&](const std::string& dir) {
      auto entries = os.ListDir(dir);
      if (!entries.ok()) {
        if (entries.status().code() != StatusCode::kNotFound) warnings.Add(entries.status());
        return std::vector<std::string>();
      }
      return std::move(entries).value();
    };
    for (const auto& [browser, dir] : {std::pair{"chrome", "/.config/google-chrome"},
                                       std::pair{"chromium", "/.config/chromium"}}) {
      const std::string base = home + dir;
      for (const auto& profile : profiles(base)) {
        const std::string path =
            std::string(base).append("/").append(profile).append("/Login Data");
        if (os.Exists(path)) add(browser, profile, path, CountChromeLogins(os.HostPath(path)));
      }
    }
    for (const char* dir : {"/.mozilla/firefox", "/snap/firefox/common/.mozilla/firefox"}) {
      const std::string base = home + dir;
      for (const auto& profile : profiles(base)) {
        const std::string path =
            std::string(base).append("/").append(profile).append("/logins.json");
        if (!os.Exists(path)) continue;
        auto text = os.ReadFile(path);
        add("firefox", profile, path,
            text.ok() ? CountFirefoxLogins(*text) : Result<int64_t>(text.status()));
      }
    }
  }
  return out;
}

}  // namespace

Result<int64_t> CountChromeLogins(const std::string& host_path) {
  VIGIL_ASSIGN_OR_RETURN(SqliteDb db, OpenReadOnly(host_path));
  VIGIL_ASSIGN_OR_RETURN(SqliteStmt stmt,
                         Prepare(db.get(), "SELECT count(*) FROM logins", host_path));
  if (sqlite3_step(stmt.get()) != SQLITE_ROW) {
    return Status(StatusCode::kUnavailable, std::string(sqlite3_errmsg(db.get())), host_path);
  }
  return static_cast<int64_t>(sqlite3_column_int64(stmt.get(), 0));
}

Result<int64_t> CountFirefoxLogins(std::string_view json_text) {
  const json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument("not valid JSON");
  if (!doc.is_object()) return InvalidArgument("not a JSON object");
  const auto it = doc.find("logins");
  if (it == doc.end() || !it->is_array()) return InvalidArgument("no \"logins\" array", "logins");
  return static_cast<int64_t>(it->size());
}

json CollectPackages(const Os& os, std::vector<std::string>& warnings_out) {
  Warnings warnings(warnings_out);
  json packages = json::array();
  CollectDpkg(os, packages, warnings);
  CollectRpm(os, packages, warnings);
  std::stable_sort(packages.begin(), packages.end(), [](const json& a, const json& b) {
    const auto& an = a["name"].get_ref<const std::string&>();
    const auto& bn = b["name"].get_ref<const std::string&>();
    if (an != bn) return an < bn;
    return a["arch"].dump() < b["arch"].dump();
  });
  return packages;
}

json CollectInventory(const Os& os, const CollectOptions& options) {
  std::vector<std::string> warning_list;
  Warnings warnings(warning_list);
  json inventory = json::object();
  inventory["system"] = CollectSystem(os, warnings);
  inventory["addresses"] = CollectAddresses(os, warnings);
  inventory["packages"] = CollectPackages(os, warning_list);

  std::vector<PasswdEntry> passwd;
  if (auto text = ReadText(os, "/etc/passwd", warnings, false, size_t{16} << 20)) {
    Issues issues;
    passwd = ParsePasswd(*text, "/etc/passwd", issues);
    warnings.AddIssues(issues);
  }
  std::map<uint32_t, std::string> users;
  for (const auto& entry : passwd) users.emplace(entry.uid, entry.name);

  const std::vector<int64_t> pids = ListPids(os, warnings);
  json listening = json::array();
  json connections = json::array();
  CollectSockets(os, pids, listening, connections, warnings);
  inventory["listening"] = std::move(listening);
  inventory["connections"] = std::move(connections);
  inventory["processes"] = CollectProcesses(os, pids, users, options, warnings);
  inventory["accounts"] = CollectAccounts(passwd);
  inventory["password_policy"] = CollectPasswordPolicy(os, warnings);
  inventory["browser_stores"] = CollectBrowserStores(os, passwd, warnings);
  inventory["warnings"] = warning_list;
  return inventory;
}

}  // namespace vigil::agent
