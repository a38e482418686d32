// ReadWindow: the views it returns hold the file's bytes, it reads the file
// only when a range leaves the window, and read errors reach the caller.
#define BOOST_TEST_MODULE wal_read_window
#include <boost/test/unit_test.hpp>

#include "fault_fs.hpp"
#include "wal/read_window.hpp"
#include "wal_fixture.hpp"

using namespace walkv;
using namespace walkv::wal;
using namespace walkv::wal::test;

namespace {

constexpr std::size_t kWindow = ReadWindow::kWindowBytes;

// A file of `size` bytes whose byte i is a function of i, open read-only.
class PatternFile {
 public:
  PatternFile(io::FileSystem& fs, std::size_t size) : fs_(fs), size_(size) {
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>(byte_at(i));
    write_bytes(dir_.file("f"), data);
    fd_ = fs_.open_file(dir_.fd(), "f", io::OpenMode::read_only).value();
  }
  ~PatternFile() { (void)fs_.close(fd_); }
  PatternFile(const PatternFile&) = delete;
  PatternFile& operator=(const PatternFile&) = delete;

  static std::uint8_t byte_at(std::uint64_t i) { return static_cast<std::uint8_t>((i * 131 + i / 4096) & 0xff); }
  int fd() const { return fd_; }
  std::uint64_t size() const { return size_; }

 private:
  io::FileSystem& fs_;
  WalDir dir_;
  std::size_t size_;
  int fd_ = -1;
};

// True when `view` holds the file's bytes from `offset` on.
bool holds_file_bytes(std::span<const std::uint8_t> view, std::uint64_t offset) {
  for (std::size_t i = 0; i < view.size(); ++i)
    if (view[i] != PatternFile::byte_at(offset + i)) return false;
  return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(views_inside_the_window_read_the_file_once) {
  FaultFs fs;
  PatternFile file(fs, 3 * kWindow);
  ReadWindow window(fs, file.fd(), file.size());
  for (std::uint64_t offset : {0ull, 100ull, 4096ull, 8000ull}) {
    auto v = window.view(offset, 64);
    BOOST_REQUIRE(v.has_value());
    BOOST_TEST(v->size() == 64u);
    BOOST_TEST(holds_file_bytes(*v, offset));
  }
  BOOST_TEST(fs.reads.size() == 1u);
  BOOST_TEST(fs.reads[0].first == 0u);
  BOOST_TEST(fs.reads[0].second == kWindow);
}

BOOST_AUTO_TEST_CASE(a_range_across_the_window_end_refills_from_its_page) {
  FaultFs fs;
  PatternFile file(fs, 3 * kWindow);
  ReadWindow window(fs, file.fd(), file.size());
  BOOST_REQUIRE(window.view(0, 16).has_value());
  const std::uint64_t offset = kWindow - 100;  // 100 bytes in the window, 100 after it
  auto v = window.view(offset, 200);
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(v->size() == 200u);
  BOOST_TEST(holds_file_bytes(*v, offset));
  BOOST_REQUIRE(fs.reads.size() == 2u);
  BOOST_TEST(fs.reads[1].first == (offset & ~std::uint64_t{4095}));
  // Going back before the window reads again, and still sees the file.
  auto back = window.view(10, 10);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(holds_file_bytes(*back, 10));
  BOOST_TEST(fs.reads.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_range_longer_than_the_window_is_returned_whole) {
  FaultFs fs;
  PatternFile file(fs, 3 * kWindow);
  ReadWindow window(fs, file.fd(), file.size());
  auto v = window.view(12345, 2 * kWindow);
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(v->size() == 2 * kWindow);
  BOOST_TEST(holds_file_bytes(*v, 12345));
}

BOOST_AUTO_TEST_CASE(views_are_clipped_to_the_end_of_the_file) {
  FaultFs fs;
  PatternFile file(fs, 10000);
  ReadWindow window(fs, file.fd(), file.size());
  auto tail = window.view(9990, 64);
  BOOST_REQUIRE(tail.has_value());
  BOOST_TEST(tail->size() == 10u);
  BOOST_TEST(holds_file_bytes(*tail, 9990));
  auto past = window.view(10000, 64);
  BOOST_REQUIRE(past.has_value());
  BOOST_TEST(past->empty());
  BOOST_TEST(fs.reads.size() == 1u);  // the read at 8192 was clipped to the file too
  BOOST_TEST(fs.reads[0].second == 10000u - 8192u);
}

BOOST_AUTO_TEST_CASE(a_read_error_is_returned_and_the_next_view_reads_again) {
  FaultFs fs;
  PatternFile file(fs, 3 * kWindow);
  ReadWindow window(fs, file.fd(), file.size());
  fs.fail_preads = 1;
  auto failed = window.view(0, 16);
  BOOST_REQUIRE(!failed.has_value());
  BOOST_TEST((failed.error().code() == Code::io_error));
  auto v = window.view(0, 16);
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(holds_file_bytes(*v, 0));
}

BOOST_AUTO_TEST_CASE(a_file_shorter_than_its_size_is_an_io_error) {
  FaultFs fs;
  PatternFile file(fs, 5000);
  ReadWindow window(fs, file.fd(), 9000);  // the size the caller believes
  auto v = window.view(4000, 2000);
  BOOST_REQUIRE(!v.has_value());
  BOOST_TEST((v.error().code() == Code::io_error));
  BOOST_TEST(v.error().message().find("ended at 5000") != std::string::npos);
}
