// Fuzzes events::Normalise, what the server runs on every received event (syslog or JSON): the
// first byte picks the kind, the rest is the event. Checks (abort() on violation) that errors are
// kInvalidArgument with a message, and that a normalised event has a summary of at most
// kMaxSummary bytes of valid UTF-8, a source_type field naming its kind, and that normalising
// again gives the same result.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/text.h"
#include "events/normalise.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto kind =
      data[0] % 2 == 0 ? vigil::ingest::RawKind::kSyslog : vigil::ingest::RawKind::kJson;
  const std::string_view event(reinterpret_cast<const char*>(data + 1), size - 1);
  constexpr int64_t kReceived = 1795237201000;  // 2026-11-21 05:00:01 UTC
  vigil::events::NormalisedEvent n;
  vigil::Status s = vigil::events::Normalise(kind, event, "192.0.2.1", kReceived, &n);
  if (!s.ok()) {
    Check(s.code() == vigil::StatusCode::kInvalidArgument && !s.message().empty());
    return 0;
  }
  Check(n.message.size() <= vigil::events::kMaxSummary && vigil::IsValidUtf8(n.message));
  const vigil::detect::Event::Field* type = n.fields.Find("source_type");
  Check(type != nullptr && type->value == vigil::events::RawKindName(kind));
  Check(!n.host.empty() || kind == vigil::ingest::RawKind::kJson);
  vigil::events::NormalisedEvent again;
  Check(vigil::events::Normalise(kind, event, "192.0.2.1", kReceived, &again).ok());
  Check(again.time_ms == n.time_ms && again.host == n.host && again.message == n.message &&
        again.fields.fields().size() == n.fields.fields().size());
  return 0;
}
