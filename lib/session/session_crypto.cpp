#include "session/session_crypto.hpp"

#include <mutex>

#include <sodium.h>

namespace walkv::session {
namespace {

static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == kNonceSize);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32);

const unsigned char* bytes_of(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

void append_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

}  // namespace

Status init_sodium() {
  static std::once_flag once;
  static int result = -1;
  std::call_once(once, [] { result = sodium_init(); });
  if (result < 0) return Status(Code::io_error, "libsodium failed to initialise (sodium_init)");
  return Status::ok_status();
}

std::string associated_data(std::string_view id, std::uint64_t number, std::string_view key_id) {
  std::string out = "walkv checkpoint v1";
  append_u64(out, id.size());
  out += id;
  append_u64(out, number);
  append_u64(out, key_id.size());
  out += key_id;
  return out;
}

Sealed seal(const EncryptionKey& key, std::string_view plaintext, std::string_view associated) {
  Sealed sealed;
  sealed.nonce.resize(kNonceSize);
  randombytes_buf(sealed.nonce.data(), sealed.nonce.size());
  sealed.ciphertext.resize(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(sealed.ciphertext.data()), &length,
                                             bytes_of(plaintext), plaintext.size(), bytes_of(associated),
                                             associated.size(), nullptr, bytes_of(sealed.nonce), key.key.data());
  sealed.ciphertext.resize(length);
  return sealed;
}

bool unseal(const EncryptionKey& key, std::string_view ciphertext, std::string_view nonce,
            std::string_view associated, std::string& plaintext) {
  if (nonce.size() != kNonceSize || ciphertext.size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) return false;
  std::string out(ciphertext.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long length = 0;
  int failed = crypto_aead_xchacha20poly1305_ietf_decrypt(
      reinterpret_cast<unsigned char*>(out.data()), &length, nullptr, bytes_of(ciphertext), ciphertext.size(),
      bytes_of(associated), associated.size(), bytes_of(nonce), key.key.data());
  if (failed != 0) return false;
  out.resize(length);
  plaintext = std::move(out);
  return true;
}

void wipe(EncryptionKey& key) noexcept { sodium_memzero(key.key.data(), key.key.size()); }

}  // namespace walkv::session
