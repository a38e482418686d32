// Helper for test_fd_inheritance: prints "<fd> <target>" for every open
// descriptor of this process (as /proc/self/fd shows them), one per line.
// Run after exec by the test: whatever it lists was inherited.
#include <dirent.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>

int main() {
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) {
    std::perror("opendir /proc/self/fd");
    return 2;
  }
  const int own = ::dirfd(d);
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    const int fd = std::atoi(e->d_name);
    if (fd == own) continue;  // the listing's own descriptor
    char target[PATH_MAX + 1];
    const std::string link = std::string("/proc/self/fd/") + e->d_name;
    const ssize_t n = ::readlink(link.c_str(), target, PATH_MAX);
    if (n < 0) continue;  // closed meanwhile
    target[n] = '\0';
    std::printf("%d %s\n", fd, target);
  }
  ::closedir(d);
  return 0;
}
