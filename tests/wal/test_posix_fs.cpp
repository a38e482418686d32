// The POSIX FileSystem and the whole-file helpers.
#define BOOST_TEST_MODULE io_posix_fs
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <string>

#include "io/errno_status.hpp"
#include "io/fs.hpp"
#include "wal_fixture.hpp"

using namespace walkv;
using namespace walkv::io;
using walkv::wal::test::TempDir;

namespace {

struct Root {
  Root() : fd(posix_fs().open_root(tmp.path()).value()) {}
  ~Root() { (void)posix_fs().close(fd); }
  TempDir tmp;
  int fd;
};

unsigned mode_of(const std::string& path) {
  struct stat st{};
  BOOST_REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

}  // namespace

BOOST_AUTO_TEST_CASE(files_0600_and_dirs_0700) {
  Root root;
  FileSystem& fs = posix_fs();
  int dir = fs.open_dir(root.fd, "sub", true).value();
  int file = fs.open_file(dir, "f", OpenMode::create_new).value();
  BOOST_TEST(mode_of(root.tmp.path() + "/sub") == 0700u);
  BOOST_TEST(mode_of(root.tmp.path() + "/sub/f") == 0600u);
  BOOST_TEST(fs.close(file).ok());
  BOOST_TEST(fs.close(dir).ok());
}

BOOST_AUTO_TEST_CASE(write_read_size_truncate) {
  Root root;
  FileSystem& fs = posix_fs();
  int fd = fs.open_file(root.fd, "data", OpenMode::create).value();
  const std::string text = "hello, walkv";
  BOOST_TEST(fs.pwrite(fd, text.data(), text.size(), 100).ok());
  BOOST_TEST(fs.file_size(fd).value() == 112u);
  std::string back(20, '?');
  auto n = fs.pread(fd, back.data(), back.size(), 100);
  BOOST_REQUIRE(n.has_value());
  BOOST_TEST(*n == text.size());  // short only at end of file
  BOOST_TEST(back.substr(0, text.size()) == text);
  BOOST_TEST(fs.fdatasync(fd).ok());
  BOOST_TEST(fs.fsync(fd).ok());
  BOOST_TEST(fs.fallocate(fd, 0, 8192).ok());
  BOOST_TEST(fs.file_size(fd).value() == 8192u);
  BOOST_TEST(fs.ftruncate(fd, 10).ok());
  BOOST_TEST(fs.file_size(fd).value() == 10u);
  BOOST_TEST(fs.close(fd).ok());
}

BOOST_AUTO_TEST_CASE(errors_name_the_file_and_map_errno) {
  Root root;
  FileSystem& fs = posix_fs();
  auto missing = fs.open_file(root.fd, "missing", OpenMode::read_only);
  BOOST_REQUIRE(!missing.has_value());
  BOOST_TEST((missing.error().code() == Code::not_found));
  BOOST_TEST(missing.error().message().find(root.tmp.path() + "/missing") != std::string::npos);
  BOOST_TEST(missing.error().message().find("No such file") != std::string::npos);

  int fd = fs.open_file(root.fd, "once", OpenMode::create_new).value();
  auto again = fs.open_file(root.fd, "once", OpenMode::create_new);
  BOOST_REQUIRE(!again.has_value());
  BOOST_TEST((again.error().code() == Code::io_error));
  BOOST_TEST(fs.close(fd).ok());

  auto no_root = fs.open_root(root.tmp.path() + "/nope");
  BOOST_REQUIRE(!no_root.has_value());
  BOOST_TEST((no_root.error().code() == Code::not_found));
}

BOOST_AUTO_TEST_CASE(errno_status_maps_the_code_and_appends_the_system_text) {
  const Status full = errno_status(ENOSPC, "pwrite wal/a.wal");
  BOOST_TEST((full.code() == Code::no_space));
  BOOST_TEST(full.message() == "pwrite wal/a.wal: No space left on device");
  BOOST_TEST((errno_status(EDQUOT, "x").code() == Code::no_space));
  BOOST_TEST((errno_status(ENOENT, "x").code() == Code::not_found));
  BOOST_TEST((errno_status(EIO, "x").code() == Code::io_error));
  BOOST_TEST(errno_text(EIO) == "Input/output error");
}

BOOST_AUTO_TEST_CASE(symlinks_resolved_only_at_the_root) {
  TempDir real;
  TempDir links;
  std::filesystem::create_directory_symlink(real.path(), links.path() + "/store");
  FileSystem& fs = posix_fs();
  auto root = fs.open_root(links.path() + "/store");
  BOOST_REQUIRE(root.has_value());
  int fd = fs.open_file(*root, "inside", OpenMode::create_new).value();
  BOOST_TEST(fs.close(fd).ok());
  BOOST_TEST(std::filesystem::exists(real.path() + "/inside"));

  // Below the root, symlinks are never followed.
  std::filesystem::create_symlink(real.path() + "/inside", real.path() + "/link");
  std::filesystem::create_directory_symlink(real.path(), real.path() + "/dirlink");
  BOOST_TEST(!fs.open_file(*root, "link", OpenMode::read_only).has_value());
  BOOST_TEST(!fs.open_dir(*root, "dirlink", false).has_value());
  BOOST_TEST(fs.exists(*root, "link").value());
  BOOST_TEST(!fs.exists(*root, "absent").value());
  BOOST_TEST(fs.close(*root).ok());
}

BOOST_AUTO_TEST_CASE(list_rename_unlink) {
  Root root;
  FileSystem& fs = posix_fs();
  for (const char* name : {"a", "b", "c"}) BOOST_TEST(fs.close(fs.open_file(root.fd, name, OpenMode::create).value()).ok());
  BOOST_TEST(fs.rename(root.fd, "a", "z").ok());
  BOOST_TEST(fs.unlink(root.fd, "b").ok());
  auto names = fs.list(root.fd).value();
  std::sort(names.begin(), names.end());
  BOOST_TEST((names == std::vector<std::string>{"c", "z"}));
  // Listing twice works (the descriptor's position is not consumed).
  BOOST_TEST(fs.list(root.fd).value().size() == 2u);
  auto gone = fs.unlink(root.fd, "b");
  BOOST_TEST((gone.code() == Code::not_found));
}

BOOST_AUTO_TEST_CASE(ofd_lock_excludes_a_second_description) {
  Root root;
  FileSystem& fs = posix_fs();
  int first = fs.open_file(root.fd, "LOCK", OpenMode::create).value();
  int second = fs.open_file(root.fd, "LOCK", OpenMode::read_write).value();
  BOOST_TEST(!fs.is_locked(second).value());
  BOOST_TEST(fs.lock(first).ok());
  BOOST_TEST(fs.is_locked(second).value());
  Status s = fs.lock(second);
  BOOST_TEST((s.code() == Code::locked));
  BOOST_TEST(s.message().find("LOCK") != std::string::npos);
  BOOST_TEST(fs.close(first).ok());
  BOOST_TEST(!fs.is_locked(second).value());
  BOOST_TEST(fs.lock(second).ok());
  BOOST_TEST(fs.close(second).ok());
}

BOOST_AUTO_TEST_CASE(map_reads_file_contents) {
  Root root;
  FileSystem& fs = posix_fs();
  int fd = fs.open_file(root.fd, "m", OpenMode::create).value();
  const std::string text(10000, 'q');
  BOOST_TEST(fs.pwrite(fd, text.data(), text.size(), 0).ok());
  auto p = fs.map(fd, text.size());
  BOOST_REQUIRE(p.has_value());
  BOOST_TEST(std::string(reinterpret_cast<const char*>(*p), text.size()) == text);
  fs.unmap(*p, text.size());
  BOOST_TEST(!fs.map(fd, 0).has_value());
  BOOST_TEST(fs.close(fd).ok());
}

BOOST_AUTO_TEST_CASE(atomic_file_replace_and_read) {
  Root root;
  FileSystem& fs = posix_fs();
  BOOST_TEST(write_file_atomic(fs, root.fd, "meta", std::string("first version, long")).ok());
  BOOST_TEST(write_file_atomic(fs, root.fd, "meta", std::string("v2\0x", 4)).ok());
  BOOST_TEST(read_file(fs, root.fd, "meta").value() == std::string("v2\0x", 4));
  BOOST_TEST(!fs.exists(root.fd, "meta.tmp").value());
  BOOST_TEST(mode_of(root.tmp.path() + "/meta") == 0600u);
  // A stale, longer .tmp from a crash does not leak into the new file.
  wal::test::write_bytes(root.tmp.path() + "/meta.tmp", std::string(100, 'x'));
  BOOST_TEST(write_file_atomic(fs, root.fd, "meta", "v3").ok());
  BOOST_TEST(read_file(fs, root.fd, "meta").value() == "v3");
  auto missing = read_file(fs, root.fd, "absent");
  BOOST_REQUIRE(!missing.has_value());
  BOOST_TEST((missing.error().code() == Code::not_found));
}
