#include "metrics/MetricsAnalyzer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <pthread.h>

namespace soundlab::metrics {

namespace {

// Enough for 300 s at the highest rate.
constexpr size_t kHistoryFrames = size_t(MetricsAnalyzer::kHistorySeconds * MetricsConfig::kMaxRateHz);
// Recent frames for the stats (> 8 s at 120 Hz, > 34 s at 30 Hz).
constexpr size_t kRecent = 1024;
// How often the analysis thread looks into the ring: a fraction of the shortest frame period.
constexpr auto kPollInterval = std::chrono::milliseconds(2);

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0.0;
    const size_t k = std::min(values.size() - 1, size_t(std::ceil(p * double(values.size()))) - 1);
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
    return values[k];
}

}  // namespace

std::optional<ConfigError> validate(const MetricsConfig& c) {
    if (!(c.rateHz >= MetricsConfig::kMinRateHz && c.rateHz <= MetricsConfig::kMaxRateHz))
        return ConfigError{"rate_hz", "rate_hz must be between 30 and 120 (frames per second)"};
    if (c.window < MetricsConfig::kMinWindow || c.window > MetricsConfig::kMaxWindow ||
        (c.window & (c.window - 1)) != 0)
        return ConfigError{"window",
                           "window must be a power of two from 512 to 8192 (samples)"};
    return std::nullopt;
}

MetricsAnalyzer::MetricsAnalyzer(AnalysisRing& ring, Options options)
    : ring_(ring), options_(std::move(options)), requested_(options_.config) {
    if (auto error = validate(requested_)) requested_ = MetricsConfig{};
    for (auto& h : channelHistory_) h.assign(size_t(kHistory), 0.0f);
    leftHistory_.assign(size_t(kHistory), 0.0f);
    rightHistory_.assign(size_t(kHistory), 0.0f);
    inputHistory_.assign(size_t(kHistory), 0.0f);
    orderSum_.assign(size_t(kOrderHistory), 0.0);
    blockInfos_.resize(kBlockInfos);
    history_.resize(kHistoryFrames);
    producedNs_.assign(kRecent, 0);
    costNs_.assign(kRecent, 0);
}

MetricsAnalyzer::~MetricsAnalyzer() {
    stop();
}

void MetricsAnalyzer::start() {
    if (thread_.joinable()) return;
    std::unique_lock lock(wakeMutex_);
    quit_ = false;
    ready_ = false;
    thread_ = std::thread([this] { run(); });
    // Returns once the thread holds the ring's consumer end: from here no block is missed.
    wake_.wait(lock, [this] { return ready_; });
}

void MetricsAnalyzer::stop() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(wakeMutex_);
        quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

MetricsConfig MetricsAnalyzer::config() const {
    std::lock_guard lock(publishedMutex_);
    return requested_;
}

std::optional<ConfigError> MetricsAnalyzer::setConfig(const MetricsConfig& config) {
    if (auto error = validate(config)) return error;
    std::lock_guard lock(publishedMutex_);
    requested_ = config;
    configPending_ = true;
    return std::nullopt;
}

void MetricsAnalyzer::run() {
    // Named for top -H, gdb and the process tests, which stop this thread alone.
    pthread_setname_np(pthread_self(), "soundlab-metric");
    AnalysisRing::Consumer consumer(ring_);
    haveStream_ = false;
    {
        std::lock_guard lock(wakeMutex_);
        ready_ = true;
    }
    wake_.notify_all();
    std::vector<AnalysisSample> samples(AnalysisRing::kMaxBlockFrames);
    AnalysisBlock block;
    bool first = true;
    for (;;) {
        std::optional<MetricsConfig> next;
        {
            std::lock_guard lock(publishedMutex_);
            if (configPending_ || first) next = requested_;
            configPending_ = false;
        }
        first = false;
        // Planning takes FFTW's lock, not ours: readers never wait for it.
        if (next) applyConfig(*next);
        while (consumer.pop(&block, samples.data())) {
            append(block, samples.data());
            produceDueFrames();
        }
        std::unique_lock lock(wakeMutex_);
        if (wake_.wait_for(lock, kPollInterval, [this] { return quit_; })) break;
    }
}

void MetricsAnalyzer::applyConfig(const MetricsConfig& config) {
    if (!metrics_ || metrics_->window() != size_t(config.window)) {
        metrics_ = std::make_unique<WindowMetrics>(size_t(config.window));
        for (auto& w : channelWindow_) w.assign(size_t(config.window), 0.0f);
        leftWindow_.assign(size_t(config.window), 0.0f);
        rightWindow_.assign(size_t(config.window), 0.0f);
        inputWindow_.assign(size_t(config.window), 0.0f);
    }
    active_ = config;
    // The cadence restarts here; frame ids go on.
    origin_ = written_;
    sinceOrigin_ = 0;
}

void MetricsAnalyzer::restart(const AnalysisBlock& block) {
    haveStream_ = true;
    generation_ = block.generation;
    sampleRate_ = block.sampleRate > 0.0 ? block.sampleRate : 48000.0;
    historyStart_ = written_ = origin_ = block.samplePosition;
    sinceOrigin_ = 0;
    orderSum_[size_t(written_ & (kOrderHistory - 1))] = 0.0;
    blockInfoCount_ = 0;
    timeBase_.start(block.samplePosition, block.callbackSteadyNs, sampleRate_);
    timeBase_.setOutputLatency(options_.outputLatency ? options_.outputLatency() : 0.0);
    std::lock_guard lock(publishedMutex_);
    ++restarts_;
}

void MetricsAnalyzer::append(const AnalysisBlock& block, const AnalysisSample* samples) {
    // A new stream, or a gap (blocks the ring had to drop): the window starts afresh.
    if (!haveStream_ || block.generation != generation_ || block.samplePosition != written_)
        restart(block);
    timeBase_.observe(block.samplePosition, block.callbackSteadyNs);

    BlockInfo& info = blockInfos_[blockInfoCount_ % kBlockInfos];
    info = {block.samplePosition, block.frames, block.phiPhase, block.phiDepth, block.cpuLoad,
            block.phiMode};
    ++blockInfoCount_;

    double sum = orderSum_[size_t(written_ & (kOrderHistory - 1))];
    for (int32_t i = 0; i < block.frames; ++i) {
        const size_t h = size_t((written_ + i) & (kHistory - 1));
        const AnalysisSample& s = samples[i];
        for (int k = 0; k < kAnalysisChannels; ++k) channelHistory_[size_t(k)][h] = s.channels[size_t(k)];
        leftHistory_[h] = s.left;
        rightHistory_[h] = s.right;
        inputHistory_[h] = s.input;
        // R is known per block (at its end): every sample of the block carries it.
        sum += double(block.orderParameter);
        orderSum_[size_t((written_ + i + 1) & (kOrderHistory - 1))] = sum;
    }
    written_ += block.frames;
}

int64_t MetricsAnalyzer::target(uint64_t n) const {
    return origin_ + int64_t(std::floor(double(n) * sampleRate_ / active_.rateHz + 0.5));
}

void MetricsAnalyzer::produceDueFrames() {
    for (int64_t end = target(sinceOrigin_ + 1); end <= written_; end = target(sinceOrigin_ + 1)) {
        const int64_t started = TimeBase::steadyNowNs();
        MetricsFrame frame = computeFrame(end);
        ++sinceOrigin_;
        const int64_t produced = TimeBase::steadyNowNs();
        {
            std::lock_guard lock(publishedMutex_);
            const StateClassifier::Input in{frame.gateOpen, frame.consciousnessLevel,
                                            frame.phaseCoherence, frame.criticality};
            frame.state = classifier_.update(in, double(end) / sampleRate_);
            lastInput_ = in;
            frame.frameId = nextFrameId_++;
            history_[historyHead_] = frame;
            historyHead_ = (historyHead_ + 1) % history_.size();
            historyCount_ = std::min(historyCount_ + 1, history_.size());
            producedNs_[frames_ % kRecent] = produced;
            costNs_[frames_ % kRecent] = produced - started;
            ++frames_;
        }
        if (sink_) sink_(frame);
    }
}

void MetricsAnalyzer::copyWindow(int64_t end) {
    const int64_t window = active_.window;
    for (int64_t i = 0; i < window; ++i) {
        const int64_t p = end - window + i;
        const bool valid = p >= historyStart_;
        const size_t h = size_t(p & (kHistory - 1));
        for (int k = 0; k < kAnalysisChannels; ++k)
            channelWindow_[size_t(k)][size_t(i)] = valid ? channelHistory_[size_t(k)][h] : 0.0f;
        leftWindow_[size_t(i)] = valid ? leftHistory_[h] : 0.0f;
        rightWindow_[size_t(i)] = valid ? rightHistory_[h] : 0.0f;
        inputWindow_[size_t(i)] = valid ? inputHistory_[h] : 0.0f;
    }
}

double MetricsAnalyzer::meanOrder(int64_t from, int64_t to) const {
    from = std::max(from, historyStart_);
    if (to <= from) return 0.0;
    const double sum = orderSum_[size_t(to & (kOrderHistory - 1))] -
                       orderSum_[size_t(from & (kOrderHistory - 1))];
    return std::clamp(sum / double(to - from), 0.0, 1.0);
}

const MetricsAnalyzer::BlockInfo* MetricsAnalyzer::blockAt(int64_t position) const {
    const size_t n = std::min(blockInfoCount_, kBlockInfos);
    for (size_t i = 1; i <= n; ++i) {
        const BlockInfo& b = blockInfos_[(blockInfoCount_ - i) % kBlockInfos];
        if (b.start <= position) return &b;
    }
    return nullptr;
}

MetricsFrame MetricsAnalyzer::computeFrame(int64_t end) {
    copyWindow(end);
    WindowMetrics::Window w;
    for (int k = 0; k < kAnalysisChannels; ++k) w.channels[size_t(k)] = channelWindow_[size_t(k)].data();
    w.left = leftWindow_.data();
    w.right = rightWindow_.data();
    w.input = inputWindow_.data();
    w.sampleRate = sampleRate_;
    const WindowMetrics::Result r = metrics_->compute(w);

    MetricsFrame f;
    f.timestamp = timeBase_.heardUnixSeconds(end);
    f.samplePosition = end;
    f.sampleRate = sampleRate_;
    f.rateHz = active_.rateHz;
    f.levelDb = r.levelDb;
    f.gateOpen = r.gateOpen;
    f.spectralCentroid = r.spectralCentroid;
    f.ici = r.ici;
    f.phaseCoherence = meanOrder(end - active_.window, end);
    f.criticality = criticality(meanOrder(end - int64_t(std::llround(sampleRate_)), end));
    f.consciousnessLevel =
        consciousnessLevel(r.activity, f.phaseCoherence, f.ici, f.spectralCentroid);
    if (const BlockInfo* b = blockAt(end - 1)) {
        f.phiPhase = b->phiPhase;
        f.phiDepth = b->phiDepth;
        f.phiMode = b->phiMode;
        f.cpuLoad = b->cpuLoad;
    }
    return f;
}

std::optional<MetricsFrame> MetricsAnalyzer::latest() const {
    std::lock_guard lock(publishedMutex_);
    if (historyCount_ == 0) return std::nullopt;
    return history_[(historyHead_ + history_.size() - 1) % history_.size()];
}

std::vector<MetricsFrame> MetricsAnalyzer::history(double seconds) const {
    seconds = std::clamp(seconds, 0.0, kHistorySeconds);
    std::lock_guard lock(publishedMutex_);
    std::vector<MetricsFrame> frames;
    if (historyCount_ == 0) return frames;
    const size_t newest = (historyHead_ + history_.size() - 1) % history_.size();
    const double from = history_[newest].timestamp - seconds;
    size_t count = 0;
    while (count < historyCount_ &&
           history_[(newest + history_.size() - count) % history_.size()].timestamp >= from)
        ++count;
    frames.reserve(count);
    for (size_t i = count; i > 0; --i)
        frames.push_back(history_[(newest + history_.size() - (i - 1)) % history_.size()]);
    return frames;
}

AnalyzerStats MetricsAnalyzer::stats() const {
    AnalyzerStats s;
    std::vector<double> intervals, costs;
    {
        std::lock_guard lock(publishedMutex_);
        s.config = requested_;
        s.frames = frames_;
        s.restarts = restarts_;
        const size_t n = std::min<uint64_t>(frames_, kRecent);
        for (size_t i = 0; i < n; ++i) {
            const uint64_t k = frames_ - n + i;
            costs.push_back(double(costNs_[k % kRecent]) * 1e-6);
            if (i > 0)
                intervals.push_back(double(producedNs_[k % kRecent] - producedNs_[(k - 1) % kRecent]) * 1e-6);
        }
        if (n >= 2) {
            const double span = double(producedNs_[(frames_ - 1) % kRecent] -
                                       producedNs_[(frames_ - n) % kRecent]) * 1e-9;
            if (span > 0.0) s.achievedRateHz = double(n - 1) / span;
        }
        if (historyCount_ >= 2) {
            const MetricsFrame& a = history_[(historyHead_ + history_.size() - 2) % history_.size()];
            const MetricsFrame& b = history_[(historyHead_ + history_.size() - 1) % history_.size()];
            s.sampleIntervalMs = double(b.samplePosition - a.samplePosition) * 1000.0 / b.sampleRate;
        }
    }
    s.ringOverflows = ring_.overflows();
    s.intervalP50Ms = percentile(intervals, 0.5);
    s.intervalP99Ms = percentile(intervals, 0.99);
    if (!costs.empty()) {
        double sum = 0.0;
        for (double c : costs) sum += c;
        s.costMeanMs = sum / double(costs.size());
        s.costMaxMs = *std::max_element(costs.begin(), costs.end());
    }
    s.costP99Ms = percentile(costs, 0.99);
    return s;
}

MetricsAnalyzer::StateReport MetricsAnalyzer::states() const {
    std::lock_guard lock(publishedMutex_);
    StateReport r;
    r.current = classifier_.reported();
    r.counts = classifier_.counts();
    for (double t : r.counts.secondsIn) r.sinceSeconds += t;
    r.lastInput = lastInput_;
    return r;
}

void MetricsAnalyzer::resetStates() {
    std::lock_guard lock(publishedMutex_);
    classifier_.resetCounts();
}

}  // namespace soundlab::metrics
