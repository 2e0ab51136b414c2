#include "cli/ingest_cmd.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <span>
#include <sstream>
#include <thread>

#include "core/status.h"
#include "core/text.h"
#include "evtx/evtx.h"
#include "http/client.h"
#include "hunt/input.h"

namespace vigil::cli {
namespace {

using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

constexpr int kMaxAttempts = 10;
constexpr uint64_t kMaxPrintedPerFile = 20;
constexpr size_t kMinBatchBytes = 1 << 10;
constexpr size_t kMaxBatchBytes = 64 << 20;  // the server's limit for one request
constexpr std::string_view kIngestPath = "/api/v1/ingest";

constexpr const char* kExamples = R"(
Examples:
  export VIGIL_INGEST_TOKEN=vgi_...   # from Monitoring > Log sources (shown once)
  vigil ingest --server https://vigil.example.org:8443 C:/triage/PC-KT01/*.evtx
  vigil ingest --server https://vigil:8443 --ca vigil-ca.pem winlogbeat-2026-11-20.ndjson.gz
  vigil ingest --server https://vigil:8443 --token vgi_... /var/log/suricata/eve.json
  zcat conn.log.gz | vigil ingest --server https://vigil:8443 -

Exit status: 0 every event accepted, 1 some lines rejected, 2 usage, input, connection,
TLS or token errors.
)";

// One input file's numbers. `printed` counts the rejections already shown.
struct FileStats {
  std::string name;
  uint64_t events = 0, rejected = 0, printed = 0;
};

// Where each line of the batch being built came from.
struct Origin {
  size_t file = 0;
  uint64_t line = 0;
};

struct Totals {
  uint64_t sent = 0, accepted = 0, rejected = 0, unattributed = 0;
};

// A fatal error: the run stops (exit 2).
struct Fatal {
  std::string message;
};

void PrintRejection(FileStats& file, uint64_t line, std::string_view message, bool quiet) {
  ++file.rejected;
  if (quiet || file.printed >= kMaxPrintedPerFile) return;
  ++file.printed;
  std::fprintf(stderr, "%s:%llu: %.*s\n", file.name.c_str(), static_cast<unsigned long long>(line),
               static_cast<int>(message.size()), message.data());
}

// The "message" of the server's {"error":{"code","message"}} answer, else the start of the body.
std::string ServerMessage(const http::ClientResponse& res) {
  Json body = Json::parse(res.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object() &&
      body["error"].value("message", Json()).is_string()) {
    return body["error"]["message"].get<std::string>();
  }
  std::string text = res.body.substr(0, 200);
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// Seconds from a Retry-After header (delta-seconds only), 1 when absent or unreadable, at most 60.
std::chrono::milliseconds RetryAfter(const http::ClientResponse& res) {
  int seconds = 1;
  if (auto header = res.Header("retry-after")) {
    try {
      seconds = std::stoi(*header);
    } catch (const std::exception&) {
      seconds = 1;
    }
  }
  return std::chrono::seconds(std::clamp(seconds, 1, 60));
}

// Builds batches of lines and sends them, retrying what can be retried.
class Uploader {
 public:
  Uploader(const IngestFlags& flags, std::string url, std::vector<FileStats>& files)
      : flags_(flags),
        url_(std::move(url)),
        files_(files),
        client_(ClientOptionsFor(flags)),
        progress_(!flags.quiet && isatty(STDERR_FILENO) != 0),
        started_(Clock::now()) {}

  // Queues one event (JSON text without a line feed) from files_[file] at `line`; sends the batch
  // first when the event would not fit.
  Status Add(std::string_view event, size_t file, uint64_t line) {
    if (!body_.empty() && body_.size() + event.size() + 1 > flags_.batch_bytes) {
      VIGIL_RETURN_IF_ERROR(Flush());
    }
    body_.append(event).push_back('\n');
    origins_.push_back({file, line});
    ++files_[file].events;
    return Status::Ok();
  }

  // Sends what is queued, if anything.
  Status Flush() {
    if (origins_.empty()) return Status::Ok();
    if (Status s = SendWithRetries(); !s.ok()) {
      failed_ = true;
      return s;
    }
    body_.clear();
    origins_.clear();
    ShowProgress();
    return Status::Ok();
  }

  const Totals& totals() const { return totals_; }
  // True once sending failed for good (the run must stop).
  bool failed() const { return failed_; }
  void EndProgress() const {
    if (progress_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  static http::ClientOptions ClientOptionsFor(const IngestFlags& flags) {
    http::ClientOptions options;
    options.ca_file = flags.ca_file;
    options.insecure = flags.insecure;
    options.timeout = std::chrono::seconds(120);  // the server answers once events are on disk
    options.user_agent = "vigil-ingest/" VIGIL_VERSION;
    return options;
  }

  Status SendWithRetries() {
    std::chrono::milliseconds backoff(500);
    for (int attempt = 1;; ++attempt) {
      Result<http::ClientResponse> res = client_.Post(
          url_, "application/x-ndjson", body_, {{"Authorization", "Bearer " + flags_.token}});
      std::chrono::milliseconds wait = backoff;
      if (res.ok()) contacted_ = true;
      std::string why;
      if (!res.ok()) {
        // Before the server ever answered, a failure is most likely a wrong URL or certificate:
        // say so at once instead of retrying for minutes.
        if (res.status().code() != StatusCode::kUnavailable || !contacted_) return res.status();
        why = res.status().message();
        backoff = std::min(backoff * 2, std::chrono::milliseconds(30'000));
      } else if (res->status == 200) {
        return Count(*res);
      } else if (res->status == 503 || res->status == 429) {
        wait = RetryAfter(*res);
        why = "the server is busy (" + std::to_string(res->status) + ")";
      } else if (res->status >= 500) {
        why =
            "the server failed (" + std::to_string(res->status) + ": " + ServerMessage(*res) + ")";
        backoff = std::min(backoff * 2, std::chrono::milliseconds(30'000));
      } else {
        return Refused(*res);
      }
      if (attempt == kMaxAttempts) {
        return Status(StatusCode::kUnavailable,
                      why + "; gave up after " + std::to_string(kMaxAttempts) + " attempts");
      }
      if (!flags_.quiet) {
        EndProgress();
        std::fprintf(stderr, "vigil ingest: %s; retrying in %.1f s\n", why.c_str(),
                     static_cast<double>(wait.count()) / 1000.0);
      }
      std::this_thread::sleep_for(wait);
    }
  }

  // A 4xx answer other than 429: not worth retrying.
  Status Refused(const http::ClientResponse& res) const {
    const std::string status = std::to_string(res.status);
    const std::string message = ServerMessage(res);
    if (res.status == 401 || res.status == 403) {
      return Status(StatusCode::kUnauthenticated,
                    url_ + " refused the token (" + status + ": " + message +
                        "); register the log source and use its vgi_ token");
    }
    if (res.status == 413) {
      return InvalidArgument(url_ + " refused a batch of " + std::to_string(body_.size()) +
                             " bytes as too large (413); lower --batch-bytes");
    }
    if (res.status == 404) {
      return InvalidArgument(url_ + " has no ingest endpoint (404); check --server");
    }
    return InvalidArgument(url_ + " answered " + status + ": " + message);
  }

  // Adds a 200 answer's counts and prints its rejected lines where they came from.
  Status Count(const http::ClientResponse& res) {
    Json answer = Json::parse(res.body, nullptr, false);
    if (!answer.is_object() || !answer.value("accepted", Json()).is_number_unsigned()) {
      return Status(StatusCode::kInternal, url_ + " answered 200 without the expected counts");
    }
    totals_.sent += origins_.size();
    totals_.accepted += answer["accepted"].get<uint64_t>();
    const uint64_t rejected = answer.value("rejected", uint64_t{0});
    totals_.rejected += rejected;
    uint64_t listed = 0;
    for (const Json& error : answer.value("errors", Json::array())) {
      const uint64_t line = error.value("line", uint64_t{0});
      if (line == 0 || line > origins_.size()) continue;
      const Origin& origin = origins_[line - 1];
      PrintRejection(files_[origin.file], origin.line, error.value("message", std::string("?")),
                     flags_.quiet);
      ++listed;
    }
    totals_.unattributed += rejected > listed ? rejected - listed : 0;
    return Status::Ok();
  }

  void ShowProgress() {
    if (!progress_) return;
    const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    std::fprintf(stderr, "\r\033[K%llu events sent, %.0f events/s",
                 static_cast<unsigned long long>(totals_.sent),
                 seconds > 0 ? static_cast<double>(totals_.sent) / seconds : 0.0);
  }

  const IngestFlags& flags_;
  std::string url_;
  std::vector<FileStats>& files_;
  http::Client client_;
  bool progress_;
  Clock::time_point started_;
  std::string body_;
  std::vector<Origin> origins_;
  Totals totals_;
  bool failed_ = false;
  bool contacted_ = false;  // the server has answered at least once
};

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Sends each non-blank line of `text` (numbered from *line_number + 1) as it is.
Status SendLines(Uploader& up, size_t file, std::string_view text, uint64_t* line_number) {
  LineSplitter lines(text);
  for (std::string_view line; lines.Next(&line);) {
    ++*line_number;
    if (Trim(line).empty()) continue;
    VIGIL_RETURN_IF_ERROR(up.Add(line, file, *line_number));
  }
  return Status::Ok();
}

// Parses `data` as one or more concatenated JSON values (an array contributes its elements) and
// returns each as one line of JSON; nullopt when it is not such a document.
std::optional<std::vector<std::string>> DocumentLines(const std::string& data) {
  std::vector<std::string> lines;
  std::istringstream in(data);
  auto add = [&lines](const Json& value) {
    lines.push_back(value.dump(-1, ' ', false, Json::error_handler_t::replace));
  };
  try {
    for (;;) {
      in >> std::ws;
      if (in.peek() == std::char_traits<char>::eof()) break;
      if (in.peek() == 0xEF) in.ignore(3);  // a UTF-8 byte order mark
      Json value;
      in >> value;
      if (!value.is_array()) {
        add(value);
        continue;
      }
      for (const Json& element : value) add(element);
    }
  } catch (const Json::exception&) {
    return std::nullopt;
  }
  return lines;
}

// True when the first line of `head` is a whole JSON object: the input is NDJSON.
bool FirstLineIsObject(std::string_view head) {
  size_t start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return false;
  if (head.substr(start).starts_with("\xEF\xBB\xBF")) start += 3;
  std::string_view line = head.substr(start, head.find('\n', start) - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line.starts_with('{') && Json::accept(line);
}

Status SendEvtx(Uploader& up, std::vector<FileStats>& files, size_t file, const std::string& data,
                bool quiet) {
  Status inner = Status::Ok();
  Status read = evtx::ReadEvtx(
      Bytes(data),
      [&](const evtx::Record& record) {
        if (inner.ok()) inner = up.Add(record.json, file, record.record_id);
      },
      [&](const evtx::Problem& problem) {
        PrintRejection(files[file], 0,
                       "damaged EVTX data at offset " + std::to_string(problem.offset) + ": " +
                           problem.message,
                       quiet);
      });
  VIGIL_RETURN_IF_ERROR(inner);
  return read;
}

// Reads one input and queues its events. Errors reading the input come back as InvalidArgument or
// NotFound (the run goes on with the next input); others are fatal.
Status SendFile(Uploader& up, std::vector<FileStats>& files, size_t file, const std::string& path,
                bool quiet) {
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<hunt::LineBlocks> blocks,
                         hunt::OpenLineBlocks(path, 8 << 20));
  VIGIL_ASSIGN_OR_RETURN(std::optional<hunt::Block> block, blocks->Next());
  if (!block) return Status::Ok();
  uint64_t line_number = 0;
  if (!evtx::LooksLikeEvtx(Bytes(block->text)) && FirstLineIsObject(block->text)) {
    while (block) {  // NDJSON, streamed
      VIGIL_RETURN_IF_ERROR(SendLines(up, file, block->text, &line_number));
      VIGIL_ASSIGN_OR_RETURN(block, blocks->Next());
    }
    return Status::Ok();
  }
  std::string data(block->text);  // EVTX and JSON documents are read whole
  for (;;) {
    VIGIL_ASSIGN_OR_RETURN(std::optional<hunt::Block> next, blocks->Next());
    if (!next) break;
    data.append(next->text);
  }
  if (evtx::LooksLikeEvtx(Bytes(data))) return SendEvtx(up, files, file, data, quiet);
  if (auto lines = DocumentLines(data)) {
    for (size_t i = 0; i < lines->size(); ++i) {
      VIGIL_RETURN_IF_ERROR(up.Add((*lines)[i], file, i + 1));
    }
    return Status::Ok();
  }
  // Neither: lines that the server will judge (and report) one by one.
  return SendLines(up, file, data, &line_number);
}

// The ingest URL from --server: a base URL gets /api/v1/ingest appended.
Result<std::string> IngestUrl(std::string server) {
  while (server.ends_with('/')) server.pop_back();
  if (!server.ends_with(kIngestPath)) server += kIngestPath;
  VIGIL_RETURN_IF_ERROR(http::ParseUrl(server).status());
  return server;
}

Status CheckFlags(const IngestFlags& flags) {
  if (flags.server.empty()) return InvalidArgument("--server URL is required (see --help)");
  if (flags.inputs.empty()) return InvalidArgument("no INPUT: give files, or - for stdin");
  if (flags.token.empty()) {
    return InvalidArgument("a log source token is required: --token vgi_... or VIGIL_INGEST_TOKEN");
  }
  if (flags.batch_bytes < kMinBatchBytes || flags.batch_bytes > kMaxBatchBytes) {
    return InvalidArgument("--batch-bytes must be between 1024 and 67108864");
  }
  if (flags.insecure && !flags.ca_file.empty()) {
    return InvalidArgument("--ca and --insecure cannot be used together");
  }
  return Status::Ok();
}

std::string Where(const Status& s) {
  return s.where().empty() ? s.message() : s.where() + ": " + s.message();
}

void PrintSummary(const std::vector<FileStats>& files, const Totals& totals, double seconds) {
  for (const FileStats& f : files) {
    if (f.rejected > f.printed && f.printed == kMaxPrintedPerFile) {
      std::fprintf(stderr, "%s: %llu more rejected lines not shown\n", f.name.c_str(),
                   static_cast<unsigned long long>(f.rejected - f.printed));
    }
  }
  if (totals.unattributed > 0) {
    std::fprintf(stderr, "vigil ingest: %llu more rejected lines not listed by the server\n",
                 static_cast<unsigned long long>(totals.unattributed));
  }
  uint64_t local = 0;  // damaged EVTX records, never sent
  for (const FileStats& f : files) local += f.rejected;
  const uint64_t server_listed = totals.rejected - totals.unattributed;
  local = local > server_listed ? local - server_listed : 0;
  std::fprintf(stderr,
               "vigil ingest: %zu files, %llu events accepted, %llu rejected in %.2f s "
               "(%.0f events/s)\n",
               files.size(), static_cast<unsigned long long>(totals.accepted),
               static_cast<unsigned long long>(totals.rejected) + local, seconds,
               seconds > 0 ? static_cast<double>(totals.accepted) / seconds : 0.0);
}

}  // namespace

void AddIngestFlags(CLI::App* command, IngestFlags* flags) {
  command->footer(kExamples);
  // Required arguments are checked by RunIngest, so that missing ones exit with 2.
  command->add_option("--server", flags->server,
                      "Server URL (required): https://HOST:PORT (the ingest path is added) or the "
                      "full URL");
  command
      ->add_option("--token", flags->token,
                   "Log source token (vgi_...); default: $VIGIL_INGEST_TOKEN")
      ->envname("VIGIL_INGEST_TOKEN");
  command->add_option("--ca", flags->ca_file,
                      "PEM file of the CA (or self-signed certificate) to trust instead of the "
                      "system's store");
  command->add_flag("--insecure", flags->insecure,
                    "Do not verify the server's TLS certificate (testing only)");
  command
      ->add_option("--batch-bytes", flags->batch_bytes,
                   "Largest request body in bytes (1 KiB to 64 MiB)")
      ->default_val(flags->batch_bytes);
  command->add_flag("-q,--quiet", flags->quiet,
                    "No progress, retry notices, rejected lines or summary on stderr");
  command->add_option("INPUT", flags->inputs,
                      "NDJSON (also .gz/.zst; Suricata EVE, Zeek JSON), JSON or EVTX files; - for "
                      "stdin (at least one)");
}

int RunIngest(const IngestFlags& flags) {
  const auto started = Clock::now();
  if (Status s = CheckFlags(flags); !s.ok()) {
    std::fprintf(stderr, "vigil ingest: %s\n", s.message().c_str());
    return 2;
  }
  Result<std::string> url = IngestUrl(flags.server);
  if (!url.ok()) {
    std::fprintf(stderr, "vigil ingest: %s\n", Where(url.status()).c_str());
    return 2;
  }
  std::vector<FileStats> files;
  files.reserve(flags.inputs.size());
  for (const std::string& input : flags.inputs) {
    files.push_back({input == "-" ? "(stdin)" : input});
  }
  Uploader up(flags, *url, files);
  bool input_failed = false;
  std::optional<Status> fatal;
  for (size_t i = 0; i < flags.inputs.size() && !fatal; ++i) {
    Status s = SendFile(up, files, i, flags.inputs[i], flags.quiet);
    if (s.ok()) continue;
    if (up.failed()) {
      fatal = s;
      continue;
    }
    up.EndProgress();  // an unreadable input: report it and go on with the next one
    std::fprintf(stderr, "vigil ingest: %s: %s\n", flags.inputs[i].c_str(), Where(s).c_str());
    input_failed = true;
  }
  if (!fatal) {
    if (Status s = up.Flush(); !s.ok()) fatal = s;
  }
  up.EndProgress();
  if (fatal) {
    std::string message = Where(*fatal);
    if (message.find("certificate was not accepted") != std::string::npos) {
      message += "; give the server's certificate or its CA with --ca FILE";
    }
    std::fprintf(stderr, "vigil ingest: %s\n", message.c_str());
  }
  if (!flags.quiet) {
    PrintSummary(files, up.totals(), std::chrono::duration<double>(Clock::now() - started).count());
  }
  if (fatal || input_failed) return 2;
  uint64_t rejected = up.totals().rejected;
  for (const FileStats& f : files) rejected += f.rejected;
  return rejected > 0 ? 1 : 0;
}

}  // namespace vigil::cli
