#include "agent/scan/quarantine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>

#include "agent/scan/test_util.h"

namespace vigil::agent {
namespace {

using testing::Eicar;
using testing::HexDigest;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

namespace fs = std::filesystem;

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

void CheckQuarantineRoundTrip(const std::string& home, const std::string& victim_dir) {
  auto vault = Vault::Open(home + "/quarantine");
  ASSERT_TRUE(vault.ok()) << vault.status().ToString();
  EXPECT_EQ(ModeOf(home + "/quarantine"), 0700u);
  const std::string victim = victim_dir + "/bin/dropper";
  const std::string bytes = Eicar() +
                            std::string(
                                "\x7f"
                                "ELF\0\1\2",
                                7) +
                            "payload";
  WriteFile(victim, bytes);
  ASSERT_EQ(chmod(victim.c_str(), 0751), 0);
  ASSERT_EQ(chown(victim.c_str(), 12345, 23456), 0);
  const std::string sha = HexDigest(EVP_sha256(), bytes);

  const int64_t before = std::time(nullptr);
  auto entry = vault->Quarantine(victim, "EICAR_Test_File", sha);
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_FALSE(fs::exists(fs::symlink_status(victim)));
  EXPECT_EQ(entry->id.size(), 32u);
  EXPECT_EQ(entry->original_path, victim);
  EXPECT_EQ(entry->uid, 12345u);
  EXPECT_EQ(entry->gid, 23456u);
  EXPECT_EQ(entry->mode, 0751u);
  EXPECT_EQ(entry->sha256, sha);
  EXPECT_EQ(entry->rule, "EICAR_Test_File");
  EXPECT_EQ(entry->size, static_cast<int64_t>(bytes.size()));
  EXPECT_GE(entry->quarantined_at, before);

  // The vault holds defanged bytes only, read-only, and nothing else.
  const std::string stored_path = vault->dir() + "/" + entry->id + ".bin";
  const std::string stored = ReadFile(stored_path);
  EXPECT_EQ(stored.size(), bytes.size());
  EXPECT_NE(stored, bytes);
  EXPECT_EQ(stored.find("EICAR"), std::string::npos);
  EXPECT_EQ(ModeOf(stored_path), 0400u);
  size_t files = 0;
  for (const auto& f : fs::directory_iterator(vault->dir())) {
    (void)f;
    ++files;
  }
  EXPECT_EQ(files, 2u);  // <id>.bin and <id>.json

  auto listed = vault->List();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, entry->id);
  EXPECT_EQ((*listed)[0].original_path, victim);
  EXPECT_EQ((*listed)[0].mode, 0751u);
  EXPECT_EQ((*listed)[0].sha256, sha);

  // Restore refuses to overwrite whatever is now at the original path.
  WriteFile(victim, "new file");
  const Status refused = vault->Restore(entry->id);
  EXPECT_EQ(refused.code(), StatusCode::kAlreadyExists) << refused.ToString();
  EXPECT_EQ(ReadFile(victim), "new file");
  EXPECT_EQ(vault->List()->size(), 1u);
  fs::remove(victim);

  const Status restored = vault->Restore(entry->id);
  ASSERT_TRUE(restored.ok()) << restored.ToString();
  EXPECT_EQ(ReadFile(victim), bytes);
  EXPECT_EQ(ModeOf(victim), 0751u);
  struct stat st {};
  ASSERT_EQ(stat(victim.c_str(), &st), 0);
  if (geteuid() == 0) {
    EXPECT_EQ(st.st_uid, 12345u);
    EXPECT_EQ(st.st_gid, 23456u);
  }
  EXPECT_TRUE(vault->List()->empty());
  EXPECT_TRUE(fs::is_empty(vault->dir()));
  EXPECT_EQ(vault->Restore(entry->id).code(), StatusCode::kNotFound);
}

TEST(VaultTest, QuarantineAndRestoreSameFilesystem) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to chown the test file";
  TempDir home;
  CheckQuarantineRoundTrip(home.path(), home.path());
}

TEST(VaultTest, QuarantineAndRestoreAcrossFilesystems) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to chown the test file";
  TempDir home;
  struct stat a {
  }, b{};
  if (stat("/dev/shm", &b) != 0 || stat(home.path().c_str(), &a) != 0 || a.st_dev == b.st_dev)
    GTEST_SKIP() << "/dev/shm is not another filesystem here";
  const std::string other = "/dev/shm/vigil-vault-test-" + std::to_string(getpid());
  CheckQuarantineRoundTrip(home.path(), other);
  fs::remove_all(other);
}

TEST(VaultTest, DeleteRemovesEntry) {
  TempDir home;
  auto vault = Vault::Open(home / "q");
  ASSERT_TRUE(vault.ok());
  WriteFile(home / "victim", Eicar());
  auto entry = vault->Quarantine(home / "victim", "r", "");
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_FALSE(fs::exists(home / "victim"));
  ASSERT_TRUE(vault->Delete(entry->id).ok());
  EXPECT_TRUE(vault->List()->empty());
  EXPECT_TRUE(fs::is_empty(vault->dir()));
  EXPECT_FALSE(fs::exists(home / "victim"));
  EXPECT_EQ(vault->Delete(entry->id).code(), StatusCode::kNotFound);
  EXPECT_EQ(vault->Delete("../../etc/passwd").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(vault->Restore("../x").code(), StatusCode::kInvalidArgument);
}

TEST(VaultTest, FailuresLeaveTheOriginalInPlace) {
  TempDir home;
  auto vault = Vault::Open(home / "q");
  ASSERT_TRUE(vault.ok());
  WriteFile(home / "victim", "changed since the scan");
  auto wrong_hash = vault->Quarantine(home / "victim", "r", std::string(64, '0'));
  EXPECT_EQ(wrong_hash.status().code(), StatusCode::kConflict);
  EXPECT_EQ(ReadFile(home / "victim"), "changed since the scan");
  EXPECT_TRUE(fs::is_empty(vault->dir()));

  fs::create_symlink(home / "victim", home / "link");
  EXPECT_EQ(vault->Quarantine(home / "link", "r", "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(fs::is_symlink(home / "link"));
  EXPECT_EQ(vault->Quarantine(home / "missing", "r", "").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(vault->Quarantine(home.path(), "r", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(fs::is_empty(vault->dir()));
}

TEST(VaultTest, OpenTightensPermissions) {
  TempDir home;
  fs::create_directories(home / "q");
  fs::permissions(home / "q", fs::perms(0777));
  auto vault = Vault::Open(home / "q");
  ASSERT_TRUE(vault.ok());
  EXPECT_EQ(ModeOf(home / "q"), 0700u);
  WriteFile(home / "file", "x");
  EXPECT_FALSE(Vault::Open(home / "file").ok());
}

}  // namespace
}  // namespace vigil::agent
