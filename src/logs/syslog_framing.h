// Syslog over a byte stream (TCP, TLS): splits the stream into messages as RFC 6587 frames them.
//
// Each frame is told apart by its first byte, as rsyslog does: a digit starts octet counting
// ("LEN SP MSG", LEN a decimal without leading zeros), anything else a non-transparent frame
// that runs to LF (also to NUL; a CR before the terminator is dropped, so CRLF works). Frames of
// both kinds may follow each other on one connection. Empty non-transparent frames (blank lines,
// a LF after an octet-counted frame) are skipped.
//
// Limits: an octet-counted frame longer than max_frame is an error (the stream cannot be
// resynchronised, so the connection should be closed). A non-transparent frame longer than
// max_frame is delivered truncated to its first max_frame bytes with `truncated` set, and the
// rest up to its terminator is discarded; the stream goes on. Memory held is at most max_frame
// plus a few bytes, whatever the input.
//
// Single-threaded (one decoder per connection); no exceptions; work linear in the bytes fed.
// Frames are handed to a callback as views that are valid only during the call: into the bytes
// passed to Feed when a frame lies whole inside them (no copy), else into the decoder's buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil::logs {

enum class SyslogFraming {
  kOctetCounting,   // RFC 6587 section 3.4.1
  kNonTransparent,  // section 3.4.2: LF (or NUL) terminated
};

struct SyslogFrame {
  std::string_view data;  // the message without framing (no length prefix, no terminator, no CR)
  SyslogFraming framing = SyslogFraming::kNonTransparent;
  bool truncated = false;  // a non-transparent frame cut at max_frame bytes
};

class SyslogFrameDecoder {
 public:
  using FrameCallback = std::function<void(const SyslogFrame&)>;

  // max_frame: the largest message accepted, in bytes (at least 1; 0 is taken as 1).
  explicit SyslogFrameDecoder(size_t max_frame = size_t{64} * 1024);

  // Feeds bytes as they arrive; calls on_frame for every frame they complete, in order. Returns
  // an error when the stream is broken (kInvalidArgument where() "frame length" for a bad
  // length prefix: leading zero, a byte other than a digit or the space; kResourceExhausted for
  // an octet-counted frame over max_frame). Frames completed before the fault are still
  // delivered; after an error every call returns it again and nothing more is delivered. The
  // callback must not call back into the decoder.
  Status Feed(std::string_view bytes, const FrameCallback& on_frame);

  // End of stream: delivers a final non-transparent frame that had no terminator. An error
  // (kInvalidArgument, where() "frame length") when the stream ends inside an octet-counted
  // frame or its length prefix. The decoder is then reset for a new stream (unless broken).
  Status Finish(const FrameCallback& on_frame);

  // Bytes held for an incomplete frame.
  size_t buffered() const { return buffer_.size(); }
  // Non-transparent frames delivered truncated so far.
  uint64_t truncated_frames() const { return truncated_frames_; }
  size_t max_frame() const { return max_frame_; }

 private:
  enum class State {
    kFrameStart,  // between frames
    kLength,      // reading the digits of an octet count
    kOctets,      // reading `remaining_` bytes of an octet-counted frame
    kLine,        // reading a non-transparent frame up to its terminator
    kDiscard,     // skipping the rest of a truncated non-transparent frame
  };

  void DeliverLine(std::string_view data, bool truncated, const FrameCallback& on_frame);
  Status Fail(Status status);

  size_t max_frame_;
  State state_ = State::kFrameStart;
  size_t length_ = 0;     // the octet count read so far / announced
  size_t remaining_ = 0;  // bytes still missing from an octet-counted frame
  std::string buffer_;    // the incomplete frame
  Status error_;          // sticky once the stream is broken
  uint64_t truncated_frames_ = 0;
};

}  // namespace vigil::logs
