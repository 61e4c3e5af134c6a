#pragma once

#include <string_view>

namespace soundlab::dsp {

// The two builds of the per-sample kernels. Both compute the same equations; the AVX2 one does
// the eight cells in one register and uses FMA in the cell update (SPEC §2: they agree to 1e-5).
enum class SimdImplementation {
    Scalar,  // portable C++, any CPU
    Avx2,    // x86-64 with AVX2 and FMA (functions compiled with target("avx2,fma"))
};

std::string_view toString(SimdImplementation implementation);

// True when this CPU can run SimdImplementation::Avx2 (__builtin_cpu_supports "avx2" and "fma").
bool cpuSupportsAvx2Fma();

// True when the environment variable SOUNDLAB_FORCE_SCALAR is "1".
bool scalarForcedByEnvironment();

// What a new engine runs: Avx2 when the CPU supports it, unless SOUNDLAB_FORCE_SCALAR=1.
SimdImplementation defaultSimdImplementation();

// The kernel to run for `implementation`: `scalar` always works; `avx2` (nullptr when this build
// has none) only on a CPU with AVX2 and FMA. nullptr when the implementation cannot run here.
template <typename Kernel>
Kernel chooseKernel(SimdImplementation implementation, Kernel scalar, Kernel avx2) {
    if (implementation == SimdImplementation::Scalar) return scalar;
    return avx2 != nullptr && cpuSupportsAvx2Fma() ? avx2 : nullptr;
}

}  // namespace soundlab::dsp
