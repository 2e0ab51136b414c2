#include "events/normalise.h"

#include <array>
#include <charconv>
#include <iterator>

#include "core/text.h"
#include "logs/syslog.h"

namespace vigil::events {
namespace {

constexpr size_t kFieldNameBytes = 160;  // the names of a syslog event's fields, with room
constexpr size_t kTypicalFields = 12;    // a syslog event's, with two structured-data parameters

// The first line of `text`, cut to kMaxSummary bytes on a UTF-8 boundary.
std::string Summary(std::string_view text) {
  size_t end = FindEither(text, '\r', '\n');
  if (end == std::string_view::npos) end = text.size();
  if (end > kMaxSummary) {
    end = kMaxSummary;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  }
  return std::string(text.substr(0, end));
}

// A summary of a JSON event: its message field when it has one, else "Channel EventID" for
// Windows events, else the leading bytes of the object.
std::string JsonSummary(const detect::Event& event, std::string_view data) {
  static constexpr std::array<std::string_view, 5> kMessageNames = {"message", "Message", "msg",
                                                                    "alert.signature", "log"};
  for (std::string_view name : kMessageNames) {
    const detect::Event::Field* f = event.Find(name);
    if (f != nullptr && !f->value.empty()) return Summary(f->value);
  }
  const detect::Event::Field* channel = event.Find("Channel");
  const detect::Event::Field* id = event.Find("EventID");
  if (channel != nullptr && id != nullptr) {
    return Summary(std::string(channel->value) + " " + std::string(id->value));
  }
  return Summary(data);
}

void AddNumber(detect::Event* e, std::string_view name, int64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), value);
  (void)ec;  // 24 characters hold any int64
  e->Add(name, std::string_view(digits, static_cast<size_t>(end - digits)),
         detect::ValueKind::kNumber);
}

Status NormaliseSyslog(std::string_view data, std::string_view peer, int64_t received_ms,
                       NormalisedEvent* out) {
  logs::SyslogContext ctx;
  ctx.now_unix_seconds = received_ms / 1000;
  thread_local logs::SyslogMessage m;  // reused: its strings keep their capacity
  VIGIL_RETURN_IF_ERROR(logs::ParseSyslog(data, ctx, &m));
  detect::Event& e = out->fields;
  using detect::ValueKind;
  e.Add("source_type", "syslog", ValueKind::kString);
  e.Add("syslog_format", logs::SyslogFormatName(m.format), ValueKind::kString);
  AddNumber(&e, "facility", m.facility);
  AddNumber(&e, "severity", m.severity);
  if (!m.hostname.empty()) e.Add("hostname", m.hostname, ValueKind::kString);
  if (!m.app_name.empty()) e.Add("app_name", m.app_name, ValueKind::kString);
  if (!m.procid.empty()) e.Add("procid", m.procid, ValueKind::kString);
  if (!m.msgid.empty()) e.Add("msgid", m.msgid, ValueKind::kString);
  e.Add("message", m.message, ValueKind::kString);
  thread_local std::string name;  // <SD-ID>.<PARAM>, reused
  for (const logs::SyslogSdElement& element : m.structured_data) {
    for (const logs::SyslogSdParam& param : element.params) {
      name.assign(element.id).append(".").append(param.name);
      e.Add(name, param.value, ValueKind::kString);
    }
  }
  // Shippers often send JSON as the syslog text: its fields join the event's.
  if (m.message.starts_with('{')) {
    thread_local detect::Event inner;  // reused: its buffers keep their capacity
    if (detect::ParseJsonEventBorrowed(m.message, &inner).ok()) {
      const size_t own_fields = e.field_count();
      inner.ForEachField([&](const detect::Event::Field& f) {
        if (!e.HasField(f.name, own_fields)) e.Add(f.name, f.value, f.kind);
      });
    }
  }
  out->time_ms = m.time_unix_ns != 0 ? m.time_unix_ns / 1'000'000 : received_ms;
  out->original_time = m.timestamp;
  out->host = !m.hostname.empty() ? m.hostname : std::string(peer);
  out->message = Summary(m.message);
  return Status::Ok();
}

}  // namespace

std::string_view RawKindName(ingest::RawKind kind) {
  return kind == ingest::RawKind::kSyslog ? "syslog" : "json";
}

Status Normalise(ingest::RawKind kind, std::string_view data, std::string_view peer,
                 int64_t received_ms, NormalisedEvent* out) {
  out->fields.Clear();
  // Fields are parts of the raw event plus their names: reserved at once, as `out->fields` is
  // usually a moved-from event with no room.
  out->fields.Reserve(data.size() + kFieldNameBytes, kTypicalFields);
  out->original_time.clear();
  if (kind == ingest::RawKind::kSyslog) return NormaliseSyslog(data, peer, received_ms, out);
  VIGIL_RETURN_IF_ERROR(detect::ParseJsonEvent(data, &out->fields));
  out->fields.Add("source_type", "json", detect::ValueKind::kString);
  std::string_view written;
  int64_t ns = detect::EventTime(out->fields, &written);
  out->time_ms = ns != 0 ? ns / 1'000'000 : received_ms;
  out->original_time = written;
  out->host = detect::EventHost(out->fields);
  if (out->host.empty()) out->host = peer;
  out->message = JsonSummary(out->fields, data);
  return Status::Ok();
}

Status NormaliseStored(const StoredEvent& event, NormalisedEvent* out) {
  const ingest::RawKind kind = event.source_type == RawKindName(ingest::RawKind::kSyslog)
                                   ? ingest::RawKind::kSyslog
                                   : ingest::RawKind::kJson;
  return Normalise(kind, event.raw, event.peer, event.received_ms, out);
}

}  // namespace vigil::events
