#pragma once

#include <QString>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <thread>

namespace soundlab {
class AudioEngine;
}

namespace soundlab::api {

// What GET /api/phi reports under `osc`.
struct OscCounters {
    std::optional<uint16_t> port;  // empty while the server is off
    QString host;
    uint64_t received = 0;  // messages accepted and applied
    uint64_t rejected = 0;  // malformed, unknown address, wrong types or count, out of range
};

// The OSC front end of the Φ controller (issue 10, docs/phi.md "OSC"): UDP datagrams, decoded by
// liblo, applied through the same control-side functions as the HTTP handlers
// (AudioEngine::updatePhiSettings, the SensorInbox), so the validation is the same and the audio
// thread is never waited on. It lives beside the API rather than in core/phi because it is a
// transport, and core/phi knows none (STYLE.md).
//
// The socket is ours, not a lo_server's: liblo 0.31 binds its servers to every interface
// (0.0.0.0) whatever it is told, and OSC has no authentication, so the default must really be
// loopback only. liblo still does the decoding (lo_message_deserialise).
class OscServer {
public:
    explicit OscServer(AudioEngine& engine);
    ~OscServer();
    OscServer(const OscServer&) = delete;
    OscServer& operator=(const OscServer&) = delete;

    // Binds host:port (port 0: any free one) and starts the receiving thread. Returns an error
    // message on failure (the server then stays off).
    std::optional<QString> start(const QString& host, uint16_t port);
    void stop();
    OscCounters counters() const;

    // One datagram, as the receiving thread handles it: a message, or a bundle whose messages
    // (nested bundles included) are each applied and counted on their own, in order, on arrival
    // whatever their time tag. A bundle that does not parse is one rejection and applies nothing.
    // True when everything in it was applied. Any thread.
    bool handleDatagram(const char* data, std::size_t size);

private:
    void run();
    bool handleMessage(const char* data, std::size_t size);
    bool handleBundle(const char* data, std::size_t size);

    AudioEngine& engine_;
    int socket_ = -1;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<uint16_t> port_{0};  // 0: off
    QString host_;                   // written before the thread starts, read-only after
    std::atomic<uint64_t> received_{0};
    std::atomic<uint64_t> rejected_{0};
};

}  // namespace soundlab::api
