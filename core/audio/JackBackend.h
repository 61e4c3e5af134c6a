#pragma once

#include "AudioBackend.h"

#include <cstdint>
#include <memory>
#include <optional>

namespace soundlab {

// What JACK's threads share with the backend; defined in JackBackend.cpp. Owned jointly so that
// a client whose close had to be abandoned never calls into freed memory.
struct JackClientState;

// A native JACK client, without PortAudio: PortAudio 19.6 cannot let go of a client whose
// server died, nor see a server started after Pa_Initialize. This one reports the server's
// death (isRunning() false, failureReason() set), closes the dead client without hanging, and a
// new JackBackend in the same process connects to a restarted server.
//
// The client is "soundlab" (libjack adds a suffix if that is taken) with ports in_0 (input) and
// out_0, out_1 (outputs), wired at start to the physical capture port of the configured input
// channel (the first by default) and the first two physical playback ports when they exist.
// Blocks are the server's period; the sample rate is the server's, and start() fails when it is
// not the one asked for. libjack never starts a server (JackNoStartServer).
class JackBackend final : public AudioBackend {
public:
    // The device index the JACK server gets in device lists (the virtual device is -1; PortAudio
    // devices count from 0).
    static constexpr int kDeviceIndex = -2;
    // How long start() and probe() wait for jack_client_open, for the same reason as below.
    static constexpr int kOpenTimeoutMs = 2000;
    // How long stop() waits for jack_client_close before abandoning the client (a server that
    // is frozen rather than dead never answers; a dead one is closed in tens of milliseconds).
    static constexpr int kCloseTimeoutMs = 2000;

    // serverName empty: the one libjack picks (JACK_DEFAULT_SERVER, else "default").
    explicit JackBackend(QString serverName = {});
    ~JackBackend() override;
    JackBackend(const JackBackend&) = delete;
    JackBackend& operator=(const JackBackend&) = delete;

    // The JACK server reachable right now, as a device (index kDeviceIndex, host API "JACK",
    // channels = physical capture/playback ports, the server's rate); nullopt when none answers.
    // Opens and closes a client without starting a server; libjack's chatter is silenced. A
    // server that does not answer within kOpenTimeoutMs counts as none.
    static std::optional<AudioDeviceInfo> probe(const QString& serverName = {});
    static bool available(const QString& serverName = {}) { return probe(serverName).has_value(); }
    // The name libjack resolves an empty serverName to.
    static QString resolvedServerName(const QString& serverName);

    // config.inputDevice/outputDevice are ignored (there is one JACK device), and so is
    // preferHostPeriod (a JACK client always runs on the server's period); config.blockSize is
    // the chain's largest block (a larger period is split by the chain).
    std::optional<QString> start(const BackendStreamConfig& config,
                                 AudioCallback& callback) override;
    // Never hangs: bounded by kCloseTimeoutMs even when the server is wedged.
    void stop() override;
    bool isRunning() const override;
    StreamInfo streamInfo() const override;
    QString failureReason() const override;

    // The JACK client name the server gave us ("soundlab", or "soundlab-01" if that was taken);
    // empty when not started.
    QString clientName() const { return clientName_; }
    // Xruns the server reported since start(), still readable after stop() (each also marks the
    // next block kOutputUnderflow).
    uint64_t xruns() const;

private:
    QString serverName_;  // resolved: what libjack connects to
    QString clientName_;
    std::shared_ptr<JackClientState> state_;
    StreamInfo info_;
    QString failure_;           // kept after stop() until the next start()
    uint64_t xrunsAtStop_ = 0;  // likewise
};

}  // namespace soundlab
