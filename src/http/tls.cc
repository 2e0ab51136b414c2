#include "http/tls.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "core/text.h"

namespace vigil::http {
namespace {

namespace fs = std::filesystem;

template <auto kFree>
struct OpenSslFree {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslFree<X509_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslFree<BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslFree<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslFree<GENERAL_NAMES_free>>;

constexpr long kValiditySeconds = 825L * 24 * 60 * 60;
// Mozilla "intermediate" TLS 1.2 suites: ECDHE key exchange and AEAD only. TLS 1.3 suites keep
// OpenSSL's defaults, which are all AEAD.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// Drains OpenSSL's (thread-local) error queue into "what: reason; reason".
std::string OpenSslError(std::string_view what) {
  std::string s(what);
  const char* sep = ": ";
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    s += sep;
    s += buf;
    sep = "; ";
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Returns the address without brackets if `name` is an IPv4 or IPv6 literal.
// Brackets are accepted around IPv6 only ("[::1]").
std::optional<std::string> IpLiteral(std::string_view name) {
  bool bracketed = name.size() >= 2 && name.front() == '[' && name.back() == ']';
  std::string s(bracketed ? name.substr(1, name.size() - 2) : name);
  unsigned char buf[sizeof(in6_addr)];
  if ((!bracketed && inet_pton(AF_INET, s.c_str(), buf) == 1) ||
      inet_pton(AF_INET6, s.c_str(), buf) == 1) {
    return s;
  }
  return std::nullopt;
}

// A DNS name of letters, digits, hyphens and underscores in labels of 1 to 63 characters,
// optionally starting with a "*." wildcard label.
bool IsDnsName(std::string_view name) {
  if (name.size() >= 2 && name.substr(0, 2) == "*.") name.remove_prefix(2);
  if (name.empty() || name.size() > 253) return false;
  size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    // '_' is not valid in a DNS host name, but real machine names have it and clients accept it.
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return label > 0;
}

Status AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX v3;
  X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
  ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &v3, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return Internal(OpenSslError(std::string("cannot add certificate extension ") + value));
  }
  return Status::Ok();
}

Status AddSubjectAltNames(X509* cert, const std::vector<std::string>& names) {
  GeneralNamesPtr gens(sk_GENERAL_NAME_new_null());
  for (const std::string& name : names) {
    GENERAL_NAME* gen = GENERAL_NAME_new();
    if (gen == nullptr) return Internal(OpenSslError("out of memory"));
    if (std::optional<std::string> ip = IpLiteral(name)) {
      ASN1_OCTET_STRING* octets = a2i_IPADDRESS(ip->c_str());
      if (octets == nullptr) {
        GENERAL_NAME_free(gen);
        return InvalidArgument(OpenSslError("cannot encode IP address"), name);
      }
      GENERAL_NAME_set0_value(gen, GEN_IPADD, octets);
    } else {
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      if (dns == nullptr || ASN1_STRING_set(dns, name.data(), static_cast<int>(name.size())) != 1) {
        ASN1_IA5STRING_free(dns);
        GENERAL_NAME_free(gen);
        return Internal(OpenSslError("cannot encode DNS name"));
      }
      GENERAL_NAME_set0_value(gen, GEN_DNS, dns);
    }
    sk_GENERAL_NAME_push(gens.get(), gen);
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, gens.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return Internal(OpenSslError("cannot add subjectAltName"));
  }
  return Status::Ok();
}

Result<X509Ptr> MakeCertificate(EVP_PKEY* key, const std::vector<std::string>& names) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return Internal(OpenSslError("X509_new"));
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return Internal(OpenSslError("RAND_bytes"));
  serial[0] &= 0x7f;  // positive
  BignumPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return Internal(OpenSslError("cannot set serial number"));
  }
  // Start five minutes in the past to tolerate clients whose clocks are slightly behind.
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds) == nullptr ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return Internal(OpenSslError("cannot set validity or public key"));
  }
  X509_NAME* subject = X509_get_subject_name(cert.get());
  std::string cn = names.front().size() <= 64 ? names.front() : "Vigil self-signed";
  if (X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>("Vigil"), -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), subject) != 1) {
    return Internal(OpenSslError("cannot set subject"));
  }
  // No keyUsage extension: with keyUsage but without keyCertSign, OpenSSL does not treat the
  // certificate as self-issued and clients that pin it as their trust anchor fail to verify.
  VIGIL_RETURN_IF_ERROR(AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  VIGIL_RETURN_IF_ERROR(AddExtension(cert.get(), NID_ext_key_usage, "serverAuth"));
  VIGIL_RETURN_IF_ERROR(AddExtension(cert.get(), NID_subject_key_identifier, "hash"));
  VIGIL_RETURN_IF_ERROR(AddSubjectAltNames(cert.get(), names));
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) {
    return Internal(OpenSslError("cannot sign certificate"));
  }
  return cert;
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, len > 0 ? static_cast<size_t>(len) : 0);
}

Status ErrnoStatus(std::string_view what, const fs::path& path) {
  return Status(StatusCode::kInternal, std::string(what) + ": " + std::strerror(errno),
                path.string());
}

// Writes `data` to a fresh temporary file beside `path` (mkstemp: mode 0600 from the start),
// sets `mode`, fsyncs and renames it over `path`.
Status WriteFileAtomically(const fs::path& path, std::string_view data, mode_t mode) {
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec)
      return Status(StatusCode::kInternal, "cannot create directory: " + ec.message(),
                    path.string());
  }
  std::string tmp = path.string() + ".tmp.XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) return ErrnoStatus("cannot create temporary file", path);
  bool ok = fchmod(fd, mode) == 0;
  for (size_t done = 0; ok && done < data.size();) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  Status status = ok ? Status::Ok() : ErrnoStatus("cannot write", path);
  if (close(fd) != 0 && status.ok()) status = ErrnoStatus("cannot write", path);
  if (status.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) {
    status = ErrnoStatus("cannot rename temporary file", path);
  }
  if (!status.ok()) unlink(tmp.c_str());
  return status;
}

}  // namespace

Status EnsureSelfSignedCertificate(const fs::path& cert, const fs::path& key,
                                   const std::vector<std::string>& names) {
  std::error_code ec;
  if (fs::exists(cert, ec) && fs::exists(key, ec)) return Status::Ok();
  std::vector<std::string> all;
  for (const std::string& name : names) {
    if (name.empty()) continue;
    if (!IpLiteral(name) && !IsDnsName(name)) {
      return InvalidArgument("not an IP address or DNS name", name);
    }
    all.push_back(name);
  }
  if (all.empty()) all.push_back("localhost");
  ERR_clear_error();
  PkeyPtr pkey(EVP_EC_gen("P-256"));
  if (!pkey) return Internal(OpenSslError("cannot generate EC P-256 key"));
  VIGIL_ASSIGN_OR_RETURN(X509Ptr x509, MakeCertificate(pkey.get(), all));

  BioPtr key_bio(BIO_new(BIO_s_mem()));
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (!key_bio || !cert_bio ||
      PEM_write_bio_PrivateKey(key_bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1 ||
      PEM_write_bio_X509(cert_bio.get(), x509.get()) != 1) {
    return Internal(OpenSslError("cannot encode PEM"));
  }
  // Key first: a crash between the two renames leaves a key without a certificate, which the next
  // call replaces; never a certificate whose key is missing.
  VIGIL_RETURN_IF_ERROR(WriteFileAtomically(key, BioContents(key_bio.get()), 0600));
  return WriteFileAtomically(cert, BioContents(cert_bio.get()), 0644);
}

Status ConfigureServerTls(ssl_ctx_st* ctx, const fs::path& cert_file, const fs::path& key_file) {
  ERR_clear_error();
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                               SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 |
                               SSL_OP_NO_TLSv1_1);
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    return Internal(OpenSslError("cannot configure TLS protocol versions or ciphers"));
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    return InvalidArgument(OpenSslError("cannot load TLS certificate chain (PEM)"),
                           cert_file.string());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return InvalidArgument(OpenSslError("cannot load TLS private key (PEM)"), key_file.string());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return InvalidArgument(OpenSslError("TLS private key does not match the certificate"),
                           key_file.string());
  }
  return Status::Ok();
}

bool IsLoopbackHost(std::string_view host) {
  std::string h = Lower(host);
  if (h == "localhost" || h == "localhost.") return true;
  bool bracketed = h.size() >= 2 && h.front() == '[' && h.back() == ']';
  if (bracketed) h = h.substr(1, h.size() - 2);
  in_addr v4;
  if (!bracketed && inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
  }
  return false;
}

Result<std::string> CertificateSha256(const std::filesystem::path& cert_file) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(cert_file.c_str(), "r"), BIO_free);
  if (!bio) return InvalidArgument("cannot read the certificate", cert_file.string());
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) return InvalidArgument("not a PEM certificate", cert_file.string());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert.get(), EVP_sha256(), digest, &length) != 1) {
    return Internal("cannot digest the certificate " + cert_file.string());
  }
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace vigil::http
