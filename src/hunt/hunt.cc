#include "hunt/hunt.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <future>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/text.h"
#include "core/time.h"
#include "hunt/block_scan.h"
#include "hunt/input.h"

namespace vigil::hunt {
namespace {

using Json = nlohmann::ordered_json;

// Which field of the record holds `ip`, if any.
std::string_view FieldOf(const logs::LogRecord& record, const std::optional<IpAddress>& ip) {
  if (!ip) return {};
  if (record.src == ip) return "src";
  if (record.dst == ip) return "dst";
  if (record.nat_src == ip) return "nat_src";
  if (record.nat_dst == ip) return "nat_dst";
  return {};
}

void PutAddress(Json* json, const char* key, const std::optional<IpAddress>& ip,
                const char* port_key, int port) {
  if (ip) (*json)[key] = FormatIp(*ip);
  if (port > 0) (*json)[port_key] = port;
}

std::string JsonTail(const Json& json) {
  std::string text = json.dump(-1, ' ', false, Json::error_handler_t::replace);
  return text.substr(1);  // without '{': the caller writes "file" and "line" first
}

}  // namespace

struct Hunter::BlockResult {
  Block block;  // keeps streamed bytes alive until emitted
  uint64_t lines = 0;
  struct Line {
    uint64_t index = 0;              // 0-based within the block
    std::string_view text;           // kLines
    std::vector<std::string> tails;  // kJsonl: each match's JSON without the leading '{'
  };
  std::vector<Line> matched;
  uint64_t matches = 0, malformed = 0, filtered = 0;
};

Hunter::Hunter(const intel::IndicatorSet& set, HuntOptions options, std::FILE* out)
    : set_(set), options_(options), out_(out) {}

Hunter::BlockResult Hunter::ScanBlock(std::string_view text, logs::LogFormat format,
                                      const logs::FileContext& context) const {
  BlockResult result;
  const bool filter = options_.since != 0 || options_.until != 0;
  const bool json = options_.output == OutputMode::kJsonl;
  for (const MatchedLine& line : FindMatchedLines(text, set_, &result.lines)) {
    // Parse the line once for all its matches, when the output or the filter needs it.
    std::optional<logs::LogRecord> record;
    std::string parse_error;
    if ((json || filter) && format != logs::LogFormat::kGeneric) {
      auto parsed = logs::ParseLine(format, line.text, context);
      if (parsed.ok()) {
        record = std::move(parsed.value());
      } else {
        const Status& error = parsed.status();
        parse_error =
            error.where().empty() ? error.message() : error.where() + ": " + error.message();
        ++result.malformed;
      }
    }
    if (filter && record && record->time != 0 &&
        ((options_.since != 0 && record->time < options_.since) ||
         (options_.until != 0 && record->time > options_.until))) {
      result.filtered += line.found.size();
      continue;
    }
    result.matches += line.found.size();
    BlockResult::Line out;
    out.index = line.index;
    out.text = line.text;
    if (json) {
      for (const Found& match : line.found) {
        out.tails.push_back(JsonTail(MatchJson(text.substr(match.begin, match.end - match.begin),
                                               match.indicator, format, record, parse_error)));
      }
    }
    result.matched.push_back(std::move(out));
  }
  return result;
}

Json Hunter::MatchJson(std::string_view value, intel::IndicatorRef indicator,
                       logs::LogFormat format, const std::optional<logs::LogRecord>& record,
                       const std::string& parse_error) const {
  Json object;
  std::optional<IpAddress> ip;
  const intel::Indicator& meta = indicator.meta();
  if (meta.is_address()) {
    if (auto parsed = ParseIp(value); parsed.ok()) ip = parsed.value();
    object["ip"] = ip ? FormatIp(*ip) : std::string(value);
  } else {
    object["value"] = value;
  }
  object["indicator"] = indicator.value();
  object["kind"] = intel::IndicatorKindName(meta.kind);
  object["format"] = logs::LogFormatName(format);
  if (!meta.source.empty()) object["source"] = meta.source;
  if (!meta.family.empty()) object["family"] = meta.family;
  if (!parse_error.empty()) object["parse_error"] = parse_error;
  if (!record) return object;
  if (record->time != 0) object["time"] = FormatMoment(record->time, options_.tz_offset_seconds);
  if (const auto field = FieldOf(*record, ip); !field.empty()) object["field"] = field;
  PutAddress(&object, "src_ip", record->src, "src_port", record->src_port);
  PutAddress(&object, "dst_ip", record->dst, "dst_port", record->dst_port);
  if (!record->proto.empty()) object["proto"] = record->proto;
  if (!record->action.empty()) object["action"] = record->action;
  PutAddress(&object, "nat_src_ip", record->nat_src, "nat_src_port", record->nat_src_port);
  PutAddress(&object, "nat_dst_ip", record->nat_dst, "nat_dst_port", record->nat_dst_port);
  if (!record->name.empty()) object["name"] = record->name;
  if (!record->url.empty()) object["url"] = record->url;
  return object;
}

void Hunter::Emit(const std::string& path, const BlockResult& result) {
  std::string& buffer = emit_buffer_;
  buffer.clear();
  const std::string file_json = Json(path).dump(-1, ' ', false, Json::error_handler_t::replace);
  for (const auto& line : result.matched) {
    if (options_.output == OutputMode::kLines) {
      if (options_.with_file_names) buffer.append(path).push_back(':');
      buffer.append(line.text).push_back('\n');
    } else {
      const std::string head = "{\"file\":" + file_json +
                               ",\"line\":" + std::to_string(line_base_ + line.index + 1) + ",";
      for (const std::string& tail : line.tails) buffer.append(head).append(tail).push_back('\n');
    }
  }
  std::fwrite(buffer.data(), 1, buffer.size(), out_);
  line_base_ += result.lines;
  stats_.lines += result.lines;
  stats_.bytes += result.block.text.size();
  stats_.matched_lines += result.matched.size();
  stats_.matches += result.matches;
  stats_.malformed += result.malformed;
  stats_.filtered += result.filtered;
}

Status Hunter::HuntPath(const std::string& path) {
  VIGIL_ASSIGN_OR_RETURN(auto blocks, OpenLineBlocks(path, options_.block_bytes));
  ++stats_.files;
  line_base_ = 0;
  VIGIL_ASSIGN_OR_RETURN(auto first, blocks->Next());
  if (!first) return Status::Ok();

  // The format and file context come from the first lines.
  logs::FileContext context;
  context.tz_offset_seconds = options_.tz_offset_seconds;
  const logs::LogFormat format = DetectFileFormat(first->text, options_.format, &context);

  const uint64_t total = blocks->size_hint();
  auto scan = [this, format, &context](Block block) {
    BlockResult result = ScanBlock(block.text, format, context);
    result.block = std::move(block);
    return result;
  };
  std::optional<Block> next = std::move(first);
  if (options_.threads <= 1) {
    while (next) {
      Emit(path, scan(std::move(*next)));
      if (on_progress) on_progress(blocks->consumed(), total);
      VIGIL_ASSIGN_OR_RETURN(next, blocks->Next());
    }
    return Status::Ok();
  }
  std::deque<std::future<BlockResult>> inflight;
  Status status;
  while (next) {
    inflight.push_back(std::async(std::launch::async, scan, std::move(*next)));
    while (inflight.size() >= static_cast<size_t>(options_.threads)) {
      Emit(path, inflight.front().get());
      inflight.pop_front();
      if (on_progress) on_progress(blocks->consumed(), total);
    }
    auto read = blocks->Next();
    if (!read.ok()) {
      status = read.status();
      break;
    }
    next = std::move(read.value());
  }
  for (; !inflight.empty(); inflight.pop_front()) Emit(path, inflight.front().get());
  return status;
}

}  // namespace vigil::hunt
