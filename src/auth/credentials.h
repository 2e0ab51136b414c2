// Secrets: password hashing with Argon2id (libsodium) and random bearer tokens.
//
// Passwords are user-chosen and low-entropy, so they get Argon2id. Session and API tokens are
// 256-bit random values; they are stored as a keyless BLAKE2b-256 digest, which is as safe as a
// slow hash for such inputs and keeps each authenticated request cheap (docs/SECURITY.md).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil::auth {

// Must be called once before any other function here (idempotent, thread-safe).
Status InitCrypto();

// Argon2id hash in the PHC string format ($argon2id$v=19$m=...). Takes ~0.1 s and 64 MiB.
Result<std::string> HashPassword(std::string_view password);
// True when `password` matches `hash`. Constant time in the password.
bool VerifyPassword(std::string_view hash, std::string_view password);

// The project's rule for Vigil accounts: 10–1024 bytes, at least three of lower case, upper
// case, digits and other characters. Returns InvalidArgument explaining what is missing.
Status CheckPasswordPolicy(std::string_view password);

// A new random token: `prefix` + 43 base64url characters (256 bits).
std::string NewToken(std::string_view prefix);
// Hex digest under which a token is stored and looked up.
std::string TokenDigest(std::string_view token);
// Constant-time comparison of two strings of possibly different lengths.
bool SecureEquals(std::string_view a, std::string_view b);

}  // namespace vigil::auth
