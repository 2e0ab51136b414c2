#include "agent/scan/file_scanner.h"

#include <dirent.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "agent/scan/scan_cache.h"
#include "agent/scan/test_util.h"

namespace vigil::agent {
namespace {

using testing::Eicar;
using ::testing::HasSubstr;
using testing::HexDigest;
using testing::TempDir;
using testing::WriteFile;

struct Outcome {
  ScanStats stats;
  std::vector<Detection> detections;
  std::vector<std::string> errors;
};

ScanLimits TestLimits() {
  ScanLimits limits;
  limits.low_priority = false;
  return limits;
}

Outcome RunScan(const CompiledRules* rules, const HashIndicators* hashes, ScanCache* cache,
                const std::vector<std::string>& paths, ScanLimits limits = TestLimits()) {
  Outcome out;
  FileScanner scanner(rules, hashes, cache, std::move(limits));
  out.stats = scanner.Scan(
      paths, [&](const Detection& d) { out.detections.push_back(d); },
      [&](const std::string& path, const std::string& message) {
        out.errors.push_back(path + ": " + message);
      });
  std::sort(out.detections.begin(), out.detections.end(),
            [](const auto& a, const auto& b) { return a.path + a.rule < b.path + b.rule; });
  return out;
}

CompiledRules Compile(const std::vector<RuleSource>& sources) {
  auto rules = CompiledRules::Compile(sources);
  EXPECT_TRUE(rules.ok()) << rules.status().ToString();
  return std::move(rules).value();
}

CompiledRules EicarRules() { return Compile({{"eicar.yar", std::string(EicarRuleSource())}}); }

// A tree with one EICAR file, near misses and clean files.
void MakeTree(const TempDir& dir) {
  WriteFile(dir / "a/eicar.com", Eicar());
  WriteFile(dir / "a/eicar-spaces.com", Eicar() + "   \r\n");
  std::string near = Eicar();
  near[30] = 'X';  // one byte off
  WriteFile(dir / "a/b/near.com", near);
  WriteFile(dir / "a/b/late.txt", "prefix " + Eicar());              // not at offset 0
  WriteFile(dir / "a/b/long.txt", Eicar() + std::string(200, 'x'));  // too long for the test file
  WriteFile(dir / "clean.txt", "nothing to see here\n");
  WriteFile(dir / "empty", "");
}

TEST(FileScannerTest, DetectsEicarAndNotNearMisses) {
  TempDir dir;
  MakeTree(dir);
  const auto rules = EicarRules();
  for (int threads : {1, 2}) {
    ScanLimits limits = TestLimits();
    limits.threads = threads;
    const auto out = RunScan(&rules, nullptr, nullptr, {dir.path()}, limits);
    ASSERT_EQ(out.detections.size(), 2u) << threads;
    const Detection& d = out.detections[0];
    EXPECT_EQ(d.path, dir / "a/eicar-spaces.com");
    EXPECT_EQ(out.detections[1].path, dir / "a/eicar.com");
    EXPECT_EQ(out.detections[1].rule, "EICAR_Test_File");
    EXPECT_EQ(out.detections[1].kind, "yara");
    EXPECT_THAT(out.detections[1].label, HasSubstr("EICAR anti-virus test file"));
    EXPECT_THAT(out.detections[1].label, HasSubstr("author: Vigil"));
    EXPECT_THAT(out.detections[1].label, HasSubstr("reference: https://www.eicar.org/"));
    EXPECT_EQ(out.detections[1].sha256, HexDigest(EVP_sha256(), Eicar()));
    EXPECT_EQ(out.detections[1].size, 68u);
    EXPECT_EQ(out.stats.files_seen, 7u);
    EXPECT_EQ(out.stats.files_scanned, 7u);
    EXPECT_EQ(out.stats.errors, 0u);
    EXPECT_TRUE(out.errors.empty());
  }
  // A single file named directly.
  const auto one = RunScan(&rules, nullptr, nullptr, {dir / "a/eicar.com"});
  EXPECT_EQ(one.detections.size(), 1u);
}

TEST(FileScannerTest, ExternalVariablesAreSetPerFile) {
  TempDir dir;
  WriteFile(dir / "sub/evil.bin", "MZ payload");
  WriteFile(dir / "sub/EVIL.TXT", "text");
  WriteFile(dir / "other.bin", "data");
  const auto rules = Compile({{"ext.yar", R"(
rule ByName { condition: filename == "evil.bin" }
rule ByExtension { condition: extension == ".txt" }
rule ByPath { condition: filepath contains "/sub/" and filetype == "EXE" }
rule ByOwner { condition: owner == "root" or owner != "" }
)"}});
  const auto out = RunScan(&rules, nullptr, nullptr, {dir.path()});
  std::vector<std::string> found;
  for (const auto& d : out.detections) {
    if (d.rule != "ByOwner")
      found.push_back(std::filesystem::path(d.path).filename().string() + " " + d.rule);
  }
  EXPECT_THAT(found, ::testing::UnorderedElementsAre("evil.bin ByName", "evil.bin ByPath",
                                                     "EVIL.TXT ByExtension"));
  EXPECT_EQ(std::count_if(out.detections.begin(), out.detections.end(),
                          [](const Detection& d) { return d.rule == "ByOwner"; }),
            3);
}

TEST(FileScannerTest, HashIndicatorsDetect) {
  TempDir dir;
  WriteFile(dir / "one", "first file");
  WriteFile(dir / "two", "second file");
  WriteFile(dir / "three", "third file");
  WriteFile(dir / "four", "fourth file");
  HashIndicators hashes;
  hashes.md5[HexDigest(EVP_md5(), "first file")] = "list-md5";
  hashes.sha1[HexDigest(EVP_sha1(), "second file")] = "list-sha1";
  hashes.sha256[HexDigest(EVP_sha256(), "third file")] = "list-sha256";
  EXPECT_FALSE(hashes.empty());
  const auto out = RunScan(nullptr, &hashes, nullptr, {dir.path()});
  ASSERT_EQ(out.detections.size(), 3u);
  EXPECT_EQ(out.detections[0].path, dir / "one");
  EXPECT_EQ(out.detections[0].rule, "md5:" + HexDigest(EVP_md5(), "first file"));
  EXPECT_EQ(out.detections[0].kind, "hash");
  EXPECT_EQ(out.detections[0].label, "list-md5");
  EXPECT_EQ(out.detections[0].sha256, HexDigest(EVP_sha256(), "first file"));
  EXPECT_EQ(out.detections[1].path, dir / "three");
  EXPECT_EQ(out.detections[1].rule, "sha256:" + HexDigest(EVP_sha256(), "third file"));
  EXPECT_EQ(out.detections[1].label, "list-sha256");
  EXPECT_EQ(out.detections[2].path, dir / "two");
  EXPECT_EQ(out.detections[2].rule, "sha1:" + HexDigest(EVP_sha1(), "second file"));
  EXPECT_EQ(out.detections[2].size, 11u);
  EXPECT_EQ(out.stats.files_scanned, 4u);
}

TEST(FileScannerTest, LargeFilesAreSkippedAndCounted) {
  TempDir dir;
  WriteFile(dir / "big.com", Eicar() + std::string(60, ' '));
  WriteFile(dir / "small", "12345");
  const auto rules = EicarRules();
  ScanLimits limits = TestLimits();
  limits.max_file_bytes = 100;
  const auto out = RunScan(&rules, nullptr, nullptr, {dir.path()}, limits);
  EXPECT_TRUE(out.detections.empty());
  EXPECT_EQ(out.stats.files_seen, 2u);
  EXPECT_EQ(out.stats.files_too_large, 1u);
  EXPECT_EQ(out.stats.files_scanned, 1u);
  EXPECT_EQ(out.stats.bytes_scanned, 5u);
}

TEST(FileScannerTest, IncrementalRescanSkipsUnchangedFiles) {
  TempDir dir;
  TempDir state;
  MakeTree(dir);
  auto cache = ScanCache::Open(state / "scan.db");
  ASSERT_TRUE(cache.ok()) << cache.status().ToString();
  const auto rules = EicarRules();
  const auto first = RunScan(&rules, nullptr, cache->get(), {dir.path()});
  EXPECT_EQ(first.stats.files_scanned, 7u);
  EXPECT_EQ(first.detections.size(), 2u);
  EXPECT_EQ(cache.value()->Count().value(), 5u);  // clean files only

  const auto second = RunScan(&rules, nullptr, cache->get(), {dir.path()});
  EXPECT_EQ(second.stats.files_scanned, 2u);  // the two detections are scanned every time
  EXPECT_EQ(second.stats.files_unchanged, 5u);
  EXPECT_EQ(second.detections.size(), 2u);

  // A new mtime makes one file scanned again.
  const timespec times[2] = {{0, UTIME_OMIT}, {1'000'000'000, 123}};
  ASSERT_EQ(utimensat(AT_FDCWD, (dir / "clean.txt").c_str(), times, 0), 0);
  const auto third = RunScan(&rules, nullptr, cache->get(), {dir.path()});
  EXPECT_EQ(third.stats.files_scanned, 3u);
  EXPECT_EQ(third.stats.files_unchanged, 4u);

  // Other rules (another version): everything is scanned again.
  const auto other = Compile({{"eicar.yar", std::string(EicarRuleSource()) + "\n"}});
  ASSERT_NE(other.version(), rules.version());
  const auto fourth = RunScan(&other, nullptr, cache->get(), {dir.path()});
  EXPECT_EQ(fourth.stats.files_scanned, 7u);
  // Other hash indicators too.
  HashIndicators hashes;
  hashes.sha256["00"] = "x";
  const auto fifth = RunScan(&other, &hashes, cache->get(), {dir.path()});
  EXPECT_EQ(fifth.stats.files_scanned, 7u);
  const auto sixth = RunScan(&other, &hashes, cache->get(), {dir.path()});
  EXPECT_EQ(sixth.stats.files_scanned, 2u);

  // The cache persists across reopening.
  cache.value().reset();
  auto reopened = ScanCache::Open(state / "scan.db");
  ASSERT_TRUE(reopened.ok());
  const auto seventh = RunScan(&other, &hashes, reopened->get(), {dir.path()});
  EXPECT_EQ(seventh.stats.files_unchanged, 5u);
}

// Runs `body` as an unprivileged user when the test runs as root (root reads mode-000 files).
template <typename Body>
void AsUnprivileged(Body body) {
  if (geteuid() != 0) {
    body();
    return;
  }
  std::fflush(stdout);  // or the child would write the parent's buffered output again
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    body();
    std::fflush(stdout);  // _exit does not flush: the child's SKIPPED line must reach the log
    _exit(::testing::Test::HasFailure() ? 1 : 0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the unprivileged child failed (see its output above)";
}

TEST(FileScannerTest, UnreadableFileIsCountedAndScanGoesOn) {
  // Under /tmp with explicit modes: the unprivileged child must reach everything but the two
  // unreadable entries, whatever $TMPDIR and the umask are.
  TempDir dir("/tmp");
  ASSERT_FALSE(dir.path().empty());
  WriteFile(dir / "a/readable.txt", "fine");
  WriteFile(dir / "a/secret.txt", "hidden");
  WriteFile(dir / "z/eicar.com", Eicar());
  WriteFile(dir / "locked/inside.com", Eicar());
  for (const std::string name : {"", "/a", "/z"}) chmod((dir.path() + name).c_str(), 0755);
  for (const char* name : {"a/readable.txt", "z/eicar.com"}) chmod((dir / name).c_str(), 0644);
  chmod((dir / "a/secret.txt").c_str(), 0);
  chmod((dir / "locked").c_str(), 0);
  const auto rules = EicarRules();
  AsUnprivileged([&] {
    // Some sandboxes let every user read anything (a mode-000 file or directory opens): then
    // there is nothing unreadable to test.
    // Some chroots close "/" itself to other users (mode 0700): then no tree can be reached.
    const int reachable = open((dir / "a/readable.txt").c_str(), O_RDONLY);
    if (reachable < 0) {
      std::printf(
          "SKIPPED: an unprivileged user cannot reach %s here (%s); a parent directory "
          "is closed to other users\n",
          dir.path().c_str(), std::strerror(errno));
      return;
    }
    close(reachable);
    const int probe = open((dir / "a/secret.txt").c_str(), O_RDONLY);
    DIR* locked = opendir((dir / "locked").c_str());
    if (probe >= 0 || locked != nullptr) {
      std::printf("SKIPPED: this environment lets an unprivileged user read mode-000 entries\n");
      if (probe >= 0) close(probe);
      if (locked != nullptr) closedir(locked);
      return;
    }
    const auto out = RunScan(&rules, nullptr, nullptr, {dir.path()});
    std::string reported;
    for (const std::string& e : out.errors) reported += e + "; ";
    EXPECT_EQ(out.stats.errors, 2u) << reported;
    ASSERT_EQ(out.errors.size(), 2u) << reported;
    EXPECT_THAT(out.errors[0] + out.errors[1], HasSubstr("secret.txt: Permission denied"));
    EXPECT_THAT(out.errors[0] + out.errors[1], HasSubstr("locked: Permission denied"));
    EXPECT_EQ(out.stats.files_scanned, 2u);
    ASSERT_EQ(out.detections.size(), 1u);
    EXPECT_EQ(out.detections[0].path, dir / "z/eicar.com");
  });
}

TEST(FileScannerTest, SymlinksAreNotFollowed) {
  TempDir dir;
  TempDir outside;
  WriteFile(outside / "eicar.com", Eicar());
  WriteFile(outside / "deep/eicar.com", Eicar());
  WriteFile(dir / "clean.txt", "clean");
  std::filesystem::create_symlink(outside / "eicar.com", dir / "link.com");
  std::filesystem::create_directory_symlink(outside / "deep", dir / "linkdir");
  std::filesystem::create_directory_symlink(dir.path(), dir / "loop");
  mkfifo((dir / "fifo").c_str(), 0600);
  const auto rules = EicarRules();
  const auto out = RunScan(&rules, nullptr, nullptr, {dir.path()});
  EXPECT_TRUE(out.detections.empty());
  EXPECT_EQ(out.stats.files_seen, 1u);
  EXPECT_EQ(out.stats.errors, 0u);
  // A symlink named as the root is followed; nothing below it is.
  const auto named = RunScan(&rules, nullptr, nullptr, {dir / "link.com"});
  EXPECT_EQ(named.detections.size(), 1u);
}

TEST(FileScannerTest, ExcludedPrefixesAreNotVisited) {
  TempDir dir;
  WriteFile(dir / "skip/eicar.com", Eicar());
  WriteFile(dir / "skipped-not/eicar.com", Eicar());
  const auto rules = EicarRules();
  ScanLimits limits = TestLimits();
  limits.exclude_prefixes = {dir / "skip"};
  const auto out = RunScan(&rules, nullptr, nullptr, {dir.path() + "/"}, limits);
  ASSERT_EQ(out.detections.size(), 1u);
  EXPECT_EQ(out.detections[0].path, dir / "skipped-not/eicar.com");
}

TEST(FileScannerTest, ThrottledLowPriorityScanStillFinishes) {
  TempDir dir;
  for (int i = 0; i < 20; ++i)
    WriteFile(dir / ("f" + std::to_string(i)),
              std::string(1 << 16, static_cast<char>('a' + i % 26)));
  WriteFile(dir / "eicar.com", Eicar());
  const auto rules = EicarRules();
  ScanLimits limits;
  limits.cpu_percent = 10;
  limits.low_priority = true;
  std::vector<ScanStats> progress;
  FileScanner scanner(&rules, nullptr, nullptr, limits);
  int found = 0;
  const auto stats = scanner.Scan(
      {dir.path()}, [&](const Detection&) { ++found; }, {},
      [&](const ScanStats& s) { progress.push_back(s); });
  EXPECT_EQ(found, 1);
  EXPECT_EQ(stats.files_scanned, 21u);
  EXPECT_GT(stats.seconds, 0);
}

TEST(FileScannerTest, MissingRootIsAnError) {
  const auto rules = EicarRules();
  const auto out = RunScan(&rules, nullptr, nullptr, {"/nonexistent/vigil/path"});
  EXPECT_EQ(out.stats.errors, 1u);
  EXPECT_EQ(out.stats.files_seen, 0u);
}

}  // namespace
}  // namespace vigil::agent
