// The web console's files (a built single-page app: index.html, assets/*), held in memory.
//
// Load() reads the whole directory once at start; afterwards the object is immutable and Serve()
// may be called from any number of threads. Only files found by Load() can ever be served, so no
// request path can reach the rest of the file system.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/status.h"
#include "http/message.h"

namespace vigil::http {

class StaticFiles {
 public:
  // Reads every regular file below `root` (recursively; names starting with '.' are skipped) into
  // memory. Returns NotFound when `root` is not a directory or has no index.html,
  // ResourceExhausted when the files exceed 512 MiB in total, Internal when a file cannot be read
  // (naming it). The caller owns the result.
  static Result<std::unique_ptr<StaticFiles>> Load(const std::filesystem::path& root);

  // Answers GET and HEAD (the server drops the body for HEAD) for:
  //   - a loaded file by its exact decoded path ("/assets/index-4f2a.js"), "/" as index.html;
  //   - any other path outside "/api" whose last segment has no '.' (client-side routes such as
  //     "/incidents/12"): index.html.
  // Sets Content-Type by extension, ETag, X-Content-Type-Options: nosniff, and Cache-Control:
  // "public, max-age=31536000, immutable" under /assets/ (content-hashed names), "no-cache"
  // elsewhere; answers 304 when If-None-Match matches. Returns nullopt for other methods, for
  // /api and /api/..., and for a missing path with an extension, so the caller can answer 404.
  // Register it after the API routes (it claims "/healthz"-like paths for the SPA).
  std::optional<Response> Serve(const Request& request) const;

  // The number of files loaded.
  size_t size() const { return files_.size(); }

 private:
  struct File {
    std::string body;
    std::string content_type;
    std::string cache_control;
    std::string etag;
  };

  StaticFiles() = default;
  Response Answer(const File& file, const Request& request) const;

  std::unordered_map<std::string, File> files_;  // by URL path, e.g. "/assets/app.js"
  const File* index_ = nullptr;                  // points into files_ (node-based: stable)
};

}  // namespace vigil::http
