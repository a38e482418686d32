#include "latency_histogram.hpp"

#include <bit>
#include <cmath>

namespace walkv_bench {

// Values below 2*kSub have a bucket each; above, the top kSubBits+1 bits pick it.
int LatencyHistogram::index_of(std::uint64_t v) {
  if (v < 2 * kSub) return static_cast<int>(v);
  const int msb = 63 - std::countl_zero(v);
  const int shift = msb - kSubBits;
  return (shift + 1) * kSub + static_cast<int>((v >> shift) - kSub);
}

double LatencyHistogram::middle_of(int index) {
  if (index < 2 * kSub) return index;
  const int shift = index / kSub - 1;
  const double low = std::ldexp(static_cast<double>(index % kSub + kSub), shift);
  const double width = std::ldexp(1.0, shift);
  return low + width / 2;
}

void LatencyHistogram::record(std::uint64_t nanoseconds) {
  ++buckets_[static_cast<std::size_t>(index_of(nanoseconds))];
  ++count_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
}

double LatencyHistogram::percentile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank && buckets_[i] != 0) return middle_of(static_cast<int>(i));
  }
  return max();
}

double LatencyHistogram::max() const {
  for (std::size_t i = buckets_.size(); i-- > 0;)
    if (buckets_[i] != 0) return middle_of(static_cast<int>(i));
  return 0;
}

}  // namespace walkv_bench
