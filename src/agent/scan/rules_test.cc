#include "agent/scan/rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "agent/scan/file_scanner.h"
#include "agent/scan/test_util.h"

namespace vigil::agent {
namespace {

using testing::Eicar;
using ::testing::HasSubstr;
using testing::TempDir;
using testing::WriteFile;

CompiledRules MustCompile(const std::vector<RuleSource>& sources) {
  auto rules = CompiledRules::Compile(sources);
  EXPECT_TRUE(rules.ok()) << rules.status().ToString();
  return std::move(rules).value();
}

TEST(CompiledRulesTest, EicarRuleCompiles) {
  const auto rules = MustCompile({{"eicar.yar", std::string(EicarRuleSource())}});
  EXPECT_EQ(rules.rule_count(), 1u);
  EXPECT_EQ(rules.version().size(), 64u);
  const auto again = MustCompile({{"eicar.yar", std::string(EicarRuleSource())}});
  EXPECT_EQ(again.version(), rules.version());
  const auto renamed = MustCompile({{"other.yar", std::string(EicarRuleSource())}});
  EXPECT_NE(renamed.version(), rules.version());
  EXPECT_EQ(std::string(EicarRuleSource()).find(Eicar()), std::string::npos);
}

TEST(CompiledRulesTest, ErrorsNameEveryFileAndLine) {
  auto rules = CompiledRules::Compile({
      {"good.yar", "rule good { condition: true }\n"},
      {"bad1.yar", "rule bad1\n{\n  condition: undefined_thing\n}\n"},
      {"good2.yar", "rule good2 { condition: false }\n"},
      {"bad2.yar", "rule bad2 {\n  strings: $a = \"x\" condition: $b }\n"},
  });
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(rules.status().message(), HasSubstr("bad1.yar:3: "));
  EXPECT_THAT(rules.status().message(), HasSubstr("undefined_thing"));
  EXPECT_THAT(rules.status().message(), HasSubstr("bad2.yar:2: "));
  EXPECT_THAT(rules.status().message(), ::testing::Not(HasSubstr("good")));
  EXPECT_EQ(rules.status().where(), "bad1.yar:3");
}

TEST(CompiledRulesTest, BrokenRuleSetsAreErrorsNotCrashes) {
  for (const char* text :
       {"rule {", "rule a { condition: }", "}}}}", "rule a { strings: $a = { 4D 5A ?? } }",
        "rule a { strings: $a = /(/ condition: $a }", "include \"/etc/passwd\"",
        "import \"no_such_module\" rule a { condition: true }",
        "rule a { condition: true } rule a { condition: true }"}) {
    auto rules = CompiledRules::Compile({{"x.yar", text}});
    EXPECT_FALSE(rules.ok()) << text;
    EXPECT_THAT(rules.status().message(), HasSubstr("x.yar:")) << text;
  }
  auto nul =
      CompiledRules::Compile({{"nul.yar", std::string("rule a { condition: true }\0x", 28)}});
  EXPECT_FALSE(nul.ok());
}

TEST(CompiledRulesTest, SerializeRoundTripScansTheSame) {
  const auto rules = MustCompile({{"eicar.yar", std::string(EicarRuleSource())},
                                  {"name.yar", "rule Named { condition: filename == \"x.bin\" }"}});
  auto bytes = rules.Serialize();
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto loaded = CompiledRules::Deserialize(*bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->version(), rules.version());
  EXPECT_EQ(loaded->rule_count(), 2u);
  auto overridden = CompiledRules::Deserialize(*bytes, "v42");
  ASSERT_TRUE(overridden.ok());
  EXPECT_EQ(overridden->version(), "v42");

  TempDir dir;
  WriteFile(dir / "eicar.com", Eicar());
  WriteFile(dir / "x.bin", "hello");
  WriteFile(dir / "y.bin", "hello");
  auto rules_found = [&](const CompiledRules& r) {
    std::vector<std::string> found;
    ScanLimits limits;
    limits.low_priority = false;
    FileScanner scanner(&r, nullptr, nullptr, limits);
    (void)scanner.Scan({dir.path()},
                       [&](const Detection& d) { found.push_back(d.path + " " + d.rule); });
    std::sort(found.begin(), found.end());
    return found;
  };
  const auto expected = rules_found(rules);
  EXPECT_EQ(expected.size(), 2u);
  EXPECT_EQ(rules_found(*loaded), expected);
}

TEST(CompiledRulesTest, DeserializeRejectsDamagedBytes) {
  const auto rules = MustCompile({{"eicar.yar", std::string(EicarRuleSource())}});
  const std::string bytes = rules.Serialize().value();
  EXPECT_FALSE(CompiledRules::Deserialize("").ok());
  EXPECT_FALSE(CompiledRules::Deserialize("garbage that is long enough to parse a header").ok());
  EXPECT_FALSE(CompiledRules::Deserialize(bytes.substr(0, bytes.size() - 1)).ok());
  for (size_t pos : {size_t{9}, size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
    std::string damaged = bytes;
    damaged[pos] ^= 0x01;
    EXPECT_FALSE(CompiledRules::Deserialize(damaged).ok()) << pos;
  }
}

TEST(CompiledRulesTest, CompileKeepingGoodDropsBadFiles) {
  std::vector<std::string> rejected;
  auto rules = CompileKeepingGood({{"a.yar", "rule a { condition: true }"},
                                   {"bad.yar", "rule b {"},
                                   {"dup.yar", "rule a { condition: false }"},
                                   {"c.yar", "rule c { condition: filesize > 0 }"}},
                                  &rejected);
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_EQ(rules->rule_count(), 2u);
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_THAT(rejected[0], HasSubstr("bad.yar:"));
  EXPECT_THAT(rejected[1], HasSubstr("dup.yar:"));
}

TEST(CompiledRulesTest, SignatureBaseCompiles) {
  const std::string dir = "/work/shared/data/yara/signature-base";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " is absent";
  auto sources = ReadRuleSources(dir);
  ASSERT_TRUE(sources.ok()) << sources.status().ToString();
  EXPECT_GT(sources->size(), 100u);
  std::vector<std::string> rejected;
  auto rules = CompileKeepingGood(*sources, &rejected);
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  std::cout << sources->size() << " files, " << rules->rule_count() << " rules, " << rejected.size()
            << " errors\n";
  for (const auto& line : rejected) std::cout << "  " << line << "\n";
  EXPECT_GT(rules->rule_count(), 3000u);
}

}  // namespace
}  // namespace vigil::agent
