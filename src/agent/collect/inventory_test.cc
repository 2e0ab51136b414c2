#include "agent/collect/inventory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace vigil::agent {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;

fs::path SourceDir() {
  if (const char* root = std::getenv("VIGIL_SOURCE_DIR"))
    return fs::path(root) / "src/agent/collect";
  return fs::path(__FILE__).parent_path();
}

void Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << error;
}

// A fresh temporary directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "vigil-collect-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void CreateChromeDb(const fs::path& path, int rows) {
  fs::create_directories(path.parent_path());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  Exec(db, "CREATE TABLE logins (origin_url TEXT, username_value TEXT, password_value BLOB)");
  for (int i = 0; i < rows; ++i) {
    Exec(db, "INSERT INTO logins VALUES ('https://example.com', 'alice', 'hunter2-secret')");
  }
  sqlite3_close(db);
}

// The fixture tree of testdata/root copied to a temporary directory, plus what is not committed:
// /proc symlinks (fd and exe) and the Chrome "Login Data" database.
class FixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(SourceDir() / "testdata/root", root(), fs::copy_options::recursive);
    auto link = [&](const std::string& target, const std::string& at) {
      fs::create_directories((root() / at).parent_path());
      fs::create_directory_symlink(target, root() / at);
    };
    link("socket:[1002]", "proc/1/fd/3");
    link("socket:[3001]", "proc/1/fd/4");
    link("/dev/null", "proc/1/fd/0");
    link("socket:[1001]", "proc/4242/fd/5");
    link("socket:[2001]", "proc/4242/fd/6");
    link("pipe:[77]", "proc/4242/fd/7");
    link("/usr/bin/fakeinit", "proc/1/exe");
    link("/usr/bin/fakeapp", "proc/4242/exe");
    link("/usr/bin/gone (deleted)", "proc/5000/exe");
    CreateChromeDb(root() / "home/alice/.config/google-chrome/Default/Login Data", 3);
  }
  fs::path root() const { return dir_.path() / "root"; }

  TempDir dir_;
};

TEST_F(FixtureTest, System) {
  const json inventory = CollectInventory(*RootedOs(root().string()));
  EXPECT_EQ(inventory["system"], json::parse(R"j({"hostname":"testhost","os_id":"debian",
      "os_name":"Debian GNU/Linux","os_version":"12","kernel":"6.1.0-13-amd64","arch":"x86_64"})j"));
  EXPECT_THAT(inventory["warnings"], Contains(HasSubstr("/etc/os-release:7")));
}

TEST_F(FixtureTest, Addresses) {
  const json inventory = CollectInventory(*RootedOs(root().string()));
  EXPECT_EQ(inventory["addresses"], json::parse(R"j([
      {"interface":"eth0","ip":"10.0.2.15","loopback":false},
      {"interface":"lo","ip":"127.0.0.1","loopback":true},
      {"interface":"lo","ip":"::1","loopback":true},
      {"interface":"eth0","ip":"fe80::a00:27ff:fe4e:6b2c","loopback":false}])j"));
}

TEST_F(FixtureTest, DpkgPackages) {
  std::vector<std::string> warnings;
  const json packages = CollectPackages(*RootedOs(root().string()), warnings);
  EXPECT_EQ(packages, json::parse(R"j([
      {"name":"bash","version":"5.2.15-2","arch":"amd64","manager":"dpkg","status":"installed"},
      {"name":"editor","version":"3.0-2","arch":"amd64","manager":"dpkg","status":"installed"},
      {"name":"libc6","version":"2.36-9+deb12u3","arch":"amd64","manager":"dpkg",
       "status":"installed"},
      {"name":"libc6","version":"2.36-9+deb12u3","arch":"i386","manager":"dpkg",
       "status":"installed"},
      {"name":"oldpkg","version":"1:0.9-1","arch":"all","manager":"dpkg","status":"config-files"},
      {"name":"zlib1g","version":"1:1.2.13.dfsg-1","arch":"amd64","manager":"dpkg",
       "status":"installed"}])j"));
  EXPECT_THAT(warnings,
              Contains(HasSubstr("/var/lib/dpkg/status:37:Status: expected \"want flag status\"")));
  EXPECT_THAT(warnings, Contains(HasSubstr("/var/lib/dpkg/status:41: expected \"Field: value\"")));
}

TEST_F(FixtureTest, SocketsWithOwners) {
  const json inventory = CollectInventory(*RootedOs(root().string()));
  EXPECT_EQ(inventory["listening"], json::parse(R"j([
      {"proto":"tcp","ip":"127.0.0.1","port":631,"pid":4242,"process":"my (odd) app"},
      {"proto":"tcp6","ip":"::","port":80,"pid":4242,"process":"my (odd) app"},
      {"proto":"udp","ip":"0.0.0.0","port":68,"pid":1,"process":"systemd"}])j"));
  EXPECT_EQ(inventory["connections"], json::parse(R"j([
      {"proto":"tcp","local_ip":"10.0.2.15","local_port":22,"remote_ip":"10.0.2.1",
       "remote_port":54321,"pid":1,"process":"systemd"},
      {"proto":"tcp6","local_ip":"::ffff:10.0.2.15","local_port":80,
       "remote_ip":"::ffff:10.0.2.1","remote_port":50000,"pid":null,"process":null}])j"));
  EXPECT_THAT(inventory["warnings"], Contains(HasSubstr("/proc/net/tcp:5:local_address")));
}

TEST_F(FixtureTest, Processes) {
  const json inventory = CollectInventory(*RootedOs(root().string()));
  EXPECT_EQ(inventory["processes"], json::parse(R"j([
      {"pid":1,"ppid":0,"name":"systemd","path":"/usr/bin/fakeinit","user":"root",
       "cmdline":"/sbin/init splash",
       "sha256":"06111c6797d5e5932b792d0c3afdf13bc912ba44af806058bbca4770d8915305"},
      {"pid":4242,"ppid":1,"name":"my (odd) app","path":"/usr/bin/fakeapp","user":"alice",
       "cmdline":"/usr/bin/fakeapp --flag x y",
       "sha256":"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"},
      {"pid":5000,"ppid":4242,"name":"gone","path":"/usr/bin/gone (deleted)","user":"4321",
       "cmdline":"gone","sha256":null}])j"));
  const json unhashed = CollectInventory(*RootedOs(root().string()), {.hash_processes = false});
  EXPECT_TRUE(unhashed["processes"][0]["sha256"].is_null());
}

TEST_F(FixtureTest, AccountsAndPasswordPolicy) {
  const json inventory = CollectInventory(*RootedOs(root().string()));
  EXPECT_EQ(inventory["accounts"], json::parse(R"j([
      {"name":"root","uid":0,"gid":0,"home":"/root","shell":"/bin/bash","login":true},
      {"name":"daemon","uid":1,"gid":1,"home":"/usr/sbin","shell":"/usr/sbin/nologin",
       "login":false},
      {"name":"alice","uid":1000,"gid":1000,"home":"/home/alice","shell":"/bin/zsh","login":true},
      {"name":"bob","uid":1001,"gid":1001,"home":"/home/bob","shell":"/bin/false","login":false},
      {"name":"nobody","uid":65534,"gid":65534,"home":"/nonexistent",
       "shell":"/usr/sbin/nologin","login":false}])j"));
  EXPECT_THAT(inventory["warnings"], Contains(HasSubstr("/etc/passwd:5")));
  // pam_pwquality's minlen=14 and lcredit=-1 override the files; the drop-in adds minclass and
  // overrides nothing else; ocredit is set nowhere.
  EXPECT_EQ(inventory["password_policy"], json::parse(R"j({
      "min_length":14,"max_days":90,"min_days":1,"warn_days":7,"min_classes":3,
      "dcredit":-1,"ucredit":-2,"lcredit":-1,"ocredit":null,
      "sources":["/etc/login.defs","/etc/security/pwquality.conf",
                 "/etc/security/pwquality.conf.d/50-local.conf","/etc/pam.d/common-password"]})j"));
}

TEST_F(FixtureTest, BrowserStoresAreCountedNotRead) {
  const json inventory = CollectInventory(*RootedOs(root().string()));
  EXPECT_EQ(inventory["browser_stores"], json::parse(R"j([
      {"user":"alice","browser":"chrome","profile":"Default",
       "path":"/home/alice/.config/google-chrome/Default/Login Data","saved_logins":3},
      {"user":"alice","browser":"chrome","profile":"Profile 1",
       "path":"/home/alice/.config/google-chrome/Profile 1/Login Data","saved_logins":null},
      {"user":"alice","browser":"firefox","profile":"abcd.default-release",
       "path":"/home/alice/.mozilla/firefox/abcd.default-release/logins.json",
       "saved_logins":2}])j"));
  EXPECT_THAT(inventory["warnings"], Contains(HasSubstr("Profile 1/Login Data")));
  const std::string text = inventory.dump();
  EXPECT_THAT(text, ::testing::Not(HasSubstr("hunter2")));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("MDIEEPgAAAAA")));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("example.com")));
}

TEST_F(FixtureTest, MissingFilesGiveEmptySectionsAndWarnings) {
  fs::remove(root() / "etc/passwd");
  fs::remove_all(root() / "proc/net");
  const json inventory = CollectInventory(*RootedOs(root().string()));
  EXPECT_TRUE(inventory["accounts"].empty());
  EXPECT_TRUE(inventory["listening"].empty());
  EXPECT_EQ(inventory["processes"].size(), 3u);
  EXPECT_THAT(inventory["warnings"], Contains(HasSubstr("/etc/passwd")));
  EXPECT_THAT(inventory["warnings"], Contains(HasSubstr("/proc/net/fib_trie")));
}

TEST(ChromeLoginsTest, CountsWhileAnotherConnectionHoldsALock) {
  TempDir dir;
  const fs::path path = dir.path() / "a dir?#%" / "Login Data";
  CreateChromeDb(path, 5);
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &writer), SQLITE_OK);
  Exec(writer, "BEGIN EXCLUSIVE");
  auto count = CountChromeLogins(path.string());
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 5);
  Exec(writer, "ROLLBACK");
  sqlite3_close(writer);
  EXPECT_FALSE(CountChromeLogins((dir.path() / "missing").string()).ok());
}

TEST(FirefoxLoginsTest, CountsTheLoginsArray) {
  EXPECT_EQ(*CountFirefoxLogins(R"j({"logins":[{},{},{}],"version":3})j"), 3);
  EXPECT_FALSE(CountFirefoxLogins("{").ok());
  EXPECT_FALSE(CountFirefoxLogins("[]").ok());
  EXPECT_EQ(CountFirefoxLogins(R"j({"logins":{}})j").status().where(), "logins");
}

// ---- rpm: a sqlite rpmdb built at run time with hand-made header blobs ----
std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// Header with NAME, VERSION, RELEASE, ARCH strings and an optional EPOCH.
std::string RpmBlob(const std::string& name, const std::string& version, const std::string& release,
                    const std::string& arch, int epoch = -1) {
  std::string index, store;
  auto add = [&](uint32_t tag, uint32_t type, const std::string& data) {
    index += Be32(tag) + Be32(type) + Be32(static_cast<uint32_t>(store.size())) + Be32(1);
    store += data;
  };
  if (epoch >= 0) add(1003, 4, Be32(static_cast<uint32_t>(epoch)));
  add(1000, 6, name + '\0');
  add(1001, 6, version + '\0');
  add(1002, 6, release + '\0');
  add(1022, 6, arch + '\0');
  return Be32(static_cast<uint32_t>(index.size() / 16)) +
         Be32(static_cast<uint32_t>(store.size())) + index + store;
}

TEST(RpmDbTest, ReadsPackagesFromSqlite) {
  TempDir dir;
  fs::create_directories(dir.path() / "var/lib/rpm");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "var/lib/rpm/rpmdb.sqlite").c_str(), &db), SQLITE_OK);
  Exec(db, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
  const std::vector<std::string> blobs = {
      RpmBlob("zsh", "5.9", "4.fc40", "x86_64"), RpmBlob("bash", "5.2.26", "3.fc40", "x86_64"),
      RpmBlob("openssl-libs", "3.2.1", "2.fc40", "x86_64", 1), std::string("\0\0\0\1garbage", 11)};
  for (const auto& blob : blobs) {
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &stmt, nullptr),
              SQLITE_OK);
    sqlite3_bind_blob(stmt, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);

  std::vector<std::string> warnings;
  const json packages = CollectPackages(*RootedOs(dir.path().string()), warnings);
  EXPECT_EQ(packages, json::parse(R"j([
      {"name":"bash","version":"5.2.26-3.fc40","arch":"x86_64","manager":"rpm",
       "status":"installed"},
      {"name":"openssl-libs","version":"1:3.2.1-2.fc40","arch":"x86_64","manager":"rpm",
       "status":"installed"},
      {"name":"zsh","version":"5.9-4.fc40","arch":"x86_64","manager":"rpm",
       "status":"installed"}])j"));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("rpmdb.sqlite: Packages hnum=4: dl: data size"));
}

// ---- this machine ----
TEST(RealMachineTest, DpkgMatchesDpkgQuery) {
  if (!fs::exists("/var/lib/dpkg/status")) GTEST_SKIP() << "not a dpkg system";
  std::FILE* pipe = ::popen("dpkg-query -W -f='${Package}\\t${Version}\\n' 2>/dev/null", "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  if (::pclose(pipe) != 0) GTEST_SKIP() << "dpkg-query failed";
  std::multiset<std::string> expected;
  size_t pos = 0;
  while (pos < output.size()) {
    const size_t end = output.find('\n', pos);
    expected.insert(output.substr(pos, end - pos));
    pos = end == std::string::npos ? output.size() : end + 1;
  }
  std::vector<std::string> warnings;
  std::multiset<std::string> actual;
  for (const auto& package : CollectPackages(*RootedOs("/"), warnings)) {
    if (package["manager"] == "dpkg") {
      actual.insert(package["name"].get<std::string>() + "\t" +
                    package["version"].get<std::string>());
    }
  }
  EXPECT_EQ(actual.size(), expected.size());
  EXPECT_EQ(actual, expected);
}

TEST(RealMachineTest, SmokeCollectsThisMachine) {
  const json inventory = CollectInventory(*RootedOs("/"));
  EXPECT_FALSE(inventory["system"]["kernel"].is_null());
  EXPECT_FALSE(inventory["system"]["hostname"].is_null());
  EXPECT_FALSE(inventory["processes"].empty());
  if (fs::exists("/var/lib/dpkg/status")) {
    EXPECT_FALSE(inventory["packages"].empty());
  }
  const auto self =
      std::find_if(inventory["processes"].begin(), inventory["processes"].end(),
                   [](const json& p) { return p["pid"] == static_cast<int64_t>(::getpid()); });
  ASSERT_NE(self, inventory["processes"].end());
  EXPECT_FALSE((*self)["sha256"].is_null());
  for (const char* section : {"addresses", "listening", "connections", "accounts",
                              "password_policy", "browser_stores", "warnings"}) {
    EXPECT_TRUE(inventory.contains(section)) << section;
  }
}

}  // namespace
}  // namespace vigil::agent
