// Every Sigma v2.1 value modifier and value rule, including the specification's edge cases.
#include "detect/matcher.h"

#include <gtest/gtest.h>

#include "detect/detect_test_util.h"

namespace vigil::detect {
namespace {

using testing::Fires;
using testing::RefusalCode;

TEST(Values, PlainValueIsWholeValueCaseInsensitive) {
  const std::string rule = "  s: {Image: 'C:\\Windows\\cmd.exe'}\n  condition: s";
  EXPECT_TRUE(Fires(rule, R"({"Image":"c:\\windows\\CMD.EXE"})"));
  EXPECT_FALSE(Fires(rule, R"({"Image":"c:\\windows\\cmd.exe2"})"));
  EXPECT_FALSE(Fires(rule, R"({"Other":"c:\\windows\\cmd.exe"})"));
}

TEST(Values, NumbersCompareAsWritten) {
  const std::string rule = "  s: {EventID: 4688}\n  condition: s";
  EXPECT_TRUE(Fires(rule, R"({"EventID":4688})"));
  EXPECT_TRUE(Fires(rule, R"({"EventID":"4688"})"));
  EXPECT_FALSE(Fires(rule, R"({"EventID":46880})"));
}

TEST(Values, ListIsOrAndAllMakesItAnd) {
  const std::string any = "  s: {CommandLine|contains: [foo, bar]}\n  condition: s";
  const std::string all = "  s: {CommandLine|contains|all: [foo, bar]}\n  condition: s";
  EXPECT_TRUE(Fires(any, R"({"CommandLine":"x bar"})"));
  EXPECT_FALSE(Fires(all, R"({"CommandLine":"x bar"})"));
  EXPECT_TRUE(Fires(all, R"({"CommandLine":"bar foo"})"));
}

TEST(Values, WildcardsAndEscapes) {
  auto fires = [](const std::string& value, const std::string& text) {
    return Fires("  s: {F: '" + value + "'}\n  condition: s", R"({"F":")" + text + R"("})");
  };
  EXPECT_TRUE(fires("a*c", "abbbc"));
  EXPECT_TRUE(fires("a*c", "ac"));
  EXPECT_FALSE(fires("a*c", "abd"));
  EXPECT_TRUE(fires("a?c", "abc"));
  EXPECT_FALSE(fires("a?c", "ac"));
  EXPECT_TRUE(fires("a?c", "a\u1ea1c"));  // ? is one character, even when it takes 3 bytes
  EXPECT_TRUE(fires("a\\*c", "a*c"));     // \* is a literal star
  EXPECT_FALSE(fires("a\\*c", "abc"));
  EXPECT_TRUE(fires("a\\?c", "a?c"));
  EXPECT_FALSE(fires("a\\?c", "abc"));
  EXPECT_TRUE(fires("C:\\\\Windows\\\\*", "C:\\\\Windows\\\\x"));  // \\ before * is one backslash
  EXPECT_TRUE(fires("C:\\Windows", "C:\\\\Windows"));  // \W: a backslash before a plain char
  EXPECT_TRUE(fires("*", ""));
  EXPECT_TRUE(fires("*a*b*", "xxaxxbxx"));
  EXPECT_FALSE(fires("*a*b*", "xxbxxaxx"));
}

TEST(Values, NullMeansAbsentNullOrEmpty) {
  const std::string rule = "  s: {F: null}\n  condition: s";
  EXPECT_TRUE(Fires(rule, R"({"G":1})"));
  EXPECT_TRUE(Fires(rule, R"({"F":null})"));
  EXPECT_TRUE(Fires(rule, R"({"F":""})"));
  EXPECT_FALSE(Fires(rule, R"({"F":"x"})"));
  const std::string empty = "  s: {F: ''}\n  condition: s";  // the empty string is a value
  EXPECT_TRUE(Fires(empty, R"({"F":""})"));
  EXPECT_FALSE(Fires(empty, R"({"G":""})"));
  const std::string quoted = "  s: {F: 'null'}\n  condition: s";
  EXPECT_TRUE(Fires(quoted, R"({"F":"NULL"})"));
  EXPECT_FALSE(Fires(quoted, R"({"G":1})"));
}

TEST(Modifiers, StartsEndsContains) {
  EXPECT_TRUE(Fires("  s: {F|startswith: ab}\n  condition: s", R"({"F":"ABc"})"));
  EXPECT_FALSE(Fires("  s: {F|startswith: ab}\n  condition: s", R"({"F":"cab"})"));
  EXPECT_TRUE(Fires("  s: {F|endswith: '\\cmd.exe'}\n  condition: s", R"({"F":"C:\\x\\CMD.exe"})"));
  EXPECT_FALSE(Fires("  s: {F|endswith: '\\cmd.exe'}\n  condition: s", R"({"F":"cmd.exe"})"));
  EXPECT_TRUE(Fires("  s: {F|contains: 'b*d'}\n  condition: s", R"({"F":"abxxde"})"));
}

TEST(Modifiers, CasedIsCaseSensitive) {
  const std::string rule = "  s: {F|cased|contains: Foo}\n  condition: s";
  EXPECT_TRUE(Fires(rule, R"({"F":"xFoo"})"));
  EXPECT_FALSE(Fires(rule, R"({"F":"xfoo"})"));
}

TEST(Modifiers, ExistsChecksPresenceOnly) {
  EXPECT_TRUE(Fires("  s: {F|exists: true}\n  condition: s", R"({"F":""})"));
  EXPECT_FALSE(Fires("  s: {F|exists: true}\n  condition: s", R"({"G":""})"));
  EXPECT_TRUE(Fires("  s: {F|exists: false}\n  condition: s", R"({"G":""})"));
  EXPECT_EQ(RefusalCode("  s: {F|exists: maybe}\n  condition: s"), "bad_modifier");
}

TEST(Modifiers, Windash) {
  const std::string rule = "  s: {CommandLine|contains|windash: ' -enc '}\n  condition: s";
  EXPECT_TRUE(Fires(rule, R"({"CommandLine":"powershell -enc AAA"})"));
  EXPECT_TRUE(Fires(rule, R"({"CommandLine":"powershell /enc AAA"})"));
  EXPECT_TRUE(Fires(rule, "{\"CommandLine\":\"powershell \u2013enc AAA\"}"));  // en dash
  EXPECT_TRUE(Fires(rule, "{\"CommandLine\":\"powershell \u2014enc AAA\"}"));  // em dash
  EXPECT_TRUE(Fires(rule, "{\"CommandLine\":\"powershell \u2015enc AAA\"}"));  // horizontal bar
  EXPECT_FALSE(Fires(rule, R"({"CommandLine":"powershell +enc AAA"})"));
  // A dash inside a word is not a flag: 'a-b' stays as written.
  const std::string inner = "  s: {F|windash: 'a-b'}\n  condition: s";
  EXPECT_TRUE(Fires(inner, R"({"F":"a-b"})"));
  EXPECT_FALSE(Fires(inner, R"({"F":"a/b"})"));
  // all + windash: every value, each in any dash form.
  const std::string all = "  s: {F|contains|all|windash: ['-a', '-b']}\n  condition: s";
  EXPECT_TRUE(Fires(all, R"({"F":"x /a /b"})"));
  EXPECT_FALSE(Fires(all, R"({"F":"x /a"})"));
}

// crash-windash-variants-blowup: each value may make up to 625 windash variants (times three
// with base64offset), so 15 KB of values compiled to 1.9M patterns (minutes, gigabytes). A rule
// now compiles to at most CompileOptions::max_rule_patterns patterns and regexes.
TEST(Modifiers, PatternsPerRuleAreBounded) {
  std::string values;
  for (int i = 0; i < 100; ++i) values += (i ? ", " : "") + std::string("'-a -b -c -d'");
  EXPECT_EQ(RefusalCode("  s: {F|windash|contains: [" + values + "]}\n  condition: s"),
            "too_many_variants");
  // Spread over items and searches, the budget is the rule's.
  std::string searches;
  for (int i = 0; i < 30; ++i) {
    searches += "  s" + std::to_string(i) + ": {F|windash|base64offset|contains: '-a -b -c -d'}\n";
  }
  EXPECT_EQ(RefusalCode(searches + "  condition: 1 of s*"), "too_many_variants");
  // A few such values are fine, and a long plain list costs one pattern a value.
  EXPECT_EQ(RefusalCode("  s: {F|windash|contains: ['-a -b -c -d', '-e -f']}\n  condition: s"), "");
  std::string plain;
  for (int i = 0; i < 5000; ++i) plain += (i ? ", " : "") + std::to_string(i);
  EXPECT_EQ(RefusalCode("  s: {F: [" + plain + "]}\n  condition: s"), "");
}

TEST(Modifiers, Base64) {
  // base64("cmd") = "Y21k"; with padding for 2 bytes: base64("ab") = "YWI="
  EXPECT_TRUE(Fires("  s: {F|base64: cmd}\n  condition: s", R"({"F":"Y21k"})"));
  EXPECT_FALSE(Fires("  s: {F|base64: cmd}\n  condition: s", R"({"F":"y21k"})"));  // cased
  EXPECT_TRUE(Fires("  s: {F|base64|contains: ab}\n  condition: s", R"({"F":"xxYWI=xx"})"));
}

TEST(Modifiers, Base64OffsetFindsTheValueAtEveryAlignment) {
  const std::string rule = "  s: {F|base64offset|contains: 'http://'}\n  condition: s";
  for (std::string prefix : {"", "a", "ab", "abc", "abcd"}) {
    // Encode prefix + value + suffix the way an attacker's command would carry it.
    std::string plain = prefix + "http://evil/x";
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string enc;
    size_t i = 0;
    for (; i + 2 < plain.size(); i += 3) {
      uint32_t n = (uint8_t(plain[i]) << 16) | (uint8_t(plain[i + 1]) << 8) | uint8_t(plain[i + 2]);
      enc += {k[n >> 18 & 63], k[n >> 12 & 63], k[n >> 6 & 63], k[n & 63]};
    }
    if (i + 1 == plain.size()) {
      uint32_t n = uint8_t(plain[i]) << 16;
      enc += {k[n >> 18 & 63], k[n >> 12 & 63], '=', '='};
    } else if (i + 2 == plain.size()) {
      uint32_t n = (uint8_t(plain[i]) << 16) | (uint8_t(plain[i + 1]) << 8);
      enc += {k[n >> 18 & 63], k[n >> 12 & 63], k[n >> 6 & 63], '='};
    }
    EXPECT_TRUE(Fires(rule, R"({"F":")" + enc + R"("})")) << "prefix '" << prefix << "' " << enc;
  }
  EXPECT_FALSE(Fires(rule, R"({"F":"aHR0cHM6Ly9"})"));  // https://
  EXPECT_EQ(RefusalCode("  s: {F|base64offset: x}\n  condition: s"), "bad_modifier");
}

TEST(Modifiers, Utf16ThenBase64) {
  // base64(utf16le("ab")) = base64("a\0b\0") = "YQBiAA=="
  EXPECT_TRUE(Fires("  s: {F|wide|base64: ab}\n  condition: s", R"({"F":"YQBiAA=="})"));
  EXPECT_TRUE(Fires("  s: {F|utf16le|base64: ab}\n  condition: s", R"({"F":"YQBiAA=="})"));
  // utf16be("ab") = "\0a\0b" -> "AGEAYg=="
  EXPECT_TRUE(Fires("  s: {F|utf16be|base64: ab}\n  condition: s", R"({"F":"AGEAYg=="})"));
  // utf16 = BOM FF FE + LE -> "//5hAGIA"
  EXPECT_TRUE(Fires("  s: {F|utf16|base64: ab}\n  condition: s", R"({"F":"//5hAGIA"})"));
  EXPECT_EQ(RefusalCode("  s: {F|wide: ab}\n  condition: s"), "bad_modifier");
}

TEST(Modifiers, RegexIsCaseSensitiveUnlessI) {
  EXPECT_TRUE(Fires("  s: {F|re: 'a.c$'}\n  condition: s", R"({"F":"xabc"})"));
  EXPECT_FALSE(Fires("  s: {F|re: 'a.c$'}\n  condition: s", R"({"F":"xABC"})"));
  EXPECT_TRUE(Fires("  s: {F|re|i: 'a.c$'}\n  condition: s", R"({"F":"xABC"})"));
  EXPECT_FALSE(Fires("  s: {F|re: '^b'}\n  condition: s", R"({"F":"a\nb"})"));
  EXPECT_TRUE(Fires("  s: {F|re|m: '^b'}\n  condition: s", R"({"F":"a\nb"})"));
  EXPECT_FALSE(Fires("  s: {F|re: 'a.b'}\n  condition: s", R"({"F":"a\nb"})"));
  EXPECT_TRUE(Fires("  s: {F|re|s: 'a.b'}\n  condition: s", R"({"F":"a\nb"})"));
  EXPECT_EQ(RefusalCode("  s: {F|re: '(a'}\n  condition: s"), "bad_regex");
  EXPECT_EQ(RefusalCode("  s: {F|re: '(?=a)'}\n  condition: s"), "bad_regex");  // no lookahead
  EXPECT_EQ(RefusalCode("  s: {F|i: 'a'}\n  condition: s"), "bad_modifier");
}

TEST(Modifiers, RegexWithLiteralsOnlyInGroupsIsPrefilteredByRe2Atoms) {
  // No literal outside the group: the prefilter takes FilteredRE2's atoms (abcdx, efghx).
  const std::string rule = "  s: {F|re|i: '(abcd|efgh)x'}\n  condition: s";
  EXPECT_TRUE(Fires(rule, R"({"F":"zzEFGHXzz"})"));
  EXPECT_TRUE(Fires(rule, R"({"F":"abcdx"})"));
  EXPECT_FALSE(Fires(rule, R"({"F":"abcx efgh"})"));
  EXPECT_TRUE(Fires("  s: {F|re: '(Abcd|Efgh)'}\n  condition: s", R"({"F":"-Efgh-"})"));
  EXPECT_FALSE(Fires("  s: {F|re: '(Abcd|Efgh)'}\n  condition: s", R"({"F":"-efgh-"})"));
}

TEST(Modifiers, RegexGatedByPunctuationItNeedsMatchesAsBefore) {
  // Regexes whose only certain text is punctuation (the command-line obfuscation rules) are
  // skipped on values without it; with it, RE2 decides, whatever the case folding.
  const std::string backtick = "  s: {F|re: '\\w`\\w'}\n  condition: s";
  EXPECT_TRUE(Fires(backtick, R"({"F":"In`voke-Expression"})"));
  EXPECT_FALSE(Fires(backtick, R"({"F":"Invoke-Expression"})"));
  EXPECT_FALSE(Fires(backtick, R"({"F":"` alone"})"));
  const std::string format = "  s: {F|re|i: '\"\\{\\d\\}|\\$\\{'}\n  condition: s";
  EXPECT_TRUE(Fires(format, R"j({"F":"(\"{0}{1}\" -f 'a')"})j"));
  EXPECT_TRUE(Fires(format, R"({"F":"echo ${IFS}"})"));
  EXPECT_FALSE(Fires(format, R"({"F":"echo {0} $HOME"})"));
  // Several values: the gate is per value.
  EXPECT_TRUE(Fires(backtick, R"({"F":["plain","a`b"]})"));
}

TEST(Modifiers, Cidr) {
  const std::string rule = "  s: {Ip|cidr: ['10.0.0.0/8', 'fd00::/8']}\n  condition: s";
  EXPECT_TRUE(Fires(rule, R"({"Ip":"10.1.2.3"})"));
  EXPECT_TRUE(Fires(rule, R"({"Ip":"fd12::1"})"));
  EXPECT_FALSE(Fires(rule, R"({"Ip":"11.0.0.1"})"));
  EXPECT_FALSE(Fires(rule, R"({"Ip":"not an ip"})"));
  EXPECT_EQ(RefusalCode("  s: {Ip|cidr: '10.0.0.0/33'}\n  condition: s"), "bad_cidr");
}

TEST(Modifiers, NumericComparisons) {
  EXPECT_TRUE(Fires("  s: {N|gt: 5}\n  condition: s", R"({"N":6})"));
  EXPECT_FALSE(Fires("  s: {N|gt: 5}\n  condition: s", R"({"N":5})"));
  EXPECT_TRUE(Fires("  s: {N|gte: 5}\n  condition: s", R"({"N":"5"})"));
  EXPECT_TRUE(Fires("  s: {N|lt: 5}\n  condition: s", R"({"N":-1.5})"));
  EXPECT_TRUE(Fires("  s: {N|lte: 5}\n  condition: s", R"({"N":5})"));
  EXPECT_FALSE(Fires("  s: {N|lte: 5}\n  condition: s", R"({"N":"five"})"));
  EXPECT_TRUE(Fires("  s: {N|gt: 15}\n  condition: s", R"({"N":"0x10"})"));
  EXPECT_EQ(RefusalCode("  s: {N|gt: five}\n  condition: s"), "bad_number");
}

TEST(Modifiers, NotEqual) {
  const std::string rule = "  s: {F|neq: [a, b]}\n  condition: s";
  EXPECT_TRUE(Fires(rule, R"({"F":"c"})"));
  EXPECT_FALSE(Fires(rule, R"({"F":"A"})"));
  EXPECT_FALSE(Fires(rule, R"({"G":"c"})"));  // absent is not "different"
  EXPECT_TRUE(Fires("  s: {N|neq: 4}\n  condition: s", R"({"N":5})"));
}

TEST(Modifiers, FieldRef) {
  EXPECT_TRUE(Fires("  s: {A|fieldref: B}\n  condition: s", R"({"A":"X","B":"x"})"));
  EXPECT_FALSE(Fires("  s: {A|fieldref: B}\n  condition: s", R"({"A":"X","B":"y"})"));
  EXPECT_FALSE(Fires("  s: {A|fieldref: B}\n  condition: s", R"({"A":"X"})"));
  EXPECT_TRUE(Fires("  s: {A|fieldref|endswith: B}\n  condition: s", R"({"A":"abc","B":"bc"})"));
  EXPECT_TRUE(Fires("  s: {A|fieldref|neq: B}\n  condition: s", R"({"A":"x","B":"y"})"));
  EXPECT_FALSE(Fires("  s: {A|fieldref|neq: B}\n  condition: s", R"({"A":"x","B":"x"})"));
}

TEST(Modifiers, TimeParts) {
  const std::string json = R"({"T":"2026-11-21T23:45:10Z"})";
  EXPECT_TRUE(Fires("  s: {T|hour: 23}\n  condition: s", json));
  EXPECT_TRUE(Fires("  s: {T|minute: 45}\n  condition: s", json));
  EXPECT_TRUE(Fires("  s: {T|day: 21}\n  condition: s", json));
  EXPECT_TRUE(Fires("  s: {T|month: 11}\n  condition: s", json));
  EXPECT_TRUE(Fires("  s: {T|year: 2026}\n  condition: s", json));
  EXPECT_TRUE(Fires("  s: {T|week: 47}\n  condition: s", json));  // ISO week of 2026-11-21
  EXPECT_TRUE(Fires("  s: {T|hour|gte: 20}\n  condition: s", json));
  EXPECT_FALSE(Fires("  s: {T|hour: 22}\n  condition: s", json));
}

TEST(Modifiers, ExpandUsesConfiguredPlaceholders) {
  LoadOptions options;
  options.compile.placeholders["Admins"] = {"alice", "bob"};
  LoadReport report;
  auto rules = testing::RulesFrom(testing::Rule("  s: {User|expand: '%Admins%'}\n  condition: s"),
                                  &report, options);
  ASSERT_TRUE(report.problems.empty());
  EXPECT_EQ(testing::Fired(*rules, R"({"User":"BOB"})").size(), 1u);
  EXPECT_TRUE(testing::Fired(*rules, R"({"User":"carol"})").empty());
  // Without values the item matches nothing and the load reports a warning.
  LoadReport bare;
  auto unset =
      testing::RulesFrom(testing::Rule("  s: {User|expand: '%Admins%'}\n  condition: s"), &bare);
  ASSERT_EQ(bare.warnings.size(), 1u);
  EXPECT_EQ(bare.warnings[0].problem.code, "unset_placeholder");
  EXPECT_TRUE(testing::Fired(*unset, R"({"User":"%Admins%"})").empty());
}

TEST(Modifiers, PlaceholderValuesAreNotExpandedAgain) {
  LoadOptions options;
  options.compile.placeholders["A"] = {"x%A%y", "%B%"};
  LoadReport report;
  auto rules = testing::RulesFrom(testing::Rule("  s: {User|expand: '<%A%>'}\n  condition: s"),
                                  &report, options);
  ASSERT_TRUE(report.problems.empty());
  EXPECT_EQ(testing::Fired(*rules, R"({"User":"<x%A%y>"})").size(), 1u);
  EXPECT_EQ(testing::Fired(*rules, R"({"User":"<%B%>"})").size(), 1u);
}

TEST(Modifiers, ConflictsAreRefused) {
  EXPECT_EQ(RefusalCode("  s: {F|contains|startswith: a}\n  condition: s"), "bad_modifier");
  EXPECT_EQ(RefusalCode("  s: {F|re|cidr: a}\n  condition: s"), "bad_modifier");
  EXPECT_EQ(RefusalCode("  s: {F|frobnicate: a}\n  condition: s"), "unknown_modifier");
}

TEST(Keywords, MatchAnyValueOfTheEvent) {
  const std::string rule = "  keywords: ['mimikatz', 'sekurlsa::']\n  condition: keywords";
  EXPECT_TRUE(Fires(rule, R"({"a":"run MIMIKATZ now"})"));
  EXPECT_TRUE(Fires(rule, R"({"a":{"b":"x sekurlsa::logonpasswords"}})"));
  EXPECT_FALSE(Fires(rule, R"({"mimikatz":"field names are not values"})"));
  const std::string all = "  keywords:\n    '|all': [alpha, beta]\n  condition: keywords";
  EXPECT_TRUE(Fires(all, R"({"a":"alpha","b":"beta"})"));
  EXPECT_FALSE(Fires(all, R"({"a":"alpha"})"));
}

TEST(Events, ArraysMatchAnyElement) {
  EXPECT_TRUE(Fires("  s: {tags: b}\n  condition: s", R"({"tags":["a","b"]})"));
  EXPECT_TRUE(Fires("  s: {a.b: 1}\n  condition: s", R"({"a":{"b":1}})"));
}

TEST(Events, WindowsShapesExposeSigmaNames) {
  const std::string rule =
      "  s: {EventID: 1, Channel: x, Provider_Name: p, Image|endswith: a.exe}"
      "\n  condition: s";
  EXPECT_TRUE(Fires(rule, R"({"Event":{"System":{"EventID":1,"Channel":"x",
      "Provider":{"#attributes":{"Name":"p"}}},"EventData":{"Image":"C:\\a.exe"}}})"));
  EXPECT_TRUE(Fires(rule, R"({"winlog":{"event_id":1,"channel":"x","provider_name":"p",
      "event_data":{"Image":"C:\\a.exe"}}})"));
  // EventID with Qualifiers, and data names with spaces (Defender) under both spellings.
  EXPECT_TRUE(Fires("  s: {EventID: 7, ThreatName: t, 'Threat Name': t}\n  condition: s",
                    R"({"Event":{"System":{"EventID":{"#attributes":{"Qualifiers":16384},
                    "#text":7}},"EventData":{"Threat Name":"t"}}})"));
}

}  // namespace
}  // namespace vigil::detect
