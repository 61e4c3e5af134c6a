#include "api/OscServer.h"

#include "engine/AudioEngine.h"

#include <lo/lo.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

namespace soundlab::api {

namespace {

// The largest UDP payload over IPv4; a bigger read buffer is never needed, and a datagram that
// does not fit (MSG_TRUNC) is rejected rather than decoded from a prefix.
constexpr std::size_t kMaxDatagram = 65535;
// How often the receiving thread looks at the stop flag while the socket is quiet.
constexpr int kPollMs = 50;

// One argument's value. liblo's argument pointers are only 4-byte aligned (OSC pads to 4), so a
// float64 after a float32 is misaligned for lo_arg (8): read the bytes, never `argv[i]->d`
// (undefined behaviour; found by tests/fuzz/fuzz_osc).
template <typename T>
T argumentValue(const lo_arg* argument) {
    T value;
    std::memcpy(&value, argument, sizeof value);
    return value;
}

// A float argument as bridges send it: OSC float32, int32 or float64.
std::optional<double> number(const char* types, lo_arg** argv, int i) {
    switch (types[i]) {
        case LO_FLOAT:
            return argumentValue<float>(argv[i]);
        case LO_INT32:
            return argumentValue<int32_t>(argv[i]);
        case LO_DOUBLE:
            return argumentValue<double>(argv[i]);
        default:
            return std::nullopt;
    }
}

// OSC 1.0 bundle: "#bundle\0", an 8-byte time tag, then elements, each an int32 (big-endian)
// size and that many bytes: a message or a bundle.
constexpr char kBundleTag[8] = {'#', 'b', 'u', 'n', 'd', 'l', 'e', '\0'};
constexpr std::size_t kBundleHeader = 16;
// Bundles inside bundles deeper than this are refused: a bound on the recursion a datagram can ask.
constexpr int kMaxBundleDepth = 8;

bool isBundle(const char* data, std::size_t size) {
    return size >= kBundleHeader && std::memcmp(data, kBundleTag, sizeof kBundleTag) == 0;
}

// Calls `element(data, size)` for each element of the bundle, in order; false when the framing is
// broken (sizes that are not positive multiples of 4 or run past the end).
template <typename F>
bool forEachElement(const char* data, std::size_t size, F element) {
    std::size_t at = kBundleHeader;
    while (at < size) {
        if (size - at < 4) return false;
        uint32_t length = 0;
        std::memcpy(&length, data + at, 4);
        length = ntohl(length);
        at += 4;
        if (length == 0 || length % 4 != 0 || length > size - at) return false;
        element(data + at, std::size_t(length));
        at += length;
    }
    return true;
}

// The framing of a bundle and of the bundles inside it, checked before anything is applied.
bool wellFormedBundle(const char* data, std::size_t size, int depth) {
    if (depth > kMaxBundleDepth) return false;
    bool ok = true;
    const bool framed = forEachElement(data, size, [&](const char* e, std::size_t n) {
        if (isBundle(e, n)) ok = ok && wellFormedBundle(e, n, depth + 1);
    });
    return framed && ok;
}

bool numbersOnly(std::string_view types, std::size_t count) {
    if (types.size() != count) return false;
    for (char t : types)
        if (t != LO_FLOAT && t != LO_INT32 && t != LO_DOUBLE) return false;
    return true;
}

}  // namespace

OscServer::OscServer(AudioEngine& engine) : engine_(engine) {}

OscServer::~OscServer() {
    stop();
}

std::optional<QString> OscServer::start(const QString& host, uint16_t port) {
    stop();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    const QByteArray hostBytes = host.toUtf8();
    const QByteArray portBytes = QByteArray::number(port);
    if (int rc = getaddrinfo(hostBytes.constData(), portBytes.constData(), &hints, &found))
        return QStringLiteral("cannot resolve OSC host '%1': %2").arg(host, gai_strerror(rc));
    QString error;
    for (addrinfo* a = found; a && socket_ < 0; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0) {
            socket_ = fd;
        } else {
            error = QString::fromLocal8Bit(std::strerror(errno));
            ::close(fd);
        }
    }
    freeaddrinfo(found);
    if (socket_ < 0)
        return QStringLiteral("cannot open OSC on udp://%1:%2: %3").arg(host).arg(port).arg(error);

    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(socket_, reinterpret_cast<sockaddr*>(&bound), &length);
    const uint16_t boundPort = bound.ss_family == AF_INET6
                                   ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                   : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    host_ = host;
    stopping_ = false;
    port_ = boundPort;
    thread_ = std::thread([this] { run(); });
    return std::nullopt;
}

void OscServer::stop() {
    if (thread_.joinable()) {
        stopping_ = true;
        thread_.join();
    }
    if (socket_ >= 0) ::close(socket_);
    socket_ = -1;
    port_ = 0;
}

OscCounters OscServer::counters() const {
    OscCounters c;
    if (const uint16_t p = port_.load()) c.port = p;
    c.host = host_;
    c.received = received_.load(std::memory_order_relaxed);
    c.rejected = rejected_.load(std::memory_order_relaxed);
    return c;
}

void OscServer::run() {
    std::vector<char> buffer(kMaxDatagram + 1);
    while (!stopping_.load()) {
        pollfd p{socket_, POLLIN, 0};
        if (::poll(&p, 1, kPollMs) <= 0) continue;
        const ssize_t n = ::recv(socket_, buffer.data(), buffer.size(), MSG_TRUNC);
        if (n < 0) continue;
        // A datagram larger than the buffer arrives cut: reject it, never decode a prefix.
        if (std::size_t(n) > kMaxDatagram) {
            rejected_.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        handleDatagram(buffer.data(), std::size_t(n));
    }
}

bool OscServer::handleDatagram(const char* data, std::size_t size) {
    if (!isBundle(data, size)) return handleMessage(data, size);
    if (!wellFormedBundle(data, size, 0)) {
        rejected_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    return handleBundle(data, size);
}

bool OscServer::handleBundle(const char* data, std::size_t size) {
    bool all = true;
    forEachElement(data, size, [&](const char* e, std::size_t n) {
        all = (isBundle(e, n) ? handleBundle(e, n) : handleMessage(e, n)) && all;
    });
    return all;
}

bool OscServer::handleMessage(const char* data, std::size_t size) {
    bool applied = false;
    int result = 0;
    // liblo checks the whole encoding (padding, type tags against the payload length); it takes
    // a non-const pointer but does not write through it.
    lo_message m = size > 0 && size <= kMaxDatagram
                       ? lo_message_deserialise(const_cast<char*>(data), size, &result)
                       : nullptr;
    if (m) {
        const std::string_view path(data, strnlen(data, size));
        const char* types = lo_message_get_types(m);
        const std::string_view typeView = types ? types : "";
        lo_arg** argv = lo_message_get_argv(m);
        const auto setPhi = [&](auto edit) {
            return engine_
                .updatePhiSettings([&](phi::Settings& s) {
                    edit(s);
                    return std::vector<dsp::ParameterError>();
                })
                .empty();
        };
        const auto pushSensor = [&](const phi::SensorSample& sample) {
            return engine_.phiSensor().push({sample}, false).empty();
        };
        if (path == "/soundlab/phi/mode") {
            if (typeView == "s") {
                // The string's bytes start at the argument (no lo_arg member access: see
                // argumentValue).
                if (const auto mode =
                        phi::modeFromString(reinterpret_cast<const char*>(argv[0])))
                    applied = setPhi([&](phi::Settings& s) { s.mode = *mode; });
            }
        } else if (path == "/soundlab/phi/depth" && numbersOnly(typeView, 1)) {
            const double v = *number(types, argv, 0);
            applied = setPhi([&](phi::Settings& s) { s.manualDepth = v; });
        } else if (path == "/soundlab/phi/phase" && numbersOnly(typeView, 1)) {
            const double v = *number(types, argv, 0);
            applied = setPhi([&](phi::Settings& s) { s.manualPhase = v; });
        } else if (path == "/soundlab/sensor/hr" && numbersOnly(typeView, 1)) {
            phi::SensorSample sample;
            sample.heartRateBpm = number(types, argv, 0);
            applied = pushSensor(sample);
        } else if (path == "/soundlab/sensor/gsr" && numbersOnly(typeView, 1)) {
            phi::SensorSample sample;
            sample.gsr = number(types, argv, 0);
            applied = pushSensor(sample);
        } else if (path == "/soundlab/sensor/accel" && numbersOnly(typeView, 3)) {
            phi::SensorSample sample;
            sample.accelX = number(types, argv, 0);
            sample.accelY = number(types, argv, 1);
            sample.accelZ = number(types, argv, 2);
            applied = pushSensor(sample);
        }
        lo_message_free(m);
    }
    (applied ? received_ : rejected_).fetch_add(1, std::memory_order_relaxed);
    return applied;
}

}  // namespace soundlab::api
