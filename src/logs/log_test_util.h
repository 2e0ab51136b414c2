// Helpers for the src/logs tests (test binaries only).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/ip.h"
#include "logs/log_record.h"

namespace vigil::logs::testing {

// 2026-11-21 12:00:01 at +07:00, the moment most sample lines are stamped with.
inline constexpr int64_t kNov21 = 1795237201;

inline IpAddress Ip(std::string_view text) {
  auto ip = ParseIp(text);
  EXPECT_TRUE(ip.ok()) << text;
  return ip.ok() ? *ip : IpAddress{};
}

// A context pinned to 2026 and +07:00, so stamps without a year are deterministic.
inline FileContext Ctx2026() {
  FileContext context;
  context.year = 2026;
  return context;
}

// Parses `line`, failing the test (and returning an empty record) if it does not parse.
inline LogRecord MustParse(LogFormat format, std::string_view line,
                           const FileContext& context = Ctx2026()) {
  auto record = ParseLine(format, line, context);
  EXPECT_TRUE(record.ok()) << LogFormatName(format) << ": " << record.status().ToString()
                           << "\n  line: " << line;
  return record.ok() ? *record : LogRecord{};
}

// The error for a line that must not parse; an OK status if it unexpectedly parsed.
inline Status MustFail(LogFormat format, std::string_view line,
                       const FileContext& context = Ctx2026()) {
  auto record = ParseLine(format, line, context);
  EXPECT_FALSE(record.ok()) << LogFormatName(format) << " parsed: " << line;
  return record.status();
}

inline std::string Str(const std::optional<IpAddress>& ip) { return ip ? FormatIp(*ip) : "-"; }

}  // namespace vigil::logs::testing
