// walkv session — encryption of checkpoint state at rest with a
// caller-supplied key: libsodium's XChaCha20-Poly1305 (IETF), a random
// 24-byte nonce per checkpoint, and associated data binding the ciphertext to
// its session id, checkpoint number and key id (a ciphertext moved to another
// session or number does not open).
//
// Thread-safety: thread-safe once init_sodium() succeeded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <walkv/session.hpp>
#include <walkv/status.hpp>

namespace walkv::session {

inline constexpr std::size_t kNonceSize = 24;
inline constexpr std::size_t kMaxKeyIdSize = 64;

// Initialises libsodium once per process. Errors: io_error.
Status init_sodium();

struct Sealed {
  std::string ciphertext;  // plaintext size + 16-byte tag
  std::string nonce;
};

// The associated data of checkpoint `number` of session `id` under `key_id`.
std::string associated_data(std::string_view id, std::uint64_t number, std::string_view key_id);

Sealed seal(const EncryptionKey& key, std::string_view plaintext, std::string_view associated);
// nullopt-like failure: false when the key does not open the ciphertext (or
// it, the nonce or the associated data was altered).
bool unseal(const EncryptionKey& key, std::string_view ciphertext, std::string_view nonce,
            std::string_view associated, std::string& plaintext);

// Overwrites the key bytes (sodium_memzero).
void wipe(EncryptionKey& key) noexcept;

}  // namespace walkv::session
