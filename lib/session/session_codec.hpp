// walkv session — encoding session records and checkpoints as store values
// (Cap'n Proto, schema session.capnp) and decoding them back.
//
// Decoding copies the value into an aligned word buffer first (store values
// carry no alignment guarantee; Cap'n Proto 0.9 refuses unaligned segments),
// reads with traversal and nesting limits sized to the value, and turns every
// Cap'n Proto exception into Code::corruption. A value with trailing bytes
// after the message is corruption too.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <walkv/session.hpp>
#include <walkv/status.hpp>

namespace walkv::session {

std::string encode_record(const SessionInfo& info);
// Errors: corruption (malformed), version_mismatch (a status this build does
// not know, i.e. written by a newer walkv).
Result<SessionInfo> decode_record(std::string_view bytes);

// Encodes `checkpoint` as it is, state_hash included (no hash is computed
// here, so tests can build damaged checkpoints). `state` is stored as given:
// the ciphertext when key_id is set, with its `nonce`.
std::string encode_checkpoint(const Checkpoint& checkpoint, std::string_view nonce = {});
// Decodes without verifying the hash; see verify_checkpoint. The state is
// returned as stored (ciphertext when key_id is set); `nonce` (optional)
// receives the stored nonce.
// Errors: corruption (malformed).
Result<Checkpoint> decode_checkpoint(std::string_view bytes, std::string* nonce = nullptr);

// XXH3-64 of checkpoint state (as stored).
std::uint64_t state_hash(std::string_view state);

// ok when the checkpoint's hash matches its state and its number is
// `expected_number`; otherwise corruption with a short reason
// ("hash mismatch", "number mismatch: holds N").
Status verify_checkpoint(const Checkpoint& checkpoint, std::uint64_t expected_number);

}  // namespace walkv::session
