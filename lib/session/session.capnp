@0xb8e3f1c2a4d59e07;
# walkv session records (placeholder; the session layer owns this schema).
struct SessionRecord {
  id @0 :Data;
}
