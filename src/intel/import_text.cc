// Line formats: plain lists and FireHOL sets, Spamhaus DROP text and JSON lines.
#include <utility>

#include "core/text.h"
#include "intel/import_internal.h"

namespace vigil::intel::internal {
namespace {

constexpr size_t kReadBlock = 64 << 10;

// Drops a trailing CR and, on line 1, a UTF-8 BOM; cuts over-long lines.
std::string_view FinishLine(std::string_view line, int64_t number, bool* too_long) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  *too_long = line.size() > kMaxLineBytes;
  return *too_long ? line.substr(0, kMaxLineBytes) : line;
}

// The entry of a plain-list line: text before a '#' or ';' that starts the line or follows a
// space (so URLs keep their '#' and ';'), trimmed.
std::string_view StripComment(std::string_view line) {
  line = Trim(line);
  for (size_t i = 0; i < line.size(); ++i) {
    if ((line[i] == '#' || line[i] == ';') &&
        (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return Trim(line.substr(0, i));
    }
  }
  return line;
}

std::string TooLongReason() {
  return "line longer than " + std::to_string(kMaxLineBytes >> 20) + " MiB";
}

}  // namespace

bool BufferLineSource::Next(std::string_view* line, int64_t* number, bool* too_long) {
  if (pos_ >= data_.size()) return false;
  const size_t end = data_.find('\n', pos_);
  const size_t stop = end == std::string_view::npos ? data_.size() : end;
  std::string_view text = data_.substr(pos_, stop - pos_);
  pos_ = end == std::string_view::npos ? data_.size() : end + 1;
  *number = ++number_;
  *line = FinishLine(text, *number, too_long);
  return true;
}

bool StreamLineSource::Fill() {
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  const size_t old = buffer_.size();
  buffer_.resize(old + kReadBlock);
  in_->read(buffer_.data() + old, static_cast<std::streamsize>(kReadBlock));
  const auto got = static_cast<size_t>(in_->gcount());
  buffer_.resize(old + got);
  if (in_->bad()) {
    status_ = Internal("read error");
    eof_ = true;
  } else if (got == 0) {
    eof_ = true;
  }
  return got > 0;
}

bool StreamLineSource::Next(std::string_view* line, int64_t* number, bool* too_long) {
  while (true) {
    const size_t end = buffer_.find('\n', pos_);
    if (end != std::string::npos) {
      std::string_view text(buffer_.data() + pos_, end - pos_);
      pos_ = end + 1;
      *number = ++number_;
      *line = FinishLine(text, *number, too_long);
      return true;
    }
    if (buffer_.size() - pos_ > kMaxLineBytes + 1) {  // no line end in sight: cut and skip
      line_.assign(buffer_, pos_, kMaxLineBytes + 1);
      while (true) {
        const size_t skip = buffer_.find('\n', pos_);
        if (skip != std::string::npos) {
          pos_ = skip + 1;
          break;
        }
        buffer_.clear();
        pos_ = 0;
        if (eof_ || !Fill()) break;
      }
      *number = ++number_;
      *line = FinishLine(line_, *number, too_long);
      return true;
    }
    if (eof_) {
      if (pos_ >= buffer_.size()) return false;
      std::string_view text(buffer_.data() + pos_, buffer_.size() - pos_);
      pos_ = buffer_.size();
      *number = ++number_;
      *line = FinishLine(text, *number, too_long);
      return true;
    }
    Fill();
  }
}

Status ImportPlain(LineSource* lines, Collector* out) {
  std::string_view line;
  int64_t number = 0;
  bool too_long = false;
  while (!out->stopped() && lines->Next(&line, &number, &too_long)) {
    const std::string_view entry = StripComment(line);
    if (entry.empty()) continue;
    out->CountRecord();
    if (too_long) {
      out->Reject(number, "", TooLongReason());
      continue;
    }
    auto indicator = ParseIndicator(entry);
    if (!indicator.ok()) {
      out->Reject(number, "", indicator.status().message());
      continue;
    }
    out->Accept(std::move(*indicator));
  }
  return {};
}

Status ImportSpamhausDrop(LineSource* lines, Collector* out) {
  std::string_view line;
  int64_t number = 0;
  bool too_long = false;
  while (!out->stopped() && lines->Next(&line, &number, &too_long)) {
    line = Trim(line);
    if (line.empty() || line.starts_with(';') || line.starts_with('#')) continue;
    out->CountRecord();
    if (too_long) {
      out->Reject(number, "", TooLongReason());
      continue;
    }
    const size_t semicolon = line.find(';');
    const std::string_view network = line.substr(0, semicolon);
    auto indicator = ParseAddress(network);
    if (!indicator.ok()) {
      out->Reject(number, "cidr", indicator.status().message());
      continue;
    }
    if (semicolon != std::string_view::npos) {
      std::string_view sbl = Trim(line.substr(semicolon + 1));
      sbl = sbl.substr(0, sbl.find_first_of(" \t;#"));
      AddTag(&indicator->tags, sbl);
    }
    out->Accept(std::move(*indicator));
  }
  return {};
}

Status ImportSpamhausDropJson(LineSource* lines, Collector* out) {
  std::string_view line;
  int64_t number = 0;
  bool too_long = false;
  while (!out->stopped() && lines->Next(&line, &number, &too_long)) {
    line = Trim(line);
    if (line.empty()) continue;
    if (too_long) {
      out->CountRecord();
      out->Reject(number, "", TooLongReason());
      continue;
    }
    auto json = ParseJson(line);
    if (json.ok() && StringMember(*json, "type") == "metadata") continue;
    out->CountRecord();
    if (!json.ok()) {
      out->Reject(number, "", json.status().message());
      continue;
    }
    const std::optional<std::string> cidr = StringMember(*json, "cidr");
    if (!cidr) {
      out->Reject(number, "cidr", "expected an object with a \"cidr\" string");
      continue;
    }
    auto indicator = ParseAddress(*cidr);
    if (!indicator.ok()) {
      out->Reject(number, "cidr", indicator.status().message());
      continue;
    }
    if (auto sbl = StringMember(*json, "sblid")) AddTag(&indicator->tags, *sbl);
    out->Accept(std::move(*indicator));
  }
  return {};
}

}  // namespace vigil::intel::internal
