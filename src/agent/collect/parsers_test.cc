#include "agent/collect/parsers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace vigil::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

std::vector<std::string> Wheres(const Issues& issues) {
  std::vector<std::string> out;
  for (const auto& issue : issues) out.push_back(issue.where());
  return out;
}

TEST(DpkgStatusTest, StanzasContinuationsAndMalformedInput) {
  const std::string text =
      "Package: a\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n"
      "Description: x\n long text\n .\n Key: not a field\n"
      "\n\n"
      "package: b\r\nstatus: deinstall ok config-files\r\nversion: 2\r\n"
      "\n"
      " continuation first\nno colon here\nStatus: install ok\n"
      "\n"
      "Package: d\nVersion: 4\n"
      "\n"
      "Package: e\nStatus: purge ok not-installed";
  Issues issues;
  const auto records = ParseDpkgStatus(text, "status", issues);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].name, "a");
  EXPECT_EQ(records[0].version, "1.0");
  EXPECT_EQ(records[0].arch, "amd64");
  EXPECT_EQ(records[0].status, "installed");
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[1].name, "b");
  EXPECT_EQ(records[1].version, "2");
  EXPECT_EQ(records[1].arch, "");
  EXPECT_EQ(records[1].status, "config-files");
  EXPECT_EQ(records[2].name, "e");
  EXPECT_EQ(records[2].status, "not-installed");
  EXPECT_THAT(Wheres(issues), ElementsAre("status:15", "status:16", "status:17:Status", "status:15",
                                          "status:19:Status"));
  EXPECT_EQ(issues[1].message(), "expected \"Field: value\", got \"no colon here\"");
}

TEST(ProcNetTest, Ipv4AndIpv6Addresses) {
  const std::string tcp =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
      "inode\n"
      "   0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 "
      "1234 1 0000000000000000 100 0 0 10 0\n"
      "   1: 0F02000A:0016 0102000A:D431 01 0:0 0:0 0 0 0 99\n"
      "   2: 0F02000A:16 0102000A:D431 01 0:0 0:0 0 0 0 99\n"
      "   3: 0F02000A:0016 0102000A:D431 1 0:0 0:0 0 0 0 99\n"
      "   4: 0F02000A:0016 0102000A:D431 01 0:0 0:0 0 x 0 99\n"
      "   5: 0F02000A:0016\n";
  Issues issues;
  const auto entries = ParseProcNet(tcp, false, "tcp", issues);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].local_ip, "127.0.0.1");
  EXPECT_EQ(entries[0].local_port, 631);
  EXPECT_EQ(entries[0].remote_ip, "0.0.0.0");
  EXPECT_EQ(entries[0].state, kTcpListen);
  EXPECT_EQ(entries[0].uid, 101u);
  EXPECT_EQ(entries[0].inode, 1234u);
  EXPECT_EQ(entries[1].local_ip, "10.0.2.15");
  EXPECT_EQ(entries[1].remote_ip, "10.0.2.1");
  EXPECT_EQ(entries[1].remote_port, 54321);
  EXPECT_EQ(entries[1].state, kTcpEstablished);
  EXPECT_THAT(Wheres(issues), ElementsAre("tcp:4:local_address", "tcp:5:st", "tcp:6:uid", "tcp:7"));

  const std::string tcp6 =
      "  sl  local_address remote_address st\n"
      "   0: 00000000000000000000000001000000:1F90 0000000000000000FFFF00000102000A:C350 01 0:0 "
      "0:0 0 33 0 7\n"
      "   1: 0F02000A:0016 0102000A:D431 01 0:0 0:0 0 0 0 99\n";
  issues.clear();
  const auto entries6 = ParseProcNet(tcp6, true, "tcp6", issues);
  ASSERT_EQ(entries6.size(), 1u);
  EXPECT_EQ(entries6[0].local_ip, "::1");
  EXPECT_EQ(entries6[0].local_port, 8080);
  EXPECT_EQ(entries6[0].remote_ip, "::ffff:10.0.2.1");
  EXPECT_THAT(Wheres(issues), ElementsAre("tcp6:3:local_address"));
}

TEST(NetAddressTest, IfInet6FibTrieAndRoute) {
  Issues issues;
  const auto v6 = ParseIfInet6(
      "00000000000000000000000000000001 01 80 10 80       lo\n"
      "fe800000000000000a0027fffe4e6b2c 02 40 20 80     eth0\nzz 01 80 10 80 lo\n",
      "if_inet6", issues);
  ASSERT_EQ(v6.size(), 2u);
  EXPECT_EQ(v6[0].ip, "::1");
  EXPECT_EQ(v6[0].prefix, 128u);
  EXPECT_EQ(v6[1].interface, "eth0");
  EXPECT_EQ(v6[1].ip, "fe80::a00:27ff:fe4e:6b2c");
  EXPECT_THAT(Wheres(issues), ElementsAre("if_inet6:3:address"));

  issues.clear();
  const auto local = ParseFibTrieLocal(
      "Main:\n  |-- 127.0.0.0\n     /8 host LOCAL\n  |-- 10.1.2.3\n     /32 host LOCAL\n"
      "  |-- 10.1.2.255\n     /32 link BROADCAST\nLocal:\n  |-- 10.1.2.3\n     /32 host LOCAL\n",
      "fib_trie", issues);
  EXPECT_THAT(local, ElementsAre("10.1.2.3"));
  EXPECT_TRUE(issues.empty());

  const auto routes = ParseProcRoute(
      "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
      "eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\n",
      "route", issues);
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0].destination, 0x0A000200u);
  EXPECT_EQ(routes[0].mask, 0xFFFFFF00u);
}

// ---- rpm headers ----
struct TagSpec {
  uint32_t tag;
  uint32_t type;
  std::string data;
  uint32_t count = 1;
};

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string Header(const std::vector<TagSpec>& tags) {
  std::string index, store;
  for (const auto& t : tags) {
    if (t.type == 4) {
      while (store.size() % 4 != 0) store += '\0';
    }
    index += Be32(t.tag) + Be32(t.type) + Be32(static_cast<uint32_t>(store.size())) + Be32(t.count);
    store += t.data;
  }
  return Be32(static_cast<uint32_t>(tags.size())) + Be32(static_cast<uint32_t>(store.size())) +
         index + store;
}

TagSpec Str(uint32_t tag, const std::string& s) { return {tag, 6, s + '\0'}; }

TEST(RpmHeaderTest, NameVersionEpochArch) {
  auto package = ParseRpmHeader(Header({{63, 7, std::string(16, 'r')},
                                        Str(1000, "bash"),
                                        Str(1001, "5.2.26"),
                                        Str(1002, "3.fc40"),
                                        Str(1022, "x86_64")}));
  ASSERT_TRUE(package.ok()) << package.status().ToString();
  EXPECT_EQ(package->name, "bash");
  EXPECT_EQ(package->version, "5.2.26-3.fc40");
  EXPECT_EQ(package->arch, "x86_64");

  package =
      ParseRpmHeader(std::string("\x8e\xad\xe8\x01\0\0\0\0", 8) + Header({Str(1000, "openssl"),
                                                                          Str(1001, "3.1.1"),
                                                                          Str(1002, "4.el9"),
                                                                          {1003, 4, Be32(1)},
                                                                          Str(1022, "aarch64")}));
  ASSERT_TRUE(package.ok()) << package.status().ToString();
  EXPECT_EQ(package->version, "1:3.1.1-4.el9");

  package = ParseRpmHeader(
      Header({Str(1000, "gpg-pubkey"), Str(1001, "8d5a0b6e"), Str(1002, "61a9e04c")}));
  ASSERT_TRUE(package.ok());
  EXPECT_EQ(package->arch, "");
}

TEST(RpmHeaderTest, RejectsBadOffsetsAndLengths) {
  auto where = [](const std::string& blob) { return ParseRpmHeader(blob).status().where(); };
  EXPECT_EQ(where(""), "preamble");
  EXPECT_EQ(where(Be32(0) + Be32(0)), "il");
  EXPECT_EQ(where(Be32(0x10000) + Be32(0)), "il");
  EXPECT_EQ(where(Be32(1) + Be32(0x20000000)), "dl");
  EXPECT_EQ(where(Be32(1) + Be32(100) + std::string(16, '\0')), "dl");  // truncated
  // Offset past the data store.
  std::string bad = Be32(1) + Be32(4) + Be32(1000) + Be32(6) + Be32(4) + Be32(1) + "abc";
  bad += '\0';
  EXPECT_EQ(where(bad), "index[0]");
  EXPECT_THAT(ParseRpmHeader(bad).status().message(), ::testing::HasSubstr("outside the data"));
  // Negative offset.
  bad = Be32(1) + Be32(4) + Be32(1000) + Be32(6) + Be32(0xfffffff0) + Be32(1) + "abc";
  bad += '\0';
  EXPECT_EQ(where(bad), "index[0]");
  // String without its NUL.
  EXPECT_EQ(where(Header({Str(1001, "1"), {1000, 6, "bash"}})), "index[1]");
  // INT32 epoch running past the end, and a wrong type.
  EXPECT_EQ(where(Header({Str(1000, "a"), {1003, 4, std::string(2, '\0'), 1}})), "index[1]");
  EXPECT_EQ(where(Header({Str(1000, "a"), {1003, 6, std::string("1\0", 2), 1}})), "index[1]");
  EXPECT_EQ(where(Header({{1000, 3, "ab", 1}})), "index[0]");
  EXPECT_EQ(where(Header({Str(1001, "1"), Str(1002, "1")})), "NAME");
  EXPECT_EQ(where(Header({Str(1000, "a"), Str(1002, "1")})), "VERSION");
  EXPECT_EQ(where(Header({Str(1000, "a"), Str(1001, "1")})), "RELEASE");
}

TEST(RpmHeaderTest, EveryTruncationAndByteFlipIsHandled) {
  const std::string good = Header({Str(1000, "bash"),
                                   Str(1001, "5.2"),
                                   Str(1002, "1"),
                                   {1003, 4, Be32(2)},
                                   Str(1022, "noarch")});
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(ParseRpmHeader(good.substr(0, n)).ok()) << n;
  }
  for (size_t i = 0; i < good.size(); ++i) {
    for (const unsigned char x : {0x01, 0x80, 0xff}) {
      std::string mutated = good;
      mutated[i] = static_cast<char>(static_cast<unsigned char>(mutated[i]) ^ x);
      (void)ParseRpmHeader(mutated);  // must not crash (ASan/UBSan builds check more)
    }
  }
}

// ---- configuration files ----
TEST(OsReleaseTest, QuotesAndEscapes) {
  Issues issues;
  const auto fields = ParseOsRelease(
      "NAME=\"Fedora \\\"Linux\\\" \\$HOME \\n\"\nID=fedora\nVERSION='40 (Workstation)'\n"
      "  # comment\nID_LIKE=a\\ b\nBAD LINE\n1X=y\nOPEN=\"never closed\n",
      "os-release", issues);
  EXPECT_EQ(fields.at("NAME"), "Fedora \"Linux\" $HOME \\n");
  EXPECT_EQ(fields.at("ID"), "fedora");
  EXPECT_EQ(fields.at("VERSION"), "40 (Workstation)");
  EXPECT_EQ(fields.at("ID_LIKE"), "a b");
  EXPECT_EQ(fields.at("1X"), "y");
  EXPECT_EQ(fields.at("OPEN"), "never closed");
  EXPECT_THAT(Wheres(issues), ElementsAre("os-release:6", "os-release:8:OPEN"));
}

TEST(LoginDefsTest, KeyValue) {
  Issues issues;
  const auto values = ParseLoginDefs(
      "# c\nPASS_MAX_DAYS\t99999\n  PASS_MIN_LEN   \"12\"  \nLONELY\n", "login.defs", issues);
  EXPECT_THAT(values, ElementsAre(Pair("PASS_MAX_DAYS", "99999"), Pair("PASS_MIN_LEN", "12")));
  EXPECT_THAT(Wheres(issues), ElementsAre("login.defs:4:LONELY"));
}

TEST(PwqualityTest, ConfAndPamArguments) {
  Issues issues;
  EXPECT_THAT(ParsePwqualityConf("minlen = 9 # inline\n# x=1\nenforce_for_root\n bad key = 1\n",
                                 "pwquality.conf", issues),
              ElementsAre(Pair("enforce_for_root", ""), Pair("minlen", "9")));
  EXPECT_THAT(Wheres(issues), ElementsAre("pwquality.conf:4"));
  issues.clear();
  const auto args = ParsePamQualityArgs(
      "auth required pam_unix.so minlen=99\n"
      "password requisite pam_pwquality.so retry=3 minlen=12\n"
      "-password [success=1 default=ignore] /usr/lib64/security/pam_cracklib.so dcredit=-2 "
      "minlen=14\n"
      "password sufficient pam_unix.so minlen=1\n@include common-foo\npassword\n",
      "system-auth", issues);
  EXPECT_THAT(args, ElementsAre(Pair("dcredit", "-2"), Pair("minlen", "14"), Pair("retry", "3")));
  EXPECT_THAT(Wheres(issues), ElementsAre("system-auth:6"));
}

TEST(PasswdTest, FieldsAndErrors) {
  Issues issues;
  const auto entries = ParsePasswd(
      "root:x:0:0:root:/root:/bin/bash\n+nis\nbad:x:1\nx:x:-1:0::/:/bin/sh\nsvc:x:5:5::/:\n",
      "passwd", issues);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "root");
  EXPECT_EQ(entries[0].home, "/root");
  EXPECT_EQ(entries[1].shell, "");
  EXPECT_THAT(Wheres(issues), ElementsAre("passwd:3", "passwd:4:uid"));
}

TEST(ProcTest, StatStatusCmdline) {
  auto stat = ParseProcStat("77 (a) (b) c) R 12 77 77 0 -1");
  ASSERT_TRUE(stat.ok());
  EXPECT_EQ(stat->comm, "a) (b) c");
  EXPECT_EQ(stat->state, 'R');
  EXPECT_EQ(stat->ppid, 12);
  EXPECT_EQ(ParseProcStat("77 a R 1").status().where(), "comm");
  EXPECT_EQ(ParseProcStat("77 (a) R x").status().where(), "ppid");
  EXPECT_EQ(ParseProcStat("77 (a)").status().where(), "state");
  EXPECT_EQ(*ParseStatusUid("Name:\tx\nUid:\t1000\t0\t0\t0\n"), 1000u);
  EXPECT_FALSE(ParseStatusUid("Name:\tx\n").ok());
  EXPECT_EQ(JoinCmdline(std::string("/bin/sh\0-c\0echo a\0\0", 19)), "/bin/sh -c echo a");
}

TEST(ParsersTest, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  static constexpr char kAlphabet[] = "Package:Status \n\t:0123456789ABCDEF()=\"'\\#|-/.x\0\xff";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);
  for (int round = 0; round < 3000; ++round) {
    std::string text(rng() % 300, '\0');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    Issues issues;
    (void)ParseDpkgStatus(text, "f", issues);
    (void)ParseProcNet(text, (round & 1) != 0, "f", issues);
    (void)ParseIfInet6(text, "f", issues);
    (void)ParseFibTrieLocal(text, "f", issues);
    (void)ParseProcRoute(text, "f", issues);
    (void)ParseRpmHeader(text);
    (void)ParseOsRelease(text, "f", issues);
    (void)ParseLoginDefs(text, "f", issues);
    (void)ParsePwqualityConf(text, "f", issues);
    (void)ParsePamQualityArgs(text, "f", issues);
    (void)ParsePasswd(text, "f", issues);
    (void)ParseProcStat(text);
    (void)ParseStatusUid(text);
    (void)JoinCmdline(text);
  }
}

}  // namespace
}  // namespace vigil::agent
