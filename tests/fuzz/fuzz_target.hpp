// tests/fuzz — what every fuzz target shares.
//
// Each target defines the libFuzzer entry point LLVMFuzzerTestOneInput. With
// -Dfuzzing=enabled (clang) it is linked against libFuzzer (-fsanitize=fuzzer);
// in every build it is also linked against replay_main.cpp, which runs each
// file of the target's seed corpus and regression directory through the same
// entry point (the meson tests fuzz_<target>).
//
// A target checks properties with FUZZ_CHECK, which aborts (a crash libFuzzer
// records, and a failing regression test) with the condition and line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

#define FUZZ_CHECK(cond)                                                                       \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond);       \
      std::abort();                                                                            \
    }                                                                                          \
  } while (0)
