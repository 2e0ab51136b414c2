#include "http/request_decoding.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include "http/beast_request.h"

namespace vigil::http {
namespace {

namespace bhttp = boost::beast::http;

// Same defaults as ServerOptions (server.h); kept here so this file does not depend on the server.
constexpr size_t kDefaultMaxHeaderBytes = 16 << 10;
constexpr size_t kDefaultMaxBodyBytes = 16 << 20;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the percent-decoded `in` to `out`; '+' becomes a space when `plus_is_space`.
// Returns false on an invalid escape ("%", "%4", "%zz").
bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->reserve(out->size() + in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

bool HasDotSegment(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view segment = path.substr(start, slash - start);
    if (segment == "." || segment == "..") return true;
    start = slash + 1;
  }
  return false;
}

Status DecodeQuery(std::string_view raw, std::multimap<std::string, std::string>* query) {
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string name, value;
    if (!PercentDecode(pair.substr(0, eq), true, &name) ||
        (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, &value))) {
      return InvalidArgument("invalid percent-escape in query parameter", std::string(pair));
    }
    query->emplace(std::move(name), std::move(value));
  }
  return Status::Ok();
}

}  // namespace

Status ParseTarget(std::string_view target, std::string* path,
                   std::multimap<std::string, std::string>* query) {
  path->clear();
  query->clear();
  if (target == "*") {
    *path = "*";
    return Status::Ok();
  }
  if (size_t hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  for (std::string_view scheme : {"http://", "https://"}) {
    if (StartsWithNoCase(target, scheme)) {
      std::string_view rest = target.substr(scheme.size());
      size_t end = rest.find_first_of("/?");
      target = end == std::string_view::npos ? std::string_view("/") : rest.substr(end);
      if (!target.empty() && target.front() == '?') {
        return InvalidArgument("absolute-form target without a path");
      }
      break;
    }
  }
  if (target.empty() || target.front() != '/') {
    return InvalidArgument("request target must start with '/'");
  }
  size_t qmark = target.find('?');
  std::string_view raw_path = target.substr(0, qmark);
  if (!PercentDecode(raw_path, false, path)) {
    return InvalidArgument("invalid percent-escape in path", std::string(raw_path));
  }
  if (path->find('\0') != std::string::npos) {
    return InvalidArgument("NUL byte in path", std::string(raw_path));
  }
  if (HasDotSegment(*path)) {
    return InvalidArgument("'.' or '..' segment in path", std::string(raw_path));
  }
  if (qmark != std::string_view::npos) {
    VIGIL_RETURN_IF_ERROR(DecodeQuery(target.substr(qmark + 1), query));
  }
  return Status::Ok();
}

namespace internal {

Result<Request> RequestFromBeast(bhttp::request<bhttp::string_body>&& msg) {
  Request req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  VIGIL_RETURN_IF_ERROR(ParseTarget(req.target, &req.path, &req.query));
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    auto [it, inserted] = req.headers.try_emplace(std::move(name), field.value());
    if (!inserted) {
      it->second += it->first == "cookie" ? "; " : ", ";
      it->second += field.value();
    }
  }
  req.body = std::move(msg.body());
  return req;
}

}  // namespace internal

Result<Request> ParseRequestBytes(std::string_view raw) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(kDefaultMaxHeaderBytes);
  parser.body_limit(kDefaultMaxBodyBytes);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t offset = 0;
  // With eager(true) one put() parses as far as the input allows; "need more" then means the
  // input ends inside the message. Beast requires that put() is only called again with more data
  // than before (it asserts otherwise), so "need more" is final here.
  while (!parser.is_done()) {
    size_t used = parser.put(boost::asio::buffer(raw.data() + offset, raw.size() - offset), ec);
    offset += used;
    if (ec == bhttp::error::need_more) ec = bhttp::error::partial_message;
    if (ec) break;
    if (!parser.is_done() && (used == 0 || offset == raw.size())) {
      ec = bhttp::error::partial_message;
      break;
    }
  }
  if (ec == bhttp::error::header_limit || ec == bhttp::error::body_limit) {
    return Status(StatusCode::kResourceExhausted, ec.message());
  }
  if (ec) return InvalidArgument("malformed HTTP request: " + ec.message());
  return internal::RequestFromBeast(parser.release());
}

}  // namespace vigil::http
