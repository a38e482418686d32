// walkv-bench — a log-linear latency histogram (HdrHistogram's layout: 64
// sub-buckets per power of two, so any percentile is within 1.6% of the true
// value), bounded in memory however many operations a run does.
//
// Thread-safety: none; one histogram per thread, merged afterwards.
#pragma once

#include <array>
#include <cstdint>

namespace walkv_bench {

class LatencyHistogram {
 public:
  void record(std::uint64_t nanoseconds);
  void merge(const LatencyHistogram& other);
  std::uint64_t count() const { return count_; }
  // The latency below which a fraction q (0 < q <= 1) of the samples fall, in
  // nanoseconds (the middle of its bucket); 0 when empty.
  double percentile(double q) const;
  double max() const;

 private:
  static constexpr int kSubBits = 6;
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kBuckets = (64 - kSubBits + 1) * kSub;
  static int index_of(std::uint64_t v);
  static double middle_of(int index);

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
};

}  // namespace walkv_bench
