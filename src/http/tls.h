// TLS helpers for the HTTP server: a self-signed certificate for first start, the server's TLS
// context settings, and loopback detection (to decide whether plain HTTP is acceptable).
//
// These functions use OpenSSL 3 only (no Asio), are thread-safe, and never throw.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace vigil::http {

// If both `cert` and `key` exist, does nothing and returns OK (their content is not checked; the
// server reports unusable files when it loads them). Otherwise generates an EC P-256 key and a
// self-signed X.509v3 certificate valid for 825 days (CA:FALSE, extendedKeyUsage serverAuth) whose
// subjectAltName lists `names`: IPv4/IPv6 literals ("127.0.0.1", "::1", "[::1]") as IP entries,
// anything else as DNS entries ("localhost", "vigil.example.org", "*.example.org"). The first name
// is also the subject CN. Empty strings are skipped; no names at all means {"localhost"}. Parent
// directories are created.
// Each file is written to a temporary file in its directory, flushed and renamed, so a crash never
// leaves a half-written file; the key gets mode 0600, the certificate 0644. Both files are
// (re)written when either is missing. Returns InvalidArgument for a name that is neither an IP
// address nor a DNS name, Internal for OpenSSL or file-system failures (naming the file).
Status EnsureSelfSignedCertificate(const std::filesystem::path& cert,
                                   const std::filesystem::path& key,
                                   const std::vector<std::string>& names);

// Configures a server SSL_CTX (not owned; must be non-null): TLS 1.2 minimum, no compression, no
// renegotiation, server cipher preference, forward-secret AEAD ciphers only for TLS 1.2, and the
// PEM certificate chain and private key from the given files (checked to match). Returns
// InvalidArgument naming the file that cannot be loaded.
Status ConfigureServerTls(ssl_ctx_st* ctx, const std::filesystem::path& cert_file,
                          const std::filesystem::path& key_file);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Lower-case hex SHA-256 of the first certificate in a PEM file (its DER form): what a client
// pins (ClientOptions::pin_sha256). InvalidArgument naming the file when it cannot be read.
Result<std::string> CertificateSha256(const std::filesystem::path& cert_file);

// True for hosts that only reach this machine: "localhost" (any case, optional trailing dot),
// any IPv4 address in 127.0.0.0/8, "::1", "[::1]" and IPv4-mapped loopback ("::ffff:127.0.0.1").
// False for everything else, including "", "0.0.0.0", "::" and names with a port.
bool IsLoopbackHost(std::string_view host);

}  // namespace vigil::http
