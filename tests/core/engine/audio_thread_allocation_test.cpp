// Real-time safety: no heap allocation on the audio thread once the stream runs.
// This binary replaces malloc/calloc/realloc and operator new so that every allocation made on a
// thread marked as the audio thread is counted, whatever library makes it.

#include "JackServer.h"
#include "RecordingCallback.h"
#include "audio/JackBackend.h"
#include "audio/VirtualAudioBackend.h"
#include "engine/PerformanceMonitor.h"
#include "engine/ProcessingChain.h"
#include "engine/SessionRecorder.h"
#include "logging/SessionLogger.h"
#include "metrics/MetricsAnalyzer.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <thread>

extern "C" void* __libc_malloc(size_t);
extern "C" void* __libc_calloc(size_t, size_t);
extern "C" void* __libc_realloc(void*, size_t);
extern "C" void* __libc_memalign(size_t, size_t);

namespace {
thread_local bool t_isAudioThread = false;
std::atomic<long> g_audioThreadAllocations{0};

inline void countAllocation() {
    if (t_isAudioThread) g_audioThreadAllocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

extern "C" void* malloc(size_t size) {
    countAllocation();
    return __libc_malloc(size);
}
extern "C" void* calloc(size_t n, size_t size) {
    countAllocation();
    return __libc_calloc(n, size);
}
extern "C" void* realloc(void* p, size_t size) {
    countAllocation();
    return __libc_realloc(p, size);
}
void* operator new(size_t size) {
    countAllocation();
    if (void* p = __libc_malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](size_t size) {
    return operator new(size);
}
void* operator new(size_t size, std::align_val_t align) {
    countAllocation();
    if (void* p = __libc_memalign(size_t(align), size ? size : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](size_t size, std::align_val_t align) {
    return operator new(size, align);
}
void operator delete(void* p) noexcept {
    free(p);
}
void operator delete[](void* p) noexcept {
    free(p);
}
void operator delete(void* p, size_t) noexcept {
    free(p);
}
void operator delete[](void* p, size_t) noexcept {
    free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    free(p);
}
void operator delete(void* p, size_t, std::align_val_t) noexcept {
    free(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
    free(p);
}

using namespace soundlab;

namespace {

// Marks the thread it is called on as the audio thread (for good: everything that thread does
// afterwards counts, the backend's own code included), then runs the real chain.
class AudioThreadMarker : public AudioCallback {
public:
    explicit AudioThreadMarker(ProcessingChain& chain) : chain_(chain) {}
    void prepare(double rate, int frames) override { chain_.prepare(rate, frames); }
    void process(const AudioBlock& block) noexcept override {
        t_isAudioThread = true;
        chain_.process(block);
        blocks_.fetch_add(1, std::memory_order_relaxed);
    }
    long blocks() const { return blocks_.load(); }

private:
    ProcessingChain& chain_;
    std::atomic<long> blocks_{0};
};

// Runs the chain for a few seconds with the monitor draining it, the metrics analysis running on
// its ring (at 120 Hz), the session recorder taking its ring, and a loopback probe posted
// half-way (the probe slot), and returns the allocations counted on the audio thread.
long allocationsWhileRunning(AudioBackend& backend, const BackendStreamConfig& config) {
    ProcessingChain chain;
    PerformanceMonitor monitor(chain);
    metrics::MetricsAnalyzer analyzer(chain.analysisRing(), {{120.0, 2048}, {}});
    analyzer.start();
    QTemporaryDir logs;
    logging::SessionLogger logger({logs.path(), 16384, {}, {}});
    SessionRecorder recorder(chain.recordingRing(), logger,
                             {logs.filePath(QStringLiteral("audio")), logger.sessionId(),
                              [&analyzer](uint64_t g) { return analyzer.timeBase(g); }, 1000});
    AudioThreadMarker marker(chain);
    monitor.reset(config.sampleRate, config.blockSize);
    g_audioThreadAllocations = 0;
    EXPECT_FALSE(backend.start(config, marker));
    EXPECT_TRUE(test::waitFor([&] { return marker.blocks() > 0; }, 5000));
    const long atStart = g_audioThreadAllocations.load();
    EXPECT_FALSE(recorder.start());

    // Φ sources switch every 20 ms (so most switches land mid-fade) while sensor samples stream
    // in, MIDI events arrive (the producer end stands in for RtMidi's thread: 8 per 20 ms, mod
    // wheel and pitch bend, so blocks are cut into segments) and the envelope times change: the
    // controller must not allocate on any of it.
    std::optional<phi::MidiEventQueue::Producer> midi = chain.phi().takeMidiProducer();
    EXPECT_TRUE(midi);
    {
        phi::Settings phiSettings;
        phi::SensorValues sensor;
        sensor.present = true;
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
        for (int i = 0; std::chrono::steady_clock::now() < end; ++i) {
            phiSettings.mode = phi::Mode(i % phi::kModeCount);
            phiSettings.attackMs = 10.0 + (i % 7) * 20.0;
            phiSettings.internalHz = 0.1 + (i % 5);
            chain.phi().setSettings(phiSettings);
            sensor.gsr = (i % 10) / 10.0;
            sensor.heartRateBpm = 40.0 + (i % 160);
            sensor.accelX = (i % 3) - 1.0;
            chain.phi().setSensor(sensor);
            for (int k = 0; midi && k < 8; ++k) {
                const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count();
                const auto kind =
                    k % 2 ? phi::MidiEvent::Kind::PitchBend : phi::MidiEvent::Kind::ModWheel;
                const int value = k % 2 ? (i * 97 + k) % 16384 - 8192 : (i + k) % 128;
                EXPECT_TRUE(midi->push(phi::MidiEvent{kind, int16_t(value), now}));
                std::this_thread::sleep_for(std::chrono::microseconds(500));
            }
            (void)chain.phi().state();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    LoopbackProbeSlot::Control probe = chain.probe();
    const auto ticket = probe.arm(std::vector<float>(64, 0.5f), 4800);
    EXPECT_TRUE(ticket);
    EXPECT_TRUE(ticket && test::waitFor([&] { return probe.finished(*ticket); }, 5000));
    EXPECT_TRUE(ticket && probe.take(*ticket));
    // A cancelled measurement is released by the audio thread, also without allocating.
    const auto cancelled = probe.arm(std::vector<float>(64, 0.5f), 48000);
    EXPECT_TRUE(cancelled);
    if (cancelled) probe.cancel(*cancelled);
    EXPECT_TRUE(test::waitFor([&] { return probe.idle(); }, 5000));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));

    EXPECT_FALSE(recorder.stop());
    EXPECT_GT(recorder.status().frames, 0u);  // the recording really took the blocks
    const long afterRun = g_audioThreadAllocations.load();
    EXPECT_GT(marker.blocks(), 100);
    EXPECT_GT(chain.phi().state().midiEvents, 100u);  // the MIDI events did reach the audio thread
    EXPECT_GT(monitor.snapshot().callbackCount, 100u);
    EXPECT_GT(analyzer.stats().frames, 100u);  // the analysis really ran on the ring
    backend.stop();
    return afterRun - atStart;
}

}  // namespace

TEST(AudioThreadAllocations, CountingWorks) {
    // The test must be able to fail: an allocation on a marked thread is counted.
    std::thread([] {
        t_isAudioThread = true;
        const long before = g_audioThreadAllocations.load();
        // Called as functions, not new-expressions, so the compiler cannot elide them.
        void* p = ::operator new(16);
        ::operator delete(p);
        std::vector<float> grown;
        grown.push_back(1.0f);
        EXPECT_EQ(g_audioThreadAllocations.load() - before, 2);
    }).join();
}

TEST(AudioThreadAllocations, NoneOnTheVirtualDevice) {
    VirtualDeviceOptions options;
    options.input = QStringLiteral("noise");
    VirtualAudioBackend backend(options);
    BackendStreamConfig config;
    config.blockSize = 128;
    EXPECT_EQ(allocationsWhileRunning(backend, config), 0);
}

TEST(AudioThreadAllocations, NoneOnTheVirtualDeviceWithLoopbackAndRecording) {
    VirtualDeviceOptions options;
    options.loopbackDelaySamples = 700.5;
    options.recordPath = QStringLiteral("/tmp/soundlab-allocation-test.wav");
    VirtualAudioBackend backend(options);
    BackendStreamConfig config;
    config.blockSize = 256;
    EXPECT_EQ(allocationsWhileRunning(backend, config), 0);
    std::remove("/tmp/soundlab-allocation-test.wav");
}

TEST(AudioThreadAllocations, NoneOnTheNativeJackBackend) {
    if (!JackBackend::available()) GTEST_SKIP() << "no JACK server (jackd not installed?)";
    JackBackend backend;
    BackendStreamConfig config;
    config.blockSize = 128;  // smaller than the fixture's period: the chain splits it
    EXPECT_EQ(allocationsWhileRunning(backend, config), 0);
}
