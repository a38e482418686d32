@0xd4c1a0b3e2f59a61;
# walkv write batch: the payload of one WAL frame. Owned by the wal layer.
# Field numbers are part of the on-disk format (docs/format.md); never renumber.

struct Batch {
  ops @0 :List(Op);
}

struct Op {
  kind @0 :Kind;
  key @1 :Data;     # the key, or the prefix for removePrefix
  value @2 :Data;   # only for put

  enum Kind {
    put @0;
    remove @1;
    removePrefix @2;
  }
}
