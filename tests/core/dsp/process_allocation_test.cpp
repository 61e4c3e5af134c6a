// Counts heap allocations by replacing the global operator new/delete for this test program, then
// checks that the audio-thread calls of the engine and the downmix make none.

#include "dsp/ChromaticFieldEngine.h"
#include "dsp/StereoDownmix.h"
#include "dsp_test_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<bool> counting{false};
std::atomic<long> allocations{0};

void* allocate(std::size_t size, std::size_t alignment) {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1);
    if (size == 0) size = 1;
    void* p = alignment > alignof(std::max_align_t)
                  ? std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment)
                  : std::malloc(size);
    if (p == nullptr) throw std::bad_alloc();
    return p;
}

}  // namespace

void* operator new(std::size_t size) {
    return allocate(size, 0);
}
void* operator new[](std::size_t size) {
    return allocate(size, 0);
}
void* operator new(std::size_t size, std::align_val_t a) {
    return allocate(size, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t size, std::align_val_t a) {
    return allocate(size, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}

namespace soundlab::dsp::test {
namespace {

class CountAllocations {
public:
    CountAllocations() {
        allocations = 0;
        counting = true;
    }
    ~CountAllocations() { counting = false; }
    long count() const { return allocations.load(); }
};

TEST(ProcessAllocation, TheCounterSeesAllocations) {
    CountAllocations scope;
    auto* vector = new std::vector<float>(100);
    delete vector;
    EXPECT_GE(scope.count(), 2);
}

class ProcessAllocationTest : public ::testing::TestWithParam<SimdImplementation> {};

TEST_P(ProcessAllocationTest, AudioThreadCallsNeverAllocate) {
    ChromaticFieldEngine engine;
    if (!engine.setImplementation(GetParam())) GTEST_SKIP() << "kernel not supported here";
    constexpr int kBlock = 256;
    engine.prepare(kSampleRate, kBlock);
    StereoDownmix downmix;
    downmix.prepare(kSampleRate, kBlock);
    const std::vector<float> input = whiteNoise(100 * kBlock, 0.7f, 1);
    Channels channels;
    std::array<float*, N> pointers;
    std::array<const float*, N> constPointers;
    for (int k = 0; k < N; ++k) {
        channels[k].resize(kBlock);
        pointers[k] = channels[k].data();
        constPointers[k] = channels[k].data();
    }
    std::vector<float> left(kBlock);
    std::vector<float> right(kBlock);
    const DownmixStrategy strategies[] = {DownmixStrategy::Spatial, DownmixStrategy::Energy,
                                          DownmixStrategy::Linear, DownmixStrategy::Phi};
    DownmixParameters custom;
    custom.customWeights = true;
    custom.weightsL.fill(0.3f);
    custom.weightsR.fill(0.2f);

    CountAllocations scope;
    for (int block = 0; block < 100; ++block) {
        EngineParameters parameters;
        parameters.couplingStrength = 0.02f * static_cast<float>(block);
        parameters.enabled[block % N] = false;
        parameters.bandSplit = (block / 7) % 2 == 0;  // toggles every 7 blocks
        engine.setParameters(parameters);
        downmix.setBandSplit(parameters.bandSplit);
        DownmixParameters mixing;
        mixing.strategy = strategies[block % 4];
        downmix.setParameters(block % 10 == 9 ? custom : mixing);
        const PhiInput phi{0.1f * static_cast<float>(block), 0.01f * static_cast<float>(block)};
        engine.process(input.data() + block * kBlock, block % 3 == 0 ? kBlock : kBlock - 17, phi,
                       pointers.data());
        downmix.process(constPointers.data(), kBlock, left.data(), right.data());
        [[maybe_unused]] volatile float r = engine.orderParameter();
        [[maybe_unused]] volatile float theta = engine.fieldPhases()[3];
    }
    EXPECT_EQ(scope.count(), 0);
}

INSTANTIATE_TEST_SUITE_P(Kernels, ProcessAllocationTest,
                         ::testing::Values(SimdImplementation::Scalar, SimdImplementation::Avx2),
                         [](const auto& info) { return implementationName(info.param); });

}  // namespace
}  // namespace soundlab::dsp::test
