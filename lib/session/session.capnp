@0xd860600a34304ec7;
# walkv session records and checkpoints. Owned by the session layer.
# Each message is the value of one store key (docs/sessions.md, "Key layout").
# Field numbers are part of the stored format; never renumber, only append.
# Strings are Data, not Text: ids, descriptions and reasons may hold any bytes
# (including NUL), and Data needs no terminator.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("walkv::session::wire");

struct SessionRecord {
  id @0 :Data;
  createdNs @1 :UInt64;         # Unix time, ns
  updatedNs @2 :UInt64;         # Unix time, ns
  status @3 :Status;
  ownerEpoch @4 :UInt64;        # Store::open_epoch of the last writer
  step @5 :UInt32;
  totalSteps @6 :UInt32;
  description @7 :Data;
  latestCheckpoint @8 :UInt64;  # 0 = none yet
  reason @9 :Data;              # failure reason (status failed)
  indexes @10 :List(IndexEntry); # secondary index entries, sorted by (name, value)
  oldestCheckpoint @11 :UInt64; # lowest checkpoint number that may still be stored (0 = none yet)

  enum Status {
    active @0;
    completed @1;
    failed @2;
    interrupted @3;
  }
}

struct IndexEntry {
  name @0 :Data;
  value @1 :Data;
}

struct Checkpoint {
  number @0 :UInt64;            # 1, 2, ... per session; also the key's suffix
  appVersion @1 :Data;          # semver of the caller's state format
  timeNs @2 :UInt64;            # Unix time, ns
  step @3 :UInt32;
  totalSteps @4 :UInt32;
  description @5 :Data;
  state @6 :Data;               # application state, or its ciphertext when keyId is set
  stateHash @7 :UInt64;         # XXH3-64 of state (as stored)
  keyId @8 :Data;               # empty: state in clear; else the id of the encryption key
  nonce @9 :Data;               # 24-byte XChaCha20-Poly1305 nonce (keyId set)
}
