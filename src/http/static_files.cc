#include "http/static_files.h"

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string_view>

namespace vigil::http {
namespace {

namespace fs = std::filesystem;

constexpr uintmax_t kMaxTotalBytes = uintmax_t{512} << 20;

std::string_view ContentTypeFor(std::string_view path) {
  struct Entry {
    std::string_view extension;
    std::string_view type;
  };
  static constexpr Entry kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".ttf", "font/ttf"},
      {".wasm", "application/wasm"},
      {".txt", "text/plain; charset=utf-8"},
  };
  size_t dot = path.rfind('.');
  if (dot != std::string_view::npos && path.find('/', dot) == std::string_view::npos) {
    std::string_view ext = path.substr(dot);
    for (const Entry& e : kTypes) {
      if (e.extension.size() != ext.size()) continue;
      bool equal = true;
      for (size_t i = 0; i < ext.size() && equal; ++i) {
        char c = ext[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        equal = c == e.extension[i];
      }
      if (equal) return e.type;
    }
  }
  return "application/octet-stream";
}

// FNV-1a, 64 bits: enough to tell versions of a file apart (not a security property).
std::string EtagOf(std::string_view data) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016" PRIx64 "\"", h);
  return buf;
}

bool LastSegmentHasDot(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return last.find('.') != std::string_view::npos;
}

bool HiddenComponent(const fs::path& relative) {
  for (const fs::path& part : relative) {
    std::string s = part.string();
    if (!s.empty() && s.front() == '.') return true;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<StaticFiles>> StaticFiles::Load(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return NotFound("not a directory", root.string());
  std::unique_ptr<StaticFiles> files(new StaticFiles());
  uintmax_t total = 0;
  fs::recursive_directory_iterator it(root, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    fs::path relative = entry.path().lexically_relative(root);
    if (HiddenComponent(relative)) {
      if (entry.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file(ec)) continue;
    total += entry.file_size(ec);
    if (total > kMaxTotalBytes) {
      return Status(StatusCode::kResourceExhausted, "static files exceed 512 MiB", root.string());
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad() || !in.is_open()) {
      return Status(StatusCode::kInternal, "cannot read file", entry.path().string());
    }
    std::string url = "/" + relative.generic_string();
    File file;
    file.content_type = std::string(ContentTypeFor(url));
    file.cache_control =
        url.starts_with("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    file.etag = EtagOf(body);
    file.body = std::move(body);
    files->files_.insert_or_assign(std::move(url), std::move(file));
  }
  if (ec) {
    return Status(StatusCode::kInternal, "cannot list directory: " + ec.message(), root.string());
  }
  auto index = files->files_.find("/index.html");
  if (index == files->files_.end()) return NotFound("no index.html", root.string());
  files->index_ = &index->second;
  return files;
}

std::optional<Response> StaticFiles::Serve(const Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  const std::string& path = request.path;
  if (path.empty() || path.front() != '/') return std::nullopt;
  if (path == "/api" || path.starts_with("/api/")) return std::nullopt;
  if (path == "/") return Answer(*index_, request);
  if (auto it = files_.find(path); it != files_.end()) return Answer(it->second, request);
  if (!LastSegmentHasDot(path)) return Answer(*index_, request);
  return std::nullopt;
}

Response StaticFiles::Answer(const File& file, const Request& request) const {
  Response response;
  std::optional<std::string_view> if_none_match = request.Header("if-none-match");
  bool not_modified = if_none_match && (*if_none_match == "*" ||
                                        if_none_match->find(file.etag) != std::string_view::npos);
  response.status = not_modified ? 304 : 200;
  response.SetHeader("Content-Type", file.content_type);
  response.SetHeader("Cache-Control", file.cache_control);
  response.SetHeader("ETag", file.etag);
  response.SetHeader("X-Content-Type-Options", "nosniff");
  if (!not_modified) response.body = file.body;
  return response;
}

}  // namespace vigil::http
