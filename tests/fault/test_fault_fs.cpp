// The fault-injecting file system itself (tests/support/fault_fs.*): the
// enumeration tests are only as good as its model of faults and power loss.
#define BOOST_TEST_MODULE fault_fs
#include <boost/test/unit_test.hpp>

#include <fcntl.h>

#include "../support/log_files.hpp"
#include "fault_fixture.hpp"

using namespace walkv;
using namespace walkv::test;

namespace {

struct Fixture {
  TempDir dir;
  FaultFs fs;
  int root = -1;
  Fixture() {
    auto r = fs.open_root(dir.path());
    BOOST_REQUIRE(r.has_value());
    root = *r;
  }
  ~Fixture() {
    if (root >= 0) fs.close(root);
  }
  int create(const std::string& name) {
    auto fd = fs.open_file(root, name, io::OpenMode::create);
    BOOST_REQUIRE_MESSAGE(fd.has_value(), (fd ? "" : fd.error().to_string()));
    return *fd;
  }
  void write(int fd, const std::string& data, std::uint64_t offset = 0) {
    BOOST_REQUIRE(fs.pwrite(fd, data.data(), data.size(), offset).ok());
  }
  std::string contents(const std::string& name) const { return read_bytes(dir.sub(name)); }
  bool exists(const std::string& name) const { return stdfs::exists(dir.sub(name)); }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(counts_calls_by_kind, Fixture) {
  int fd = create("f");
  write(fd, "abc");
  write(fd, "def", 3);
  BOOST_TEST(fs.fdatasync(fd).ok());
  BOOST_TEST(fs.calls(FsOp::pwrite) == 2u);
  BOOST_TEST(fs.calls(FsOp::fdatasync) == 1u);
  BOOST_TEST(fs.calls(FsOp::open_file) == 1u);
  BOOST_TEST(fs.calls() == 5u);  // open_root, open_file, 2 pwrite, fdatasync
  BOOST_TEST(fs.completed(FsOp::pwrite) == 2u);
  fs.close(fd);
}

BOOST_FIXTURE_TEST_CASE(fails_the_nth_call_of_a_kind_once_or_until_healed, Fixture) {
  int fd = create("f");
  fs.fail(FsOp::pwrite, 2, ENOSPC);
  BOOST_TEST(fs.pwrite(fd, "a", 1, 0).ok());
  Status s = fs.pwrite(fd, "b", 1, 1);
  BOOST_TEST((s.code() == Code::no_space), s.to_string());
  BOOST_TEST(fs.pwrite(fd, "c", 1, 2).ok());
  BOOST_TEST(contents("f") == std::string("a\0c", 3));

  fs.fail(FsOp::fdatasync, 1, EIO, /*until_healed=*/true);
  BOOST_TEST((fs.fdatasync(fd).code() == Code::io_error));
  BOOST_TEST((fs.fdatasync(fd).code() == Code::io_error));
  BOOST_TEST(fs.fsync(fd).ok());  // another kind
  fs.heal();
  BOOST_TEST(fs.fdatasync(fd).ok());
  BOOST_TEST(fs.injected() == 3u);
  fs.close(fd);
}

BOOST_FIXTURE_TEST_CASE(fails_the_nth_call_of_any_kind, Fixture) {
  int fd = create("f");
  fs.fail(FsOp::any, 3, EIO);
  BOOST_TEST(fs.pwrite(fd, "a", 1, 0).ok());
  BOOST_TEST(fs.file_size(fd).has_value());
  BOOST_TEST(!fs.list(root).has_value());
  BOOST_TEST(fs.fdatasync(fd).ok());
  fs.close(fd);
}

BOOST_FIXTURE_TEST_CASE(short_write_writes_a_prefix_then_fails, Fixture) {
  int fd = create("f");
  fs.short_write(1, 4, ENOSPC);
  Status s = fs.pwrite(fd, "abcdefgh", 8, 0);
  BOOST_TEST((s.code() == Code::no_space), s.to_string());
  BOOST_TEST(contents("f") == "abcd");
  fs.close(fd);
}

BOOST_FIXTURE_TEST_CASE(crash_fails_the_nth_call_and_every_later_one, Fixture) {
  int fd = create("f");
  fs.crash_at(2);
  BOOST_TEST(fs.pwrite(fd, "a", 1, 0).ok());
  BOOST_TEST(!fs.crashed());
  BOOST_TEST(!fs.pwrite(fd, "b", 1, 1).ok());
  BOOST_TEST(fs.crashed());
  BOOST_TEST(!fs.fdatasync(fd).ok());
  BOOST_TEST(!fs.open_file(root, "g", io::OpenMode::create).has_value());
  BOOST_TEST(!exists("g"));
  BOOST_TEST(!fs.close(fd).ok());
  BOOST_TEST(::fcntl(fd, F_GETFD) == -1);  // but the descriptor was released
  BOOST_TEST(contents("f") == "a");
}

BOOST_FIXTURE_TEST_CASE(power_loss_drops_unsynced_bytes_and_keeps_synced_ones, Fixture) {
  BOOST_TEST(fs.fsync(root).ok());
  int fd = create("f");
  BOOST_TEST(fs.fsync(root).ok());  // the name is durable
  write(fd, std::string(1000, 'a'));
  BOOST_TEST(fs.fdatasync(fd).ok());
  write(fd, std::string(100, 'b'), 500);    // overwrite inside
  write(fd, std::string(100, 'c'), 2000);   // extend with a hole
  BOOST_TEST(fs.unsynced_files().size() == 1u);
  fs.close(fd);
  fs.power_loss();
  BOOST_TEST(contents("f") == std::string(1000, 'a'));
  BOOST_TEST(fs.unsynced_files().empty());
}

BOOST_FIXTURE_TEST_CASE(power_loss_undoes_truncate_and_fallocate, Fixture) {
  int fd = create("f");
  BOOST_TEST(fs.fsync(root).ok());
  write(fd, std::string(3000, 'x'));
  write(fd, std::string(10, 'y'), 70000);
  BOOST_TEST(fs.fdatasync(fd).ok());
  const std::string before = contents("f");
  BOOST_TEST(fs.ftruncate(fd, 100).ok());
  BOOST_TEST(fs.fallocate(fd, 0, 1u << 17).ok());
  BOOST_TEST(stdfs::file_size(dir.sub("f")) == (1u << 17));
  fs.close(fd);
  fs.power_loss();
  BOOST_TEST(contents("f") == before);
}

BOOST_FIXTURE_TEST_CASE(power_loss_undoes_namespace_changes_without_directory_fsync, Fixture) {
  // Durable: "kept" (created, synced, directory fsync'd) and "old" (the same).
  for (const char* name : {"kept", "old", "victim"}) {
    int fd = create(name);
    write(fd, name);
    BOOST_TEST(fs.fdatasync(fd).ok());
    fs.close(fd);
  }
  BOOST_TEST(fs.fsync(root).ok());
  BOOST_TEST(fs.unsynced_names().empty());
  // Not durable: a new file, a rename over "old", an unlink, a rename.
  int fd = create("new");
  write(fd, "new data");
  BOOST_TEST(fs.fdatasync(fd).ok());
  fs.close(fd);
  BOOST_TEST(fs.rename(root, "new", "old").ok());
  BOOST_TEST(fs.unlink(root, "victim").ok());
  BOOST_TEST(fs.rename(root, "kept", "moved").ok());
  BOOST_TEST(fs.unsynced_names().size() == 4u);
  fs.power_loss();
  BOOST_TEST(contents("kept") == "kept");
  BOOST_TEST(contents("old") == "old");
  BOOST_TEST(contents("victim") == "victim");
  BOOST_TEST(!exists("new"));
  BOOST_TEST(!exists("moved"));
}

BOOST_FIXTURE_TEST_CASE(directory_fsync_makes_namespace_changes_durable, Fixture) {
  int fd = create("f.tmp");
  write(fd, "data");
  BOOST_TEST(fs.fdatasync(fd).ok());
  fs.close(fd);
  BOOST_TEST(fs.rename(root, "f.tmp", "f").ok());
  BOOST_TEST(fs.fsync(root).ok());
  fs.power_loss();
  BOOST_TEST(contents("f") == "data");
  BOOST_TEST(!exists("f.tmp"));
}

BOOST_FIXTURE_TEST_CASE(new_directory_vanishes_without_a_parent_fsync, Fixture) {
  auto sub = fs.open_dir(root, "sub", /*create=*/true);
  BOOST_REQUIRE(sub.has_value());
  auto fd = fs.open_file(*sub, "f", io::OpenMode::create);
  BOOST_REQUIRE(fd.has_value());
  write(*fd, "x");
  BOOST_TEST(fs.fdatasync(*fd).ok());
  BOOST_TEST(fs.fsync(*sub).ok());  // durable inside sub, but sub itself is not
  fs.close(*fd);
  fs.close(*sub);
  fs.power_loss();
  BOOST_TEST(!exists("sub"));
}

// fsyncgate: pages a failed fdatasync should have written are lost even if a
// later fdatasync succeeds; bytes written again and synced after it survive.
BOOST_FIXTURE_TEST_CASE(failed_fdatasync_loses_its_pages_for_good, Fixture) {
  int fd = create("f");
  BOOST_TEST(fs.fsync(root).ok());
  write(fd, std::string(100, 'a'));
  BOOST_TEST(fs.fdatasync(fd).ok());
  write(fd, std::string(100, 'b'));
  fs.fail(FsOp::fdatasync, 1, EIO);
  BOOST_TEST(!fs.fdatasync(fd).ok());
  write(fd, std::string(10, 'c'), 20);
  BOOST_TEST(fs.fdatasync(fd).ok());
  fs.close(fd);
  fs.power_loss();
  BOOST_TEST(contents("f") == std::string(20, 'a') + std::string(10, 'c') + std::string(70, 'a'));
}

// A process crash (no power_loss) keeps everything that completed.
BOOST_FIXTURE_TEST_CASE(without_power_loss_everything_completed_stays, Fixture) {
  int fd = create("f");
  write(fd, "unsynced");
  fs.crash_at(1);
  BOOST_TEST(!fs.fdatasync(fd).ok());
  fs.close(fd);
  BOOST_TEST(contents("f") == "unsynced");
}

BOOST_FIXTURE_TEST_CASE(partial_power_loss_modes, Fixture) {
  BOOST_TEST(fs.fsync(root).ok());
  int fd = create("f");
  write(fd, "data");
  fs.close(fd);
  fs.power_loss(PowerLoss::keep_names);  // the name survived, the data did not
  BOOST_TEST(exists("f"));
  BOOST_TEST(contents("f").empty());

  fd = create("g");
  write(fd, "data");
  BOOST_TEST(fs.fsync(root).ok());
  BOOST_TEST(fs.unlink(root, "g").ok());
  fs.close(fd);
  fs.power_loss(PowerLoss::keep_data);  // the unlink is undone, the data stays
  BOOST_TEST(contents("g") == "data");
}
