#include "server/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace vigil::server {
namespace {

std::filesystem::path Write(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigFile, ReadsEveryKey) {
  auto path = Write("vigil-config-ok.toml", R"(
[server]
listen = "0.0.0.0:9443"
tls = "on"
threads = 4
[storage]
data_dir = "/srv/vigil"
[security]
session_hours = 8
lockout_failures = 3
[assessment]
system_months = [24, 24, 12, 12, 3]
)");
  Config c;
  ASSERT_TRUE(LoadConfigFile(path, &c).ok());
  EXPECT_EQ(c.listen, "0.0.0.0:9443");
  EXPECT_EQ(c.tls, TlsMode::kOn);
  EXPECT_EQ(c.threads, 4);
  EXPECT_EQ(c.data_dir, "/srv/vigil");
  EXPECT_EQ(c.session_hours, 8);
  EXPECT_EQ(c.lockout_failures, 3);
  EXPECT_EQ(c.assessment.system_months[4], 3);
}

TEST(ConfigFile, ErrorsNameFileLineAndKey) {
  Config c;
  Status s = LoadConfigFile(Write("vigil-config-bad.toml", "[server]\nthreads = \"two\"\n"), &c);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.where().find("vigil-config-bad.toml:2"), std::string::npos) << s.ToString();
  EXPECT_NE(s.where().find("server.threads"), std::string::npos);
  EXPECT_FALSE(LoadConfigFile(Write("vigil-config-syntax.toml", "[server\n"), &c).ok());
  EXPECT_FALSE(LoadConfigFile(Write("vigil-config-sect.toml", "[srever]\nx=1\n"), &c).ok());
  EXPECT_FALSE(
      LoadConfigFile(Write("vigil-config-months.toml", "[assessment]\nsystem_months=[1,2]\n"), &c)
          .ok());
}

TEST(ConfigEnvironment, OverridesFile) {
  Config c;
  setenv("VIGIL_LISTEN", "127.0.0.1:1234", 1);
  setenv("VIGIL_THREADS", "3", 1);
  ASSERT_TRUE(ApplyEnvironment(&c).ok());
  EXPECT_EQ(c.listen, "127.0.0.1:1234");
  EXPECT_EQ(c.threads, 3);
  setenv("VIGIL_THREADS", "lots", 1);
  EXPECT_EQ(ApplyEnvironment(&c).where(), "VIGIL_THREADS");
  unsetenv("VIGIL_LISTEN");
  unsetenv("VIGIL_THREADS");
}

}  // namespace
}  // namespace vigil::server
