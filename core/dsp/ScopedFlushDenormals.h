#pragma once

namespace soundlab::dsp {

// Sets flush-to-zero and denormals-are-zero on the current thread for its lifetime and restores
// the previous mode on destruction. Put one at the top of the audio callback (and of DSP tests and
// benchmarks): denormal arithmetic can cost 100× on x86. On CPUs without such a mode it does
// nothing and active() stays false.
class ScopedFlushDenormals {
public:
    ScopedFlushDenormals() noexcept;
    ~ScopedFlushDenormals();
    ScopedFlushDenormals(const ScopedFlushDenormals&) = delete;
    ScopedFlushDenormals& operator=(const ScopedFlushDenormals&) = delete;

    // Whether denormals are flushed on this thread right now (to check that the mode took).
    static bool active() noexcept;

private:
    unsigned long long previous_ = 0;
};

}  // namespace soundlab::dsp
