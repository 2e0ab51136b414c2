// Fuzzes events::BlockReader, which reads the event blocks of events.db (a file an operator may
// copy, restore or find damaged). Checks (abort() on violation) that a malformed block is an
// error naming a byte offset, and that what decodes encodes back to a block that decodes to the
// same events.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "events/event_block.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

// The events of `data`, or false on an error (checked to name an offset).
bool Decode(std::string_view data, std::vector<vigil::events::StoredEvent>* out) {
  vigil::events::BlockReader reader(data, 2);
  for (;;) {
    vigil::events::StoredEvent e;
    vigil::Result<bool> more = reader.Next(&e);
    if (!more.ok()) {
      Check(more.status().where().starts_with("byte ") && !more.status().message().empty());
      return false;
    }
    if (!*more) return true;
    Check(out->empty() || e.id > out->back().id);
    out->push_back(std::move(e));
  }
}

bool Same(const vigil::events::StoredEvent& a, const vigil::events::StoredEvent& b) {
  return a.id == b.id && a.time_ms == b.time_ms && a.received_ms == b.received_ms &&
         a.original_time == b.original_time && a.host == b.host && a.source_type == b.source_type &&
         a.source == b.source && a.peer == b.peer && a.message == b.message && a.raw == b.raw &&
         a.org_id == b.org_id && a.asset_id == b.asset_id && a.system_id == b.system_id &&
         a.security_level == b.security_level;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<vigil::events::StoredEvent> events;
  if (!Decode(std::string_view(reinterpret_cast<const char*>(data), size), &events)) return 0;
  std::vector<const vigil::events::StoredEvent*> pointers;
  for (const auto& e : events) pointers.push_back(&e);
  std::string block;
  vigil::events::EncodeBlock(pointers, &block);
  std::vector<vigil::events::StoredEvent> again;
  Check(Decode(block, &again) && again.size() == events.size());
  for (size_t i = 0; i < events.size(); ++i) Check(Same(events[i], again[i]));
  return 0;
}
