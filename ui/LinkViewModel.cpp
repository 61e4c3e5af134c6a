#include "LinkViewModel.h"

#include "RemoteBackend.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QUrlQuery>
#include <QWebSocket>

#include <algorithm>

namespace soundlab {

namespace {
// Needs the token (unlike /healthz), so a wrong one is seen; answered on the server thread.
const QString kHeartbeatPath = QStringLiteral("/version");
}  // namespace

LinkViewModel::LinkViewModel(QString localApi, QObject* parent)
    : QObject(parent), localApi_(std::move(localApi)) {
    stateChangedAtMs_ = QDateTime::currentMSecsSinceEpoch();
}

LinkViewModel::LinkViewModel(RemoteBackend& backend, QObject* parent)
    : QObject(parent), backend_(&backend), state_(State::Connecting) {
    stateChangedAtMs_ = QDateTime::currentMSecsSinceEpoch();
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &LinkViewModel::probe);
    // Any request of any view-model that fails shows the loss at once, not at the next beat.
    connect(backend_, &RemoteBackend::transportFailed, this,
            [this](const QString& reason) { goDown(State::Down, reason); });
    connect(backend_, &RemoteBackend::unauthorized, this, [this] {
        goDown(State::Unauthorized, {});
    });
    probe();
}

LinkViewModel::~LinkViewModel() {
    closeEvents();
}

QString LinkViewModel::state() const {
    switch (state_) {
    case State::Local: return QStringLiteral("local");
    case State::Connecting: return QStringLiteral("connecting");
    case State::Up: return QStringLiteral("up");
    case State::Down: return QStringLiteral("down");
    case State::Unauthorized: return QStringLiteral("unauthorized");
    }
    return {};
}

QString LinkViewModel::box() const {
    return backend_ ? backend_->hostAndPort() : localApi_;
}

bool LinkViewModel::eventsConnected() const {
    return events_ && events_->state() == QAbstractSocket::ConnectedState;
}

void LinkViewModel::probe() {
    if (probing_) return;
    probing_ = true;
    QElapsedTimer elapsed;
    elapsed.start();
    backend_->probe(kHeartbeatPath, state_ == State::Up ? kHeartbeatTimeoutMs : kConnectTimeoutMs,
                    this, [this, elapsed](const BackendReply& reply) {
                        probing_ = false;
                        answered(reply, elapsed.elapsed());
                    });
}

void LinkViewModel::answered(const BackendReply& reply, qint64 elapsedMs) {
    if (reply.ok()) {
        roundTripMs_ = double(elapsedMs);
        const bool cameUp = state_ != State::Up;
        if (cameUp) {
            backoffMs_ = 0;
            backend_->setOpen(true);
            setState(State::Up, {});
            emit resync(true);
            openEvents();
        } else {
            emit changed();  // the round trip
        }
        timer_.start(kHeartbeatIntervalMs);
        return;
    }
    if (reply.status == 401) return goDown(State::Unauthorized, {});
    goDown(State::Down, reply.status == 0 ? reply.message()
                                          : QStringLiteral("%1 answered %2: %3")
                                                .arg(backend_->hostAndPort())
                                                .arg(reply.status)
                                                .arg(reply.message()));
}

void LinkViewModel::goDown(State state, const QString& reason) {
    if (state_ == State::Up) timer_.stop();  // the next heartbeat
    backend_->setOpen(false);
    closeEvents();
    roundTripMs_ = -1;
    if (state == State::Unauthorized) {
        const QString box = backend_->hostAndPort();
        setState(state, backend_->token().isEmpty()
                            ? QStringLiteral("The server at %1 needs a token (401): give it "
                                             "with --token or SOUNDLAB_TOKEN")
                                  .arg(box)
                            : QStringLiteral("The server at %1 refused the token (401): give "
                                             "the right one with --token or SOUNDLAB_TOKEN")
                                  .arg(box));
    } else {
        setState(state, reason);
    }
    // One attempt per step: the probe on its way schedules the next when it answers, and an
    // attempt already scheduled stays as it is.
    if (probing_) return;
    if (timer_.isActive()) return;
    const int cap =
        state == State::Unauthorized ? kMaxUnauthorizedBackoffMs : kMaxDownBackoffMs;
    backoffMs_ = backoffMs_ == 0 ? 500 : std::min(backoffMs_ * 2, cap);
    timer_.start(backoffMs_);
}

void LinkViewModel::setState(State state, const QString& message) {
    if (state != state_) stateChangedAtMs_ = QDateTime::currentMSecsSinceEpoch();
    state_ = state;
    message_ = message;
    emit changed();
}

void LinkViewModel::openEvents() {
    closeEvents();
    lastSeq_ = -1;
    QUrl url = backend_->base();
    url.setScheme(url.scheme() == QLatin1String("https") ? QStringLiteral("wss")
                                                         : QStringLiteral("ws"));
    url.setPath(QStringLiteral("/ws/events"));
    QNetworkRequest request(url);
    if (!backend_->token().isEmpty())
        request.setRawHeader("Authorization", "Bearer " + backend_->token().toUtf8());
    events_ = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(events_, &QWebSocket::textMessageReceived, this, &LinkViewModel::eventArrived);
    // Closed with 4004: a box without /ws/events (the views poll); any other close: the
    // heartbeat decides whether the link is lost. Either way no new socket until it comes up.
    connect(events_, &QWebSocket::disconnected, events_, &QObject::deleteLater);
    events_->open(request);
}

void LinkViewModel::closeEvents() {
    if (!events_) return;
    events_->disconnect(this);
    events_->abort();
    events_->deleteLater();
    events_ = nullptr;
}

void LinkViewModel::eventArrived(const QString& text) {
    const QJsonObject record = QJsonDocument::fromJson(text.toUtf8()).object();
    if (record.isEmpty()) return;
    const qint64 seq = record.value(QLatin1String("seq")).toInteger(-1);
    // A gap: records were missed (dropped under load, or the box restarted); read it all again.
    if (seq >= 0 && lastSeq_ >= 0 && seq != lastSeq_ + 1) emit resync(false);
    if (seq >= 0) lastSeq_ = seq;
    emit event(record);
}

}  // namespace soundlab
