#include "dsp/SimdImplementation.h"

#include <cstdlib>
#include <cstring>

namespace soundlab::dsp {

std::string_view toString(SimdImplementation implementation) {
    switch (implementation) {
        case SimdImplementation::Scalar:
            return "scalar";
        case SimdImplementation::Avx2:
            return "avx2";
    }
    return "unknown";
}

bool cpuSupportsAvx2Fma() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
}

bool scalarForcedByEnvironment() {
    const char* value = std::getenv("SOUNDLAB_FORCE_SCALAR");
    return value != nullptr && std::strcmp(value, "1") == 0;
}

SimdImplementation defaultSimdImplementation() {
    if (!scalarForcedByEnvironment() && cpuSupportsAvx2Fma()) return SimdImplementation::Avx2;
    return SimdImplementation::Scalar;
}

}  // namespace soundlab::dsp
