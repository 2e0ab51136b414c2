#include "logs/syslog_framing.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "core/text.h"

namespace vigil::logs {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status LengthError(std::string reason) {
  return InvalidArgument(std::move(reason), "frame length");
}

std::string ByteName(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b >= 0x21 && b < 0x7f) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[b >> 4] + kHex[b & 0xf];
}

}  // namespace

SyslogFrameDecoder::SyslogFrameDecoder(size_t max_frame)
    : max_frame_(std::clamp<size_t>(max_frame, 1, SIZE_MAX / 16)) {}

Status SyslogFrameDecoder::Fail(Status status) {
  error_ = std::move(status);
  buffer_.clear();
  buffer_.shrink_to_fit();
  return error_;
}

void SyslogFrameDecoder::DeliverLine(std::string_view data, bool truncated,
                                     const FrameCallback& on_frame) {
  while (!data.empty() && data.back() == '\r') data.remove_suffix(1);
  if (truncated) ++truncated_frames_;
  if (data.empty() && !truncated) return;  // blank line, or the LF after an octet-counted frame
  on_frame(SyslogFrame{data, SyslogFraming::kNonTransparent, truncated});
}

Status SyslogFrameDecoder::Feed(std::string_view in, const FrameCallback& on_frame) {
  if (!error_.ok()) return error_;
  size_t i = 0;
  while (i < in.size()) {
    switch (state_) {
      case State::kFrameStart: {
        const char c = in[i];
        if (!IsDigit(c)) {
          state_ = State::kLine;  // the byte belongs to the frame
          break;
        }
        if (c == '0') return Fail(LengthError("octet count starts with '0'"));
        length_ = static_cast<size_t>(c - '0');
        ++i;
        state_ = State::kLength;
        if (length_ > max_frame_) {
          return Fail(Status(StatusCode::kResourceExhausted,
                             "octet-counted frame of " + std::to_string(length_) +
                                 " bytes is over the limit of " + std::to_string(max_frame_),
                             "frame length"));
        }
        break;
      }
      case State::kLength: {
        const char c = in[i];
        if (c == ' ') {
          ++i;
          remaining_ = length_;
          state_ = State::kOctets;
          break;
        }
        if (!IsDigit(c)) {
          return Fail(LengthError("expected a digit or a space after octet count " +
                                  std::to_string(length_) + ", got " + ByteName(c)));
        }
        const auto digit = static_cast<size_t>(c - '0');
        ++i;
        if (length_ > max_frame_ / 10 || length_ * 10 + digit > max_frame_) {
          return Fail(Status(StatusCode::kResourceExhausted,
                             "octet count " + std::to_string(length_) + std::string(1, c) +
                                 "... is over the limit of " + std::to_string(max_frame_),
                             "frame length"));
        }
        length_ = length_ * 10 + digit;
        break;
      }
      case State::kOctets: {
        const size_t available = in.size() - i;
        if (buffer_.empty() && available >= remaining_) {  // whole frame in the input: no copy
          on_frame(SyslogFrame{in.substr(i, remaining_), SyslogFraming::kOctetCounting, false});
          i += remaining_;
        } else {
          const size_t take = std::min(available, remaining_);
          buffer_.append(in.substr(i, take));
          i += take;
          remaining_ -= take;
          if (remaining_ > 0) break;
          on_frame(SyslogFrame{buffer_, SyslogFraming::kOctetCounting, false});
          buffer_.clear();
        }
        remaining_ = 0;
        state_ = State::kFrameStart;
        break;
      }
      case State::kLine: {
        const std::string_view rest = in.substr(i);
        const size_t end = FindEither(rest, '\n', '\0');
        const size_t chunk = end == std::string_view::npos ? rest.size() : end;
        if (buffer_.size() + chunk > max_frame_) {  // too long: deliver the head, drop the rest
          const size_t take = max_frame_ - buffer_.size();
          if (buffer_.empty()) {
            DeliverLine(rest.substr(0, take), true, on_frame);
          } else {
            buffer_.append(rest.substr(0, take));
            DeliverLine(buffer_, true, on_frame);
            buffer_.clear();
          }
          if (end == std::string_view::npos) {
            state_ = State::kDiscard;
            i = in.size();
          } else {
            state_ = State::kFrameStart;
            i += end + 1;
          }
        } else if (end == std::string_view::npos) {
          buffer_.append(rest);
          i = in.size();
        } else {
          if (buffer_.empty()) {
            DeliverLine(rest.substr(0, end), false, on_frame);
          } else {
            buffer_.append(rest.substr(0, end));
            DeliverLine(buffer_, false, on_frame);
            buffer_.clear();
          }
          state_ = State::kFrameStart;
          i += end + 1;
        }
        break;
      }
      case State::kDiscard: {
        const size_t end = FindEither(in, '\n', '\0', i);
        if (end == std::string_view::npos) {
          i = in.size();
        } else {
          i = end + 1;
          state_ = State::kFrameStart;
        }
        break;
      }
    }
  }
  return Status::Ok();
}

Status SyslogFrameDecoder::Finish(const FrameCallback& on_frame) {
  if (!error_.ok()) return error_;
  switch (state_) {
    case State::kLength:
      return Fail(LengthError("stream ended inside the octet count " + std::to_string(length_)));
    case State::kOctets:
      return Fail(LengthError("stream ended " + std::to_string(remaining_) +
                              " bytes before the end of an octet-counted frame of " +
                              std::to_string(length_)));
    case State::kLine:
      DeliverLine(buffer_, false, on_frame);
      break;
    case State::kFrameStart:
    case State::kDiscard:
      break;
  }
  buffer_.clear();
  state_ = State::kFrameStart;
  length_ = 0;
  remaining_ = 0;
  return Status::Ok();
}

}  // namespace vigil::logs
