#!/bin/sh
# Packaging test: `meson install --destdir` into a temporary directory, then
# build the C++ example of README.md and the C example of docs/api.md (extracted from the
# files, so the documentation is what gets tested) against the *installed*
# files using only `pkg-config --cflags --libs walkv` (shared, and `--static`
# against libwalkv.a), run them, and run the installed tools.
#
# Usage: test_install.sh BUILD_DIR SOURCE_ROOT
# Environment (set by tests/install/meson.build): MESON, CC, CXX (compiler
# commands), CONSUMER_FLAGS (flags every consumer of this build's library
# needs, e.g. -fsanitize=address,undefined when the build uses sanitizers),
# BINDIR (prefix/bindir as configured), PROJECT_VERSION.
set -eu

build=$1
source_root=$2
: "${MESON:=meson}" "${CC:=cc}" "${CXX:=c++}" "${CONSUMER_FLAGS:=}" "${BINDIR:=/usr/local/bin}"
: "${PROJECT_VERSION:?PROJECT_VERSION must be set}"

fail() {
  echo "test_install: FAIL: $*" >&2
  exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/walkv-install-XXXXXX")
trap 'rm -rf "$work"' EXIT
dest="$work/dest"

# 1. Install (the test runner has built everything already).
$MESON install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; fail "meson install --destdir failed"; }

pc=$(find "$dest" -path '*/pkgconfig/walkv.pc' | head -n 1)
[ -n "$pc" ] || fail "walkv.pc was not installed"
export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$dest"
pkg-config --exists --print-errors walkv || fail "pkg-config cannot resolve the installed walkv.pc"
[ "$(pkg-config --modversion walkv)" = "$PROJECT_VERSION" ] ||
  fail "walkv.pc has version $(pkg-config --modversion walkv), the project $PROJECT_VERSION"

# 2. The headers: every public header, c.h included, is installed, and each
#    compiles on its own (C++20; c.h also as C99 with -pedantic -Werror).
includedir="$(pkg-config --variable=includedir walkv)"
includedir="$dest${includedir#"$dest"}"
for header in "$source_root"/include/walkv/*; do
  name=$(basename "$header")
  [ -f "$includedir/walkv/$name" ] || fail "header walkv/$name was not installed"
done
[ -f "$includedir/walkv/c.h" ] || fail "walkv/c.h was not installed"
cflags=$(pkg-config --cflags walkv)
for header in "$includedir"/walkv/*.hpp; do
  printf '#include <walkv/%s>\n' "$(basename "$header")" >"$work/one.cpp"
  # shellcheck disable=SC2086
  $CXX -std=c++20 -Wall -Wextra -Werror -fsyntax-only $cflags "$work/one.cpp" ||
    fail "walkv/$(basename "$header") does not compile on its own with the installed cflags"
done
printf '#include <walkv/c.h>\n' >"$work/one.c"
# shellcheck disable=SC2086
$CC -std=c99 -Wall -Wextra -pedantic -Werror -fsyntax-only $cflags "$work/one.c" ||
  fail "walkv/c.h does not compile as C99"
cp "$work/one.c" "$work/one_c.cpp"
# shellcheck disable=SC2086
$CXX -std=c++11 -Wall -Wextra -pedantic -Werror -fsyntax-only $cflags "$work/one_c.cpp" ||
  fail "walkv/c.h does not compile as C++11"

# 3. Build the examples of README.md (C++) and docs/api.md (C) with nothing but pkg-config's flags.
# extract NAME DOC: the code block after "<!-- example: NAME -->" in DOC.
extract() {
  awk -v marker="<!-- example: $1 -->" '
    $0 == marker { found = 1; next }
    found == 1 && /^```/ { found = 2; next }
    found == 2 && /^```/ { exit }
    found == 2 { print }
  ' "$source_root/$2" >"$work/$1"
  [ -s "$work/$1" ] || fail "$2 has no example $1"
}
extract app.cpp README.md
extract app.c docs/api.md

libs=$(pkg-config --libs walkv)
static_libs=$(pkg-config --static --libs walkv)
case " $static_libs " in
  *" -lwalkv "*) ;;
  *) fail "pkg-config --static --libs walkv lacks -lwalkv: $static_libs" ;;
esac
# The same flags, but taking libwalkv.a rather than libwalkv.so.
static_libs=$(printf '%s\n' " $static_libs " | sed 's/ -lwalkv / -l:libwalkv.a /')

# shellcheck disable=SC2086
$CXX -std=c++20 $CONSUMER_FLAGS $cflags -c "$work/app.cpp" -o "$work/app_cpp.o" || fail "the C++ example of README.md does not compile"
# shellcheck disable=SC2086
$CC -std=c11 $CONSUMER_FLAGS $cflags -c "$work/app.c" -o "$work/app_c.o" || fail "the C example of docs/api.md does not compile"
# shellcheck disable=SC2086
$CXX $CONSUMER_FLAGS "$work/app_cpp.o" -o "$work/app_cpp" $libs || fail "app_cpp does not link (shared)"
# shellcheck disable=SC2086
$CC $CONSUMER_FLAGS "$work/app_c.o" -o "$work/app_c" $libs || fail "app_c does not link (shared)"
# shellcheck disable=SC2086
$CXX $CONSUMER_FLAGS "$work/app_cpp.o" -o "$work/app_cpp_static" $static_libs ||
  fail "app_cpp does not link (static: pkg-config --static --libs walkv is incomplete)"
# shellcheck disable=SC2086
$CC $CONSUMER_FLAGS "$work/app_c.o" -o "$work/app_c_static" $static_libs ||
  fail "app_c does not link (static: pkg-config --static --libs walkv is incomplete)"

# 4. Run them: the shared ones must load libwalkv from the install tree.
libdir="$(pkg-config --variable=libdir walkv)"
libdir="$dest${libdir#"$dest"}"
[ -f "$libdir/libwalkv.a" ] || fail "libwalkv.a was not installed"
if readelf -d "$libdir/libwalkv.so" | grep -Eq 'RPATH|RUNPATH'; then
  fail "the installed libwalkv.so carries an rpath (into the build tree?)"
fi
# Runs an example twice on one store: the first run writes checkpoint 1 and
# leaves session chat-42 active; the second finds it interrupted.
run_twice() {
  program=$1
  shift
  env "$@" "$work/$program" "$work/store-$program" >"$work/run1.txt" || fail "$program failed"
  grep -q '^greeting = hello$' "$work/run1.txt" || fail "$program printed no greeting"
  grep -q '^checkpoint 1 written$' "$work/run1.txt" || fail "$program wrote no checkpoint 1"
  env "$@" "$work/$program" "$work/store-$program" >"$work/run2.txt" || fail "$program failed (second run)"
  grep -q 'chat-42.*interrupted' "$work/run2.txt" ||
    { cat "$work/run2.txt" >&2; fail "$program did not report chat-42 interrupted"; }
  grep -q '^checkpoint 2 written$' "$work/run2.txt" || fail "$program wrote no checkpoint 2"
}
for program in app_cpp app_c; do
  resolved=$(LD_LIBRARY_PATH="$libdir" ldd "$work/$program" | sed -n 's/^[[:space:]]*libwalkv\.so[^ ]* => \([^ ]*\).*/\1/p')
  case "$resolved" in
    "$libdir"/*) ;;
    *) fail "$program resolves libwalkv.so to '$resolved', not to the installed $libdir" ;;
  esac
  run_twice "$program" LD_LIBRARY_PATH="$libdir"
done
for program in app_cpp_static app_c_static; do
  if ldd "$work/$program" | grep -q libwalkv; then fail "$program is not linked statically with libwalkv"; fi
  run_twice "$program"
done

# 5. The tools: installed, runnable, and able to read a store the programs made.
bindir="$dest$BINDIR"
for tool in walkv-replay walkv-compact; do
  [ -x "$bindir/$tool" ] || fail "$tool was not installed in $bindir"
done
for tool in "$bindir"/walkv-*; do
  LD_LIBRARY_PATH="$libdir" "$tool" --version >"$work/version.txt" || fail "$(basename "$tool") --version failed"
  grep -qF "$PROJECT_VERSION" "$work/version.txt" ||
    fail "$(basename "$tool") --version does not print $PROJECT_VERSION"
done
LD_LIBRARY_PATH="$libdir" "$bindir/walkv-replay" "$work/store-app_c" >"$work/replay.txt" ||
  { cat "$work/replay.txt" >&2; fail "the installed walkv-replay does not verify the store the C example made"; }

echo "test_install: ok (installed into $dest; shared and static C and C++ consumers built with pkg-config)"
