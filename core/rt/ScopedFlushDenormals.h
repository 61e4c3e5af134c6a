#pragma once

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace soundlab {

// Sets flush-to-zero and denormals-are-zero for the current thread while it lives, so decaying
// filter states never fall into the slow denormal range on the audio thread.
class ScopedFlushDenormals {
public:
    ScopedFlushDenormals() {
#if defined(__SSE__) || defined(__x86_64__)
        saved_ = _mm_getcsr();
        _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero);
#endif
    }
    ~ScopedFlushDenormals() {
#if defined(__SSE__) || defined(__x86_64__)
        _mm_setcsr(saved_);
#endif
    }
    ScopedFlushDenormals(const ScopedFlushDenormals&) = delete;
    ScopedFlushDenormals& operator=(const ScopedFlushDenormals&) = delete;

    // True when both modes are in effect on this thread.
    static bool active() {
#if defined(__SSE__) || defined(__x86_64__)
        const unsigned csr = _mm_getcsr();
        return (csr & kFlushToZero) && (csr & kDenormalsAreZero);
#else
        return false;
#endif
    }

private:
    static constexpr unsigned kFlushToZero = 0x8000;
    static constexpr unsigned kDenormalsAreZero = 0x0040;
    unsigned saved_ = 0;
};

}  // namespace soundlab
