#define BOOST_TEST_MODULE store_lock
#include <boost/test/unit_test.hpp>

#include <walkv/store.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/temp_dir.hpp"

using namespace walkv;

BOOST_AUTO_TEST_CASE(second_open_in_the_same_process_is_locked_and_names_the_pid) {
  walkv::test::TempDir dir;
  auto first = Store::open(dir.path());
  BOOST_REQUIRE(first.has_value());
  auto second = Store::open(dir.path());
  BOOST_REQUIRE(!second.has_value());
  BOOST_TEST((second.error().code() == Code::locked));
  BOOST_TEST(second.error().message().find(std::to_string(::getpid())) != std::string::npos);
  BOOST_TEST((*first)->close().ok());
  BOOST_TEST(Store::open(dir.path()).has_value());  // released by close
}

BOOST_AUTO_TEST_CASE(lock_held_by_another_process_dies_with_it) {
  walkv::test::TempDir dir;
  int ready[2], hold[2];
  BOOST_REQUIRE(::pipe(ready) == 0);
  BOOST_REQUIRE(::pipe(hold) == 0);
  pid_t child = ::fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    ::close(ready[0]);
    ::close(hold[1]);
    auto s = Store::open(dir.path());
    char ok = s.has_value() ? '1' : '0';
    (void)!::write(ready[1], &ok, 1);
    char c;
    (void)!::read(hold[0], &c, 1);  // blocks until killed
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(hold[0]);
  char ok = 0;
  BOOST_REQUIRE(::read(ready[0], &ok, 1) == 1);
  BOOST_REQUIRE(ok == '1');

  auto refused = Store::open(dir.path());
  BOOST_REQUIRE(!refused.has_value());
  BOOST_TEST((refused.error().code() == Code::locked));
  BOOST_TEST(refused.error().message().find(std::to_string(child)) != std::string::npos);

  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  BOOST_TEST(WIFSIGNALED(status));
  auto reopened = Store::open(dir.path());
  BOOST_TEST(reopened.has_value());
  ::close(ready[0]);
  ::close(hold[1]);
}
