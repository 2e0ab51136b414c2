// Decoding of HTTP/1.1 request targets and whole requests into vigil::http::Request.
//
// The server uses the same functions for every request it reads, so what the fuzzer and the tests
// check here is what the application sees. All functions are pure and thread-safe; none throws.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/message.h"

namespace vigil::http {

// Splits a request target into a percent-decoded path and a decoded query multimap.
//
// Accepts origin-form ("/a/b?x=1") and absolute-form ("http://host/a?x=1", whose scheme and
// authority are dropped) and the asterisk-form "*" (path "*"); a fragment ("#...") is ignored. The
// path is percent-decoded ('+' stays
// '+'); the query follows application/x-www-form-urlencoded rules ('+' is a space, %XX a byte,
// pairs split on '&', a name without '=' gets the value ""). Returns InvalidArgument (and leaves
// the outputs unspecified) for an empty or relative target, an invalid percent-escape, a NUL byte
// in the path, or a "." or ".." path segment after decoding (so "/a/%2e%2e/b" never reaches a
// router). Both output pointers must be non-null; `query` is cleared first.
Status ParseTarget(std::string_view target, std::string* path,
                   std::multimap<std::string, std::string>* query);

// Decodes the first complete HTTP/1.x request in `raw` (bytes after it are ignored) with the same
// parser, limits (16 KiB of headers, 16 MiB of body, as ServerOptions' defaults) and conversion the
// server uses. remote_ip is left empty and tls false. Returns InvalidArgument for malformed or
// incomplete input and ResourceExhausted when a limit is exceeded.
Result<Request> ParseRequestBytes(std::string_view raw);

}  // namespace vigil::http
