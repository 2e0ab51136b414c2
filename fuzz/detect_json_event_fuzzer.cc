// Fuzzes the JSON event reader (one object per line, or whole documents): any bytes give
// events or an error, and every field name and value stays within the event.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "detect/event.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil::detect;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  Event event;
  if (ParseJsonEvent(json, &event).ok()) {
    for (const Event::Field& f : event.fields()) Check(f.value.size() <= size + 32);
    (void)EventTime(event);
    (void)EventHost(event);
  }
  size_t count = 0;
  (void)ParseJsonDocument(json, [&](Event& e, size_t index) {
    Check(index >= count);
    ++count;
    (void)EventTime(e);
  });
  return 0;
}
