#include "api/EventStream.h"

#include "api/JsonSchema.h"
#include "engine/AudioEngine.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMetaObject>
#include <QUrl>

namespace soundlab::api {

namespace {

double unixNow() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Who made the change: the in-process client's name ("gui"), else the peer address (IPv4 as a
// dotted quad even when the socket is dual-stack).
QString clientOf(const Request& request) {
    if (!request.client.isEmpty()) return request.client;
    bool isIpv4 = false;
    const quint32 ipv4 = request.peer.toIPv4Address(&isIpv4);
    return isIpv4 ? QHostAddress(ipv4).toString() : request.peer.toString();
}

QString pathWithQuery(const Request& request) {
    const QString query = request.rawQuery.toString(QUrl::FullyEncoded);
    return query.isEmpty() ? request.path : request.path + u'?' + query;
}

}  // namespace

EventStream::EventStream(Sources sources) : sources_(std::move(sources)) {}

EventStream::~EventStream() = default;

bool EventStream::audibleRoute(const QByteArray& method, const QString& routePath) {
    // What the audio thread takes at the start of its next block: the engine and downmix
    // parameters, the Φ settings, the master gain (and panic), and what a preset apply or an A/B
    // toggle sets (engine, downmix and Φ).
    static const QList<QPair<QByteArray, QString>> audible{
        {"PUT", QStringLiteral("/api/engine")},
        {"PUT", QStringLiteral("/api/phi")},
        {"PUT", QStringLiteral("/api/audio/output")},
        {"POST", QStringLiteral("/api/audio/panic")},
        {"POST", QStringLiteral("/api/presets/{id}/apply")},
        {"POST", QStringLiteral("/api/presets/ab/toggle")},
    };
    return audible.contains(qMakePair(method, routePath));
}

bool EventStream::recordedRoute(const QByteArray& method, const QString& routePath) {
    return method != "GET" && routePath != QLatin1String("/api/phi/sensor");
}

QJsonObject EventStream::frameSchema() {
    using namespace schema;
    return object(
        {
            {QStringLiteral("seq"), integer(1, {},
                                            QStringLiteral("1, 2, 3, … per server run; "
                                                           "a gap: records were lost"))},
            {QStringLiteral("time"), number(0, {}, QStringLiteral("Unix s when it was sent"))},
            {QStringLiteral("type"), stringEnum({QStringLiteral("change"), QStringLiteral("audio"),
                                                 QStringLiteral("calibration")})},
            {QStringLiteral("client"),
             string(QStringLiteral("change: who made it: \"gui\" or the peer address"))},
            {QStringLiteral("method"), string(QStringLiteral("change: the request's method"))},
            {QStringLiteral("path"), string(QStringLiteral("change: the path, with its query"))},
            {QStringLiteral("status"), integer(200, 299, QStringLiteral("change: the answer's"))},
            {QStringLiteral("state"),
             described(
                 withTypes(object({}, {}, true), {QStringLiteral("object"), QStringLiteral("array"),
                                                  QStringLiteral("null")}),
                 QStringLiteral("change: the answer's JSON body (absent when not JSON or "
                                "over 64 KiB); audio: the stream fields of /api/status; "
                                "calibration: the latest run as in /api/latency"))},
            {QStringLiteral("block"),
             integer(0, {},
                     QStringLiteral("change reaching the audio thread, stream running: "
                                    "the callback index of the first block that surely "
                                    "applied it"))},
            {QStringLiteral("heard_time"),
             number(0, {}, QStringLiteral("Unix s when that block is heard (within one block)"))},
        },
        {QStringLiteral("seq"), QStringLiteral("time"), QStringLiteral("type")});
}

void EventStream::changed(const Request& request, const Response& response, bool audible) {
    // First: the block that may already be running is the one to wait past.
    const uint64_t callbacks = audible ? sources_.engine.chain().callbackCount() : 0;
    if (response.status < 200 || response.status >= 300) return;
    Pending pending;
    pending.record = {
        {QStringLiteral("type"), QStringLiteral("change")},
        {QStringLiteral("client"), clientOf(request)},
        {QStringLiteral("method"), QString::fromLatin1(request.method)},
        {QStringLiteral("path"), pathWithQuery(request)},
        {QStringLiteral("status"), response.status},
    };
    if (response.contentType.startsWith("application/json") &&
        response.body.size() <= kMaxStateBytes)
        pending.answerBody = response.body;  // shared, not copied; parsed when it goes out
    pending.audible = audible;
    pending.callbacks = callbacks;
    enqueue(std::move(pending));
}

void EventStream::enqueue(Pending pending) {
    pending.queuedAt = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (context_ == nullptr) return;  // no server running: nobody to tell
    pending.seq = ++seq_;
    if (queue_.size() >= size_t(kMaxPending)) {
        ++lost_;  // its seq stays unused: the clients see the gap
        return;
    }
    const bool wake = queue_.empty();
    queue_.push_back(std::move(pending));
    if (wake)
        QMetaObject::invokeMethod(
            context_, [this] { drain(); }, Qt::QueuedConnection);
}

void EventStream::start(QObject* serverThreadContext, Send send) {
    send_ = std::move(send);
    holdTimer_ = std::make_unique<QTimer>();
    holdTimer_->setSingleShot(true);
    holdTimer_->setInterval(kHoldPoll);
    holdTimer_->setTimerType(Qt::PreciseTimer);
    QObject::connect(holdTimer_.get(), &QTimer::timeout, [this] { drain(); });
    // The state to compare with: only what changes after the start is a record.
    lastAudio_ = sources_.audioState();
    lastCalibration_ = sources_.calibration();
    watchTimer_ = std::make_unique<QTimer>();
    watchTimer_->setInterval(kWatchInterval);
    QObject::connect(watchTimer_.get(), &QTimer::timeout, [this] { watch(); });
    watchTimer_->start();
    std::lock_guard lock(mutex_);
    context_ = serverThreadContext;
    seq_ = 0;  // numbered per server run
}

void EventStream::stop() {
    {
        std::lock_guard lock(mutex_);
        context_ = nullptr;
        queue_.clear();
    }
    holdTimer_.reset();
    watchTimer_.reset();
    send_ = {};
}

quint64 EventStream::lastSeq() const {
    std::lock_guard lock(mutex_);
    return seq_;
}

quint64 EventStream::lost() const {
    std::lock_guard lock(mutex_);
    return lost_;
}

bool EventStream::resolveBlock(Pending& pending) {
    AudioEngine& engine = sources_.engine;
    const AudioStatus status = engine.status();
    const bool expired = std::chrono::steady_clock::now() - pending.queuedAt > kMaxHold;
    if (status.state != StreamState::Running) return true;  // no block will apply it soon
    // The Φ state first: its block is then at most the latest one counted below.
    const phi::State phi = engine.phiState();
    const uint64_t completed = engine.chain().callbackCount();
    const uint64_t block = pending.callbacks + 1;  // the first block sure to start with it
    if (completed < block + 1) return expired;     // not completed yet: wait, up to kMaxHold
    pending.record.insert(QStringLiteral("block"), qint64(block));
    if (phi.blocks > 0 && status.stream.sampleRate > 0.0) {
        // The latest block's heard time, moved back by the blocks completed after `block`.
        const double blockSeconds =
            double(engine.chain().lastBlockFrames()) / status.stream.sampleRate;
        const double later = double(completed - 1 - block);
        pending.record.insert(QStringLiteral("heard_time"),
                              sources_.heardTime(phi.blockNs) - later * blockSeconds);
    }
    return true;
}

void EventStream::drain() {
    for (;;) {
        Pending head;
        {
            std::lock_guard lock(mutex_);
            if (queue_.empty() || !send_) return;
            head = queue_.front();  // implicitly shared members: cheap
        }
        if (head.audible && !resolveBlock(head)) {
            if (!holdTimer_->isActive()) holdTimer_->start();
            return;
        }
        {
            std::lock_guard lock(mutex_);
            if (queue_.empty() || queue_.front().seq != head.seq) return;  // stopped meanwhile
            queue_.pop_front();
        }
        QJsonObject record = head.record;
        if (!head.answerBody.isEmpty()) {
            const QJsonDocument doc = QJsonDocument::fromJson(head.answerBody);
            if (doc.isObject())
                record.insert(QStringLiteral("state"), doc.object());
            else if (doc.isArray())
                record.insert(QStringLiteral("state"), doc.array());
        }
        record.insert(QStringLiteral("seq"), qint64(head.seq));
        record.insert(QStringLiteral("time"), unixNow());
        send_(QString::fromUtf8(QJsonDocument(record).toJson(QJsonDocument::Compact)));
    }
}

void EventStream::watch() {
    // One record each time a watched document differs from the one last sent.
    const auto publishIfChanged = [this](const QString& type, const QJsonValue& now,
                                         QJsonValue& last) {
        if (now == last) return;
        last = now;
        Pending pending;
        pending.record = {{QStringLiteral("type"), type}, {QStringLiteral("state"), now}};
        enqueue(std::move(pending));
    };
    publishIfChanged(QStringLiteral("audio"), sources_.audioState(), lastAudio_);
    publishIfChanged(QStringLiteral("calibration"), sources_.calibration(), lastCalibration_);
}

}  // namespace soundlab::api
