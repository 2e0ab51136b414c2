// SyslogFrameDecoder: octet counting and non-transparent framing (RFC 6587), mixed on one
// stream, split at every byte, limits, bad length prefixes, end of stream.
#include "logs/syslog_framing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "logs/syslog.h"

namespace vigil::logs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::string_literals;

// A frame as a comparable value: "O:" (octet counting) or "L:" / "T:" (non-transparent, T when
// truncated) followed by the bytes.
using Frames = std::vector<std::string>;

std::string Describe(const SyslogFrame& f) {
  const char* kind = f.framing == SyslogFraming::kOctetCounting ? "O:" : f.truncated ? "T:" : "L:";
  return kind + std::string(f.data);
}

struct Decoded {
  Frames frames;
  Status status;  // of the first failing call, or of Finish
};

// Feeds `stream` in pieces of the given sizes (the rest as one last piece), then Finish.
Decoded Decode(std::string_view stream, const std::vector<size_t>& pieces, size_t max_frame,
               bool finish = true) {
  SyslogFrameDecoder decoder(max_frame);
  Decoded out;
  const auto collect = [&](const SyslogFrame& f) { out.frames.push_back(Describe(f)); };
  size_t pos = 0;
  for (size_t piece : pieces) {
    piece = std::min(piece, stream.size() - pos);
    out.status = decoder.Feed(stream.substr(pos, piece), collect);
    pos += piece;
    if (!out.status.ok()) return out;
  }
  out.status = decoder.Feed(stream.substr(pos), collect);
  if (!out.status.ok()) return out;
  if (finish) out.status = decoder.Finish(collect);
  return out;
}

Decoded Whole(std::string_view stream, size_t max_frame = size_t{64} * 1024) {
  return Decode(stream, {}, max_frame);
}

Decoded ByteByByte(std::string_view stream, size_t max_frame = size_t{64} * 1024) {
  return Decode(stream, std::vector<size_t>(stream.size(), 1), max_frame);
}

void ExpectSame(const Decoded& a, const Decoded& b, std::string_view what) {
  EXPECT_EQ(a.frames, b.frames) << what;
  EXPECT_EQ(a.status.code(), b.status.code()) << what;
  EXPECT_EQ(a.status.message(), b.status.message()) << what;
  EXPECT_EQ(a.status.where(), b.status.where()) << what;
}

TEST(SyslogFramingTest, OctetCounting) {
  const auto d = Whole("11 <13>1 - - x5 hello3 a\nb");
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_THAT(d.frames, ElementsAre("O:<13>1 - - x", "O:hello", "O:a\nb"));
}

TEST(SyslogFramingTest, NonTransparent) {
  const auto d = Whole("<13>one\n<13>two\r\n\n\r\n<13>three\0<13>four\r\r\n<13>last"s);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_THAT(d.frames,
              ElementsAre("L:<13>one", "L:<13>two", "L:<13>three", "L:<13>four", "L:<13>last"));
}

TEST(SyslogFramingTest, MixedFramingOnOneStream) {
  // rsyslog decides per frame; a LF after an octet-counted frame is an empty frame (skipped).
  const auto d = Whole("5 hello\n<13>lf\n3 abc<14>x\n13 <13>1 - - - -");
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_THAT(d.frames, ElementsAre("O:hello", "L:<13>lf", "O:abc", "L:<14>x", "O:<13>1 - - - -"));
}

TEST(SyslogFramingTest, EverySplitGivesTheSameFrames) {
  const std::string stream = "11 <13>1 - - x<13>one\r\n\n5 hello\0<13>two\n3 a\nb<13>unterminated"s;
  const auto whole = Whole(stream);
  ASSERT_TRUE(whole.status.ok());
  ASSERT_EQ(whole.frames.size(), 6u);
  ExpectSame(whole, ByteByByte(stream), "byte by byte");
  for (size_t i = 0; i <= stream.size(); ++i) {
    for (size_t j = 0; i + j <= stream.size(); j += 3) {
      ExpectSame(whole, Decode(stream, {i, j}, size_t{64} * 1024),
                 std::to_string(i) + "+" + std::to_string(j));
    }
  }
}

TEST(SyslogFramingTest, RandomSplitsWithLimitsAndErrors) {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {
      "5 hello", "<13>line\n", "\r\n",  "\0"s, "3 ab\n", "<13>longer line that may be cut\n",
      "007 x",   "12x ",       "99999 "};
  for (int round = 0; round < 3000; ++round) {
    std::string stream;
    const int parts = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < parts; ++k) stream += pieces[rng() % pieces.size()];
    const size_t max_frame = 1 + rng() % 24;
    const auto whole = Whole(stream, max_frame);
    std::vector<size_t> split;
    for (size_t left = stream.size(); left > 0;) {
      const size_t n = 1 + rng() % 5;
      split.push_back(n);
      left -= std::min(n, left);
    }
    ExpectSame(whole, Decode(stream, split, max_frame), stream);
    ExpectSame(whole, ByteByByte(stream, max_frame), stream);
  }
}

TEST(SyslogFramingTest, OctetFrameOverTheLimitIsAnError) {
  const auto d = Whole("5 hello70000 xxxx", size_t{64} * 1024);
  EXPECT_THAT(d.frames, ElementsAre("O:hello"));
  EXPECT_EQ(d.status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(d.status.where(), "frame length");
  // Known as soon as the digits say so, before the data arrives.
  SyslogFrameDecoder decoder(100);
  const auto ignore = [](const SyslogFrame&) {};
  EXPECT_TRUE(decoder.Feed("10", ignore).ok());
  EXPECT_EQ(decoder.Feed("1", ignore).code(), StatusCode::kResourceExhausted);
  // Exactly at the limit is fine.
  EXPECT_THAT(Whole("5 hello", 5).frames, ElementsAre("O:hello"));
  EXPECT_EQ(Whole("6 hello!", 5).status.code(), StatusCode::kResourceExhausted);
}

TEST(SyslogFramingTest, BadLengthPrefixes) {
  for (const std::string_view stream :
       {"05 hello", "0 ", "12a hello", "1\n", "5\thello", "1-2 x",
        "123456789012345678901234567890 x", "18446744073709551617 x"}) {
    const auto d = Whole(stream);
    EXPECT_FALSE(d.status.ok()) << stream;
    EXPECT_EQ(d.status.where(), "frame length") << stream;
    EXPECT_TRUE(d.frames.empty()) << stream;
    ExpectSame(d, ByteByByte(stream), stream);
  }
  EXPECT_THAT(Whole("05 x").status.message(), HasSubstr("'0'"));
  EXPECT_THAT(Whole("12a x").status.message(), HasSubstr("'a'"));
  EXPECT_THAT(Whole("1\x01 x").status.message(), HasSubstr("0x01"));
  EXPECT_EQ(Whole("123456789012345678901234567890 x").status.code(),
            StatusCode::kResourceExhausted);
}

TEST(SyslogFramingTest, ErrorsAreSticky) {
  SyslogFrameDecoder decoder;
  Frames frames;
  const auto collect = [&](const SyslogFrame& f) { frames.push_back(Describe(f)); };
  EXPECT_FALSE(decoder.Feed("0x", collect).ok());
  EXPECT_FALSE(decoder.Feed("<13>fine\n", collect).ok());
  EXPECT_FALSE(decoder.Finish(collect).ok());
  EXPECT_TRUE(frames.empty());
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(SyslogFramingTest, LongLinesAreTruncatedAndTheStreamGoesOn) {
  const std::string long_line = "<13>" + std::string(100, 'x');
  const std::string stream = long_line + "\n<13>ok\n" + long_line + "\r\n" + long_line;
  const auto d = Whole(stream, 20);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  const std::string head = "T:" + long_line.substr(0, 20);
  EXPECT_THAT(d.frames, ElementsAre(head, "L:<13>ok", head, head));
  ExpectSame(d, ByteByByte(stream, 20), "byte by byte");

  // Exactly max_frame bytes before the terminator is not truncated; a CR counts before trimming.
  EXPECT_THAT(Whole("abcde\n", 5).frames, ElementsAre("L:abcde"));
  EXPECT_THAT(Whole("abcde\r\n", 5).frames, ElementsAre("T:abcde"));
  EXPECT_THAT(Whole("abcdef", 5).frames, ElementsAre("T:abcde"));

  SyslogFrameDecoder decoder(20);
  uint64_t count = 0;
  EXPECT_TRUE(decoder.Feed(stream, [&](const SyslogFrame&) { ++count; }).ok());
  EXPECT_EQ(decoder.truncated_frames(), 3u);
  EXPECT_LE(decoder.buffered(), 20u);
}

TEST(SyslogFramingTest, HugeStreamsStayBounded) {
  SyslogFrameDecoder decoder(size_t{64} * 1024);
  size_t frames = 0;
  size_t bytes = 0;
  const auto count = [&](const SyslogFrame& f) {
    ++frames;
    bytes += f.data.size();
  };
  const std::string chunk(1 << 20, 'a');  // one 16 MB line without LF, fed in 1 MB chunks
  for (int i = 0; i < 16; ++i) {
    ASSERT_TRUE(decoder.Feed(chunk, count).ok());
    EXPECT_LE(decoder.buffered(), 64u * 1024);
  }
  ASSERT_TRUE(decoder.Feed("\n65536 ", count).ok());
  ASSERT_TRUE(decoder.Feed(std::string(65536, 'b'), count).ok());
  EXPECT_EQ(frames, 2u);
  EXPECT_EQ(bytes, 2u * 65536);
}

TEST(SyslogFramingTest, FinishFlushesOrComplains) {
  EXPECT_THAT(Whole("<13>no newline").frames, ElementsAre("L:<13>no newline"));
  EXPECT_THAT(Whole("<13>no newline\r").frames, ElementsAre("L:<13>no newline"));
  EXPECT_TRUE(Whole("").frames.empty());
  EXPECT_TRUE(Whole("\n\r\n").frames.empty());

  for (const std::string_view stream : {"12", "12 <13>", "5 abc"}) {
    const auto d = Whole(stream);
    EXPECT_EQ(d.status.code(), StatusCode::kInvalidArgument) << stream;
    EXPECT_EQ(d.status.where(), "frame length") << stream;
  }
  // Without Finish, a partial frame waits; Finish resets for the next stream.
  SyslogFrameDecoder decoder;
  Frames frames;
  const auto collect = [&](const SyslogFrame& f) { frames.push_back(Describe(f)); };
  ASSERT_TRUE(decoder.Feed("<13>par", collect).ok());
  EXPECT_TRUE(frames.empty());
  EXPECT_EQ(decoder.buffered(), 7u);
  ASSERT_TRUE(decoder.Finish(collect).ok());
  ASSERT_TRUE(decoder.Feed("3 abc", collect).ok());
  EXPECT_THAT(frames, ElementsAre("L:<13>par", "O:abc"));
}

TEST(SyslogFramingTest, WholeFramesAreNotCopied) {
  const std::string input = "5 hello<13>line\n";
  SyslogFrameDecoder decoder;
  std::vector<const char*> starts;
  ASSERT_TRUE(
      decoder.Feed(input, [&](const SyslogFrame& f) { starts.push_back(f.data.data()); }).ok());
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0], input.data() + 2);
  EXPECT_EQ(starts[1], input.data() + 7);
}

TEST(SyslogFramingTest, FramesParseAsSyslog) {
  // What the server does per connection: frames to ParseSyslog.
  const std::string stream =
      "53 <165>1 2026-11-21T12:00:01Z h app - - [x a=\"1\"] first"
      "<13>Nov 21 12:00:01 host sshd[7]: second\r\n"
      "<14>1 - h app - - - third\n";
  SyslogFrameDecoder decoder;
  std::vector<std::string> messages;
  const auto parse = [&](const SyslogFrame& frame) {
    SyslogContext ctx;
    ctx.now_unix_seconds = 1795237201;
    auto m = ParseSyslog(frame.data, ctx);
    messages.push_back(m.ok() ? m->message : m.status().ToString());
  };
  ASSERT_TRUE(decoder.Feed(stream, parse).ok());
  ASSERT_TRUE(decoder.Finish(parse).ok());
  EXPECT_THAT(messages, ElementsAre("first", "second", "third"));
}

TEST(SyslogFramingTest, ZeroLimitMeansOne) {
  SyslogFrameDecoder decoder(0);
  EXPECT_EQ(decoder.max_frame(), 1u);
  EXPECT_THAT(Whole("1 x", 0).frames, ElementsAre("O:x"));
}

}  // namespace
}  // namespace vigil::logs
