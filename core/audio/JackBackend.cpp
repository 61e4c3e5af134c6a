#include "JackBackend.h"

#include "rt/HandOff.h"
#include "rt/RealtimeSection.h"

#include <jack/jack.h>

#include <QByteArray>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <memory>
#include <thread>

namespace soundlab {

// Written by JACK's threads (process, xrun, shutdown) and by the control thread before
// jack_activate; shared so that a client whose close was abandoned keeps it alive.
struct JackClientState {
    jack_client_t* client = nullptr;
    jack_port_t* input = nullptr;
    jack_port_t* outputs[2] = {};
    AudioCallback* callback = nullptr;
    double sampleRate = 0.0;

    // stop() sets `released` and waits for `inProcess` to drop to 0 (both seq_cst, Dekker
    // style): after that the process thread never touches `callback`, whose owner may be gone.
    std::atomic<bool> released{false};
    std::atomic<int> inProcess{0};

    std::atomic<uint64_t> xruns{0};
    uint64_t xrunsReported = 0;  // process thread only

    std::atomic<uint32_t> period{0};           // frames; the server may change it while we run
    std::atomic<uint32_t> captureLatency{0};   // frames, physical capture port → in_0
    std::atomic<uint32_t> playbackLatency{0};  // frames, out_* → physical playback port

    // The shutdown callback runs on a JACK thread and may not allocate: the reason goes into
    // this buffer once, then `dead` publishes it.
    std::atomic_flag reasonWritten = ATOMIC_FLAG_INIT;
    char reason[256] = {};
    std::atomic<bool> dead{false};

    // libjack runs the callbacks on threads it wakes through the server: TSan cannot see that
    // what start() wrote before jack_activate happens before them (rt/HandOff.h).
    rt::HandOff activated;
};

namespace {

void quietJack(const char*) {}
void jackToStderr(const char* message) {
    std::fprintf(stderr, "jack: %s\n", message);
}

// libjack prints "cannot connect to server" and the like on every failed open; a missing
// server is a normal answer here, reported through our own messages.
class QuietJack {
public:
    QuietJack() {
        jack_set_error_function(quietJack);
        jack_set_info_function(quietJack);
    }
    ~QuietJack() {
        jack_set_error_function(jackToStderr);
        jack_set_info_function(quietJack);
    }
};

// Opening a client asks the server: on a server that is alive but not answering (SIGSTOP) it
// blocks for good, which would freeze a device rescan. So it runs on a helper thread and we wait
// at most kOpenTimeoutMs; whichever side claims the result first decides, and a helper that
// loses closes the client it got late. clientName must be a literal (the helper may outlive us).
jack_client_t* openBounded(const char* clientName, const QString& server, bool* timedOut) {
    struct Handoff {
        std::promise<jack_client_t*> client;
        std::atomic<bool> claimed{false};
    };
    auto handoff = std::make_shared<Handoff>();
    std::future<jack_client_t*> opened = handoff->client.get_future();
    std::thread opener([handoff, clientName, serverName = server.toLocal8Bit()] {
        jack_status_t status{};
        jack_client_t* client;
        {
            QuietJack quiet;
            client =
                jack_client_open(clientName, jack_options_t(JackNoStartServer | JackServerName),
                                 &status, serverName.constData());
        }
        if (handoff->claimed.exchange(true)) {
            if (client) jack_client_close(client);  // the caller gave up on us
        } else {
            handoff->client.set_value(client);
        }
    });
    *timedOut = false;
    if (opened.wait_for(std::chrono::milliseconds(JackBackend::kOpenTimeoutMs)) !=
            std::future_status::ready &&
        !handoff->claimed.exchange(true)) {
        opener.detach();
        *timedOut = true;
        return nullptr;
    }
    // Ready, or the helper claimed the result just as we timed out: it is on its way.
    jack_client_t* client = opened.get();
    opener.join();
    return client;
}

// jack_client_close returns in tens of milliseconds on a client whose server died (measured with
// jackd2 1.9.21, SIGKILL and SIGTERM), but blocks forever on a server that is alive and not
// answering (SIGSTOP). So it runs on a helper thread: joined when it returns in time, detached
// otherwise, keeping `keepAlive` (the state JACK's threads point to) until it returns.
bool closeBounded(jack_client_t* client, std::shared_ptr<JackClientState> keepAlive) {
    auto closed = std::make_shared<std::promise<void>>();
    std::future<void> done = closed->get_future();
    std::thread closer([client, closed, keepAlive = std::move(keepAlive)] {
        jack_client_close(client);
        closed->set_value();
    });
    if (done.wait_for(std::chrono::milliseconds(JackBackend::kCloseTimeoutMs)) ==
        std::future_status::ready) {
        closer.join();
        return true;
    }
    closer.detach();
    return false;
}

struct JackFree {
    void operator()(const char** ports) const { jack_free(ports); }
};
// A null-terminated list of port names, or null when there are none.
using PortList = std::unique_ptr<const char*[], JackFree>;

// Physical capture ports are outputs of the graph, playback ports its inputs.
PortList physicalPorts(jack_client_t* client, unsigned long direction) {
    return PortList(
        jack_get_ports(client, nullptr, JACK_DEFAULT_AUDIO_TYPE, JackPortIsPhysical | direction));
}

int countPorts(const PortList& ports) {
    int n = 0;
    while (ports && ports[n]) ++n;
    return n;
}

QString deviceName(const QString& server) {
    return QStringLiteral("JACK server '%1'").arg(server);
}

// The server calls the shutdown callback when it dies, and also when it throws a client out
// (one that kept it waiting past its timeout): word the reason for both.
QString wentAway(const QString& server, const JackClientState& state) {
    return QStringLiteral("the JACK server '%1' closed our connection: %2")
        .arg(server, QString::fromLocal8Bit(state.reason));
}

uint32_t latencyOf(jack_client_t* client, const char* portName, jack_latency_callback_mode_t mode) {
    jack_port_t* port = jack_port_by_name(client, portName);
    if (!port) return 0;
    jack_latency_range_t range{};
    jack_port_get_latency_range(port, mode, &range);
    return range.max;
}

// JACK's process thread enters here: translate the period into an AudioBlock, nothing more.
int onProcess(jack_nframes_t frames, void* arg) {
    const rt::RealtimeSection realtime;
    auto& s = *static_cast<JackClientState*>(arg);
    s.activated.acquire();
    auto* left = static_cast<float*>(jack_port_get_buffer(s.outputs[0], frames));
    auto* right = static_cast<float*>(jack_port_get_buffer(s.outputs[1], frames));
    s.inProcess.fetch_add(1);
    if (s.released.load()) {
        std::memset(left, 0, frames * sizeof(float));
        std::memset(right, 0, frames * sizeof(float));
        s.inProcess.fetch_sub(1);
        return 0;
    }
    AudioBlock block;
    block.input = static_cast<const float*>(jack_port_get_buffer(s.input, frames));
    block.left = left;
    block.right = right;
    block.frames = int(frames);
    // JACK's clock (jack_get_time) is CLOCK_MONOTONIC in µs. The cycle starts when the period
    // of input is complete: its first sample entered the capture port's latency (which includes
    // that period) earlier, and what we write now leaves the playback port's latency later.
    jack_nframes_t cycleFrames = 0;
    jack_time_t cycleStart = 0, nextStart = 0;
    float periodUsecs = 0.0f;
    if (jack_get_cycle_times(s.client, &cycleFrames, &cycleStart, &nextStart, &periodUsecs) == 0) {
        const double start = double(cycleStart) * 1e-6;
        block.inputTime = start - s.captureLatency.load(std::memory_order_relaxed) / s.sampleRate;
        block.outputTime = start + s.playbackLatency.load(std::memory_order_relaxed) / s.sampleRate;
    }
    // An xrun happened between cycles; the chain counts it on the block that follows.
    const uint64_t xruns = s.xruns.load(std::memory_order_relaxed);
    if (xruns != s.xrunsReported) {
        s.xrunsReported = xruns;
        block.status |= kOutputUnderflow;
    }
    s.callback->process(block);
    s.inProcess.fetch_sub(1);
    return 0;
}

int onXrun(void* arg) {
    static_cast<JackClientState*>(arg)->activated.acquire();
    static_cast<JackClientState*>(arg)->xruns.fetch_add(1, std::memory_order_relaxed);
    return 0;
}

int onBufferSize(jack_nframes_t frames, void* arg) {
    static_cast<JackClientState*>(arg)->activated.acquire();
    static_cast<JackClientState*>(arg)->period.store(frames, std::memory_order_relaxed);
    return 0;
}

// Runs on a JACK thread (libjack documents: no JACK calls here); no allocation either.
void onShutdown(jack_status_t, const char* reason, void* arg) {
    auto& s = *static_cast<JackClientState*>(arg);
    s.activated.acquire();
    if (!s.reasonWritten.test_and_set()) {
        std::strncpy(s.reason, reason ? reason : "no reason given", sizeof(s.reason) - 1);
    }
    s.dead.store(true, std::memory_order_release);
}

}  // namespace

JackBackend::JackBackend(QString serverName) : serverName_(resolvedServerName(serverName)) {}

JackBackend::~JackBackend() {
    stop();
}

QString JackBackend::resolvedServerName(const QString& serverName) {
    if (!serverName.isEmpty()) return serverName;
    // libjack's own rule (jack_default_server_name).
    const QString fromEnvironment = qEnvironmentVariable("JACK_DEFAULT_SERVER");
    return fromEnvironment.isEmpty() ? QStringLiteral("default") : fromEnvironment;
}

std::optional<AudioDeviceInfo> JackBackend::probe(const QString& serverName) {
    const QString server = resolvedServerName(serverName);
    bool timedOut = false;
    jack_client_t* client = openBounded("soundlab-probe", server, &timedOut);
    if (!client) return std::nullopt;
    AudioDeviceInfo info;
    info.index = kDeviceIndex;
    info.name = deviceName(server);
    info.hostApi = QStringLiteral("JACK");
    info.maxInputChannels = countPorts(physicalPorts(client, JackPortIsOutput));
    info.maxOutputChannels = countPorts(physicalPorts(client, JackPortIsInput));
    info.defaultSampleRate = jack_get_sample_rate(client);
    closeBounded(client, nullptr);
    return info;
}

std::optional<QString> JackBackend::start(const BackendStreamConfig& config,
                                          AudioCallback& callback) {
    stop();
    failure_.clear();
    clientName_.clear();
    xrunsAtStop_ = 0;

    bool timedOut = false;
    jack_client_t* client = openBounded("soundlab", serverName_, &timedOut);
    if (!client)
        return timedOut ? QStringLiteral("the JACK server '%1' did not answer within %2 ms")
                              .arg(serverName_)
                              .arg(kOpenTimeoutMs)
                        : QStringLiteral("cannot connect to the JACK server '%1' (is it running?)")
                              .arg(serverName_);
    auto state = std::make_shared<JackClientState>();
    state->client = client;
    const auto fail = [&](const QString& message) -> std::optional<QString> {
        state->released = true;
        closeBounded(client, state);
        return message;
    };

    // We do not resample: the chain (and everything timed on it) runs at the requested rate,
    // and only the server can change its own.
    const double rate = jack_get_sample_rate(client);
    if (rate != config.sampleRate)
        return fail(QStringLiteral("the JACK server '%1' runs at %2 Hz, not the %3 Hz asked for "
                                   "(ask for %2 Hz, or restart the server with -r %3)")
                        .arg(serverName_)
                        .arg(rate)
                        .arg(config.sampleRate));

    state->input = jack_port_register(client, "in_0", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    state->outputs[0] =
        jack_port_register(client, "out_0", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    state->outputs[1] =
        jack_port_register(client, "out_1", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    if (!state->input || !state->outputs[0] || !state->outputs[1])
        return fail(QStringLiteral("cannot register the JACK ports in_0, out_0, out_1"));

    state->sampleRate = rate;
    state->period = jack_get_buffer_size(client);
    state->callback = &callback;
    if (jack_set_process_callback(client, onProcess, state.get()) != 0 ||
        jack_set_xrun_callback(client, onXrun, state.get()) != 0 ||
        jack_set_buffer_size_callback(client, onBufferSize, state.get()) != 0)
        return fail(QStringLiteral("cannot install the JACK callbacks"));
    jack_on_info_shutdown(client, onShutdown, state.get());

    // Wire to the hardware as PortAudio's JACK host API did; a server without physical ports
    // leaves ours unconnected (jack_connect can wire them). The latencies are those of the
    // physical ports we wire to, set before activation so that the first block's times are
    // right already; a connection that then fails takes its latency back.
    const PortList capture = physicalPorts(client, JackPortIsOutput);
    const PortList playback = physicalPorts(client, JackPortIsInput);
    // in_0 listens to the chosen physical capture port. A server without capture ports leaves
    // it unconnected (channel 0 only); a channel it does not have is refused.
    const int captureCount = countPorts(capture);
    if (config.inputChannel < 0 || (config.inputChannel > 0 && config.inputChannel >= captureCount))
        return fail(QStringLiteral("input channel %1 does not exist on the JACK server '%2' (it "
                                   "has %3 capture ports: 0 to %4)")
                        .arg(config.inputChannel)
                        .arg(serverName_)
                        .arg(captureCount)
                        .arg(captureCount - 1));
    const char* captureTo =
        config.inputChannel < captureCount ? capture[config.inputChannel] : nullptr;
    const char* playbackTo[2] = {};
    for (int i = 0; i < 2 && playback && playback[i]; ++i) playbackTo[i] = playback[i];
    const auto playbackLatencyOf = [&](bool connected[2]) {
        uint32_t latency = 0;
        for (int i = 0; i < 2; ++i)
            if (playbackTo[i] && connected[i])
                latency = std::max(latency, latencyOf(client, playbackTo[i], JackPlaybackLatency));
        return latency;
    };
    bool playbackConnected[2] = {true, true};
    state->captureLatency = captureTo ? latencyOf(client, captureTo, JackCaptureLatency) : 0;
    state->playbackLatency = playbackLatencyOf(playbackConnected);

    // The chain splits a period larger than config.blockSize into blocks of at most that size.
    callback.prepare(rate, config.blockSize);
    state->activated.release();
    if (jack_activate(client) != 0) return fail(QStringLiteral("cannot activate the JACK client"));
    // Not being able to connect is not fatal: the client runs, the graph is the user's to change.
    if (captureTo && jack_connect(client, captureTo, jack_port_name(state->input)) != 0)
        state->captureLatency = 0;
    for (int i = 0; i < 2; ++i)
        playbackConnected[i] =
            playbackTo[i] &&
            jack_connect(client, jack_port_name(state->outputs[i]), playbackTo[i]) == 0;
    state->playbackLatency = playbackLatencyOf(playbackConnected);

    clientName_ = QString::fromLocal8Bit(jack_get_client_name(client));
    info_ = {};
    info_.backend = QStringLiteral("jack");
    info_.hostApi = QStringLiteral("JACK");
    info_.inputDevice = info_.outputDevice = deviceName(serverName_);
    info_.sampleRate = rate;
    info_.blockSize = int(state->period.load());
    info_.hostPeriod = true;
    info_.inputLatency = state->captureLatency / rate;
    info_.outputLatency = state->playbackLatency / rate;
    state_ = std::move(state);
    return std::nullopt;
}

void JackBackend::stop() {
    if (!state_) return;
    const std::shared_ptr<JackClientState> state = std::move(state_);
    state_ = nullptr;
    if (state->dead.load(std::memory_order_acquire)) failure_ = wentAway(serverName_, *state);
    // The callback's owner may destroy it once we return, closed client or not.
    state->released.store(true);
    while (state->inProcess.load() != 0) std::this_thread::yield();
    // Read after the last callback: every xrun a block was marked for is counted.
    xrunsAtStop_ = state->xruns.load(std::memory_order_relaxed);
    if (!closeBounded(state->client, state))
        qWarning(
            "soundlab audio: the JACK server '%s' did not answer within %d ms; its client "
            "is abandoned",
            qPrintable(serverName_), kCloseTimeoutMs);
}

bool JackBackend::isRunning() const {
    return state_ && !state_->dead.load(std::memory_order_acquire);
}

StreamInfo JackBackend::streamInfo() const {
    StreamInfo info = info_;
    if (state_) info.blockSize = int(state_->period.load(std::memory_order_relaxed));
    return info;
}

QString JackBackend::failureReason() const {
    if (!failure_.isEmpty()) return failure_;
    if (state_ && state_->dead.load(std::memory_order_acquire))
        return wentAway(serverName_, *state_);
    return {};
}

uint64_t JackBackend::xruns() const {
    return state_ ? state_->xruns.load(std::memory_order_relaxed) : xrunsAtStop_;
}

}  // namespace soundlab
