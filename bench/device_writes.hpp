// walkv-bench — bytes written to the block device that holds the scratch
// directory, from the kernel's I/O statistics of that device
// (/sys/dev/block/<major>:<minor>/stat, "write sectors", always 512-byte
// units). The throughput tables divide it by the puts of the rounds to show
// what each engine makes the device write per put, beside what it passes to
// write(2): an engine whose log stays in the page cache during a round (no
// writeback started, no fdatasync) writes little to the device in it.
//
// The count is device-wide: other processes' writes and writeback of pages
// dirtied before the round count too; run the bench on an idle machine. When
// the scratch directory is not on a block device (tmpfs, overlay), nothing is
// counted and the tables show "n/a".
//
// Thread-safety: watch_device_of is called once, before any measurement;
// device_bytes_written may then be called from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace walkv_bench {

// Finds the block device holding `path` (stat's st_dev) and counts its writes
// from now on. Returns its statistics file, or nullopt when there is none.
std::optional<std::string> watch_device_of(const std::string& path);

// Bytes written to the watched device since boot, or nullopt when no device
// is watched or its statistics cannot be read.
std::optional<std::uint64_t> device_bytes_written();

}  // namespace walkv_bench
