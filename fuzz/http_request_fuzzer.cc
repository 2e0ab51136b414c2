// Fuzzes HTTP request decoding (src/http/request_decoding.h): the whole input as raw request
// bytes through ParseRequestBytes, and as a request target through ParseTarget. Beyond "no crash,
// no sanitizer report", it checks the invariants the application relies on and traps otherwise.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "http/request_decoding.h"

namespace {

// A decoded path that passed ParseTarget never has a "." or ".." segment or a NUL byte.
void CheckPath(const std::string& path) {
  if (path == "*") return;
  if (path.empty() || path.front() != '/') __builtin_trap();
  if (path.find('\0') != std::string::npos) __builtin_trap();
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string_view segment(path.data() + start, slash - start);
    if (segment == "." || segment == "..") __builtin_trap();
    start = slash + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  vigil::Result<vigil::http::Request> request = vigil::http::ParseRequestBytes(input);
  if (request.ok()) {
    CheckPath(request->path);
    for (const auto& [name, value] : request->headers) {
      for (char c : name) {
        if (c >= 'A' && c <= 'Z') __builtin_trap();  // names are lower-case
      }
    }
    (void)request->Cookie("vigil_session");
    (void)request->Query("limit");
  }

  std::string path;
  std::multimap<std::string, std::string> query;
  if (vigil::http::ParseTarget(input, &path, &query).ok()) {
    CheckPath(path);
    // Decoding only shrinks: every decoded byte comes from at least one input byte.
    size_t decoded = path.size();
    for (const auto& [name, value] : query) decoded += name.size() + value.size();
    if (decoded > input.size()) __builtin_trap();
  }
  return 0;
}
