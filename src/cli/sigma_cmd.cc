#include "cli/sigma_cmd.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/status.h"
#include "core/text.h"
#include "core/time.h"
#include "detect/correlation.h"
#include "detect/event.h"
#include "detect/ruleset.h"
#include "detect/yaml.h"
#include "events/event_store.h"
#include "events/normalise.h"
#include "evtx/evtx.h"
#include "hunt/input.h"

namespace vigil::cli {
namespace {

using detect::Event;
using detect::RuleSet;
using Json = nlohmann::ordered_json;

// A small file (placeholders, log-source map), or stdin for "-".
Result<std::string> ReadAll(const std::string& path) {
  std::stringstream buffer;
  if (path == "-") {
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  buffer << in.rdbuf();
  if (in.bad()) return InvalidArgument("cannot read " + path);
  return buffer.str();
}

Status ReadPlaceholders(const std::string& path, detect::CompileOptions* options) {
  VIGIL_ASSIGN_OR_RETURN(std::string text, ReadAll(path));
  VIGIL_ASSIGN_OR_RETURN(std::vector<detect::YamlNode> docs, detect::ParseYaml(text));
  if (docs.size() != 1 || !docs[0].IsMapping()) {
    return InvalidArgument("placeholders must be a YAML map of name: [values]", path);
  }
  for (const auto& [name, values] : docs[0].entries) {
    auto& list = options->placeholders[name.scalar];
    if (values.IsScalar()) list.push_back(values.scalar);
    for (const auto& v : values.items) list.push_back(v.scalar);
  }
  return Status::Ok();
}

struct LoadedRules {
  std::unique_ptr<detect::LogsourceMap> map;
  std::unique_ptr<RuleSet> rules;
  detect::LoadReport report;
};

Result<LoadedRules> LoadRules(const SigmaRuleFlags& flags) {
  LoadedRules loaded;
  detect::LoadOptions options;
  if (!flags.placeholders.empty()) {
    VIGIL_RETURN_IF_ERROR(ReadPlaceholders(flags.placeholders, &options.compile));
  }
  if (!flags.logsource_map.empty()) {
    VIGIL_ASSIGN_OR_RETURN(std::string text, ReadAll(flags.logsource_map));
    loaded.map = std::make_unique<detect::LogsourceMap>();
    if (auto p = detect::LogsourceMap::Parse(text, loaded.map.get())) {
      return InvalidArgument(p->message, flags.logsource_map + ":" + std::to_string(p->line));
    }
    options.logsources = loaded.map.get();
  }
  loaded.rules = RuleSet::Load(flags.rules, options, &loaded.report);
  return loaded;
}

void AddRuleFlags(CLI::App* command, SigmaRuleFlags* flags) {
  command->add_option("--rules", flags->rules, "Sigma rule file or folder (repeatable)")
      ->required();
  command->add_option("--placeholders", flags->placeholders,
                      "YAML map of placeholder values for `expand` (name: [values])");
  command->add_option("--logsource-map", flags->logsource_map,
                      "YAML log-source map replacing the built-in Windows one");
}

std::string ProblemLine(const detect::FileProblem& p) {
  std::string line = p.file;
  if (p.problem.line > 0) {
    line += ":" + std::to_string(p.problem.line) + ":" + std::to_string(p.problem.column);
  }
  return line + ": " + p.problem.code + ": " + p.problem.message;
}

Json ProblemJson(const detect::FileProblem& p, std::string_view severity) {
  return Json{{"file", p.file},
              {"line", p.problem.line},
              {"column", p.problem.column},
              {"rule", p.rule},
              {"severity", severity},
              {"code", p.problem.code},
              {"message", p.problem.message}};
}

// ---- scanning ----

class Output {
 public:
  explicit Output(const SigmaScanFlags& flags) : flags_(flags) {
    if (flags_.csv) std::printf("timestamp,host,level,rule_id,title,file,record\n");
  }

  void WriteCorrelation(const Event& event, const detect::CorrelationHit& hit) {
    const detect::SigmaRule& rule = *hit.rule;
    const std::string first = FormatMoment(hit.first_ns / 1'000'000'000, 0);
    const std::string last = FormatMoment(hit.last_ns / 1'000'000'000, 0);
    if (flags_.jsonl) {
      Json group = Json::object();
      for (const auto& [name, value] : hit.group) group[name] = value;
      Json line{{"rule_id", rule.id},
                {"title", rule.title},
                {"level", rule.level},
                {"correlation", detect::CorrelationTypeName(rule.correlation.type)},
                {"group", std::move(group)},
                {"value", hit.value},
                {"events", hit.events},
                {"first_timestamp", first},
                {"timestamp", last},
                {"file", event.source},
                {"record", event.record},
                {"tags", rule.tags},
                {"rule_file", rule.file}};
      std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace);
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fputc('\n', stdout);
      return;
    }
    std::string details = " ";
    details.append(detect::CorrelationTypeName(rule.correlation.type));
    details.append("=").append(Json(hit.value).dump()).append(" since ").append(first);
    for (const auto& [name, value] : hit.group)
      details.append(" ").append(name).append("=").append(value);
    if (flags_.csv) {
      std::printf("\"%s\",\"\",\"%s\",\"%s\",\"%s\",\"%s\",%llu\n", last.c_str(),
                  rule.level.c_str(), rule.id.c_str(), rule.title.c_str(), event.source.c_str(),
                  static_cast<unsigned long long>(event.record));
      return;
    }
    std::printf("%-20s %-16s %-8s %s [%s] %s:%llu%s\n", last.c_str(), "-", rule.level.c_str(),
                rule.title.c_str(), rule.id.c_str(), event.source.c_str(),
                static_cast<unsigned long long>(event.record), details.c_str());
  }

  void Write(const Event& event, const detect::Detection& d) {
    const detect::SigmaRule& rule = d.rule->rule;
    const int64_t time_ns = detect::EventTime(event);
    const std::string time =
        time_ns != 0 ? FormatMoment(time_ns / 1'000'000'000, 0) : std::string();
    const std::string host(detect::EventHost(event));
    if (flags_.jsonl) {
      Json fields = Json::object();
      for (const auto& [name, value] : d.fields) fields[std::string(name)] = std::string(value);
      Json line{{"rule_id", rule.id},     {"title", rule.title},
                {"level", rule.level},    {"file", event.source},
                {"record", event.record}, {"timestamp", time},
                {"host", host},           {"tags", rule.tags},
                {"rule_file", rule.file}, {"fields", std::move(fields)}};
      std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace);
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fputc('\n', stdout);
    } else if (flags_.csv) {
      auto quote = [](std::string_view s) {
        std::string q = "\"";
        for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
      };
      std::printf("%s,%s,%s,%s,%s,%s,%llu\n", quote(time).c_str(), quote(host).c_str(),
                  quote(rule.level).c_str(), quote(rule.id).c_str(), quote(rule.title).c_str(),
                  quote(event.source).c_str(), static_cast<unsigned long long>(event.record));
    } else {  // a timeline, one detection per line
      std::string details;
      for (const auto& [name, value] : d.fields) {
        if (details.size() > 160) break;
        details += " " + std::string(name) + "=" + std::string(value.substr(0, 80));
      }
      std::printf("%-20s %-16s %-8s %s [%s] %s:%llu%s\n", time.empty() ? "-" : time.c_str(),
                  host.empty() ? "-" : host.c_str(), rule.level.c_str(), rule.title.c_str(),
                  rule.id.c_str(), event.source.c_str(),
                  static_cast<unsigned long long>(event.record), details.c_str());
    }
  }

 private:
  const SigmaScanFlags& flags_;
};

struct ScanStats {
  uint64_t events = 0, detections = 0, bad = 0, bytes = 0;
};

class Scanner {
 public:
  Scanner(const RuleSet& rules, Output& output, ScanStats& stats, bool quiet, bool print_events,
          int threads)
      : rules_(rules),
        output_(output),
        stats_(stats),
        quiet_(quiet),
        print_events_(print_events),
        threads_(print_events ? 1 : std::max(1, threads)),
        correlations_(rules) {}

  void Process(Event& event) {
    ++stats_.events;
    if (print_events_) {
      Json fields = Json::object();
      for (const Event::Field& f : event.fields()) {
        Json& slot = fields[std::string(f.name)];
        Json value = std::string(f.value);
        if (slot.is_null()) {
          slot = std::move(value);
        } else {
          if (!slot.is_array()) slot = Json::array({slot});
          slot.push_back(std::move(value));
        }
      }
      Json line{{"file", event.source}, {"record", event.record}, {"fields", std::move(fields)}};
      std::printf("%s\n", line.dump(-1, ' ', false, Json::error_handler_t::replace).c_str());
      return;
    }
    detections_.clear();
    rules_.Match(event, scratch_, &detections_);
    const int64_t time_ns = correlations_.empty() ? 0 : detect::EventTime(event);
    for (const detect::Detection& d : detections_) {
      if (correlations_.Reported(*d.rule)) {
        output_.Write(event, d);
        ++stats_.detections;
      }
      if (correlations_.empty()) continue;
      hits_.clear();
      correlations_.Observe(d, event, time_ns, &hits_);
      for (const detect::CorrelationHit& hit : hits_) output_.WriteCorrelation(event, hit);
      stats_.detections += hits_.size();
    }
  }

  void Bad(const std::string& file, uint64_t record, const std::string& why) {
    ++stats_.bad;
    if (!quiet_ && stats_.bad <= 20) {
      std::fprintf(stderr, "vigil sigma scan: %s:%llu: %s\n", file.c_str(),
                   static_cast<unsigned long long>(record), why.c_str());
    }
  }

  // Reads `path` ("-" for stdin; .gz and .zst by their magic bytes) and scans it by content:
  // EVTX, NDJSON (streamed block by block), or one JSON document (object, array, or several
  // concatenated documents).
  Status ScanFile(const std::string& path) {
    if (std::optional<std::filesystem::path> db = EventStorePath(path)) return ScanEventStore(*db);
    VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<hunt::LineBlocks> blocks,
                           hunt::OpenLineBlocks(path, 8 << 20));
    const std::string name = path == "-" ? "(stdin)" : path;
    VIGIL_ASSIGN_OR_RETURN(std::optional<hunt::Block> first, blocks->Next());
    if (!first) return Status::Ok();
    std::string_view head = first->text;
    auto bytes = [](std::string_view s) {
      return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    };
    size_t start = 0;
    while (start < head.size() && std::isspace(static_cast<unsigned char>(head[start]))) ++start;
    if (head.substr(start).starts_with("\xEF\xBB\xBF")) start += 3;
    std::string_view first_line = head.substr(start, head.find('\n', start) - start);
    Event probe;
    const bool ndjson = !evtx::LooksLikeEvtx(bytes(head)) && !head.substr(start).starts_with("[") &&
                        detect::ParseJsonEvent(first_line, &probe).ok();
    if (ndjson && threads_ > 1) return ScanBlocksInParallel(name, *blocks, std::move(*first));
    if (ndjson) {
      uint64_t line_number = 0;
      std::optional<hunt::Block> block = std::move(first);
      while (block) {
        stats_.bytes += block->text.size();
        ScanLines(name, block->text, &line_number);
        blocks->Release(block->text);
        VIGIL_ASSIGN_OR_RETURN(block, blocks->Next());
      }
      return Status::Ok();
    }
    // EVTX and JSON documents are read whole.
    std::string data(first->text);
    for (;;) {
      VIGIL_ASSIGN_OR_RETURN(std::optional<hunt::Block> block, blocks->Next());
      if (!block) break;
      data.append(block->text);
    }
    stats_.bytes += data.size();
    if (evtx::LooksLikeEvtx(bytes(data))) return ScanEvtx(name, bytes(data));
    return detect::ParseJsonDocument(data, [&](Event& e, size_t index) {
      e.source = name;
      e.record = index + 1;
      Process(e);
    });
  }

 private:
  // What a worker found in one block of NDJSON: the events that matched a rule (rare; `record`
  // is the line within the block), the unreadable lines, and counts.
  struct BlockResult {
    std::vector<Event> matched;
    std::vector<std::pair<uint64_t, std::string>> bad;
    uint64_t lines = 0, events = 0;
  };
  static void MatchBlock(const RuleSet& rules, std::string_view text, RuleSet::Scratch& scratch,
                         BlockResult* out) {
    Event event;
    std::vector<detect::Detection> detections;
    LineSplitter lines(text);
    for (std::string_view line; lines.Next(&line);) {
      ++out->lines;
      if (Trim(line).empty()) continue;
      if (Status s = detect::ParseJsonEventBorrowed(line, &event); !s.ok()) {
        out->bad.emplace_back(out->lines, s.message());
        continue;
      }
      ++out->events;
      detections.clear();
      rules.Match(event, scratch, &detections);
      if (!detections.empty()) {
        event.record = out->lines;
        out->matched.push_back(event);
      }
    }
  }

  // NDJSON on threads_ threads: workers parse and match whole blocks; the events that matched are
  // replayed here in input order (matched again, written, fed to correlations), so the output is
  // exactly that of one thread.
  Status ScanBlocksInParallel(const std::string& name, hunt::LineBlocks& blocks,
                              hunt::Block first) {
    const size_t window = static_cast<size_t>(threads_) * 2;
    std::vector<std::unique_ptr<RuleSet::Scratch>> scratches(static_cast<size_t>(threads_));
    for (auto& scratch : scratches) scratch = std::make_unique<RuleSet::Scratch>();
    std::optional<hunt::Block> next = std::move(first);
    uint64_t line_base = 0;
    std::vector<hunt::Block> held;
    std::vector<BlockResult> results;
    while (next) {
      held.clear();
      while (next && held.size() < window) {
        held.push_back(std::move(*next));
        VIGIL_ASSIGN_OR_RETURN(next, blocks.Next());
      }
      results.assign(held.size(), BlockResult{});
      std::atomic<size_t> claim{0};
      auto work = [&](RuleSet::Scratch* scratch) {
        for (size_t i = claim.fetch_add(1); i < held.size(); i = claim.fetch_add(1)) {
          MatchBlock(rules_, held[i].text, *scratch, &results[i]);
        }
      };
      std::vector<std::thread> workers;
      for (int t = 1; t < threads_; ++t)
        workers.emplace_back(work, scratches[static_cast<size_t>(t)].get());
      work(scratches[0].get());
      for (std::thread& w : workers) w.join();
      for (size_t i = 0; i < held.size(); ++i) {
        BlockResult& r = results[i];
        stats_.bytes += held[i].text.size();
        for (const auto& [line, why] : r.bad) Bad(name, line_base + line, why);
        stats_.events += r.events - r.matched.size();  // Process counts the matched ones
        for (Event& e : r.matched) {
          e.source = name;
          e.record += line_base;
          Process(e);
        }
        line_base += r.lines;
        blocks.Release(held[i].text);
      }
    }
    return Status::Ok();
  }

  // A server's event store: a file named events.db, or a data directory holding one.
  static std::optional<std::filesystem::path> EventStorePath(const std::string& path) {
    std::error_code ec;
    std::filesystem::path p(path);
    if (std::filesystem::is_directory(p, ec)) p /= "events.db";
    if (p.filename() != "events.db" || !std::filesystem::is_regular_file(p, ec)) {
      return std::nullopt;
    }
    return p;
  }

  // Retro-hunt: every event a server stored, in arrival order, normalised as the server does.
  Status ScanEventStore(const std::filesystem::path& file) {
    VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<events::EventStore> store,
                           events::EventStore::Open(file));
    const std::string name = file.string();
    events::NormalisedEvent normalised;
    int64_t cursor = 0;
    for (;;) {
      VIGIL_ASSIGN_OR_RETURN(std::vector<events::StoredEvent> rows, store->ReadAfter(cursor, 5000));
      if (rows.empty()) return Status::Ok();
      for (const events::StoredEvent& row : rows) {
        cursor = row.id;
        stats_.bytes += row.raw.size();
        Status s = events::NormaliseStored(row, &normalised);
        if (!s.ok()) {
          Bad(name, static_cast<uint64_t>(row.id), s.message());
          continue;
        }
        normalised.fields.source = name;
        normalised.fields.record = static_cast<uint64_t>(row.id);
        Process(normalised.fields);
      }
    }
  }

  Status ScanEvtx(const std::string& name, std::span<const uint8_t> bytes) {
    Event event;
    return evtx::ReadEvtx(
        bytes,
        [&](const evtx::Record& record) {
          Status s = detect::ParseJsonEvent(record.json, &event);
          event.source = name;
          event.record = record.record_id;
          if (!s.ok()) return Bad(name, record.record_id, s.message());
          Process(event);
        },
        [&](const evtx::Problem& problem) {
          Bad(name, 0, "offset " + std::to_string(problem.offset) + ": " + problem.message);
        });
  }

  void ScanLines(const std::string& name, std::string_view text, uint64_t* line_number) {
    LineSplitter lines(text);
    for (std::string_view line; lines.Next(&line);) {
      ++*line_number;
      if (Trim(line).empty()) continue;
      Status s = detect::ParseJsonEventBorrowed(line, &event_);
      event_.source = name;
      event_.record = *line_number;
      if (!s.ok()) {
        Bad(name, *line_number, s.message());
        continue;
      }
      Process(event_);
    }
  }

  const RuleSet& rules_;
  Output& output_;
  ScanStats& stats_;
  bool quiet_;
  bool print_events_;
  int threads_;
  RuleSet::Scratch scratch_;
  Event event_;
  std::vector<detect::Detection> detections_;
  detect::CorrelationEngine correlations_;
  std::vector<detect::CorrelationHit> hits_;
};

}  // namespace

namespace {
// The CPUs this process may run on (taskset, cgroups' cpusets), at least 1.
int UsableCpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::clamp(CPU_COUNT(&set), 1, 64);
}
}  // namespace

void AddSigmaCheckFlags(CLI::App* command, SigmaCheckFlags* flags) {
  AddRuleFlags(command, &flags->rules);
  command->add_flag("--json", flags->json, "One JSON object per problem");
  command->add_flag("--warnings", flags->warnings, "Also list rules loaded with a caveat");
}

void AddSigmaScanFlags(CLI::App* command, SigmaScanFlags* flags) {
  AddRuleFlags(command, &flags->rules);
  command->add_flag("--jsonl", flags->jsonl, "One JSON object per detection");
  command->add_flag("--csv", flags->csv, "CSV, one row per detection");
  command->add_flag("-q,--quiet", flags->quiet, "No summary on stderr");
  command->add_flag("--print-events", flags->print_events,
                    "Print each event's normalised fields (the names rules see) and match nothing");
  command
      ->add_option("--threads", flags->threads,
                   "Threads matching NDJSON input (same output whatever the number) [the CPUs "
                   "this process may use]")
      ->check(CLI::Range(1, 64));
  command
      ->add_option("INPUT", flags->inputs,
                   "NDJSON, JSON (object or array) or EVTX files; - for stdin; a server's "
                   "events.db or data directory (retro-hunt over stored events)")
      ->required();
}

int RunSigmaCheck(const SigmaCheckFlags& flags) {
  Result<LoadedRules> loaded = LoadRules(flags.rules);
  if (!loaded.ok()) {
    std::fprintf(stderr, "vigil sigma check: %s\n", loaded.status().ToString().c_str());
    return 2;
  }
  const detect::LoadReport& r = loaded->report;
  for (const auto& p : r.problems) {
    if (flags.json) {
      std::printf("%s\n", ProblemJson(p, "error").dump().c_str());
    } else {
      std::printf("%s\n", ProblemLine(p).c_str());
    }
  }
  if (flags.warnings) {
    for (const auto& w : r.warnings) {
      if (flags.json) {
        std::printf("%s\n", ProblemJson(w, "warning").dump().c_str());
      } else {
        std::printf("warning: %s\n", ProblemLine(w).c_str());
      }
    }
  }
  std::fprintf(stderr,
               "%zu files, %zu rules loaded (%zu detection, %zu correlation, %zu filters), "
               "%zu not loaded, %zu warnings; %zu of %zu detection rules prefiltered by literals\n",
               r.files, r.detection_rules + r.correlation_rules + r.filters, r.detection_rules,
               r.correlation_rules, r.filters, r.problems.size(), r.warnings.size(),
               loaded->rules->anchored_rules(), loaded->rules->rules().size());
  return r.problems.empty() ? 0 : 1;
}

int RunSigmaScan(const SigmaScanFlags& flags) {
  auto started = std::chrono::steady_clock::now();
  Result<LoadedRules> loaded = LoadRules(flags.rules);
  if (!loaded.ok()) {
    std::fprintf(stderr, "vigil sigma scan: %s\n", loaded.status().ToString().c_str());
    return 2;
  }
  const detect::LoadReport& r = loaded->report;
  if (!flags.quiet && !r.problems.empty()) {
    std::fprintf(stderr, "vigil sigma scan: %zu rules not loaded (see `vigil sigma check`)\n",
                 r.problems.size());
  }
  auto loaded_at = std::chrono::steady_clock::now();
  Output output(flags);
  ScanStats stats;
  Scanner scanner(*loaded->rules, output, stats, flags.quiet, flags.print_events,
                  flags.threads > 0 ? flags.threads : UsableCpus());
  bool failed = false;
  for (const std::string& input : flags.inputs) {
    if (Status s = scanner.ScanFile(input); !s.ok()) {
      std::fprintf(stderr, "vigil sigma scan: %s: %s\n", input.c_str(), s.ToString().c_str());
      failed = true;
    }
  }
  std::fflush(stdout);
  auto done = std::chrono::steady_clock::now();
  if (!flags.quiet) {
    double load_s = std::chrono::duration<double>(loaded_at - started).count();
    double scan_s = std::chrono::duration<double>(done - loaded_at).count();
    std::fprintf(stderr,
                 "%zu rules loaded in %.2f s; %llu events (%.1f MB) in %.2f s, %.0f events/s; "
                 "%llu detections; %llu unreadable records\n",
                 loaded->rules->rules().size(), load_s,
                 static_cast<unsigned long long>(stats.events),
                 static_cast<double>(stats.bytes) / 1e6, scan_s,
                 scan_s > 0 ? static_cast<double>(stats.events) / scan_s : 0.0,
                 static_cast<unsigned long long>(stats.detections),
                 static_cast<unsigned long long>(stats.bad));
  }
  if (failed) return 2;
  return stats.detections > 0 ? 0 : 1;
}

}  // namespace vigil::cli
