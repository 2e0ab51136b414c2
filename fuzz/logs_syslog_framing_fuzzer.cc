// Fuzzes SyslogFrameDecoder: the first bytes choose max_frame and a split pattern, the rest is
// the stream. Fed whole, fed in the chosen pieces and fed byte by byte, the decoder must deliver
// the same frames (bytes, framing, truncation) and end with the same status; frames are never
// longer than max_frame, non-transparent ones hold no terminator and do not end in CR, an error
// is kInvalidArgument or kResourceExhausted at "frame length", and the buffer stays bounded.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "logs/syslog_framing.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

struct Outcome {
  std::vector<std::string> frames;
  vigil::StatusCode code = vigil::StatusCode::kOk;
  std::string message;
};

Outcome Run(std::string_view stream, size_t max_frame, std::string_view splits) {
  vigil::logs::SyslogFrameDecoder decoder(max_frame);
  Outcome out;
  const auto collect = [&](const vigil::logs::SyslogFrame& f) {
    Check(f.data.size() <= max_frame);
    if (f.framing == vigil::logs::SyslogFraming::kNonTransparent) {
      Check(f.data.find('\n') == std::string_view::npos);
      Check(f.data.find('\0') == std::string_view::npos);
      Check(f.data.empty() ? f.truncated : f.data.back() != '\r');
    } else {
      Check(!f.truncated && !f.data.empty());
    }
    std::string tag = f.framing == vigil::logs::SyslogFraming::kOctetCounting ? "O"
                      : f.truncated                                           ? "T"
                                                                              : "L";
    out.frames.push_back(tag + std::string(f.data));
  };
  vigil::Status status;
  size_t pos = 0;
  size_t k = 0;
  while (status.ok() && pos < stream.size()) {
    // Piece sizes from the split pattern (1-16 bytes each); the whole stream when empty.
    size_t n = stream.size() - pos;
    if (!splits.empty())
      n = std::min<size_t>(n, 1 + static_cast<uint8_t>(splits[k++ % splits.size()]) % 16);
    status = decoder.Feed(stream.substr(pos, n), collect);
    Check(decoder.buffered() <= max_frame + 1);
    pos += n;
  }
  if (status.ok()) status = decoder.Finish(collect);
  if (!status.ok()) {
    Check(status.code() == vigil::StatusCode::kInvalidArgument ||
          status.code() == vigil::StatusCode::kResourceExhausted);
    Check(status.where() == "frame length");
  }
  out.code = status.code();
  out.message = status.message();
  return out;
}

void CheckSame(const Outcome& a, const Outcome& b) {
  Check(a.frames == b.frames && a.code == b.code && a.message == b.message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t max_frame = data[0] < 128 ? size_t{1} + data[0] : size_t{64} * 1024;
  const size_t split_len = std::min<size_t>(data[1] % 8, size - 2);
  const std::string_view splits = input.substr(2, split_len);
  const std::string_view stream = input.substr(2 + split_len);
  const Outcome whole = Run(stream, max_frame, {});
  CheckSame(whole, Run(stream, max_frame, splits.empty() ? std::string_view("\x00", 1) : splits));
  CheckSame(whole, Run(stream, max_frame, std::string_view("\x00", 1)));  // byte by byte
  return 0;
}
