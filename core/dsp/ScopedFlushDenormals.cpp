#include "dsp/ScopedFlushDenormals.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace soundlab::dsp {

namespace {

#if defined(__x86_64__) || defined(__i386__)
// MXCSR bit 15 flushes denormal results to zero (FTZ); bit 6 reads denormal inputs as zero (DAZ).
constexpr unsigned kFlushBits = 0x8000u | 0x0040u;
unsigned long long readMode() {
    return _mm_getcsr();
}
void writeMode(unsigned long long mode) {
    _mm_setcsr(static_cast<unsigned>(mode));
}
#elif defined(__aarch64__)
// FPCR bit 24 (FZ) flushes denormal inputs and results to zero.
constexpr unsigned long long kFlushBits = 1ull << 24;
unsigned long long readMode() {
    unsigned long long fpcr;
    asm volatile("mrs %0, fpcr" : "=r"(fpcr));
    return fpcr;
}
void writeMode(unsigned long long mode) {
    asm volatile("msr fpcr, %0" : : "r"(mode));
}
#else
constexpr unsigned long long kFlushBits = 0;
unsigned long long readMode() {
    return 0;
}
void writeMode(unsigned long long) {}
#endif

}  // namespace

ScopedFlushDenormals::ScopedFlushDenormals() noexcept : previous_(readMode()) {
    writeMode(previous_ | kFlushBits);
}

ScopedFlushDenormals::~ScopedFlushDenormals() {
    writeMode(previous_);
}

bool ScopedFlushDenormals::active() noexcept {
    return kFlushBits != 0 && (readMode() & kFlushBits) == kFlushBits;
}

}  // namespace soundlab::dsp
