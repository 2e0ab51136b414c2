#include "auth/credentials.h"

#include <gtest/gtest.h>

#include "auth/rate_limiter.h"

namespace vigil::auth {
namespace {

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
};

TEST_F(CredentialsTest, Argon2idHashVerifies) {
  auto hash = HashPassword("Đúng-mật-khẩu-2026");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword(*hash, "Đúng-mật-khẩu-2026"));
  EXPECT_FALSE(VerifyPassword(*hash, "Đúng-mật-khẩu-2027"));
  EXPECT_FALSE(VerifyPassword("garbage", "x"));
  EXPECT_NE(*hash, *HashPassword("Đúng-mật-khẩu-2026"));  // salted
}

TEST_F(CredentialsTest, PasswordPolicy) {
  EXPECT_TRUE(CheckPasswordPolicy("Abcdefgh12").ok());
  EXPECT_TRUE(CheckPasswordPolicy("abcdefgh1!").ok());
  EXPECT_FALSE(CheckPasswordPolicy("Abcdef12").ok());      // too short
  EXPECT_FALSE(CheckPasswordPolicy("abcdefghijkl").ok());  // one class
  EXPECT_FALSE(CheckPasswordPolicy("abcdefghij12").ok());  // two classes
  EXPECT_FALSE(CheckPasswordPolicy(std::string(1025, 'a') + "A1").ok());
}

TEST_F(CredentialsTest, TokensAreRandomAndDigestsStable) {
  std::string a = NewToken("vgs_"), b = NewToken("vgs_");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 4u + 43u);
  EXPECT_EQ(TokenDigest(a), TokenDigest(a));
  EXPECT_NE(TokenDigest(a), TokenDigest(b));
  EXPECT_EQ(TokenDigest(a).size(), 64u);
  EXPECT_TRUE(SecureEquals("abc", "abc"));
  EXPECT_FALSE(SecureEquals("abc", "abd"));
  EXPECT_FALSE(SecureEquals("abc", "abcd"));
}

TEST(RateLimiter, BlocksAfterMaxFailuresWithinWindow) {
  RateLimiter limiter(3, std::chrono::minutes(5));
  auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.RetryAfter("1.2.3.4", t0).count(), 0);
    limiter.RecordFailure("1.2.3.4", t0);
  }
  EXPECT_GT(limiter.RetryAfter("1.2.3.4", t0).count(), 0);
  EXPECT_EQ(limiter.RetryAfter("5.6.7.8", t0).count(), 0);  // per key
  EXPECT_EQ(limiter.RetryAfter("1.2.3.4", t0 + std::chrono::minutes(5)).count(), 0);
  limiter.RecordFailure("9.9.9.9", t0);
  limiter.Reset("9.9.9.9");
  EXPECT_EQ(limiter.RetryAfter("9.9.9.9", t0).count(), 0);
}

}  // namespace
}  // namespace vigil::auth
