#include "detect/event.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

#include "core/time.h"

namespace vigil::detect {

void Event::Clear() {
  buffer_.clear();
  stored_.clear();
  borrowed_ = false;
  views_valid_ = false;
  source.clear();
  record = 0;
}

void Event::Add(std::string_view name, std::string_view value, ValueKind kind) {
  AddBorrowed(name, false, value, false, kind);
}

void Event::AddBorrowed(std::string_view name, bool borrow_name, std::string_view value,
                        bool borrow_value, ValueKind kind) {
  Stored s{nullptr, nullptr,
           0,       static_cast<uint32_t>(name.size()),
           0,       static_cast<uint32_t>(value.size()),
           kind};
  if (borrow_name) {
    s.name_external = name.data();
  } else {
    s.name_offset = static_cast<uint32_t>(buffer_.size());
    buffer_.append(name);
  }
  if (borrow_value) {
    s.value_external = value.data();
  } else {
    s.value_offset = static_cast<uint32_t>(buffer_.size());
    buffer_.append(value);
  }
  borrowed_ |= borrow_name || borrow_value;
  stored_.push_back(s);
  views_valid_ = false;
}

void Event::CopyFields(const Event& other) {
  buffer_.clear();
  stored_.clear();
  borrowed_ = false;
  views_valid_ = false;
  std::span<const Field> fields = other.fields();
  size_t bytes = 0;
  for (const Field& f : fields) bytes += f.name.size() + f.value.size();
  buffer_.reserve(bytes);
  stored_.reserve(fields.size());
  for (const Field& f : fields) Add(f.name, f.value, f.kind);
}

std::span<const Event::Field> Event::fields() const {
  if (!views_valid_) {
    views_.clear();
    views_.reserve(stored_.size());
    ForEachField([this](const Field& f) { views_.push_back(f); });
    views_valid_ = true;
  }
  return views_;
}

const Event::Field* Event::Find(std::string_view name) const {
  for (const Field& f : fields()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool Event::HasField(std::string_view name, size_t count) const {
  const size_t n = std::min(count, stored_.size());
  for (size_t i = 0; i < n; ++i) {
    if (NameOf(stored_[i]) == name) return true;
  }
  return false;
}

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

using simdjson::dom::array;

constexpr int kMaxDepth = 64;

// Copies out of simdjson's result wrappers: ranging over `x.get_object().value_unsafe()` would
// iterate a destroyed temporary.
object AsObject(element e) {
  object o;
  auto error = e.get_object().get(o);
  (void)error;  // callers check the element type first
  return o;
}
array AsArray(element e) {
  array a;
  auto error = e.get_array().get(a);
  (void)error;
  return a;
}

// Where fields go. With `borrow`, names that are `stable` (keys of the parsed document, string
// literals) and string values are kept as views into the parser's document rather than copied.
struct Sink {
  Event* event;
  bool borrow;
  void Add(std::string_view name, bool stable, std::string_view value, bool value_stable,
           ValueKind kind) const {
    event->AddBorrowed(name, borrow && stable, value, borrow && value_stable, kind);
  }
};

// Adds a scalar element under `name` (`stable`: it outlives the event, see Sink); returns false
// for objects and arrays.
bool AddScalar(const Sink& out, std::string_view name, bool stable, element value) {
  switch (value.type()) {
    case element_type::STRING:
      out.Add(name, stable, std::string_view(value.get_string().value_unsafe()), true,
              ValueKind::kString);
      return true;
    case element_type::INT64: {
      std::array<char, 24> buf;
      auto r = std::to_chars(buf.begin(), buf.end(), value.get_int64().value_unsafe());
      out.Add(name, stable, std::string_view(buf.data(), r.ptr - buf.data()), false,
              ValueKind::kNumber);
      return true;
    }
    case element_type::UINT64: {
      std::array<char, 24> buf;
      auto r = std::to_chars(buf.begin(), buf.end(), value.get_uint64().value_unsafe());
      out.Add(name, stable, std::string_view(buf.data(), r.ptr - buf.data()), false,
              ValueKind::kNumber);
      return true;
    }
    case element_type::DOUBLE: {
      std::array<char, 32> buf;
      auto r = std::to_chars(buf.begin(), buf.end(), value.get_double().value_unsafe());
      out.Add(name, stable, std::string_view(buf.data(), r.ptr - buf.data()), false,
              ValueKind::kNumber);
      return true;
    }
    case element_type::BOOL:
      out.Add(name, stable, value.get_bool().value_unsafe() ? "true" : "false", true,
              ValueKind::kBool);
      return true;
    case element_type::NULL_VALUE:
      out.Add(name, stable, "", true, ValueKind::kNull);
      return true;
    default:
      return false;
  }
}

// Generic flattening: `a.b.c`, arrays as repeated names.
void Flatten(const Sink& out, std::string& name, element value, int depth) {
  if (AddScalar(out, name, false, value) || depth > kMaxDepth) return;
  if (value.type() == element_type::ARRAY) {
    for (element item : AsArray(value)) Flatten(out, name, item, depth + 1);
    return;
  }
  const size_t base = name.size();
  for (auto [key, child] : AsObject(value)) {
    if (base > 0) name += '.';
    name.append(key);
    Flatten(out, name, child, depth + 1);
    name.resize(base);
  }
}

// EVTX-style element: `{"#attributes": {...}, "#text": v}` or a scalar. Adds `name` for the
// text and `name_attr` for each attribute (Provider_Name, TimeCreated_SystemTime, ...).
void AddWindowsElement(const Sink& out, std::string_view name, element value) {
  if (AddScalar(out, name, true, value)) return;
  if (value.type() == element_type::ARRAY) {
    for (element item : AsArray(value)) AddScalar(out, name, true, item);
    return;
  }
  for (auto [key, child] : AsObject(value)) {
    if (key == "#attributes" && child.type() == element_type::OBJECT) {
      thread_local std::string attr_name;  // copied by AddScalar; reused to spare allocations
      for (auto [attr, attr_value] : AsObject(child)) {
        attr_name.assign(name);
        attr_name += '_';
        attr_name.append(attr);
        AddScalar(out, attr_name, false, attr_value);
      }
    } else if (key == "#text") {
      AddWindowsElement(out, name, child);
    }
  }
}

// UserData and nested EventData: leaves under their own names. A leaf whose name has spaces
// (Defender's "Threat Name") is also added without them (ThreatName, as Sigma rules write it),
// value by value: walking the subtree once per spelling would double the work at every level.
void AddLeaves(const Sink& out, std::string_view name, element value, int depth) {
  if (depth > kMaxDepth) return;
  if (AddScalar(out, name, true, value)) {
    if (name.find(' ') != std::string_view::npos) {
      std::string joined;
      for (char c : name) {
        if (c != ' ') joined.push_back(c);
      }
      AddScalar(out, joined, false, value);
    }
    return;
  }
  if (value.type() == element_type::ARRAY) {
    for (element item : AsArray(value)) AddLeaves(out, name, item, depth + 1);
    return;
  }
  for (auto [key, child] : AsObject(value)) {
    if (key == "#attributes") continue;
    AddLeaves(out, key == "#text" ? name : key, child, depth + 1);
  }
}

void AddEvtxShape(const Sink& out, object event) {
  element system, data, user;
  if (event["System"].get(system) == simdjson::SUCCESS && system.is_object()) {
    for (auto [key, value] : AsObject(system)) {
      AddWindowsElement(out, key, value);
    }
  }
  if (event["EventData"].get(data) == simdjson::SUCCESS) AddLeaves(out, "Data", data, 0);
  if (event["UserData"].get(user) == simdjson::SUCCESS) AddLeaves(out, "UserData", user, 0);
}

void AddWinlogbeatShape(const Sink& out, object winlog) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kNames = {{
      {"channel", "Channel"},
      {"event_id", "EventID"},
      {"provider_name", "Provider_Name"},
      {"computer_name", "Computer"},
      {"record_id", "EventRecordID"},
      {"task", "Task"},
      {"opcode", "Opcode"},
  }};
  for (const auto& [from, to] : kNames) {
    element value;
    if (winlog[from].get(value) == simdjson::SUCCESS) AddScalar(out, to, true, value);
  }
  element data;
  if (winlog["event_data"].get(data) == simdjson::SUCCESS) AddLeaves(out, "Data", data, 0);
  if (winlog["user_data"].get(data) == simdjson::SUCCESS) AddLeaves(out, "UserData", data, 0);
}

// One JSON object into `out` (cleared first); `borrow`: see Sink.
void FillEvent(element root, Event* out, bool borrow = false) {
  out->Clear();
  const Sink sink{out, borrow};
  object top = AsObject(root);
  element windows;
  if (top["Event"].get(windows) == simdjson::SUCCESS && windows.is_object()) {
    AddEvtxShape(sink, AsObject(windows));
    return;
  }
  std::string name;
  Flatten(sink, name, root, 0);
  element winlog;
  if (top["winlog"].get(winlog) == simdjson::SUCCESS && winlog.is_object()) {
    AddWinlogbeatShape(sink, AsObject(winlog));
  }
}

simdjson::dom::parser& Parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace

namespace {
Status ParseInto(std::string_view json, Event* out, bool borrow) {
  out->Clear();
  element root;
  if (auto error = Parser().parse(json.data(), json.size()).get(root)) {
    return InvalidArgument(std::string("not JSON: ") + simdjson::error_message(error));
  }
  if (!root.is_object()) return InvalidArgument("an event must be a JSON object");
  FillEvent(root, out, borrow);
  return Status::Ok();
}
}  // namespace

Status ParseJsonEvent(std::string_view json, Event* out) { return ParseInto(json, out, false); }

// simdjson's DOM keeps every key and string value, unescaped, in the parser's string buffer
// until the next parse with that parser: the views stay valid that long.
Status ParseJsonEventBorrowed(std::string_view json, Event* out) {
  return ParseInto(json, out, true);
}

Status ParseJsonDocument(std::string_view json,
                         const std::function<void(Event& event, size_t index)>& each) {
  // parse_many reads one document or several concatenated ones (pretty-printed exports).
  // Unlike parse(), parse_many reads up to SIMDJSON_PADDING bytes past the end of its input
  // and does not copy it: give it a padded copy (a caller's exact-size buffer may end a page).
  thread_local simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  simdjson::dom::document_stream stream;
  const size_t batch = std::max<size_t>(json.size() + 64, simdjson::dom::MINIMAL_BATCH_SIZE);
  if (auto error = parser.parse_many(padded.data(), padded.size(), batch).get(stream)) {
    return InvalidArgument(std::string("not JSON: ") + simdjson::error_message(error));
  }
  Event event;
  size_t index = 0;
  for (auto result : stream) {
    element root;
    if (auto error = result.get(root)) {
      return InvalidArgument(std::string("not JSON: ") + simdjson::error_message(error) +
                             " (document " + std::to_string(index + 1) + ")");
    }
    if (root.is_array()) {
      for (element item : AsArray(root)) {
        if (item.is_object()) {
          FillEvent(item, &event);
          each(event, index);
        }
        ++index;
      }
    } else if (root.is_object()) {
      FillEvent(root, &event);
      each(event, index++);
    } else {
      return InvalidArgument("a JSON document must be an object or an array");
    }
  }
  return Status::Ok();
}

int64_t EventTime(const Event& event, std::string_view* written) {
  static constexpr std::array<std::string_view, 8> kNames = {"TimeCreated_SystemTime",
                                                             "@timestamp",
                                                             "timestamp",
                                                             "time",
                                                             "ts",
                                                             "Timestamp",
                                                             "date",
                                                             "EventTime"};
  for (std::string_view name : kNames) {
    const Event::Field* f = event.Find(name);
    if (f == nullptr) continue;
    if (f->kind == ValueKind::kNumber) {  // Zeek-style epoch seconds
      double seconds = 0;
      auto [end, ec] = std::from_chars(f->value.data(), f->value.data() + f->value.size(), seconds);
      // Up to 2262-04-11, the last second whose nanoseconds fit in an int64.
      if (ec == std::errc() && seconds > 0 && seconds < 9.2e9) {
        if (written != nullptr) *written = f->value;
        return static_cast<int64_t>(seconds * 1e9);
      }
      continue;
    }
    CivilTime civil;
    if (!ParseCivilTime(f->value, &civil)) continue;
    Result<int64_t> unix = CivilToUnix(civil, 0);
    constexpr int64_t kMaxSeconds = INT64_MAX / 1'000'000'000;
    if (unix.ok() && *unix >= -kMaxSeconds && *unix <= kMaxSeconds) {
      if (written != nullptr) *written = f->value;
      return *unix * 1'000'000'000;
    }
  }
  return 0;
}

std::string_view EventHost(const Event& event) {
  static constexpr std::array<std::string_view, 5> kNames = {"Computer", "host.name", "hostname",
                                                             "host", "ComputerName"};
  for (std::string_view name : kNames) {
    const Event::Field* f = event.Find(name);
    if (f != nullptr && f->kind == ValueKind::kString && !f->value.empty()) return f->value;
  }
  return {};
}

}  // namespace vigil::detect
