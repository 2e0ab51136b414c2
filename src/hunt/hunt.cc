#include "hunt/hunt.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/ordered_workers.h"
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
  uint64_t lines = 0;
  uint64_t matched_lines = 0, matches = 0, malformed = 0, filtered = 0;
  std::string text;  // kLines: the output, ready to write
  struct JsonLine {
    uint64_t index = 0;              // 0-based within the block
    std::vector<std::string> tails;  // each match's JSON without the leading '{'
  };
  std::vector<JsonLine> json;  // kJsonl: the caller adds "file" and "line", known only in order
};

Hunter::Hunter(const intel::IndicatorSet& set, HuntOptions options, std::FILE* out)
    : set_(set), options_(options), out_(out) {}

Hunter::BlockResult Hunter::ScanBlock(std::string_view text, logs::LogFormat format,
                                      const logs::FileContext& context,
                                      const std::string& line_prefix) const {
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
    ++result.matched_lines;
    if (!json) {
      result.text.append(line_prefix).append(line.text).push_back('\n');
      continue;
    }
    BlockResult::JsonLine& out = result.json.emplace_back();
    out.index = line.index;
    for (const Found& match : line.found) {
      out.tails.push_back(JsonTail(MatchJson(text.substr(match.begin, match.end - match.begin),
                                             match.indicator, format, record, parse_error)));
    }
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
  if (options_.output == OutputMode::kLines) {
    std::fwrite(result.text.data(), 1, result.text.size(), out_);
  } else {
    std::string& buffer = emit_buffer_;
    buffer.clear();
    const std::string file_json = Json(path).dump(-1, ' ', false, Json::error_handler_t::replace);
    for (const auto& line : result.json) {
      const std::string head = "{\"file\":" + file_json +
                               ",\"line\":" + std::to_string(line_base_ + line.index + 1) + ",";
      for (const std::string& tail : line.tails) buffer.append(head).append(tail).push_back('\n');
    }
    std::fwrite(buffer.data(), 1, buffer.size(), out_);
  }
  line_base_ += result.lines;
  stats_.lines += result.lines;
  stats_.matched_lines += result.matched_lines;
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
  const std::string line_prefix = options_.with_file_names ? path + ":" : "";

  const uint64_t total = blocks->size_hint();
  auto done = [&](const Block& block, const BlockResult& result) {
    Emit(path, result);
    stats_.bytes += block.text.size();
    blocks->Release(block.text);  // a mapped file's pages leave the process once reported
    if (on_progress) on_progress(blocks->consumed(), total);
  };
  std::optional<Block> next = std::move(first);
  if (options_.threads <= 1) {
    while (next) {
      done(*next, ScanBlock(next->text, format, context, line_prefix));
      VIGIL_ASSIGN_OR_RETURN(next, blocks->Next());
    }
    return Status::Ok();
  }
  // Blocks are scanned on `threads` pool threads and reported here, in input order. Twice as many
  // blocks as threads in flight keep every thread busy while this one writes.
  OrderedWorkers<Block, BlockResult> workers(
      options_.threads, 2 * static_cast<size_t>(options_.threads),
      [&](const Block& block) { return ScanBlock(block.text, format, context, line_prefix); });
  Status status;
  while (next) {
    if (workers.full()) {
      auto [block, result] = workers.Take();
      done(block, result);
    }
    workers.Submit(std::move(*next));
    auto read = blocks->Next();
    if (!read.ok()) {
      status = read.status();
      break;
    }
    next = std::move(read.value());
  }
  while (workers.pending() > 0) {
    auto [block, result] = workers.Take();
    done(block, result);
  }
  return status;
}

}  // namespace vigil::hunt
