// ParseSyslog: RFC 5424 and RFC 3164 examples, real-world variants, every error field, years,
// zones, structured data, UTF-8 repair, garbage and size.
#include "logs/syslog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"

namespace vigil::logs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::string_literals;

// 2026-11-21 12:00:01 at +07:00.
constexpr int64_t kNov21 = 1795237201;
constexpr int64_t kNs = 1000000000;

SyslogContext Ctx(int64_t now = kNov21, int tz = 7 * 3600) {
  SyslogContext ctx;
  ctx.now_unix_seconds = now;
  ctx.tz_offset_seconds = tz;
  return ctx;
}

SyslogMessage MustParse(std::string_view text, const SyslogContext& ctx = Ctx()) {
  auto m = ParseSyslog(text, ctx);
  EXPECT_TRUE(m.ok()) << m.status().ToString() << "\n  input: " << text;
  return m.ok() ? *m : SyslogMessage{};
}

Status MustFail(std::string_view text, const SyslogContext& ctx = Ctx()) {
  auto m = ParseSyslog(text, ctx);
  EXPECT_FALSE(m.ok()) << "parsed: " << text;
  return m.status();
}

SyslogSdElement Sd(std::string id, std::vector<SyslogSdParam> params) {
  return SyslogSdElement{std::move(id), std::move(params)};
}

// ---- RFC 5424 ----

TEST(SyslogRfc5424Test, Rfc5424Section65Example1) {
  const auto m = MustParse(
      "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \xEF\xBB\xBF'su root' "
      "failed for lonvick on /dev/pts/8");
  EXPECT_EQ(m.format, SyslogFormat::kRfc5424);
  EXPECT_TRUE(m.has_pri);
  EXPECT_EQ(m.facility, 4);
  EXPECT_EQ(m.severity, 2);
  EXPECT_EQ(m.time_unix_ns, 1065910455 * kNs + 3000000);
  EXPECT_TRUE(m.time_has_offset);
  EXPECT_EQ(m.timestamp, "2003-10-11T22:14:15.003Z");
  EXPECT_EQ(m.hostname, "mymachine.example.com");
  EXPECT_EQ(m.app_name, "su");
  EXPECT_EQ(m.procid, "");
  EXPECT_EQ(m.msgid, "ID47");
  EXPECT_TRUE(m.structured_data.empty());
  EXPECT_EQ(m.message, "'su root' failed for lonvick on /dev/pts/8");
  EXPECT_FALSE(m.message_repaired);
}

TEST(SyslogRfc5424Test, Rfc5424Section65Example2) {
  const auto m = MustParse(
      "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make "
      "the do-nuts.");
  EXPECT_EQ(m.facility, 20);
  EXPECT_EQ(m.severity, 5);
  EXPECT_EQ(m.time_unix_ns, 1061727255 * kNs + 3000);
  EXPECT_EQ(m.hostname, "192.0.2.1");
  EXPECT_EQ(m.app_name, "myproc");
  EXPECT_EQ(m.procid, "8710");
  EXPECT_EQ(m.msgid, "");
  EXPECT_EQ(m.message, "%% It's time to make the do-nuts.");
}

TEST(SyslogRfc5424Test, Rfc5424Section65Examples3And4) {
  const auto m3 = MustParse(
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 "
      "iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] \xEF\xBB\xBF"
      "An application event log entry...");
  EXPECT_EQ(m3.app_name, "evntslog");
  EXPECT_THAT(m3.structured_data,
              ElementsAre(Sd("exampleSDID@32473",
                             {{"iut", "3"}, {"eventSource", "Application"}, {"eventID", "1011"}})));
  EXPECT_EQ(m3.message, "An application event log entry...");

  const auto m4 = MustParse(
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 "
      "iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 "
      "class=\"high\"]");
  ASSERT_EQ(m4.structured_data.size(), 2u);
  EXPECT_EQ(m4.structured_data[1], Sd("examplePriority@32473", {{"class", "high"}}));
  EXPECT_EQ(m4.message, "");
}

TEST(SyslogRfc5424Test, AllNil) {
  const auto m = MustParse("<14>1 - - - - - -");
  EXPECT_EQ(m.format, SyslogFormat::kRfc5424);
  EXPECT_EQ(m.time_unix_ns, 0);
  EXPECT_EQ(m.timestamp, "");
  EXPECT_EQ(m.hostname, "");
  EXPECT_EQ(m.app_name, "");
  EXPECT_EQ(m.message, "");
  EXPECT_EQ(MustParse("<14>1 - - - - - - ").message, "");
  EXPECT_EQ(MustParse("<0>1 - - - - - - x").facility, 0);
  EXPECT_EQ(MustParse("<191>1 - - - - - - x").facility, 23);
  EXPECT_EQ(MustParse("<191>1 - - - - - - x").severity, 7);
}

TEST(SyslogRfc5424Test, Timestamps) {
  struct Case {
    std::string stamp;
    int64_t ns;
    bool has_offset;
  };
  const int64_t t1985 = 482196050;
  const std::vector<Case> cases = {
      {"1985-04-12T23:20:50.52Z", t1985 * kNs + 520000000, true},
      {"1985-04-12T19:20:50.52-04:00", t1985 * kNs + 520000000, true},
      {"1985-04-13T06:20:50+07:00", t1985 * kNs, true},
      {"1985-04-13T06:20:50.123456+07:00", t1985 * kNs + 123456000, true},
      {"1985-04-12T23:20:50.1Z", t1985 * kNs + 100000000, true},
      // Leniencies: lower case, "+hhmm", no offset (the context's zone).
      {"1985-04-12t23:20:50z", t1985 * kNs, true},
      {"1985-04-13T06:20:50+0700", t1985 * kNs, true},
      {"1985-04-13T06:20:50", t1985 * kNs, false},
  };
  for (const auto& c : cases) {
    const auto m = MustParse("<14>1 " + c.stamp + " h a - - - x");
    EXPECT_EQ(m.time_unix_ns, c.ns) << c.stamp;
    EXPECT_EQ(m.time_has_offset, c.has_offset) << c.stamp;
    EXPECT_EQ(m.timestamp, c.stamp);
  }
  // The zone of stamps without offset comes from the context.
  EXPECT_EQ(MustParse("<14>1 1985-04-12T23:20:50 h a - - - x", Ctx(kNov21, 0)).time_unix_ns,
            t1985 * kNs);
}

TEST(SyslogRfc5424Test, BadTimestamps) {
  for (const std::string_view stamp :
       {"2003-08-24T05:14:15.000000003-07:00",  // RFC 5424 6.5: more than 6 fraction digits
        "2003-08-24T05:14:15.-07:00", "2003-08-24T05:14:15,5Z", "2003-08-24 05:14:15Z",
        "2003-08-24", "2003-02-29T05:14:15Z", "2003-08-24T24:00:00Z", "2003-08-24T05:14:15+25:00",
        "2003-08-24T05:14:15Zjunk", "1969-12-31T23:59:59Z", "2263-01-01T00:00:00Z",
        "Oct 11 22:14:15", "now"}) {
    const Status status = MustFail("<14>1 " + std::string(stamp) + " h a - - - x");
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(status.where(), "timestamp") << stamp;
  }
}

TEST(SyslogRfc5424Test, FieldBounds) {
  const std::string host255(255, 'h');
  const std::string app48(48, 'a');
  const std::string proc128(128, 'p');
  const std::string msgid32(32, 'm');
  const auto m =
      MustParse("<14>1 - " + host255 + " " + app48 + " " + proc128 + " " + msgid32 + " - x");
  EXPECT_EQ(m.hostname, host255);
  EXPECT_EQ(m.app_name, app48);
  EXPECT_EQ(m.procid, proc128);
  EXPECT_EQ(m.msgid, msgid32);

  EXPECT_EQ(MustFail("<14>1 - " + host255 + "h a p m - x").where(), "hostname");
  EXPECT_EQ(MustFail("<14>1 - h " + app48 + "a p m - x").where(), "app-name");
  EXPECT_EQ(MustFail("<14>1 - h a " + proc128 + "p m - x").where(), "procid");
  EXPECT_EQ(MustFail("<14>1 - h a p " + msgid32 + "m - x").where(), "msgid");
}

TEST(SyslogRfc5424Test, HeaderErrorsNameTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<14>1 ", "timestamp"},
      {"<14>1 -", "timestamp"},
      {"<14>1 - ", "hostname"},
      {"<14>1 -  a p m - x", "hostname"},  // two spaces
      {"<14>1 - h\xC3\xA9 a p m - x", "hostname"},
      {"<14>1 - h", "hostname"},
      {"<14>1 - h ", "app-name"},
      {"<14>1 - h a\tb p m - x", "app-name"},
      {"<14>1 - h a", "app-name"},
      {"<14>1 - h a p", "procid"},
      {"<14>1 - h a p m", "msgid"},
      {"<14>1 - h a p m ", "structured-data"},
      {"<14>1 - h a p m x", "structured-data"},
      {"<14>1 - h a p m -x", "structured-data"},
      {"<14>2 2026-11-21T12:00:01Z h a p m - x", "version"},
      {"<14>10 - h a p m - x", "version"},
  };
  for (const auto& [text, where] : cases) {
    const Status status = MustFail(text);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(status.where(), where) << text;
    EXPECT_FALSE(status.message().empty());
  }
}

TEST(SyslogRfc5424Test, StructuredDataEscapes) {
  const auto m = MustParse(R"(<14>1 - h a - - [id@1 q="say \"hi\"" b="back\\slash" c="br\]acket" )"
                           R"(d="keep\n\x" e="" f="x]y"][other k="v"] msg)");
  ASSERT_EQ(m.structured_data.size(), 2u);
  EXPECT_THAT(m.structured_data[0].params,
              ElementsAre(SyslogSdParam{"q", "say \"hi\""}, SyslogSdParam{"b", "back\\slash"},
                          SyslogSdParam{"c", "br]acket"}, SyslogSdParam{"d", "keep\\n\\x"},
                          SyslogSdParam{"e", ""}, SyslogSdParam{"f", "x]y"}));
  EXPECT_EQ(m.structured_data[1], Sd("other", {{"k", "v"}}));
  EXPECT_EQ(m.message, "msg");

  // An element without params, a trailing backslash before the closing quote is an escape.
  const auto bare = MustParse(R"(<14>1 - h a - - [timeQuality][x y="a\\"] m)");
  EXPECT_THAT(bare.structured_data, ElementsAre(Sd("timeQuality", {}), Sd("x", {{"y", "a\\"}})));
  // Leniency: extra spaces inside an element. Same SD-ID twice is kept twice.
  const auto spaces = MustParse(R"(<14>1 - h a - - [x  a="1"  b="2" ][x c="3"])");
  EXPECT_THAT(spaces.structured_data,
              ElementsAre(Sd("x", {{"a", "1"}, {"b", "2"}}), Sd("x", {{"c", "3"}})));
  // UTF-8 values are kept; invalid bytes are replaced.
  const auto utf8 = MustParse("<14>1 - h a - - [x a=\"Đà Nẵng\" b=\"\xFF\"] m");
  EXPECT_EQ(utf8.structured_data[0].params[0].value, "Đà Nẵng");
  EXPECT_EQ(utf8.structured_data[0].params[1].value, "\xEF\xBF\xBD");
}

TEST(SyslogRfc5424Test, StructuredDataErrors) {
  for (const std::string_view sd : {
           "[",                                    // no SD-ID
           "[]",                                   // empty SD-ID
           "[a=b]",                                // '=' in SD-ID
           "[abcdefghijabcdefghijabcdefghijabc]",  // 33-byte SD-ID
           "[x",                                   // unterminated
           "[x a]",                                // no =
           "[x a=b]",                              // value not quoted
           "[x a=\"b]",                            // unterminated value
           "[x a=\"b\\\"]",                        // escaped quote: still unterminated
           "[x a=\"b\"c=\"d\"]",                   // no space between params
           "[x =\"b\"]",                           // empty PARAM-NAME
           "[x a=\"b\"]msg",                       // no space before MSG
           "[x a=\"b\"] [y]",                      // SP between elements: "[y]" is the MSG, fine...
       }) {
    const std::string text = "<14>1 - h a - - " + std::string(sd);
    auto m = ParseSyslog(text, Ctx());
    if (sd == "[x a=\"b\"] [y]") {
      ASSERT_TRUE(m.ok());
      EXPECT_EQ(m->message, "[y]");
      continue;
    }
    ASSERT_FALSE(m.ok()) << sd;
    EXPECT_EQ(m.status().where(), "structured-data") << sd;
  }
}

TEST(SyslogRfc5424Test, MessageBomUtf8AndLineEnds) {
  EXPECT_EQ(MustParse("<14>1 - h a - - - \xEF\xBB\xBFĐà Nẵng").message, "Đà Nẵng");
  EXPECT_EQ(MustParse("<14>1 - h a - - - no bom").message, "no bom");
  EXPECT_EQ(MustParse("<14>1 - h a - - - line\r\n").message, "line");
  EXPECT_EQ(MustParse("<14>1 - h a - - - line\n\0\0"s).message, "line");
  EXPECT_EQ(MustParse("<14>1 - h a - - - two\nlines\n").message, "two\nlines");
  EXPECT_EQ(MustParse("<14>1 - h a - - -  leading space").message, " leading space");
  const auto bad = MustParse("<14>1 - h a - - - caf\xE9 \xC3(\x00)"s);
  EXPECT_EQ(bad.message, "caf\xEF\xBF\xBD \xEF\xBF\xBD(\xEF\xBF\xBD)");
  EXPECT_TRUE(bad.message_repaired);
  EXPECT_TRUE(IsValidUtf8(bad.message));
}

// ---- RFC 3164 ----

TEST(SyslogRfc3164Test, Rfc3164Section54Examples) {
  const auto m1 =
      MustParse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");
  EXPECT_EQ(m1.format, SyslogFormat::kRfc3164);
  EXPECT_EQ(m1.facility, 4);
  EXPECT_EQ(m1.severity, 2);
  EXPECT_EQ(m1.time_unix_ns, int64_t{1791731655} * kNs);  // 2026 (now), +07:00
  EXPECT_TRUE(m1.time_year_inferred);
  EXPECT_FALSE(m1.time_has_offset);
  EXPECT_EQ(m1.timestamp, "Oct 11 22:14:15");
  EXPECT_EQ(m1.hostname, "mymachine");
  EXPECT_EQ(m1.app_name, "su");
  EXPECT_EQ(m1.message, "'su root' failed for lonvick on /dev/pts/8");

  const auto m2 = MustParse("Use the BFG!");
  EXPECT_EQ(m2.format, SyslogFormat::kUnknown);
  EXPECT_FALSE(m2.has_pri);
  EXPECT_EQ(m2.facility, kSyslogDefaultFacility);
  EXPECT_EQ(m2.severity, kSyslogDefaultSeverity);
  EXPECT_EQ(m2.time_unix_ns, 0);
  EXPECT_EQ(m2.message, "Use the BFG!");

  const auto m3 = MustParse(
      "<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  "
      "Ingredients: Mix=OK, Jated=Yes, Excellent");
  EXPECT_EQ(m3.timestamp, "Aug 24 05:34:00 CST 1987");
  EXPECT_FALSE(m3.time_year_inferred);
  EXPECT_EQ(m3.time_unix_ns, int64_t{556756440} * kNs);
  EXPECT_EQ(m3.hostname, "mymachine");
  EXPECT_EQ(m3.app_name, "myproc");
  EXPECT_EQ(m3.procid, "10");
  EXPECT_EQ(m3.message,
            "%% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jated=Yes, "
            "Excellent");

  const auto m4 = MustParse("<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!");
  EXPECT_EQ(m4.hostname, "10.0.0.99");
  EXPECT_EQ(m4.app_name, "");
  EXPECT_EQ(m4.message, "Use the BFG!");

  // Year first is no BSD shape: the whole text after PRI is the message.
  const auto m5 = MustParse(
      "<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All "
      "Folks!");
  EXPECT_EQ(m5.format, SyslogFormat::kUnknown);
  EXPECT_EQ(m5.severity, 0);
  EXPECT_THAT(m5.message, HasSubstr("That's All Folks!"));
}

TEST(SyslogRfc3164Test, Variants) {
  struct Case {
    std::string text;
    int64_t ns;
    std::string host, app, procid, message;
  };
  const int64_t t = kNov21 * kNs;
  const std::vector<Case> cases = {
      {"<13>Nov 21 12:00:01 host sshd[123]: Accepted", t, "host", "sshd", "123", "Accepted"},
      {"<13>Nov 21 12:00:01 host sshd[123]:Accepted", t, "host", "sshd", "123", "Accepted"},
      {"<13>Nov 21 12:00:01 host sshd:  two", t, "host", "sshd", "", " two"},
      {"<13>Nov 21 12:00:01 host kernel: [1.2] x", t, "host", "kernel", "", "[1.2] x"},
      {"<13>Nov 21 12:00:01 host postfix/smtpd[9]: x", t, "host", "postfix/smtpd", "9", "x"},
      {"<13>Nov 21 12:00:01 host just a message", t, "host", "", "", "just a message"},
      {"<13>Nov 21 12:00:01 sshd[123]: no host", t, "", "sshd", "123", "no host"},
      {"<13>Nov 21 12:00:01 CRON: no host", t, "", "CRON", "", "no host"},
      {"<13>Nov  1 12:00:01 h t: x", t - int64_t{20} * 86400 * kNs, "h", "t", "", "x"},
      {"<13>Nov 1 12:00:01 h t: x", t - int64_t{20} * 86400 * kNs, "h", "t", "", "x"},
      {"<13>Nov 01 12:00:01 h t: x", t - int64_t{20} * 86400 * kNs, "h", "t", "", "x"},
      {"Nov 21 12:00:01 h t: no pri", t, "h", "t", "", "no pri"},
      {"<13>Nov 21 12:00:01.123456 h t: frac", t + 123456000, "h", "t", "", "frac"},
      {"<13>Nov 21 2026 12:00:01 h t: year", t, "h", "t", "", "year"},
      {"<13>Nov 21 12:00:01 2001:db8::1 t: v6", t, "2001:db8::1", "t", "", "v6"},
      {"<13>Nov 21 12:00:01 h", t, "h", "", "", ""},
      {"<13>Nov 21 12:00:01", t, "", "", "", ""},
      {"<13> Nov 21 12:00:01 h t: space after pri", t, "h", "t", "", "space after pri"},
      // ISO 8601 as rsyslog (RSYSLOG_ForwardFormat), journald and syslog-ng send it.
      {"<13>2026-11-21T12:00:01.123456+07:00 h t[1]: iso", t + 123456000, "h", "t", "1", "iso"},
      {"<13>2026-11-21T05:00:01Z h t: utc", t, "h", "t", "", "utc"},
      {"<13>2026-11-21T12:00:01+0700 h t: basic offset", t, "h", "t", "", "basic offset"},
      {"<13>2026-11-21T12:00:01.123456789+07:00 h t: ns", t + 123456789, "h", "t", "", "ns"},
      {"2026-11-21 12:00:01 h t: space, no zone, no pri", t, "h", "t", "",
       "space, no zone, no pri"},
      // Cisco IOS: sequence number, '*' (clock not in sync), zone, no host or tag.
      {"<189>123: *Nov 21 12:00:01.5: %SYS-5-CONFIG_I: Configured", t + 500000000, "", "", "",
       "%SYS-5-CONFIG_I: Configured"},
      {"<189>000045: Nov 21 05:00:01 UTC: %LINK-3-UPDOWN: down", t, "", "", "",
       "%LINK-3-UPDOWN: down"},
      {"<189>46: .Nov 21 12:00:01 ICT: %LINK-3-UPDOWN: up", t, "", "", "", "%LINK-3-UPDOWN: up"},
      // Cisco ASA.
      {"<166>Nov 21 2026 12:00:01: %ASA-6-302013: Built", t, "", "", "", "%ASA-6-302013: Built"},
      // Not stamps: the whole text after PRI is the message.
      {"<13>May I help you", 0, "", "", "", "May I help you"},
      {"<13>", 0, "", "", "", ""},
      {"<13>12: not a stamp", 0, "", "", "", "12: not a stamp"},
  };
  for (const auto& c : cases) {
    const auto m = MustParse(c.text);
    EXPECT_EQ(m.time_unix_ns, c.ns) << c.text;
    EXPECT_EQ(m.hostname, c.host) << c.text;
    EXPECT_EQ(m.app_name, c.app) << c.text;
    EXPECT_EQ(m.procid, c.procid) << c.text;
    EXPECT_EQ(m.message, c.message) << c.text;
    EXPECT_EQ(m.format, c.ns != 0 ? SyslogFormat::kRfc3164 : SyslogFormat::kUnknown) << c.text;
  }
  EXPECT_EQ(MustParse("<189>123: *Nov 21 12:00:01.5: %SYS").cisco_sequence, 123);
  EXPECT_EQ(MustParse("<189>123: *Nov 21 12:00:01.5: %SYS").timestamp, "Nov 21 12:00:01.5");
  EXPECT_EQ(MustParse("<189>12: Nov 21 05:00:01 UTC: %SYS").timestamp, "Nov 21 05:00:01 UTC");
  EXPECT_TRUE(MustParse("<189>12: Nov 21 05:00:01 UTC: %SYS").time_has_offset);
  EXPECT_FALSE(MustParse("<189>12: Nov 21 05:00:01 PST: %SYS").time_has_offset);
  EXPECT_EQ(MustParse("<13>Nov 21 12:00:01 h t: x").cisco_sequence, -1);
  EXPECT_EQ(MustParse("<13>2026-11-21T12:00:01.5Z h t: x").timestamp, "2026-11-21T12:00:01.5Z");
  EXPECT_TRUE(MustParse("<13>2026-11-21T12:00:01.5Z h t: x").time_has_offset);
  EXPECT_FALSE(MustParse("<13>2026-11-21 12:00:01 h t: x").time_has_offset);
}

TEST(SyslogRfc3164Test, YearInference) {
  // 2027-01-01 00:30 at +07:00: a December stamp is from 2026.
  const int64_t new_year = 1798738200;
  auto dec = MustParse("<13>Dec 31 23:59:59 h t: x", Ctx(new_year));
  EXPECT_EQ(dec.time_unix_ns, int64_t{1798736399} * kNs);
  EXPECT_TRUE(dec.time_year_inferred);
  EXPECT_EQ(MustParse("<13>Jan  1 00:00:05 h t: x", Ctx(new_year)).time_unix_ns,
            int64_t{1798736405} * kNs);
  // Received on 2026-12-31 23:59:59 (+07:00) from a sender already in January: 2027.
  EXPECT_EQ(MustParse("<13>Jan  1 00:00:05 h t: x", Ctx(1798736399)).time_unix_ns,
            int64_t{1798736405} * kNs);
  // Late November 2026: a stamp from June is from 2026, one from mid-December 2025.
  EXPECT_EQ(MustParse("<13>Dec 15 00:00:00 h t: x").time_unix_ns / kNs,
            int64_t{1765731600});  // 2025-12-15 00:00 +07:00
  // Feb 29 picks the leap year that is near now.
  EXPECT_EQ(MustParse("<13>Feb 29 00:00:00 h t: x", Ctx(1835370000 + 86400)).time_unix_ns / kNs,
            int64_t{1835370000});
  // The zone matters for the year: 2026-12-31 20:00 UTC is already 2027 at +07:00.
  EXPECT_EQ(MustParse("<13>Jan  1 03:00:00 h t: x", Ctx(1798747200)).time_unix_ns / kNs,
            int64_t{1798747200});
  // A stamp with a year is taken as written.
  EXPECT_FALSE(MustParse("<13>Dec 31 2020 00:00:00 h t: x").time_year_inferred);
}

TEST(SyslogRfc3164Test, Zones) {
  EXPECT_EQ(MustParse("<13>Nov 21 05:00:01 h t: x", Ctx(kNov21, 0)).time_unix_ns, kNov21 * kNs);
  EXPECT_EQ(MustParse("<13>Nov 21 00:00:01 h t: x", Ctx(kNov21, -5 * 3600)).time_unix_ns,
            kNov21 * kNs);
  EXPECT_EQ(MustParse("<13>2026-11-21T12:00:01 h t: x", Ctx(kNov21, 0)).time_unix_ns,
            (kNov21 + int64_t{7} * 3600) * kNs);
  EXPECT_EQ(MustParse("<13>2026-11-21T12:00:01+07:00 h t: x", Ctx(kNov21, 0)).time_unix_ns,
            kNov21 * kNs);
}

TEST(SyslogRfc3164Test, BadStamps) {
  for (const std::string_view text :
       {"<13>Nov 31 12:00:01 h t: x", "<13>Nov 21 25:00:01 h t: x", "<13>Nov 21 12:00 h t: x",
        "<13>Nov 123 12:00:01 h", "<13>Nov 21 12:00:01x h", "<13>Feb 30 2026 12:00:01 h",
        "<13>2026-11-21T12:00:01+0760 h", "<13>2026-02-30T00:00:00Z h",
        "<13>2026-11-21T12:00:01Zjunk h", "<13>1969-12-31T23:59:59Z h",
        "<13>Jan  1 2300 00:00:00 h", "Nov 21 12:0:01 h"}) {
    const Status status = MustFail(text);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(status.where(), "timestamp") << text;
  }
}

TEST(SyslogTest, PriErrors) {
  for (const std::string_view text :
       {"<>x", "<1a>x", "<192>x", "<999>x", "<0013>x", "<13", "<", "<-1>x", "< 13>x"}) {
    const Status status = MustFail(text);
    EXPECT_EQ(status.where(), "pri") << text;
  }
  // Leniency: leading zeros within three digits.
  EXPECT_EQ(MustParse("<013>x").severity, 5);
  EXPECT_EQ(MustParse("<013>x").facility, 1);
}

TEST(SyslogTest, EmptyIsAnError) {
  for (const std::string_view text : {"", "\n", "\r\n", "\0"}) {
    EXPECT_EQ(MustFail(std::string(text.data(), text == "\0" ? 1 : text.size())).where(),
              "message");
  }
}

TEST(SyslogTest, ErrorsQuoteAtMost64Bytes) {
  const std::string big(100000, 'x');
  for (const std::string& text :
       {"<14>1 - " + big, "<14>1 " + big + " h", "<" + big, "<14>1 - h a p m [" + big,
        "<14>1 - h a p m [x a=\"" + big, "<13>Nov 21 12:00:01" + big}) {
    const Status status = MustFail(text);
    EXPECT_LT(status.message().size(), 300u) << status.ToString().substr(0, 400);
  }
}

TEST(SyslogTest, NamesOfFormats) {
  EXPECT_EQ(SyslogFormatName(SyslogFormat::kRfc5424), "rfc5424");
  EXPECT_EQ(SyslogFormatName(SyslogFormat::kRfc3164), "rfc3164");
  EXPECT_EQ(SyslogFormatName(SyslogFormat::kUnknown), "unknown");
}

TEST(SyslogTest, DefaultClockGivesAYear) {
  SyslogContext ctx;  // now_unix_seconds = 0: the clock
  auto m = ParseSyslog("<13>Jun  1 00:00:00 h t: x", ctx);
  ASSERT_TRUE(m.ok());
  EXPECT_GT(m->time_unix_ns, 0);
}

void CheckInvariants(const Result<SyslogMessage>& m) {
  if (!m.ok()) {
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
    EXPECT_FALSE(m.status().where().empty());
    return;
  }
  EXPECT_GE(m->severity, 0);
  EXPECT_LE(m->severity, 7);
  EXPECT_GE(m->facility, 0);
  EXPECT_LE(m->facility, 23);
  EXPECT_GE(m->time_unix_ns, 0);
  for (const std::string* s :
       {&m->timestamp, &m->hostname, &m->app_name, &m->procid, &m->msgid, &m->message}) {
    EXPECT_TRUE(IsValidUtf8(*s));
  }
  EXPECT_EQ(m->message.find('\0'), std::string::npos);
  for (const auto& e : m->structured_data) {
    EXPECT_TRUE(IsValidUtf8(e.id));
    for (const auto& p : e.params) EXPECT_TRUE(IsValidUtf8(p.value));
  }
}

TEST(SyslogTest, TruncationsAndGarbage) {
  const std::vector<std::string> samples = {
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 "
      "iut=\"3\" eventSource=\"App\\\"lication\" eventID=\"1011\"] \xEF\xBB\xBFmsg",
      "<34>Oct 11 22:14:15 mymachine su[12]: 'su root' failed",
      "<189>123: *Nov 21 12:00:01.5 UTC: %SYS-5-CONFIG_I: Configured",
      "<13>2026-11-21T12:00:01.123456+07:00 h t[1]: iso"};
  for (const auto& sample : samples) {
    for (size_t n = 0; n <= sample.size(); ++n) {
      CheckInvariants(ParseSyslog(std::string_view(sample).substr(0, n), Ctx()));
    }
  }
  std::mt19937 rng(42);
  for (int round = 0; round < 20000; ++round) {
    std::string text = samples[round % samples.size()];
    for (int k = 0; k < 3; ++k) {
      text[rng() % text.size()] = static_cast<char>(rng() % 256);
    }
    CheckInvariants(ParseSyslog(text, Ctx()));
    std::string garbage(rng() % 64, '\0');
    for (char& c : garbage) c = static_cast<char>(rng() % 256);
    CheckInvariants(ParseSyslog(garbage, Ctx()));
  }
}

TEST(SyslogTest, HugeMessagesAreLinear) {
  const std::string body(4 << 20, 'a');
  const auto m5424 = MustParse("<14>1 - h a - - [x a=\"" + body + "\"] " + body);
  EXPECT_EQ(m5424.message.size(), body.size());
  EXPECT_EQ(m5424.structured_data[0].params[0].value.size(), body.size());
  const auto bsd = MustParse("<13>Nov 21 12:00:01 h t: " + body);
  EXPECT_EQ(bsd.message.size(), body.size());
  const std::string bad(4 << 20, '\xFF');
  EXPECT_EQ(MustParse(bad).message.size(), bad.size() * 3);
  const std::string nuls(1 << 20, '\0');
  EXPECT_EQ(MustParse("x" + nuls + "x").message.size(), nuls.size() * 3 + 2);
}

TEST(SyslogReuseTest, AReusedMessageParsesAsAFreshOne) {
  // Each kind of field set by one message and absent from the next, in both orders.
  const std::vector<std::string> inputs = {
      "<165>1 2026-11-21T10:00:00.123+07:00 web01 app 4242 ID47 [ex@32473 a=\"1\" b=\"\\]\"] "
      "\xEF\xBB\xBF"
      "body \xff",
      "<13>Nov 21 10:00:01 db02 sshd[77]: Failed password",
      "123: *Nov 21 10:00:02: %SYS-5-CONFIG_I: Configured",
      "plain text without a header",
      "<34>1 - - - - - -",
      "",
      "<999>broken",
      "<38>Nov 21 10:00:03 cron: (root) CMD (true)",
  };
  SyslogMessage reused;
  for (size_t round = 0; round < 2; ++round) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      const std::string& input = inputs[round == 0 ? i : inputs.size() - 1 - i];
      SCOPED_TRACE(input);
      Result<SyslogMessage> fresh = ParseSyslog(input, Ctx());
      Status status = ParseSyslog(input, Ctx(), &reused);
      ASSERT_EQ(status.ok(), fresh.ok());
      if (fresh.ok()) {
        EXPECT_TRUE(reused == *fresh) << reused.hostname << "|" << reused.message;
      } else {
        EXPECT_EQ(status.where(), fresh.status().where());
      }
    }
  }
}

}  // namespace
}  // namespace vigil::logs
