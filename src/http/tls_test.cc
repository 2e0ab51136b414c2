#include "http/tls.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iterator>

namespace vigil::http {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "vigil_tls_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST(IsLoopbackHostTest, Table) {
  for (const char* yes :
       {"localhost", "LOCALHOST", "localhost.", "127.0.0.1", "127.1.2.3", "127.255.255.255", "::1",
        "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackHost(yes)) << yes;
  }
  for (const char* no : {"", "0.0.0.0", "::", "[::]", "128.0.0.1", "10.0.0.1", "126.0.0.1",
                         "localhost.example.org", "mylocalhost", "127.0.0.1:8443", "[127.0.0.1]",
                         "::1]", "[::1", "127.1", "::2", "::ffff:10.0.0.1", "fe80::1"}) {
    EXPECT_FALSE(IsLoopbackHost(no)) << no;
  }
}

TEST_F(TlsTest, GeneratesKeyAndCertificate) {
  fs::path cert = dir_ / "sub" / "cert.pem";
  fs::path key = dir_ / "sub" / "key.pem";
  Status s = EnsureSelfSignedCertificate(
      cert, key, {"localhost", "127.0.0.1", "[::1]", "vigil-01", "", "build_host"});
  ASSERT_TRUE(s.ok()) << s.ToString();

  struct stat st;
  ASSERT_EQ(stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(cert.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  for (const auto& entry : fs::directory_iterator(dir_ / "sub")) {  // no temporary files left
    EXPECT_TRUE(entry.path().filename() == "cert.pem" || entry.path().filename() == "key.pem")
        << entry.path();
  }

  FILE* f = std::fopen(cert.c_str(), "r");
  ASSERT_NE(f, nullptr);
  X509* x509 = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  ASSERT_NE(x509, nullptr);
  EXPECT_EQ(X509_check_host(x509, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(x509, "vigil-01", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(x509, "build_host", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(x509, "example.org", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ip_asc(x509, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(x509, "::1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(x509, "10.0.0.1", 0), 0);
  EXPECT_EQ(X509_get_version(x509), 2);  // v3
  int days = 0, seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(x509), X509_get0_notAfter(x509)),
            1);
  EXPECT_EQ(days, 825);
  EVP_PKEY* pub = X509_get0_pubkey(x509);
  ASSERT_NE(pub, nullptr);
  EXPECT_TRUE(EVP_PKEY_is_a(pub, "EC"));
  EXPECT_EQ(EVP_PKEY_get_bits(pub), 256);
  X509_free(x509);

  // The pair loads into a server context, key matching.
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  Status configured = ConfigureServerTls(ctx, cert, key);
  EXPECT_TRUE(configured.ok()) << configured.ToString();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
  EXPECT_NE(SSL_CTX_get_options(ctx) & SSL_OP_NO_COMPRESSION, 0u);
  EXPECT_NE(SSL_CTX_get_options(ctx) & SSL_OP_CIPHER_SERVER_PREFERENCE, 0u);
  SSL_CTX_free(ctx);
}

TEST_F(TlsTest, ExistingFilesAreKept) {
  fs::path cert = dir_ / "cert.pem", key = dir_ / "key.pem";
  ASSERT_TRUE(EnsureSelfSignedCertificate(cert, key, {}).ok());
  std::string cert_pem = ReadAll(cert), key_pem = ReadAll(key);
  ASSERT_TRUE(EnsureSelfSignedCertificate(cert, key, {"other"}).ok());
  EXPECT_EQ(ReadAll(cert), cert_pem);
  EXPECT_EQ(ReadAll(key), key_pem);
  // One file missing: both are made again, as a matching pair.
  fs::remove(cert);
  ASSERT_TRUE(EnsureSelfSignedCertificate(cert, key, {}).ok());
  EXPECT_NE(ReadAll(key), key_pem);
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  EXPECT_TRUE(ConfigureServerTls(ctx, cert, key).ok());
  SSL_CTX_free(ctx);
}

TEST_F(TlsTest, InvalidNamesAreRejectedWithoutWriting) {
  fs::path cert = dir_ / "cert.pem", key = dir_ / "key.pem";
  for (const char* bad : {"bad name", "a,DNS:evil", "[127.0.0.1]", "x..y", "-\n", ".", "a.", "*",
                          "host/x", "\xC3\xA9"}) {
    Status s = EnsureSelfSignedCertificate(cert, key, {"localhost", bad});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.where(), bad);
  }
  EXPECT_FALSE(fs::exists(cert));
  EXPECT_FALSE(fs::exists(key));
}

TEST_F(TlsTest, ConfigureReportsTheBadFile) {
  fs::path cert = dir_ / "cert.pem", key = dir_ / "key.pem";
  ASSERT_TRUE(EnsureSelfSignedCertificate(cert, key, {}).ok());
  fs::path other_cert = dir_ / "o" / "cert.pem", other_key = dir_ / "o" / "key.pem";
  ASSERT_TRUE(EnsureSelfSignedCertificate(other_cert, other_key, {}).ok());
  std::ofstream(dir_ / "junk.pem") << "not a pem";

  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  Status missing = ConfigureServerTls(ctx, dir_ / "nope.pem", key);
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.where(), (dir_ / "nope.pem").string());
  Status junk = ConfigureServerTls(ctx, cert, dir_ / "junk.pem");
  EXPECT_EQ(junk.where(), (dir_ / "junk.pem").string());
  Status mismatch = ConfigureServerTls(ctx, cert, other_key);
  EXPECT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.where(), other_key.string());
  SSL_CTX_free(ctx);
}

}  // namespace
}  // namespace vigil::http
